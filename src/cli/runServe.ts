import type { Logger } from '../logger/index.ts';
import { startProjectionist } from '../main.ts';
import { exitCodes } from './exitCodes.ts';

/**
 * Runs until SIGTERM or SIGINT, then drains: readiness answers 503 at once, workers and the
 * engine finish their batch in hand, HTTP and connections close, exit 0. A drain that passes
 * PROJECTIONIST_SHUTDOWN_TIMEOUT_MS, or a second signal, exits 1 at once. A signal during start
 * drains as soon as the start is done.
 */
export const runServe = async (options: { logger: Logger }): Promise<number> => {
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
  const running = await startProjectionist({ engine: true, logger: options.logger });
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
