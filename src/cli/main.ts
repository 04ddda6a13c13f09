#!/usr/bin/env node
// The operator CLI: `projectionist <verb>`. Exit codes: see exitCodes.ts.
import { parseArgs } from 'node:util';
import { errorCodes, isProjectionistError } from '../errors/index.ts';
import { startProjectionist } from '../main.ts';
import { checkTopics, findTruncation } from '../log/index.ts';
import { exitCodes } from './exitCodes.ts';
import { runDeadLetters } from './runDeadLetters.ts';
import { projections } from '../../projections/index.ts';
import { runOperatorVerb } from './runOperatorVerb.ts';
import { parkedVerbs, runParked, type ParkedVerb } from './runParked.ts';
import { runStatus } from './runStatus.ts';
import { runStagingRefresh } from './runStagingRefresh.ts';

const usage = `usage: projectionist <command> [options]

commands:
  serve            run Projectionist (topics, workers, projections, HTTP) until SIGTERM
  status [--json] [--follow]     projections and versions: state, lag, rebuild progress, drift
  rebuild <projection> <version> [--from-scratch]
                                 ask for a (re)build; it resumes from checkpoints unless --from-scratch
  verify <projection> <version>  run the version's checks against the active version
  cutover <projection> <version> switch reads to a caught-up, verified version (one transaction)
  rollback <projection>          switch reads back to the version active before
  retire <projection> <version>  drop a version that does not serve reads
  pause|resume|cancel <projection> <version>
  parked list|retry|skip <projection> <version> [--event <id>]
                                 events a version parked; retry them (the writer takes the request
                                 within seconds) or skip them (one, or every failed one)
  topics check     report topics whose config would lose history, and truncated partitions
  dead-letters list              every dead letter, judged again by the current contracts
  dead-letters redrive [--offset N ...]
                                 send re-drivable dead letters back to the commands topic
  staging refresh [--json]       rebuild the staging database from the production log, anonymized
  help             this text

options:
  --json           machine-readable output`;

const print = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs until SIGTERM or SIGINT, then drains: readiness answers 503 at once, workers and the
 * engine finish their batch in hand, HTTP and connections close, exit 0. A drain that passes
 * PROJECTIONIST_SHUTDOWN_TIMEOUT_MS, or a second signal, exits 1 at once. A signal during start
 * drains as soon as the start is done.
 */
const serve = async (): Promise<number> => {
  let signalled: (signal: string) => void = () => undefined;
  const signal = new Promise<string>((resolve) => (signalled = resolve));
  let draining = false;
  const onSignal = (name: string) => {
    if (draining) {
      process.stderr.write(`projectionist: ${name} again during the drain; exiting now\n`);
      process.exit(exitCodes.failed);
    }
    draining = true;
    signalled(name);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const running = await startProjectionist({ engine: true });
  const log = running.logger.child({ scope: 'cli' });
  const name = await signal;
  const timeoutMs = running.config.shutdownTimeoutMs;
  log.info({ signal: name, timeoutMs }, 'draining');
  let stopped = false;
  // Not unref'd while the drain runs: it must fire even when a stuck step holds nothing else.
  const deadline = setTimeout(() => {
    if (stopped) process.exit(process.exitCode ?? exitCodes.ok);
    log.error({ timeoutMs }, 'drain did not finish in time; exiting');
    process.exit(exitCodes.failed);
  }, timeoutMs);
  await running.stop();
  stopped = true;
  log.info({}, 'drained');
  // Done: exit as soon as nothing is left; a handle something leaked cannot hold the exit past the deadline.
  deadline.unref();
  return exitCodes.ok;
};

const main = async (argv: string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: {
      json: { type: 'boolean' },
      follow: { type: 'boolean' },
      'from-scratch': { type: 'boolean' },
      offset: { type: 'string', multiple: true },
      event: { type: 'string' },
    },
  });
  const [verb, sub] = positionals;
  switch (verb) {
    case 'serve':
      return serve();
    case 'topics': {
      if (sub !== 'check') break;
      const running = await startProjectionist({ workers: false, http: false });
      try {
        const problems = await checkTopics({ client: running.log });
        const truncated = await findTruncation({ client: running.log, topic: running.log.topics.events });
        if (values.json)
          print(
            JSON.stringify({
              problems,
              truncated: truncated.map((t) => ({ ...t, earliest: t.earliest.toString() })),
            }),
          );
        else {
          for (const p of problems) print(`${p.topic}: ${p.problem}`);
          for (const t of truncated)
            print(
              `${running.log.topics.events}: partition ${t.partition} starts at ${t.earliest} (truncated)`,
            );
          if (problems.length + truncated.length === 0)
            print('topics ok: the events topic keeps all history');
        }
        return problems.length + truncated.length === 0 ? exitCodes.ok : exitCodes.refused;
      } finally {
        await running.stop();
      }
    }
    case 'status': {
      const running = await startProjectionist({ workers: false, http: false });
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      try {
        return await runStatus({
          pool: running.pool,
          client: running.log,
          definitions: projections,
          json: values.json === true,
          follow: values.follow === true,
          print,
          signal: stop.signal,
        });
      } finally {
        await running.stop();
      }
    }
    case 'rebuild':
    case 'cutover':
    case 'rollback':
    case 'retire':
    case 'pause':
    case 'resume':
    case 'cancel':
    case 'verify': {
      if (sub === undefined) break;
      const versionText = positionals[2];
      const version = versionText === undefined ? undefined : Number(versionText.replace(/^v/, ''));
      if (version !== undefined && (!Number.isInteger(version) || version < 1)) break;
      const running = await startProjectionist({ workers: false, http: false });
      try {
        return await runOperatorVerb({
          running,
          definitions: projections,
          verb,
          name: sub,
          version,
          fromScratch: values['from-scratch'] === true,
          json: values.json === true,
          print,
        });
      } finally {
        await running.stop();
      }
    }
    case 'parked': {
      const [, , parkedName, versionText] = positionals;
      const version = Number((versionText ?? '').replace(/^v/, ''));
      if (
        !parkedVerbs.includes(sub as ParkedVerb) ||
        parkedName === undefined ||
        !Number.isInteger(version) ||
        version < 1
      )
        break;
      const running = await startProjectionist({ workers: false, http: false });
      try {
        return await runParked({
          running,
          verb: sub as ParkedVerb,
          name: parkedName,
          version,
          eventId: typeof values.event === 'string' ? values.event : undefined,
          json: values.json === true,
          print,
        });
      } finally {
        await running.stop();
      }
    }
    case 'dead-letters': {
      if (sub !== 'list' && sub !== 'redrive') break;
      const running = await startProjectionist({ workers: false, http: false });
      try {
        const offsets = values.offset;
        return await runDeadLetters({
          running,
          sub,
          offsets: Array.isArray(offsets) ? offsets.map(String) : undefined,
          json: values.json === true,
          print,
        });
      } finally {
        await running.stop();
      }
    }
    case 'staging': {
      if (sub !== 'refresh') break;
      const running = await startProjectionist({ workers: false, http: false });
      try {
        return await runStagingRefresh({ running, json: values.json === true, print });
      } finally {
        await running.stop();
      }
    }
    case undefined:
    case 'help':
    case '--help':
      print(usage);
      return verb === undefined ? exitCodes.usage : exitCodes.ok;
  }
  process.stderr.write(`projectionist: unknown command '${positionals.join(' ')}'\n${usage}\n`);
  return exitCodes.usage;
};

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (isProjectionistError(error, 'PRJ_CONFIG_INVALID')) {
    process.stderr.write(`projectionist: ${error.message}\n`);
    process.exitCode = exitCodes.usage;
  } else if (isProjectionistError(error) && errorCodes[error.code].refused) {
    process.stderr.write(`projectionist: refused (${error.code}): ${error.message}\n`);
    process.exitCode = exitCodes.refused;
  } else {
    process.stderr.write(`projectionist: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = exitCodes.failed;
  }
}
