import { runStatement, type Statement } from '../db/index.ts';
import type { HeldLease } from './deleteLease.ts';

/** The fencing of a version's lease, as a statement (a plan prints it). */
export const fenceLeaseStatement = (options: {
  name: string;
  version: number;
  holder: string;
}): Statement => ({
  text: `insert into projectionist.leases as l (name, version, holder, token, expires_at)
     values ($1, $2, $3, 1, 'infinity')
     on conflict (name, version) do update set holder = excluded.holder, token = l.token + 1,
       expires_at = excluded.expires_at, acquired_at = now()`,
  values: [options.name, options.version, options.holder],
});

/**
 * Gives a version's lease to `holder` for ever (it never expires) and bumps its token, whoever
 * held it: the holder's next flush fails its lease check, and nobody can take the lease again
 * until the row is deleted. Waits for a flush in flight, which holds the row since its own lease
 * check. One statement.
 */
export const fenceLease = async (options: HeldLease): Promise<void> => {
  await runStatement(options.db, fenceLeaseStatement(options));
};
