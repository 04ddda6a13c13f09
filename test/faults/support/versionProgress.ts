import type pg from 'pg';
import { highWatermarks, type LogClient } from '../../../src/log/index.ts';
import { readCheckpoints } from '../../../src/registry/index.ts';
import { type ProjectionDefinition } from '../../../src/definitions/index.ts';

/** The versions whose checkpoints stand behind the head of the events topic, and by how much. */
export const lagging = async (
  pool: pg.Pool,
  client: LogClient,
  definitions: readonly { name: string; version: number }[],
) => {
  const head = await highWatermarks({ client, topic: client.topics.events });
  const behind: { name: string; version: number; lag: bigint }[] = [];
  for (const { name, version } of definitions) {
    const at = await readCheckpoints({ db: pool, name, version });
    let lag = 0n;
    for (const [partition, end] of head) {
      const next = at.get(partition) ?? 0n;
      if (next < end) lag += end - next;
    }
    if (lag > 0n) behind.push({ name, version, lag });
  }
  return behind;
};

/**
 * Waits until every version has committed the whole events topic as it stands at each look;
 * answers those still behind when `timeoutMs` runs out (wedged), none when all caught up.
 */
export const waitCaughtUp = async (
  pool: pg.Pool,
  client: LogClient,
  definitions: readonly Pick<ProjectionDefinition, 'name' | 'version'>[],
  timeoutMs: number,
) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = await lagging(pool, client, definitions).catch(() => undefined);
    if (behind !== undefined && behind.length === 0) return [];
    if (Date.now() > deadline) return behind ?? [...definitions].map((d) => ({ ...d, lag: -1n }));
    await new Promise((r) => setTimeout(r, 500));
  }
};
