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

/**
 * A database of one peer run's own, `bench_peers_<random>`, created now; `name` is what its
 * backends show in their process titles (postgresCpu reads them); `drop()` removes it, ending
 * whatever still uses it.
 */
export const peerDatabase = async (): Promise<{ name: string; url: string; drop(): Promise<void> }> => {
  const name = `bench_peers_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  await withAdmin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => withAdmin(`drop database if exists ${name} with (force)`) };
};
