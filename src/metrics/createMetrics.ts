import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandEvents } from '../commands/index.ts';
import type { LogClient } from '../log/index.ts';
import type { Emitter, ProjectorEvents } from '../projections/index.ts';
import type { RebuildEvents } from '../rebuild/index.ts';
import type { ShadowEvents } from '../shadow/index.ts';
import { readPositions } from './readPositions.ts';
import { registerPositionGauges } from './registerPositionGauges.ts';

/** One answered HTTP request: its route pattern (not its URL, so the label set stays small). */
export type AnsweredRequest = { method: string; route: string; status: number; seconds: number };

/**
 * The process's metrics, in a registry of its own (never prom-client's global one: several
 * servers in one test process keep apart). Counters and histograms move on the engine's typed
 * lifecycle events; gauges of positions are read when scraped, so they are never stale.
 */
export type Metrics = {
  readonly registry: Registry;
  /** Subscribes to a rebuild engine's events; answers the function that unsubscribes. */
  observeEngine(events: Emitter<RebuildEvents>): () => void;
  /** Subscribes to a projector run outside the engine (the command state): its flushes and parked events. */
  observeProjector(events: Emitter<ProjectorEvents>): () => void;
  /** Subscribes to the command side's events (intake and workers). */
  observeCommands(events: Emitter<CommandEvents>): () => void;
  /** Subscribes to the query API's shadow reads. */
  observeShadow(events: Emitter<ShadowEvents>): () => void;
  observeRequest(request: AnsweredRequest): void;
  /** Adds the gauges read at each scrape (topic ends, lag per partition, active versions, parked events), through this pool and client. Once. */
  observePositions(options: { pool: pg.Pool; client: LogClient }): void;
  /** The Prometheus text exposition, and its content type. */
  scrape(): Promise<{ contentType: string; text: string }>;
};

const version = (v: number) => String(v);

export const createMetrics = (): Metrics => {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  let positions = false;

  const applied = new Counter({
    name: 'projectionist_events_applied_total',
    help: 'Events applied by the projection versions this process runs, committed with their rows.',
    labelNames: ['projection', 'version'],
    registers,
  });
  const flushes = new Histogram({
    name: 'projectionist_flush_duration_seconds',
    help: 'Time of one batch flush (set-based writes, checkpoints and lease check in one transaction).',
    labelNames: ['projection', 'version'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const parked = new Counter({
    name: 'projectionist_events_parked_total',
    help: 'Events the projection versions of this process parked, per kind (a retry that parks again counts again).',
    labelNames: ['projection', 'version', 'kind'],
    registers,
  });
  const released = new Counter({
    name: 'projectionist_events_released_total',
    help: 'Parked events a retry applied.',
    labelNames: ['projection', 'version'],
    registers,
  });
  const versionGauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['projection', 'version'], registers });
  const rebuild = {
    applied: versionGauge(
      'projectionist_rebuild_applied_events',
      'Records of a running rebuild committed so far, up to its target.',
    ),
    target: versionGauge(
      'projectionist_rebuild_target_events',
      "Records from the start of the log to a rebuild's fixed target.",
    ),
    rate: versionGauge(
      'projectionist_rebuild_rate_events_per_second',
      'Records per second of a running rebuild over its last few seconds; 0 once built.',
    ),
    eta: versionGauge(
      'projectionist_rebuild_eta_seconds',
      'Time a running rebuild has left at its rate; 0 once built.',
    ),
  };
  const cutovers = new Counter({
    name: 'projectionist_cutovers_total',
    help: 'Cutovers of a projection (every instance counts each one, whoever made it).',
    labelNames: ['projection'],
    registers,
  });
  const cutoversRefused = new Counter({
    name: 'projectionist_cutovers_refused_total',
    help: 'Automatic cutovers this engine tried and was refused (not caught up, checks failed, blocked).',
    labelNames: ['projection'],
    registers,
  });
  const accepted = new Counter({
    name: 'projectionist_commands_accepted_total',
    help: 'Commands the HTTP intake put on the commands topic (202).',
    registers,
  });
  const refused = new Counter({
    name: 'projectionist_command_refusals_total',
    help: 'Requests the HTTP intake refused, by reason (invalid, too-large, unsupported-media-type, kafka-unavailable, failed).',
    labelNames: ['reason'],
    registers,
  });
  const outcomes = new Counter({
    name: 'projectionist_command_outcomes_total',
    help: 'Commands the workers of this process decided, by outcome, committed in their transaction.',
    labelNames: ['outcome'],
    registers,
  });
  const deadLetters = new Counter({
    name: 'projectionist_dead_letters_total',
    help: 'Commands the workers of this process dead-lettered (no contract accepts them).',
    registers,
  });
  const shadowReads = new Counter({
    name: 'projectionist_shadow_reads_total',
    help: 'Reads answered by the active version and read again from a candidate version, by outcome (equal, differing, unaligned, error, busy, no-candidate).',
    labelNames: ['projection', 'version', 'outcome'],
    registers,
  });
  const requests = new Histogram({
    name: 'projectionist_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  const onBatch = (b: ProjectorEvents['projector:batch']) => {
    const labels = { projection: b.name, version: version(b.version) };
    applied.inc(labels, b.applied);
    flushes.observe(labels, b.flushMs / 1000);
  };
  const onParked = (p: ProjectorEvents['projector:parked']) => {
    for (const e of p.events) parked.inc({ projection: p.name, version: version(p.version), kind: e.kind });
  };

  return {
    registry,
    observeProjector: (events) => {
      const offs = [events.on('projector:batch', onBatch), events.on('projector:parked', onParked)];
      return () => offs.forEach((off) => off());
    },
    observeEngine: (events) => {
      const offs = [
        events.on('version:batch', onBatch),
        events.on('version:parked', onParked),
        events.on('version:released', (r) =>
          released.inc({ projection: r.name, version: version(r.version) }, r.positions.length),
        ),
        events.on('rebuild:started', (s) => {
          const labels = { projection: s.name, version: version(s.version) };
          rebuild.target.set(labels, Number(s.total));
          rebuild.rate.set(labels, 0);
        }),
        events.on('rebuild:batch', (b) => {
          const labels = { projection: b.name, version: version(b.version) };
          rebuild.applied.set(labels, Number(b.applied));
          rebuild.target.set(labels, Number(b.target));
          rebuild.rate.set(labels, b.rate);
          if (b.etaMs !== null) rebuild.eta.set(labels, b.etaMs / 1000);
        }),
        events.on('rebuild:built', (b) => {
          const labels = { projection: b.name, version: version(b.version) };
          rebuild.applied.set(labels, Number(b.total));
          rebuild.rate.set(labels, 0);
          rebuild.eta.set(labels, 0);
        }),
        events.on('cutover:done', (c) => cutovers.inc({ projection: c.name })),
        events.on('cutover:refused', (c) => cutoversRefused.inc({ projection: c.name })),
      ];
      return () => offs.forEach((off) => off());
    },
    observeCommands: (events) => {
      const offs = [
        events.on('intake:accepted', ({ count }) => accepted.inc(count)),
        events.on('intake:refused', ({ reason }) => refused.inc({ reason })),
        events.on('commands:decided', (d) => {
          const counts = {
            applied: d.applied,
            rejected: d.rejected,
            duplicate: d.duplicates,
            'dead-lettered': d.deadLettered,
            forwarded: d.forwarded,
            held: d.held,
          };
          for (const [outcome, n] of Object.entries(counts)) if (n > 0) outcomes.inc({ outcome }, n);
          if (d.deadLettered > 0) deadLetters.inc(d.deadLettered);
        }),
      ];
      return () => offs.forEach((off) => off());
    },
    observeShadow: (events) => {
      const offs = [
        events.on('shadow:read', (r) =>
          shadowReads.inc({ projection: r.name, version: version(r.version), outcome: r.outcome.kind }),
        ),
        events.on('shadow:skipped', (s) =>
          shadowReads.inc({ projection: s.name, version: '', outcome: s.reason }),
        ),
      ];
      return () => offs.forEach((off) => off());
    },
    observeRequest: ({ method, route, status, seconds }) =>
      requests.observe({ method, route, status: String(status) }, seconds),
    observePositions: (options) => {
      if (positions) return;
      positions = true;
      registerPositionGauges({ registry, read: () => readPositions(options) });
    },
    scrape: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
};
