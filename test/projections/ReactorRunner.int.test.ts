import { describe, expect, it } from 'vitest';
import { isProjectionistError } from '../../src/errors/index.ts';
import { createEnvelope, highWatermarks } from '../../src/log/index.ts';
import { ReactorRunner, defineReactor } from '../../src/reactors/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import { type ProjectionDefinition, type ProjectionEvent } from '../../src/definitions/index.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { appendAll } from './support/appendAll.ts';
import { useProjectionBed } from './support/projectionBed.ts';
import { testDecoder } from './support/testDecoder.ts';

const opened = (n: number) =>
  createEnvelope({
    type: 'AccountOpened',
    version: 1,
    streamId: `acct-${n}`,
    data: { owner: `o${n}`, email: `a${n}@example.com` },
  });

describe('reactors', () => {
  const bed = useProjectionBed({ label: 'react', eventsPartitions: 3, poolMax: 4, registry: true });

  it('act on live events only, from their own checkpoint, and never during a replay', async () => {
    const { pool, client } = bed;
    const mailed: string[] = [];
    let failOnce = true;
    const welcomeMail = defineReactor({
      name: 'welcome-mail',
      handlers: {
        AccountOpened: (e: ProjectionEvent<{ email: string }>, { attempt }) => {
          if (e.streamId === 'acct-6' && failOnce) {
            failOnce = false;
            throw new Error('mail server said 451, try later');
          }
          mailed.push(`${e.data.email}#${attempt}`);
        },
      },
    });
    const start = async () => {
      const runner = new ReactorRunner({
        pool,
        client,
        reactor: welcomeMail,
        decode: testDecoder,
        retry: { minMs: 10 },
      });
      const started = runner.events.once('reactor:started');
      await runner.start();
      await started;
      return runner;
    };
    const untilMailed = async (runner: ReactorRunner, count: number) => {
      while (mailed.length < count) await runner.events.once('reactor:fired');
    };

    // history from before the reactor existed is never acted on
    await appendAll(client, [1, 2, 3].map(opened));
    let runner = await start();
    try {
      await appendAll(client, [4, 5].map(opened));
      await untilMailed(runner, 2);
      expect(mailed.sort()).toEqual(['a4@example.com#1', 'a5@example.com#1']);

      // a replay over the whole log builds a projection and leaves reactors untouched
      const projector = ledgerProjection(1);
      const until = await highWatermarks({ client, topic: client.topics.events });
      const replayed = await replayProjection({
        pool,
        client,
        definition: projector,
        decode: testDecoder,
        until,
      });
      expect(replayed.status).toBe('reached');
      const accounts = await pool.query(`select count(*)::int as n from "ledger__v1".accounts`);
      expect(accounts.rows).toEqual([{ n: 5 }]);
      await new Promise((r) => setTimeout(r, 300));
      expect(mailed).toHaveLength(2);
      const refused = await replayProjection({
        pool,
        client,
        definition: welcomeMail as unknown as ProjectionDefinition,
        decode: testDecoder,
        until,
      }).catch((e: unknown) => e);
      expect(isProjectionistError(refused, 'PRJ_VALIDATION')).toBe(true);
    } finally {
      await runner.stop();
    }

    // events that arrive while it is stopped are acted on once when it starts again, a failed
    // one retried until it succeeds
    await appendAll(client, [6, 7].map(opened));
    runner = await start();
    try {
      await untilMailed(runner, 4);
      await new Promise((r) => setTimeout(r, 300));
      expect(mailed.slice(2).sort()).toEqual(['a6@example.com#2', 'a7@example.com#1']);
    } finally {
      await runner.stop();
    }
  });
});
