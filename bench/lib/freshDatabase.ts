import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The admin connection benches create their databases from. */
export const adminDatabaseUrl =
  process.env.PROJECTIONIST_BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const withAdmin = async (work: (client: pg.Client) => Promise<void>) => {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
};

/** A database of the bench's own, created now; `drop()` removes it (closing whatever still uses it). */
export const freshDatabase = async (label: string): Promise<{ url: string; drop(): Promise<void> }> => {
  const name = `bench_${label}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  await withAdmin((c) => c.query(`create database ${name}`).then(() => undefined));
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin((c) => c.query(`drop database if exists ${name} with (force)`).then(() => undefined)),
  };
};
