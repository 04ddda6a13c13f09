import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerDirectoryV1 } from '../../projections/customer-directory/v1.ts';
import { customerDirectoryV2 } from '../../projections/customer-directory/v2.ts';
import { defineProjection, type ProjectionDefinition } from '../../src/definitions/index.ts';
import { cutover, rebuildStatus, requestRebuild, verifyVersion } from '../../src/rebuild/index.ts';
import type { CheckResult } from '../../src/registry/index.ts';
import { refusalOf } from '../harness/refusalOf.ts';
import { appendAll } from '../projections/support/appendAll.ts';
import { cloneAs } from './fixtures/directoryVersions.ts';
import { customerEvents } from './support/customerEvents.ts';
import { registrySnapshot } from './support/registrySnapshot.ts';
import { openTestBed, type TestBed } from './support/testBed.ts';

const name = 'customer-directory';

/** v2 with one more content check, in the typed form: a column set of its own table. */
const v2WithEmails = defineProjection({
  name: customerDirectoryV2.name,
  version: 2,
  tables: customerDirectoryV2.tables,
  handlers: customerDirectoryV2.handlers,
  checks: [
    ...customerDirectoryV2.checks,
    { kind: 'same-rows', name: 'the same emails', table: 'customers', columns: ['email'] },
  ],
});
/** v2's tables and handlers as v3, declaring no checks. */
const unchecked = cloneAs(customerDirectoryV2, 3);

const sameRows = (results: readonly CheckResult[]) => results.filter((r) => r.kind === 'same-rows');

describe('content verification before a cutover', () => {
  let bed: TestBed;
  const definitions: ProjectionDefinition[] = [customerDirectoryV1, v2WithEmails, unchecked];
  let customers: string;
  let engine: Awaited<ReturnType<TestBed['startEngine']>>['engine'];
  beforeEach(async () => {
    bed = await openTestBed('content');
    const { pool, client } = bed;
    await appendAll(client, customerEvents({ count: 3_000, customers: 600, seed: 71 }));
    const started = await bed.startEngine({ definitions, autoRebuild: false });
    const { waitFor } = started;
    engine = started.engine;
    await requestRebuild({ pool, name, version: 1 });
    await waitFor('cutover:done', (e) => e.to === 1);
    await requestRebuild({ pool, name, version: 2 });
    await requestRebuild({ pool, name, version: 3 });
    await waitFor('rebuild:caught-up', (e) => e.version === 2);
    await waitFor('rebuild:caught-up', (e) => e.version === 3);
    customers =
      (await pool.query<{ n: string }>('select count(*)::text as n from customer_directory__v1.customers'))
        .rows[0]?.n ?? '';
    expect(Number(customers)).toBeGreaterThan(100);
  });
  afterEach(async () => {
    await bed.close();
  });

  it('passes on equal content, comparing every row of both versions by key', async () => {
    const verification = await verifyVersion({ pool: bed.pool, definitions, name, version: 2 });
    expect(verification).toMatchObject({ against: 1, passed: true, outcome: 'passed', aligned: true });
    const content = sameRows(verification.results);
    expect(content.map((r) => r.check)).toEqual([
      'every customer reads as in v1 (name, email, city)',
      'the same emails',
    ]);
    for (const result of content)
      expect(result).toMatchObject({
        ok: true,
        expected: customers,
        actual: customers,
        content: { ranges: 1_024, differingRanges: 0, differingRows: 0, firstKeys: [] },
      });
  });

  it('finds a planted difference by key and names the first differing keys; the cutover is refused', async () => {
    const { pool, client } = bed;
    const ids = (
      await pool.query<{ id: string }>('select id from customer_directory__v2.customers order by id limit 4')
    ).rows.map((r) => r.id);
    const [changed, moved, missing, mailed] = ids as [string, string, string, string];
    // Four kinds of drift in v2, where v1 is right: a name, a lost address, a lost row, an email.
    await pool.query(`update customer_directory__v2.customers set last_name = 'Planted' where id = $1`, [
      changed,
    ]);
    await pool.query(`delete from customer_directory__v2.addresses where customer_id = $1`, [moved]);
    await pool.query(`delete from customer_directory__v2.customers where id = $1`, [missing]);
    await pool.query(`update customer_directory__v2.customers set email = 'x@planted.test' where id = $1`, [
      mailed,
    ]);
    await pool.query(
      `insert into customer_directory__v2.customers
         select 'zz-extra', first_name, last_name, email, email_domain, phone, marketing_opt_in, registered_at
           from customer_directory__v2.customers where id = $1`,
      [mailed],
    );
    await pool.query(
      `insert into customer_directory__v2.addresses
         select 'zz-extra', street, postal_code, city, country from customer_directory__v2.addresses where customer_id = $1`,
      [mailed],
    );

    const verification = await verifyVersion({ pool, definitions, name, version: 2 });
    expect(verification).toMatchObject({ passed: false, outcome: 'failed', aligned: true });
    const [mapped, emails] = sameRows(verification.results);
    expect(mapped).toMatchObject({
      ok: false,
      expected: customers,
      actual: customers, // one lost, one extra
      content: {
        differingRows: 5,
        firstKeys: [
          { key: { id: changed }, side: 'changed' },
          { key: { id: moved }, side: 'changed' },
          { key: { id: missing }, side: 'missing' },
          { key: { id: mailed }, side: 'changed' },
          { key: { id: 'zz-extra' }, side: 'extra' },
        ],
      },
    });
    expect(mapped?.content?.differingRanges).toBeGreaterThanOrEqual(1);
    expect(mapped?.content?.differingRanges).toBeLessThanOrEqual(5);
    expect(emails).toMatchObject({
      ok: false,
      content: {
        differingRows: 3,
        firstKeys: [
          { key: { id: missing }, side: 'missing' },
          { key: { id: mailed }, side: 'changed' },
          { key: { id: 'zz-extra' }, side: 'extra' },
        ],
      },
    });

    const before = await registrySnapshot(pool, name);
    const refused = await refusalOf(cutover({ pool, client, definitions, name, version: 2, actor: 'ops' }));
    expect(refused.code).toBe('PRJ_CHECK_FAILED');
    expect(refused.message).toContain(`5 rows differ`);
    expect(refused.message).toContain(`{"id":"${changed}"} changed`);
    expect(refused.message).toContain(`{"id":"${missing}"} missing`);
    const { active_version } = (
      await pool.query<{ active_version: number }>(
        'select active_version from projectionist.projections where name = $1',
        [name],
      )
    ).rows[0] ?? { active_version: 0 };
    expect(active_version).toBe(1);
    expect((await registrySnapshot(pool, name)).audit).toEqual(before.audit);
  });

  it('reports a version that declares no checks as unverified and cuts over to it only when told so', async () => {
    const { pool, client } = bed;
    const status = await rebuildStatus({ pool, client, definitions });
    const versions = status.find((p) => p.name === name)?.versions ?? [];
    expect(versions.map((v) => [v.version, v.declaredChecks])).toEqual([
      [1, 0],
      [2, 3],
      [3, 0],
    ]);
    const verification = await verifyVersion({ pool, definitions, name, version: 3 });
    expect(verification).toMatchObject({ against: 1, passed: false, outcome: 'unverified', results: [] });

    const refused = await refusalOf(cutover({ pool, client, definitions, name, version: 3, actor: 'ops' }));
    expect(refused.code).toBe('PRJ_UNVERIFIED');
    expect(refused.message).toContain('--unverified');
    const switched = await cutover({
      pool,
      client,
      definitions,
      name,
      version: 3,
      actor: 'ops',
      unverified: true,
    });
    expect(switched).toMatchObject({ from: 1, to: 3, verification: { outcome: 'unverified' } });
  });

  it('never cuts over to an unverified version under the auto policy', async () => {
    await bed.stopEngine(engine);
    const auto = await bed.startEngine({
      definitions: [customerDirectoryV1, unchecked],
      autoRebuild: false,
      cutoverPolicy: () => 'auto',
    });
    const refused = await auto.waitFor('cutover:refused', (e) => e.version === 3, 30_000);
    expect(refused.error.code).toBe('PRJ_UNVERIFIED');
    const active = await bed.pool.query<{ active_version: number }>(
      'select active_version from projectionist.projections where name = $1',
      [name],
    );
    expect(active.rows[0]?.active_version).toBe(1);
  });
});
