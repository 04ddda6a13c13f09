import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { freshDatabase } from '../../src/testing/index.ts';

const adminUrl = () => inject('databaseAdminUrl');

const exists = async (name: string) => {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
};

describe('freshDatabase', () => {
  it('creates <label>_<random> beside the admin connection, and drops it', async () => {
    const database = await freshDatabase({ adminUrl: adminUrl(), label: 'pj_fresh' });
    expect(database.name).toMatch(/^pj_fresh_[0-9a-f]{12}$/);
    expect(new URL(database.url).pathname).toBe(`/${database.name}`);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    expect((await client.query<{ db: string }>('select current_database() as db')).rows).toEqual([
      { db: database.name },
    ]);
    await client.end();
    expect(await database.drop()).toBe(true);
    expect(await exists(database.name)).toBe(false);
  });

  it('leaves a database still in use unless forced, and then ends its connections', async () => {
    const database = await freshDatabase({ adminUrl: adminUrl(), label: 'pj_fresh' });
    const holder = new pg.Client({ connectionString: database.url });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      expect(await database.drop()).toBe(false);
      expect(await exists(database.name)).toBe(true);
      expect(await database.drop({ force: true })).toBe(true);
      expect(await exists(database.name)).toBe(false);
    } finally {
      await holder.end().catch(() => undefined);
    }
  });

  it('drops what earlier runs made under its label when asked, and only that', async () => {
    const label = `pj_fresh_${Date.now().toString(36)}`;
    const earlier = await freshDatabase({ adminUrl: adminUrl(), label });
    const other = await freshDatabase({ adminUrl: adminUrl(), label: `${label}x` });
    try {
      const next = await freshDatabase({ adminUrl: adminUrl(), label, dropEarlier: true });
      expect(await exists(earlier.name)).toBe(false);
      expect(await exists(other.name)).toBe(true);
      expect(await exists(next.name)).toBe(true);
      await next.drop();
    } finally {
      await other.drop();
      await earlier.drop();
    }
  });

  it('refuses a label that is no lowercase SQL identifier', async () => {
    const error = await freshDatabase({ adminUrl: adminUrl(), label: 'x"; drop' }).catch((e: unknown) => e);
    expect(isProjectionistError(error, 'PRJ_VALIDATION')).toBe(true);
  });
});
