import { contractRegistry } from '../../events/index.ts';
import { projections } from '../../projections/index.ts';
import { reactors } from '../../reactors/index.ts';
import { checkLog, type LogCheck } from '../check/index.ts';
import { loadConfig } from '../config/index.ts';
import { LogClient } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';
import { renderProgress } from './renderProgress.ts';

const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const describe = (check: LogCheck): string[] => {
  const lines = [
    `checked ${check.topics.map((t) => `${t.name} (${t.records} records)`).join(' and ')}` +
      `${check.sample === null ? '' : `, a sample of ${check.sample} offsets a partition`} in ${(check.tookMs / 1000).toFixed(1)} s`,
    '',
    formatTable(
      ['topic', 'type', 'version', 'records', 'ok', 'too new', 'rejected'],
      check.types.map((t) => [
        t.topic,
        t.type ?? '(not an envelope)',
        t.version === null ? '-' : `v${t.version}`,
        String(t.records),
        t.engine > 0 ? `${t.ok + t.engine} (engine's own)` : String(t.ok),
        String(t.tooNew),
        String(t.rejected),
      ]),
    ),
  ];
  if (check.findingsTotal > 0) {
    lines.push(
      '',
      `findings (${check.findingsTotal}${check.findings.length < check.findingsTotal ? `, the first ${check.findings.length} listed` : ''}):`,
    );
    lines.push(
      formatTable(
        ['at', 'type', 'problem', 'reason'],
        check.findings.map((f) => [
          `${f.topic}[${f.partition}]@${f.offset}`,
          `${f.type ?? '?'}${f.version === null ? '' : ` v${f.version}`}`,
          f.problem,
          shorten(f.reason, 100),
        ]),
      ),
    );
  }
  if (check.unhandled.length > 0) {
    lines.push(
      '',
      `event types no projection handles${check.strict ? ' (findings: --strict)' : ' (reported, not failing; --strict fails on them)'}:`,
    );
    lines.push(
      formatTable(
        ['type', 'records', 'read by'],
        check.unhandled.map((u) => [u.type, String(u.records), u.readBy.join(', ') || 'nothing']),
      ),
    );
  }
  lines.push(
    '',
    check.clean
      ? 'check passed: this code reads every record of the log'
      : `check FAILED: ${check.findingsTotal} record(s) this code cannot read` +
          (check.strict && check.unhandled.length > 0
            ? `, ${check.unhandled.length} unhandled event type(s)`
            : ''),
  );
  return lines;
};

/**
 * `check`: the deploy gate over the log. Needs the broker alone (no PostgreSQL, no registry):
 * a CI job runs it with the contracts and projections of the build about to be deployed.
 * Exit 0 when clean, 3 with findings.
 */
export const runLogCheck = async (options: {
  logger: Logger;
  json: boolean;
  sample: number | undefined;
  strict: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { json, print } = options;
  const config = loadConfig();
  const client = new LogClient({
    brokers: config.kafka.brokers,
    clientId: config.kafka.clientId,
    prefix: config.topics.prefix,
    logger: options.logger,
  });
  let lastPrint = 0;
  let lastDone = -1n;
  try {
    const check = await checkLog({
      client,
      registry: contractRegistry,
      definitions: projections,
      reactors,
      strict: options.strict,
      ...(options.sample === undefined ? {} : { sample: options.sample }),
      onProgress: ({ done, total }) => {
        if (json || done === lastDone || (Date.now() - lastPrint < 500 && done < total)) return;
        lastPrint = Date.now();
        lastDone = done;
        process.stderr.write(`\rchecking ${renderProgress(done, total)} ${done}/${total} offsets`);
      },
    });
    if (!json) process.stderr.write('\n');
    print(json ? JSON.stringify(check) : describe(check).join('\n'));
    return check.clean ? exitCodes.ok : exitCodes.refused;
  } finally {
    await client.close();
  }
};
