import { projections } from '../../projections/index.ts';
import { checkTopics, findTruncation } from '../log/index.ts';
import type { Logger } from '../logger/index.ts';
import { startProjectionist, type Running } from '../main.ts';
import type { OperatorVerb } from '../rebuild/index.ts';
import { exitCodes } from './exitCodes.ts';
import { followRebuild } from './followRebuild.ts';
import type { ParsedCommandLine } from './parseCommandLine.ts';
import { runDeadLetters } from './runDeadLetters.ts';
import { runLogCheck } from './runLogCheck.ts';
import { runOperatorVerb } from './runOperatorVerb.ts';
import { runParked } from './runParked.ts';
import { runPlan } from './runPlan.ts';
import { runServe } from './runServe.ts';
import { runStagingRefresh } from './runStagingRefresh.ts';
import { runStagingScan } from './runStagingScan.ts';
import { runStatus } from './runStatus.ts';

type Run = Extract<ParsedCommandLine, { kind: 'run' }>;

/** Stops at the first SIGINT (^C) instead of dying: `--follow` loops end and close their connections. */
const interrupted = (): AbortSignal => {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  return stop.signal;
};

const topicsCheck = async (running: Running, json: boolean, print: (line: string) => void) => {
  const { log } = running;
  const problems = await checkTopics({ client: log });
  // A missing topic has no partitions to read: reading them would only wait for it.
  const missing = problems.some((p) => p.topic === log.topics.events && p.problem === 'does not exist');
  const truncated = missing ? [] : await findTruncation({ client: log, topic: log.topics.events });
  if (json)
    print(
      JSON.stringify({
        problems,
        truncated: truncated.map((t) => ({ ...t, earliest: t.earliest.toString() })),
      }),
    );
  else {
    for (const p of problems) print(`${p.topic}: ${p.problem}`);
    for (const t of truncated)
      print(`${log.topics.events}: partition ${t.partition} starts at ${t.earliest} (truncated)`);
    if (problems.length + truncated.length === 0) print('topics ok: the events topic keeps all history');
  }
  return problems.length + truncated.length === 0 ? exitCodes.ok : exitCodes.refused;
};

/**
 * Runs one parsed verb. Read-only verbs (`status`, `topics check`) open the services without
 * creating topics or migrating (a database without the registry is refused with
 * PRJ_REGISTRY_MISSING); the others start as serve does, without workers, engine or HTTP.
 */
export const runCommandLine = async (
  line: Run,
  options: { logger: Logger; print: (line: string) => void },
): Promise<number> => {
  const { verb, args, version, json, flags } = line;
  const { logger, print } = options;
  if (verb === 'serve') return runServe({ logger });
  if (verb === 'check')
    return runLogCheck({
      logger,
      json,
      sample: typeof flags.sample === 'string' ? Number(flags.sample) : undefined,
      strict: flags.strict === true,
      print,
    });
  if (verb === 'staging scan')
    return runStagingScan({ logger, canaryFile: String(flags.canary), json, print });
  const readOnly =
    verb === 'status' ||
    verb === 'topics check' ||
    verb === 'plan' ||
    verb === 'plan retire' ||
    verb === 'plan rollback';
  const running = await startProjectionist({ workers: false, http: false, logger, readOnly });
  try {
    const [name = ''] = args;
    switch (verb) {
      case 'migrate':
        print(
          json
            ? JSON.stringify({ migrated: true, topics: running.log.topics })
            : `registry migrated; topics ${Object.values(running.log.topics).join(', ')} ready`,
        );
        return exitCodes.ok;
      case 'status':
        return await runStatus({
          pool: running.pool,
          client: running.log,
          definitions: projections,
          json,
          follow: flags.follow === true,
          print,
          signal: interrupted(),
        });
      case 'topics check':
        return await topicsCheck(running, json, print);
      case 'plan':
      case 'plan retire':
      case 'plan rollback':
        return await runPlan({
          running,
          definitions: projections,
          operation: verb === 'plan' ? 'rebuild' : verb === 'plan retire' ? 'retire' : 'rollback',
          name,
          version,
          fromScratch: flags['from-scratch'] === true,
          json,
          print,
        });
      case 'parked list':
      case 'parked retry':
      case 'parked skip':
        return await runParked({
          running,
          verb: verb === 'parked list' ? 'list' : verb === 'parked retry' ? 'retry' : 'skip',
          name,
          version: version ?? 0,
          eventId: typeof flags.event === 'string' ? flags.event : undefined,
          json,
          print,
        });
      case 'dead-letters list':
      case 'dead-letters redrive':
        return await runDeadLetters({
          running,
          sub: verb === 'dead-letters list' ? 'list' : 'redrive',
          offsets: Array.isArray(flags.offset) ? flags.offset.map(String) : undefined,
          json,
          print,
        });
      case 'staging refresh':
        return await runStagingRefresh({ running, json, print });
      default: {
        const operatorVerb: OperatorVerb = verb;
        const code = await runOperatorVerb({
          running,
          definitions: projections,
          verb: operatorVerb,
          name,
          version,
          fromScratch: flags['from-scratch'] === true,
          unverified: flags.unverified === true,
          json,
          print,
        });
        if (verb !== 'rebuild' || flags.follow !== true || code !== exitCodes.ok) return code;
        return await followRebuild({
          pool: running.pool,
          client: running.log,
          name,
          version: version ?? 0,
          json,
          print,
          signal: interrupted(),
        });
      }
    }
  } finally {
    await running.stop();
  }
};
