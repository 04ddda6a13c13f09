import { highWatermarks, offsetDistance, type LogClient } from '../log/index.ts';
import { findDrift, listProjections, type ProjectionDefinition } from '../projections/index.ts';
import type pg from 'pg';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';
import { renderProgress } from './renderProgress.ts';

type Row = {
  projection: string;
  version: number;
  state: string;
  active: boolean;
  lag: string | null;
  applied: string;
  target: string;
  rate: number | null;
  etaMs: number | null;
  drift: boolean;
};

const numberOf = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))
      ? Number(v)
      : null;

/** Every projection version with its state, lag and rebuild progress, as rows. */
export const statusRows = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definitions: readonly ProjectionDefinition[];
}): Promise<Row[]> => {
  const hw = await highWatermarks({ client: options.client, topic: options.client.topics.events });
  const total = offsetDistance(new Map(), hw);
  const drifted = new Set(
    (await findDrift({ pool: options.pool, definitions: options.definitions })).map(
      (d) => `${d.name}@${d.version}`,
    ),
  );
  return (await listProjections({ pool: options.pool, highWatermarks: hw })).flatMap((p) =>
    p.versions.map((v) => {
      const applied = offsetDistance(new Map(), v.positions);
      const progress = v.progress as Record<string, unknown>;
      return {
        projection: p.name,
        version: v.version,
        state: v.state.status === 'failed' ? `failed: ${v.state.reason}` : v.state.status,
        active: p.activeVersion === v.version,
        lag: v.lag?.toString() ?? null,
        applied: applied.toString(),
        target: (numberOf(progress.targetTotal) ?? Number(total)).toString(),
        rate: numberOf(progress.rate),
        etaMs: numberOf(progress.etaMs),
        drift: drifted.has(`${p.name}@${v.version}`),
      };
    }),
  );
};

const seconds = (ms: number | null) => (ms === null ? '-' : ms < 1000 ? '<1s' : `${Math.round(ms / 1000)}s`);

const render = (rows: readonly Row[]): string =>
  formatTable(
    ['projection', 'version', 'state', 'active', 'lag', 'progress', 'rate/s', 'eta', 'drift'],
    rows.map((r) => [
      r.projection,
      `v${r.version}`,
      r.state,
      r.active ? '*' : '',
      r.lag ?? '?',
      `${renderProgress(BigInt(r.applied), BigInt(r.target), 20)} ${r.applied}/${r.target}`,
      r.rate === null ? '-' : Math.round(r.rate).toLocaleString('en'),
      seconds(r.etaMs),
      r.drift ? 'changed: bump the version' : '',
    ]),
  );

/** `status [--json] [--follow]`: a table of projections and versions; --follow redraws every second. */
export const runStatus = async (options: {
  pool: pg.Pool;
  client: LogClient;
  definitions: readonly ProjectionDefinition[];
  json: boolean;
  follow: boolean;
  print: (line: string) => void;
  signal?: AbortSignal;
}): Promise<number> => {
  for (;;) {
    const rows = await statusRows(options);
    if (options.json) options.print(JSON.stringify(rows));
    else if (options.follow)
      process.stdout.write(`\x1b[2J\x1b[H${new Date().toISOString()}\n${render(rows)}\n`);
    else options.print(rows.length === 0 ? 'no projections registered yet' : render(rows));
    if (!options.follow || options.signal?.aborted)
      return rows.some((r) => r.state.startsWith('failed')) ? exitCodes.failed : exitCodes.ok;
    await new Promise((r) => setTimeout(r, 1_000));
  }
};
