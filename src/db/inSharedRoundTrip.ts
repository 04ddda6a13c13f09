import pg from 'pg';
import { transactionOn } from './inTransaction.ts';
import { inlineStatement } from './inlineStatement.ts';
import { queryAll } from './queryAll.ts';
import type { Statement } from './Statement.ts';

/** Texts from which a transaction goes alone: a combined query stays a few hundred KiB at most. */
const maxSharedChars = 256 * 1024;
/** Transactions in one combined round trip at most. */
const maxMembers = 32;

type Member = {
  readonly texts: readonly string[];
  readonly chars: number;
  readonly order: string;
  readonly resolve: (results: pg.QueryResult[]) => void;
  readonly reject: (error: unknown) => void;
};

type Combiner = { queue: Member[]; scheduled: boolean; running: boolean };

const combiners = new WeakMap<pg.Pool, Combiner>();
const apart = new WeakSet<pg.Pool>();

/** `begin`, the texts and `commit` in one simple query on a connection of its own. */
export const oneRoundTrip = (pool: pg.Pool, texts: readonly string[]): Promise<pg.QueryResult[]> => {
  let results: pg.QueryResult[] = [];
  return transactionOn(
    pool,
    async (client) => {
      results = (await queryAll(client, ['begin', ...texts, 'commit'])).slice(1, -1);
    },
    () => Promise.resolve(results),
    () => Promise.resolve(),
  );
};

/**
 * The server refused the query (it answered an error with a SQLSTATE): the transaction aborted and
 * nothing of it committed. Any other failure (a connection lost mid-query) leaves that unknown.
 */
const refusedByServer = (error: unknown): boolean => error instanceof pg.DatabaseError;

const runAlone = (pool: pg.Pool, member: Member): Promise<void> =>
  oneRoundTrip(pool, member.texts).then(member.resolve, member.reject);

/** Takes from the queue the members of the next round trip: as many as fit, in arrival order. */
const takeBatch = (combiner: Combiner): Member[] => {
  let chars = 0;
  let taken = 0;
  for (const member of combiner.queue) {
    if (taken === maxMembers || (taken > 0 && chars + member.chars > maxSharedChars)) break;
    chars += member.chars;
    taken += 1;
  }
  return combiner.queue.splice(0, taken);
};

const runTogether = async (pool: pg.Pool, members: Member[]): Promise<void> => {
  if (members.length === 1) return runAlone(pool, members[0]!);
  // One lock order for every process: members take their rows sorted by their keys.
  members.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  let results: pg.QueryResult[];
  try {
    results = await oneRoundTrip(
      pool,
      members.flatMap((m) => m.texts),
    );
  } catch (error) {
    // Nothing committed. Each member tries again alone, so each sees its own outcome: the one
    // whose statement failed gets that error, the others commit.
    if (refusedByServer(error)) await Promise.all(members.map((m) => runAlone(pool, m)));
    else for (const member of members) member.reject(error);
    return;
  }
  let at = 0;
  for (const member of members) {
    member.resolve(results.slice(at, at + member.texts.length));
    at += member.texts.length;
  }
};

const drain = async (pool: pg.Pool, combiner: Combiner): Promise<void> => {
  combiner.scheduled = false;
  combiner.running = true;
  while (combiner.queue.length > 0) await runTogether(pool, takeBatch(combiner));
  combiner.running = false;
};

/**
 * `begin`, the statements and `commit` in one round trip, as inOneRoundTrip — but sharing it with
 * the other such transactions of this pool that are waiting, as a database's group commit does:
 * those asked for in the same turn of the event loop, or while one is in flight, go together as
 * one transaction (`begin; a; b; c; commit`). So the live flushes of a process's projections,
 * which an arriving batch of events starts together, cost one round trip and one commit instead
 * of one each, and hold one connection instead of one each.
 *
 * Each caller answers its own statements' results. When the combined transaction is refused, none
 * of it committed, and each member runs again alone: so one member's failure (a lost lease, a
 * refused row) is its own, and the others commit. `order` sorts the members of a combined
 * transaction, so that every process takes the rows it locks in one order.
 */
export const inSharedRoundTrip = (
  pool: pg.Pool,
  statements: readonly Statement[],
  order: string,
): Promise<pg.QueryResult[]> => {
  const texts = statements.map(inlineStatement);
  if (apart.has(pool)) return oneRoundTrip(pool, texts);
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  if (chars > maxSharedChars) return oneRoundTrip(pool, texts);
  let combiner = combiners.get(pool);
  if (combiner === undefined) {
    combiner = { queue: [], scheduled: false, running: false };
    combiners.set(pool, combiner);
  }
  const own = combiner;
  return new Promise((resolve, reject) => {
    own.queue.push({ texts, chars, order, resolve, reject });
    if (own.running || own.scheduled) return;
    own.scheduled = true;
    setImmediate(() => void drain(pool, own));
  });
};

/** This pool's transactions go alone (PROJECTIONIST_SHARED_FLUSH=false). */
export const keepRoundTripsApart = (pool: pg.Pool): void => {
  apart.add(pool);
};
