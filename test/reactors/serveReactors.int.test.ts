import { describe, expect, it } from 'vitest';
import { defineReactor, type ProjectionEvent } from '../../src/index.ts';
import { startProjectionist } from '../../src/main.ts';
import { readCheckpoints } from '../../src/registry/index.ts';
import { registerCustomer } from '../api/support/registerCustomer.ts';
import { eventually, testEnv } from '../harness/testEnv.ts';
import { useTestDatabase } from '../harness/testServices.ts';

describe('serve', () => {
  it('runs the deployed reactors on live events, beside the projections', async () => {
    const welcomed: string[] = [];
    const welcomeMail = defineReactor({
      name: 'welcome-mail',
      handlers: {
        CustomerRegistered: (event: ProjectionEvent<{ email: string }>) => {
          welcomed.push(event.data.email);
        },
      },
    });
    const r = await startProjectionist({
      env: testEnv(await useTestDatabase()),
      http: true,
      engine: true,
      reactors: [welcomeMail],
    });
    try {
      // A new reactor starts at the head of the log: wait until it has stored where that is.
      await eventually(
        async () =>
          (await readCheckpoints({ db: r.pool, name: 'reactor:welcome-mail', version: 0 })).size > 0 ||
          undefined,
        30_000,
        'the reactor to start',
      );
      const sent = await r.app!.inject({
        method: 'POST',
        url: '/commands',
        payload: registerCustomer('cmd-welcome-1', 'customer-welcome-1'),
      });
      expect(sent.statusCode).toBe(202);
      await eventually(async () => welcomed.length > 0 || undefined, 30_000, 'the welcome mail');
      expect(welcomed).toEqual(['customer-welcome-1@example.com']);
    } finally {
      await r.stop();
    }
  });
});
