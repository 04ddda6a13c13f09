import { randomUUID } from 'node:crypto';
import pg from 'pg';

const adminUrl = process.env.PROJECTIONIST_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withAdmin = async (sql: string) => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
};

/** A peer run's database. */
export type PeerDatabase = {
  readonly name: string;
  readonly url: string;
  /** A pool on it (no idle timeout), whose clients may be ended by drop() without a fault. */
  pool(max: number): pg.Pool;
  drop(): Promise<void>;
};

/**
 * A database of one peer run's own, `bench_peers_<random>`, created now; `name` is what its
 * backends show in their process titles (postgresCpu reads them); `drop()` removes it, ending
 * whatever still uses it.
 */
export const peerDatabase = async (): Promise<PeerDatabase> => {
  const name = `bench_peers_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  await withAdmin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropping = false;
  return {
    name,
    url: url.toString(),
    pool: (max) => {
      const pool = new pg.Pool({ connectionString: url.toString(), max, idleTimeoutMillis: 0 });
      // pool.end() may resolve before every socket has closed; the drop's termination of such a
      // client then arrives as a pool error, which is no fault of the run.
      pool.on('error', (error) => {
        if (!dropping) throw error;
      });
      return pool;
    },
    drop: () => {
      dropping = true;
      return withAdmin(`drop database if exists ${name} with (force)`);
    },
  };
};
