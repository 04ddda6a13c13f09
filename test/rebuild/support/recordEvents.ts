import type { RebuildEngine, RebuildEvents } from '../../../src/rebuild/index.ts';

const names: readonly (keyof RebuildEvents)[] = [
  'rebuild:started',
  'rebuild:batch',
  'rebuild:waiting',
  'rebuild:built',
  'rebuild:caught-up',
  'rebuild:verified',
  'rebuild:standby',
  'rebuild:stopped',
  'rebuild:failed',
  'rebuild:error',
  'cutover:done',
  'cutover:refused',
  'version:retired',
  'version:state',
  'version:drift',
  'engine:error',
];

export type Recorded = {
  [K in keyof RebuildEvents]: { name: K; payload: RebuildEvents[K] };
}[keyof RebuildEvents];

/**
 * Every event an engine emits, kept in order from now on; `waitFor` answers the first one (past
 * or future) that matches, or fails after `timeoutMs` naming the last events seen; `waitForNext`
 * only one still to come.
 */
export const recordEvents = (engine: RebuildEngine) => {
  const seen: Recorded[] = [];
  const waiters = new Set<() => void>();
  for (const name of names)
    engine.events.on(name, (payload) => {
      seen.push({ name, payload } as Recorded);
      for (const wake of waiters) wake();
    });
  const all = <K extends keyof RebuildEvents>(name: K): RebuildEvents[K][] =>
    seen.filter((e) => e.name === name).map((e) => e.payload as RebuildEvents[K]);
  const waitFor = async <K extends keyof RebuildEvents>(
    name: K,
    filter: (payload: RebuildEvents[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RebuildEvents[K]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = all(name).find(filter);
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no ${name} in ${timeoutMs} ms; last: ${seen
            .slice(-6)
            .map((e) => e.name)
            .join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  };
  /** Like waitFor, but only for an event emitted after this call. */
  const waitForNext = <K extends keyof RebuildEvents>(
    name: K,
    filter: (payload: RebuildEvents[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RebuildEvents[K]> => {
    const before = new Set(all(name));
    return waitFor(name, (payload) => !before.has(payload) && filter(payload), timeoutMs);
  };
  return { seen, all, waitFor, waitForNext };
};
