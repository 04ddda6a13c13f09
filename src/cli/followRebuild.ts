import type pg from 'pg';
import type { LogClient } from '../log/index.ts';
import { rebuildStatus, type VersionReport } from '../rebuild/index.ts';
import { exitCodes } from './exitCodes.ts';
import { renderProgress } from './renderProgress.ts';

const done = new Set<VersionReport['activity']>(['ready', 'live', 'standby']);
const stopped = new Set<VersionReport['activity']>(['failed', 'retired', 'cancelled', 'paused']);

const line = (name: string, v: VersionReport) =>
  [
    `${name} v${v.version} ${v.activity}`,
    v.target === null ? '' : `${renderProgress(v.applied, v.target, 20)} ${v.applied}/${v.target}`,
    v.rate === null ? '' : `${Math.round(v.rate).toLocaleString('en')}/s`,
    v.etaMs === null ? '' : `eta ${Math.ceil(v.etaMs / 1000)}s`,
    `lag ${v.lag}`,
  ]
    .filter(Boolean)
    .join('  ');

/**
 * `rebuild --follow`: the version's progress every second, from the registry (the engine of a
 * running `serve` does the work), until it is ready (caught up: ready, standby or live), or it
 * stops (failed, cancelled, paused, retired: exit 1), or ^C. With `json`, one JSON line a poll.
 */
export const followRebuild = async (options: {
  pool: pg.Pool;
  client: LogClient;
  name: string;
  version: number;
  json: boolean;
  print: (line: string) => void;
  signal: AbortSignal;
  pollMs?: number;
}): Promise<number> => {
  const { name, version, print } = options;
  const since = Date.now();
  let hinted = false;
  for (;;) {
    const reports = await rebuildStatus(options);
    const v = reports.find((p) => p.name === name)?.versions.find((r) => r.version === version);
    if (v !== undefined) {
      const settled = !v.requested && (done.has(v.activity) || stopped.has(v.activity));
      if (options.json)
        print(
          JSON.stringify({
            name,
            version,
            activity: v.activity,
            state: v.state,
            applied: v.applied.toString(),
            target: v.target?.toString() ?? null,
            rate: v.rate,
            etaMs: v.etaMs,
            lag: v.lag.toString(),
            done: settled,
          }),
        );
      else print(line(name, v));
      if (settled) return done.has(v.activity) ? exitCodes.ok : exitCodes.failed;
      if (v.requested && !hinted && Date.now() - since > 10_000) {
        hinted = true;
        process.stderr.write(
          `projectionist: no engine has taken the rebuild of ${name} v${version} yet; is \`projectionist serve\` running against this database?\n`,
        );
      }
    }
    if (options.signal.aborted) return exitCodes.failed;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1_000));
  }
};
