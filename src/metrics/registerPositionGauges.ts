import { Gauge, type Registry } from 'prom-client';
import type { Positions } from './readPositions.ts';

const version = (v: number) => String(v);

/**
 * The gauges read when scraped: topic ends, lag per partition, the active version, parked
 * events. prom-client collects them in parallel; they share one read of the positions.
 */
export const registerPositionGauges = (options: {
  registry: Registry;
  read: () => Promise<Positions>;
}): void => {
  const registers = [options.registry];
  // In flight only: the gauges of one scrape start together and share it; the next scrape reads anew.
  let reading: Promise<Positions> | undefined;
  const positions = () =>
    (reading ??= options.read().finally(() => {
      reading = undefined;
    }));
  /** Every registered version, with its labels. */
  const versions = async () =>
    (await positions()).projections.flatMap((p) =>
      p.versions.map((v) => ({ p, v, labels: { projection: p.name, version: version(v.version) } })),
    );

  new Gauge({
    name: 'projectionist_events_high_watermark',
    help: 'Next offset of the events topic, per partition (read when scraped).',
    labelNames: ['partition'],
    registers,
    async collect() {
      this.reset();
      const { highWatermarks } = await positions();
      for (const [partition, offset] of highWatermarks ?? []) this.set({ partition }, Number(offset));
    },
  });
  new Gauge({
    name: 'projectionist_projection_lag_events',
    help: 'Records a projection version is behind the events topic, per partition (read when scraped).',
    labelNames: ['projection', 'version', 'partition'],
    registers,
    async collect() {
      this.reset();
      const { highWatermarks = new Map<number, bigint>() } = await positions();
      for (const { v, labels } of await versions())
        for (const [partition, end] of highWatermarks) {
          const at = v.positions.get(partition) ?? 0n;
          this.set({ ...labels, partition }, Number(end > at ? end - at : 0n));
        }
    },
  });
  new Gauge({
    name: 'projectionist_projection_active',
    help: '1 for the version serving reads, 0 for the others, with each version state (read when scraped).',
    labelNames: ['projection', 'version', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const { p, v, labels } of await versions())
        this.set({ ...labels, state: v.state.status }, p.activeVersion === v.version ? 1 : 0);
    },
  });
  new Gauge({
    name: 'projectionist_parked_events',
    help: 'Events parked now, per projection version and kind (failed, waiting for newer code; read when scraped).',
    labelNames: ['projection', 'version', 'kind'],
    registers,
    async collect() {
      this.reset();
      for (const { v, labels } of await versions())
        for (const kind of ['failed', 'waiting'] as const) this.set({ ...labels, kind }, v.parked[kind]);
    },
  });
};
