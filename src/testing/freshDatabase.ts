import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ProjectionistError } from '../errors/index.ts';

/** A database of one run's own (a test file, a bench, the demo) on a server that others share. */
export type FreshDatabase = {
  readonly name: string;
  /** The admin connection string with this database in its path. */
  readonly url: string;
  /**
   * Drops it. `force` ends whatever is still connected to it (for a run that is done with it).
   * Without it a database still in use is tried a few times more and then left, because ending
   * a connection some code still holds crashes that code. Answers whether it is gone.
   */
  drop(options?: { readonly force?: boolean }): Promise<boolean>;
};

export type FreshDatabaseOptions = {
  /** A connection string to any database of the server, as a role that may create databases. */
  readonly adminUrl: string;
  /** The start of the name, a lowercase SQL identifier: the database is `<label>_<random>`. */
  readonly label: string;
  /** First drop the databases that earlier runs made with this label (with force). Default false. */
  readonly dropEarlier?: boolean;
};

const labelPattern = /^[a-z_][a-z0-9_]{0,40}$/;
const dropAttempts = 5;

const withAdmin = async <T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
};

const dropDatabase = (admin: pg.Client, name: string, force: boolean) =>
  admin.query(`drop database if exists "${name}"${force ? ' with (force)' : ''}`);

/** Creates a database beside the admin connection's, named `<label>_<random>`, for one run. */
export const freshDatabase = async (options: FreshDatabaseOptions): Promise<FreshDatabase> => {
  const { adminUrl, label } = options;
  if (!labelPattern.test(label))
    throw new ProjectionistError(
      'PRJ_VALIDATION',
      `a fresh database's label must be a lowercase SQL identifier of at most 41 characters; got ${JSON.stringify(label)}`,
    );
  const name = `${label}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await withAdmin(adminUrl, async (admin) => {
    if (options.dropEarlier === true) {
      const earlier = await admin.query<{ datname: string }>(
        `select datname from pg_database where starts_with(datname, $1)`,
        [`${label}_`],
      );
      for (const row of earlier.rows) await dropDatabase(admin, row.datname, true);
    }
    await admin.query(`create database "${name}"`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = (dropOptions: { readonly force?: boolean } = {}) =>
    withAdmin(adminUrl, async (admin) => {
      const force = dropOptions.force === true;
      for (let attempt = 1; attempt <= (force ? 1 : dropAttempts); attempt++) {
        const dropped = await dropDatabase(admin, name, force).then(
          () => true,
          (error: unknown) => {
            if (force) throw error;
            return false;
          },
        );
        if (dropped) return true;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
      return false;
    });
  return { name, url: url.toString(), drop };
};
