// The worker thread of runCommandLoad (commandLoad.ts): sends the planned commands over HTTP and
// tails the events topic for events caused by them.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { commandOutcomeType, type CommandOutcome } from '../../src/commands/index.ts';
import {
  decodeEnvelope,
  highWatermarks,
  LogClient,
  readLog,
  type OffsetVector,
} from '../../src/log/index.ts';
import { createLogger } from '../../src/logger/index.ts';
import type { CommandTiming, LoadPlan, PlannedCommand } from './commandLoad.ts';

const plan = workerData as LoadPlan;
const now = () => performance.timeOrigin + performance.now();

const client = new LogClient({
  brokers: [...plan.brokers],
  clientId: 'projectionist-bench',
  prefix: plan.prefix,
  logger: createLogger({ level: 'silent' }),
});
const seen = new Map<string, number>();
const outcomes = new Map<string, CommandOutcome['status']>();
const stopTail = new AbortController();
/** Row keys not yet seen, by the command that makes them; and when each row was first seen. */
const rowsDue = new Map<string, string>();
const rowSeen = new Map<string, number>();

const followRows = async (rows: NonNullable<LoadPlan['rows']>, signal: AbortSignal) => {
  const db = new pg.Client({ connectionString: rows.databaseUrl });
  await db.connect();
  try {
    const sql = `select ${rows.column} as key from ${rows.table} where ${rows.column} = any($1)`;
    while (!signal.aborted) {
      if (rowsDue.size > 0) {
        const byKey = new Map([...rowsDue].map(([id, key]) => [key, id]));
        const found = await db.query<{ key: string }>(sql, [[...byKey.keys()]]).catch(() => ({ rows: [] }));
        const at = now();
        for (const { key } of found.rows) {
          const id = byKey.get(key);
          if (id === undefined) continue;
          rowSeen.set(id, at);
          rowsDue.delete(id);
        }
      }
      await sleep(5);
    }
  } finally {
    await db.end();
  }
};

const tail = async (from: OffsetVector) => {
  for await (const batch of readLog({ client, topic: client.topics.events, from, signal: stopTail.signal })) {
    const at = now();
    for (const record of batch.records) {
      const event = decodeEnvelope(record.value);
      if (event.causationId === null) continue;
      if (!seen.has(event.causationId)) seen.set(event.causationId, at);
      if (event.type === commandOutcomeType)
        outcomes.set(event.causationId, (event.data as CommandOutcome).status);
    }
  }
};

const send = async (command: PlannedCommand) => {
  const postedAt = now();
  if (plan.rows !== undefined && command.rowKey !== undefined) rowsDue.set(command.id, command.rowKey);
  try {
    const res = await fetch(plan.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: command.body,
    });
    await res.arrayBuffer();
    return { postedAt, answeredAt: now(), status: res.status };
  } catch {
    return { postedAt, answeredAt: now(), status: 0 };
  }
};

const allSeen = async (commands: readonly PlannedCommand[], timeoutMs: number) => {
  const deadline = now() + timeoutMs;
  const done = (c: PlannedCommand) =>
    seen.has(c.id) && (plan.rows === undefined || c.rowKey === undefined || rowSeen.has(c.id));
  while (now() < deadline && !commands.every(done)) await sleep(20);
};

const sendAll = async (): Promise<Awaited<ReturnType<typeof send>>[]> => {
  const { commands, pace } = plan;
  const answers = new Array<Awaited<ReturnType<typeof send>>>(commands.length);
  if (pace.kind === 'closed') {
    let next = 0;
    const clientLoop = async () => {
      for (let i = next++; i < commands.length; i = next++) answers[i] = await send(commands[i]!);
    };
    await Promise.all(Array.from({ length: pace.clients }, clientLoop));
    return answers;
  }
  // Open loop: each command leaves at its scheduled time whether or not earlier ones were answered.
  const start = now();
  const inFlight: Promise<void>[] = [];
  for (const [i, command] of commands.entries()) {
    const wait = start + (i * 1000) / pace.perSecond - now();
    if (wait > 1) await sleep(wait);
    inFlight.push(send(command).then((answer) => void (answers[i] = answer)));
  }
  await Promise.all(inFlight);
  return answers;
};

const from = await highWatermarks({ client, topic: client.topics.events });
const tailing = tail(from);
const stopRows = new AbortController();
const following = plan.rows === undefined ? Promise.resolve() : followRows(plan.rows, stopRows.signal);
try {
  await Promise.all(plan.warmup.map(send));
  await allSeen(plan.warmup, 60_000);
  if (!plan.warmup.every((c) => seen.has(c.id)))
    throw new Error('the warm-up commands were not applied within 60 s');
  const answers = await sendAll();
  await allSeen(plan.commands, plan.settleMs);
  const timings: CommandTiming[] = plan.commands.map((c, i) => ({
    ...answers[i]!,
    seenAt: seen.get(c.id),
    rowSeenAt: rowSeen.get(c.id),
    outcome: outcomes.get(c.id),
  }));
  parentPort?.postMessage(timings);
} finally {
  stopTail.abort();
  stopRows.abort();
  await Promise.all([tailing, following]);
  await client.close();
}
