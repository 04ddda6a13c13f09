import type pg from 'pg';
import { highWatermarks, type LogClient, type OffsetVector } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { createEmitter, type Emitter } from '../projections/index.ts';
import { readVersionRows, type VersionRow } from '../registry/index.ts';
import { createRegistryWatcher, rebuildEventNames, type RebuildEvents } from '../rebuild/index.ts';
import { jsonSafe } from './jsonSafe.ts';
import { throttlePerKey } from './throttlePerKey.ts';

/** One server-sent event: its `event:` name and its JSON `data`. */
export type FeedMessage = { readonly event: string; readonly data: unknown };

export type AdminFeed = {
  /** Where the lifecycle events come from: this process's engine, or the registry, polled. */
  readonly source: 'engine' | 'registry';
  /** Every message from now on; answers the function that unsubscribes. */
  subscribe(listener: (message: FeedMessage) => void): () => void;
  /** A message of the process's own (a staging refresh's progress) to every subscriber. */
  publish(event: string, data: unknown): void;
  close(): void;
};

/** The engine's events passed on as they are (JSON-safe); `rebuild:batch` becomes `rebuild:progress`. */
const passedOn = rebuildEventNames.filter((name) => name !== 'rebuild:batch' && name !== 'version:batch');

const keyOf = (name: string, version: number) => `${name}\u0000${version}`;

const partitionsOf = (positions: OffsetVector, target: OffsetVector | undefined) =>
  [...(target ?? positions).keys()]
    .sort((a, b) => a - b)
    .map((partition) => {
      const position = positions.get(partition) ?? 0n;
      const end = target?.get(partition);
      return {
        partition,
        position: position.toString(),
        target: end?.toString() ?? null,
        remaining: end === undefined ? null : (end > position ? end - position : 0n).toString(),
      };
    });

/**
 * The admin API's live feed, behind GET /admin/events: every lifecycle event of the engine in
 * this process (typed, never scraped from logs), a version's build progress (`rebuild:progress`,
 * at most one per `throttleMs` per version, the latest always sent), and while anyone listens,
 * every `pollMs` a `lag` snapshot of every version (lag and events per second, per partition
 * against the high watermarks). A build that no engine in this process reports (it runs in another
 * instance) has its progress from the registry, as the building process wrote it. Without an
 * engine in the process (`events` undefined) the registry's state changes and cutovers are
 * reported too, as the engine's watcher sees them. One per app; close() at shutdown.
 */
export const createAdminFeed = (options: {
  pool: pg.Pool;
  client: LogClient;
  /** The deployed projections: whose cutovers the registry poll reports. */
  names: readonly string[];
  events?: Emitter<RebuildEvents> | undefined;
  throttleMs?: number;
  pollMs?: number;
  logger?: Logger;
}): AdminFeed => {
  const { pool, client } = options;
  const throttleMs = options.throttleMs ?? 250;
  const pollMs = options.pollMs ?? 2_000;
  const listeners = new Set<(message: FeedMessage) => void>();
  const publish = (event: string, data: unknown) => {
    const message = { event, data: jsonSafe(data) };
    for (const listener of [...listeners]) listener(message);
  };

  // Progress, throttled per version; stamped when it is sent: a client sees the pace the throttle
  // keeps, however late it reads.
  const progressThrottle = throttlePerKey<unknown>({
    throttleMs,
    send: (data) => publish('rebuild:progress', { ...(data as object), at: new Date() }),
  });
  const progress = (name: string, version: number, data: unknown) =>
    progressThrottle.offer(keyOf(name, version), data);
  /** A build that ended sends its last progress first, so that no progress follows its end. */
  const flushProgress = (name: string, version: number) => progressThrottle.flush(keyOf(name, version));

  const source = options.events === undefined ? 'registry' : 'engine';
  const events = options.events ?? createEmitter<RebuildEvents>();
  const targets = new Map<string, OffsetVector>();
  const unsubscribe = passedOn.map((name) =>
    events.on(name, (payload) => {
      if (name === 'rebuild:built' || name === 'rebuild:stopped' || name === 'rebuild:failed') {
        const ended = payload as RebuildEvents['rebuild:built'];
        flushProgress(ended.name, ended.version);
      }
      if (name === 'rebuild:started') {
        const started = payload as RebuildEvents['rebuild:started'];
        targets.set(keyOf(started.name, started.version), started.target);
      }
      publish(name, payload);
    }),
  );
  // When this process's engine last reported a version's batch: a build it does not run (another
  // instance holds its lease) has its progress read from the registry instead.
  const engineBatchAt = new Map<string, number>();
  unsubscribe.push(
    events.on('rebuild:batch', ({ name, version, applied, target, rate, etaMs, positions }) => {
      engineBatchAt.set(keyOf(name, version), performance.now());
      progress(name, version, {
        name,
        version,
        applied,
        target,
        rate,
        etaMs,
        partitions: partitionsOf(positions, targets.get(keyOf(name, version))),
      });
    }),
  );

  // The poll: lag for everyone; the progress of builds no engine here reports; without an engine,
  // also the registry's changes.
  const watcher =
    source === 'registry' ? createRegistryWatcher({ pool, names: options.names, events }) : undefined;
  let primed = false;
  const seen = new Map<string, { at: number; position: bigint; applied: bigint }>();
  const snapshot = (rows: readonly VersionRow[], head: OffsetVector, at: number) =>
    rows.map((row) => {
      const key = keyOf(row.name, row.version);
      if (row.target !== null) targets.set(key, row.target);
      const position = [...row.checkpoints.values()].reduce((a, b) => a + b, 0n);
      const before = seen.get(key);
      seen.set(key, { at, position, applied: row.applied });
      // A retired version's checkpoints are gone: no rate, no lag.
      const retired = row.state.status === 'retired';
      const rate =
        before === undefined || at <= before.at || retired
          ? null
          : Math.max(0, (Number(position - before.position) * 1000) / (at - before.at));
      if (
        performance.now() - (engineBatchAt.get(key) ?? -Infinity) > 2 * pollMs &&
        row.state.status === 'building' &&
        row.targetTotal !== null &&
        before !== undefined &&
        before.applied !== row.applied
      )
        progress(row.name, row.version, {
          name: row.name,
          version: row.version,
          applied: row.applied,
          target: row.targetTotal,
          rate: row.rate ?? 0,
          etaMs: row.etaMs,
          partitions: partitionsOf(row.checkpoints, row.target ?? undefined),
        });
      const partitions = [...(retired ? [] : head.keys())]
        .sort((a, b) => a - b)
        .map((partition) => {
          const at = row.checkpoints.get(partition) ?? 0n;
          const end = head.get(partition) ?? 0n;
          return { partition, position: at, head: end, lag: end > at ? end - at : 0n };
        });
      return {
        name: row.name,
        version: row.version,
        status: row.state.status,
        active: row.activeVersion === row.version,
        lag: partitions.reduce((a, p) => a + p.lag, 0n),
        rate,
        partitions,
      };
    });
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let closed = false;
  const schedule = (delayMs: number) => {
    if (!closed && !polling && timer === undefined && listeners.size > 0)
      timer = setTimeout(() => void poll(), delayMs);
  };
  const poll = async () => {
    timer = undefined;
    polling = true;
    try {
      if (watcher !== undefined && !primed) {
        await watcher.prime();
        primed = true;
      }
      const [rows, head] = await Promise.all([
        readVersionRows({ db: pool }),
        highWatermarks({ client, topic: client.topics.events }),
      ]);
      await watcher?.observe(rows.filter((r) => options.names.includes(r.name)));
      const at = Date.now();
      publish('lag', { at: new Date(at), versions: snapshot(rows, head, at) });
    } catch (err) {
      options.logger?.warn({ err }, 'admin feed poll failed; trying again');
    } finally {
      polling = false;
      schedule(pollMs);
    }
  };

  return {
    source,
    subscribe: (listener) => {
      const safe = (message: FeedMessage) => {
        try {
          listener(message);
        } catch {
          // one subscriber's fault (a closed socket) is its own
        }
      };
      listeners.add(safe);
      schedule(0);
      return () => {
        listeners.delete(safe);
      };
    },
    publish,
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const off of unsubscribe) off();
      progressThrottle.close();
      listeners.clear();
    },
  };
};
