import type pg from 'pg';
import type { LogClient } from '../log/index.ts';
import type { ProjectionDefinition } from '../definitions/index.ts';
import { rebuildStatus, type ProjectionReport, type VersionReport } from '../rebuild/index.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';
import { renderProgress } from './renderProgress.ts';

const seconds = (ms: number | null) => (ms === null ? '-' : ms < 1000 ? '<1s' : `${Math.round(ms / 1000)}s`);

/** What the version's checks said last, or that it declares none. */
const checksNote = (v: VersionReport): string => {
  if (v.verification === null)
    return v.declaredChecks === 0 && !v.active ? 'unverified: declares no checks' : '';
  const outcome = v.verification.outcome ?? (v.verification.passed ? 'passed' : 'failed');
  // The one serving needs no word: nothing stands to be compared with it until a newer one comes.
  if (outcome === 'unverified') return v.active ? '' : 'unverified: declares no checks';
  const content = v.verification.results.filter((r) => r.content !== undefined);
  const differing = content.reduce((n, r) => n + (r.content?.differingRows ?? 0), 0);
  return outcome === 'passed'
    ? `checks passed${content.length > 0 ? ` (${content.length} content)` : ''}`
    : `checks FAILED${differing > 0 ? ` (${differing} rows differ)` : ''}`;
};

/** What shadow reads of the version found against the active one, when any ran. */
const shadowNote = (v: VersionReport): string =>
  v.shadow === null
    ? ''
    : `shadow reads: ${v.shadow.compared} compared, ${v.shadow.differing} differ` +
      (v.shadow.errors === '0' ? '' : `, ${v.shadow.errors} failed`) +
      (v.shadow.unaligned === '0' ? '' : `, ${v.shadow.unaligned} unaligned`);

const render = (reports: readonly ProjectionReport[]): string =>
  formatTable(
    ['projection', 'version', 'state', 'active', 'lag', 'build', 'rate/s', 'eta', 'lease', 'notes'],
    reports.flatMap((p) =>
      p.versions.map((v) => [
        p.name,
        `v${v.version}`,
        v.state.status === 'failed'
          ? `failed: ${v.state.reason}`
          : v.health.status === 'degraded'
            ? `${v.activity}, degraded (${v.health.parked} parked)`
            : v.activity,
        v.active ? '*' : '',
        v.lag.toString(),
        v.target === null ? '-' : `${renderProgress(v.applied, v.target, 20)} ${v.applied}/${v.target}`,
        v.rate === null ? '-' : Math.round(v.rate).toLocaleString('en'),
        seconds(v.etaMs),
        v.lease === null ? '-' : `${v.lease.holder}${v.lease.held ? '' : ' (expired)'}`,
        [v.drift === null ? '' : 'code changed: bump the version', checksNote(v), shadowNote(v)]
          .filter(Boolean)
          .join('; '),
      ]),
    ),
  );

const toJson = (reports: readonly ProjectionReport[]) =>
  JSON.stringify(reports, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

/** `status [--json] [--follow]`: projections and versions; --follow redraws every second until ^C. */
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
    const reports = await rebuildStatus(options);
    if (options.json) options.print(toJson(reports));
    else if (options.follow)
      process.stdout.write(`\x1b[2J\x1b[H${new Date().toISOString()}\n${render(reports)}\n`);
    else options.print(reports.length === 0 ? 'no projections registered yet' : render(reports));
    const failed = reports.some((p) => p.versions.some((v) => v.state.status === 'failed'));
    if (!options.follow || options.signal?.aborted === true) return failed ? exitCodes.failed : exitCodes.ok;
    await new Promise((r) => setTimeout(r, 1_000));
  }
};
