import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractRegistry, type Events } from '../../events/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { defineProjectionOf, loadProjections } from '../../src/definitions/index.ts';

const fixtures = join(import.meta.dirname, 'fixtures');

const failure = async (folder: string): Promise<unknown> => {
  try {
    await loadProjections({ folder, contracts: contractRegistry });
    return undefined;
  } catch (error) {
    return error;
  }
};

describe('loadProjections', () => {
  it('finds every <name>/v<N>.ts of the example projections, in name and version order', async () => {
    const found = await loadProjections({
      folder: join(fixtures, '../../../projections'),
      contracts: contractRegistry,
    });
    expect(found.map((p) => `${p.name} v${p.version}`)).toEqual([
      'customer-directory v1',
      'customer-directory v2',
      'daily-revenue v1',
      'order-totals v1',
    ]);
  });

  it('deploys a v3.ts dropped into the folder, with no index to edit', async () => {
    // Beside the fixtures, so that the copies' relative imports resolve as the originals' do.
    const folder = await mkdtemp(join(fixtures, '.deploy-'));
    try {
      await cp(join(fixtures, 'loadable'), folder, { recursive: true });
      const before = await loadProjections({ folder, contracts: contractRegistry });
      expect(before.map((p) => p.version)).toEqual([1, 2]);

      await cp(join(fixtures, 'dropIn/payments/v3.ts'), join(folder, 'payments/v3.ts'));
      const after = await loadProjections({ folder, contracts: contractRegistry });
      expect(after.map((p) => `${p.name} v${p.version}`)).toEqual([
        'payments v1',
        'payments v2',
        'payments v3',
      ]);
      expect(after[2]?.model.schema).toBe('payments__v3');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('refuses a handler of an unregistered event type, naming the file and the closest type', async () => {
    const error = await failure(join(fixtures, 'misspelt'));
    expect(isProjectionistError(error) && error.code).toBe('PRJ_PROJECTION_INVALID');
    expect((error as Error).message).toContain(
      'payments/v1.ts handles PaymentRefnded, which is not a registered event type (did you mean PaymentRefunded?)',
    );
  });

  it('refuses a file whose definition is not the version its path names', async () => {
    const error = await failure(join(fixtures, 'mismatched'));
    expect(isProjectionistError(error) && error.code).toBe('PRJ_PROJECTION_INVALID');
    expect((error as Error).message).toContain(
      'payments/v2.ts defines payments v1; its path says payments v2',
    );
  });
});

describe('defineProjectionOf', () => {
  const tables = { seen: { columns: { id: 'text', customer: 'text' }, primaryKey: ['id'] } } as const;

  it('types each handler by its event, and refuses an unknown type at compile time', () => {
    const definition = defineProjectionOf<Events>()({
      name: 'typed',
      version: 1,
      tables,
      handlers: {
        OrderPlaced: {
          keys: () => [],
          // No annotation: e.data is OrderPlaced's newest data, store is typed by `tables`.
          apply: (e, store) => store.upsert('seen', { id: e.streamId, customer: e.data.customerId }),
        },
        PaymentReceived: {
          keys: () => [],
          // @ts-expect-error: PaymentReceived carries no customerId
          apply: (e, store) => store.upsert('seen', { id: e.streamId, customer: e.data.customerId }),
        },
        // @ts-expect-error: OrderPlacd is no event type of Events
        OrderPlacd: { keys: () => [], apply: () => {} },
      },
    });
    // The types vanish at run time: the unknown key is the loader's to refuse.
    expect(Object.keys(definition.handlers)).toEqual(['OrderPlaced', 'PaymentReceived', 'OrderPlacd']);
  });
});
