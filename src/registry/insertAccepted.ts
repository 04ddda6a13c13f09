import type pg from 'pg';

/**
 * Records commands a deployment accepted over HTTP; an id it has accepted before keeps its first
 * record (the intake is idempotent). One statement.
 */
export const insertAccepted = async (options: {
  db: pg.Pool | pg.PoolClient;
  /** The deployment's topic prefix. */
  prefix: string;
  commands: readonly { id: string; streamId: string; type: string }[];
}): Promise<void> => {
  const { db, prefix, commands } = options;
  if (commands.length === 0) return;
  await db.query(
    `insert into projectionist.accepted (prefix, command_id, stream_id, command_type)
     select $1, * from unnest($2::text[], $3::text[], $4::text[]) on conflict do nothing`,
    [prefix, commands.map((c) => c.id), commands.map((c) => c.streamId), commands.map((c) => c.type)],
  );
};
