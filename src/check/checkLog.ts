import { catalogFromContracts } from '../commands/index.ts';
import type { ContractRegistry } from '../contracts/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import {
  earliestOffsets,
  highWatermarks,
  listTopics,
  readLog,
  type LogClient,
  type LogRecord,
} from '../log/index.ts';
import { contractsDecoder } from '../projections/index.ts';
import type { ReactorDefinition } from '../reactors/index.ts';
import { judgeCommandRecord } from './judgeCommandRecord.ts';
import { judgeEventRecord } from './judgeEventRecord.ts';
import type { CheckedTopic, Finding, LogCheck, TypeCount, UnhandledType } from './LogCheck.ts';
import { rangeSize, scanRanges, type ScanRange } from './scanRanges.ts';
import type { Verdict } from './Verdict.ts';

type Counting = { -readonly [K in keyof TypeCount]: TypeCount[K] };

/**
 * The deploy gate: reads the deployment's events and commands topics (everything, from the
 * earliest offsets up to the high watermarks seen when it starts, or a sample of each partition:
 * see scanRanges) and judges every record with the code about to be deployed, through the same
 * decoders the engine reads with (judgeEventRecord, judgeCommandRecord). Changes nothing: readers
 * commit no offset. Reports counts per topic, type and version, every record no contract accepts
 * or newer than the code (findings, with its offset and reason), and the event types no
 * projection version handles. PRJ_NOT_FOUND when a topic does not exist (a wrong prefix would
 * otherwise pass as a clean, empty log).
 */
export const checkLog = async (options: {
  client: LogClient;
  registry: ContractRegistry;
  definitions: readonly ProjectionDefinition[];
  reactors: readonly ReactorDefinition[];
  sample?: number;
  /** Unhandled event types fail the check too. Default false. */
  strict?: boolean;
  /** Findings listed (all are counted). Default 1,000. */
  maxFindings?: number;
  onProgress?: (progress: { done: bigint; total: bigint }) => void;
  signal?: AbortSignal;
}): Promise<LogCheck> => {
  const { client, registry } = options;
  const started = performance.now();
  const maxFindings = options.maxFindings ?? 1_000;
  const decode = contractsDecoder(registry);
  const catalog = catalogFromContracts(registry);
  const judges: Record<CheckedTopic, (record: LogRecord) => Verdict> = {
    events: (record) => judgeEventRecord(record, decode),
    commands: (record) => judgeCommandRecord(record, catalog),
  };
  const existing = new Set(await listTopics({ client }));
  const plans = [];
  for (const topic of ['events', 'commands'] as const) {
    const name = client.topics[topic];
    if (!existing.has(name))
      throw new ProjectionistError(
        'PRJ_NOT_FOUND',
        `topic ${name} does not exist: is PROJECTIONIST_TOPIC_PREFIX (${client.prefix}) this deployment's?`,
        { details: { topic: name } },
      );
    const passes = scanRanges({
      earliest: await earliestOffsets({ client, topic: name }),
      latest: await highWatermarks({ client, topic: name }),
      sample: options.sample,
    });
    plans.push({ topic, name, passes });
  }
  const total = plans.reduce((sum, p) => sum + p.passes.reduce((s, r) => s + rangeSize(r), 0n), 0n);

  const counts = new Map<string, Counting>();
  const findings: Finding[] = [];
  let findingsTotal = 0;
  const tally = (topic: CheckedTopic, record: LogRecord, verdict: Verdict) => {
    const key = `${topic}\u0000${verdict.type ?? ''}\u0000${verdict.version ?? ''}`;
    let count = counts.get(key);
    if (count === undefined) {
      count = {
        topic,
        type: verdict.type,
        version: verdict.version,
        records: 0,
        ok: 0,
        engine: 0,
        tooNew: 0,
        rejected: 0,
      };
      counts.set(key, count);
    }
    count.records++;
    if (verdict.status === 'ok') count.ok++;
    else if (verdict.status === 'engine') count.engine++;
    if (verdict.status !== 'too-new' && verdict.status !== 'rejected') return;
    if (verdict.status === 'too-new') count.tooNew++;
    else count.rejected++;
    findingsTotal++;
    if (findings.length < maxFindings)
      findings.push({
        topic,
        partition: record.partition,
        offset: record.offset.toString(),
        type: verdict.type,
        version: verdict.version,
        problem: verdict.status,
        reason: verdict.reason,
      });
  };

  let passesDone = 0n;
  const topics: LogCheck['topics'][number][] = [];
  for (const { topic, name, passes } of plans) {
    let records = 0;
    for (const ranges of passes) {
      const reached = new Map<number, bigint>();
      for await (const batch of readRanges(client, name, ranges, options.signal)) {
        for (const record of batch.records) {
          records++;
          tally(topic, record, judges[topic](record));
        }
        reached.set(batch.partition, batch.next);
        const passDone = ranges.reduce((sum, r) => {
          const at = reached.get(r.partition) ?? r.from;
          return sum + ((at < r.until ? at : r.until) - r.from);
        }, 0n);
        options.onProgress?.({ done: passesDone + passDone, total });
      }
      passesDone += rangeSize(ranges);
    }
    topics.push({
      topic,
      name,
      records,
      ranges: passes
        .flat()
        .filter((r) => r.until > r.from)
        .map((r) => ({ partition: r.partition, from: r.from.toString(), until: r.until.toString() })),
    });
  }
  options.onProgress?.({ done: total, total });
  const strict = options.strict === true;
  const unhandled = unhandledTypes({
    counts: [...counts.values()],
    definitions: options.definitions,
    reactors: options.reactors,
    folded: catalog.foldedEventTypes(),
  });
  return {
    clean: findingsTotal === 0 && (!strict || unhandled.length === 0),
    sample: options.sample ?? null,
    strict,
    topics,
    types: [...counts.values()].sort(byTopicTypeVersion),
    findings,
    findingsTotal,
    unhandled,
    tookMs: Math.round(performance.now() - started),
  };
};

/** One pass of a scan: every range at once, partitions read in parallel. */
const readRanges = (client: LogClient, topic: string, ranges: readonly ScanRange[], signal?: AbortSignal) =>
  readLog({
    client,
    topic,
    partitions: ranges.filter((r) => r.until > r.from).map((r) => r.partition),
    from: new Map(ranges.map((r) => [r.partition, r.from])),
    until: new Map(ranges.map((r) => [r.partition, r.until])),
    ...(signal === undefined ? {} : { signal }),
  });

const byTopicTypeVersion = (a: TypeCount, b: TypeCount): number =>
  a.topic.localeCompare(b.topic) ||
  (a.type ?? '').localeCompare(b.type ?? '') ||
  (a.version ?? 0) - (b.version ?? 0);

/**
 * Event types in the events topic that some contract knows (unknown ones are findings already)
 * and no deployed projection version has a handler for; each with what else reads it: a
 * reactor, or the command side (an aggregate folds it). Not a finding unless strict: a type may
 * be meant for the command side alone, or for a projection not written yet.
 */
const unhandledTypes = (options: {
  counts: readonly TypeCount[];
  definitions: readonly ProjectionDefinition[];
  reactors: readonly ReactorDefinition[];
  folded: readonly string[];
}): UnhandledType[] => {
  const handled = new Set(options.definitions.flatMap((d) => Object.keys(d.handlers)));
  const folded = new Set(options.folded);
  const records = new Map<string, number>();
  for (const c of options.counts)
    if (c.topic === 'events' && c.type !== null && c.ok + c.tooNew > 0 && !handled.has(c.type))
      records.set(c.type, (records.get(c.type) ?? 0) + c.records);
  return [...records]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => ({
      type,
      records: n,
      readBy: [
        ...options.reactors.filter((r) => type in r.handlers).map((r) => `reactor ${r.name}`),
        ...(folded.has(type) ? ['command side'] : []),
      ],
    }));
};
