import type { PartitionAssigner } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { highWatermarks } from '../../src/log/index.ts';
import { replayProjection } from '../../src/projections/index.ts';
import { AssignerProtocol, rawKafka, withRawAdmin } from '../harness/rawKafka.ts';
import { ledgerProjection } from './fixtures/ledgerProjection.ts';
import { appendAll } from './support/appendAll.ts';
import { ledgerEvents } from './support/ledgerEvents.ts';
import { useProjectionBed } from './support/projectionBed.ts';
import { tableChecksums } from './support/tableChecksum.ts';
import { testDecoder } from './support/testDecoder.ts';

/** Speaks the readers' assignment protocol, so that it can join a reader's group and upset it. */
const intruderAssigner: PartitionAssigner = () => ({
  name: 'ProjectionistChosenPartitions',
  version: 1,
  assign: ({ members }) =>
    Promise.resolve(
      members.map((member) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: {},
          userData: Buffer.alloc(0),
        }),
      })),
    ),
  protocol: ({ topics }) => ({
    name: 'ProjectionistChosenPartitions',
    metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
  }),
});

describe('a projector whose reader is rebalanced', () => {
  const bed = useProjectionBed({ label: 'rebal', eventsPartitions: 3, poolMax: 6, registry: true });

  it('applies no event twice when its reader has to join its group again', async () => {
    const { pool, client } = bed;
    await appendAll(client, ledgerEvents({ count: 1_500, accounts: 90, seed: 21 }));
    const definition = ledgerProjection(1);
    const projector = bed.projector({ definition });
    const caughtUp = projector.events.once('projector:caught-up');
    await projector.start();
    try {
      await caughtUp;
      // the tail's reader is the one group of this prefix; another member joining it forces a
      // rebalance, and its leaving another, each of which starts the reader's offsets over
      const groupId = await withRawAdmin(async (admin) => {
        for (let tries = 0; tries < 100; tries++) {
          const { groups } = await admin.listGroups();
          const found = groups.find((g) => g.groupId.startsWith(`${client.prefix}.reader.`))?.groupId;
          if (found !== undefined) return found;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error('no reader group');
      });
      const intruder = rawKafka().consumer({
        groupId,
        partitionAssigners: [intruderAssigner],
        sessionTimeout: 10_000,
      });
      await intruder.connect();
      await intruder.subscribe({ topic: client.topics.events });
      await intruder.run({ eachBatch: () => Promise.resolve() });
      await new Promise((r) => setTimeout(r, 1_000));
      await intruder.disconnect();

      const total = [...(await highWatermarks({ client, topic: client.topics.events })).values()].reduce(
        (a, b) => a + b,
        0n,
      );
      const more = ledgerEvents({ count: 300, accounts: 90, seed: 22 });
      const flushedAll = projector.events.once('projector:batch', {
        filter: (b) => [...b.positions.values()].reduce((a, c) => a + c, 0n) >= total + 300n,
      });
      await appendAll(client, more);
      await flushedAll;
    } finally {
      await projector.stop();
    }
    const until = await highWatermarks({ client, topic: client.topics.events });
    await replayProjection({ pool, client, definition: ledgerProjection(2), decode: testDecoder, until });
    expect(await tableChecksums(pool, definition)).toEqual(await tableChecksums(pool, ledgerProjection(2)));
  });
});
