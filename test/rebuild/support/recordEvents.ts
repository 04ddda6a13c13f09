import { rebuildEventNames, type RebuildEngine, type RebuildEvents } from '../../../src/rebuild/index.ts';
import { waitableList } from '../../harness/waitableList.ts';

// Every event but each version's flushes and parking, which a rebuild test does not wait for.
const names = rebuildEventNames.filter(
  (name) => name !== 'version:batch' && name !== 'version:parked' && name !== 'version:released',
);

const lastNames = (seen: readonly Recorded[]) =>
  seen
    .slice(-6)
    .map((e) => e.name)
    .join(', ');

export type Recorded = {
  [K in keyof RebuildEvents]: { name: K; payload: RebuildEvents[K] };
}[keyof RebuildEvents];

/**
 * Every event an engine emits, kept in order from now on; `waitFor` answers the first one (past
 * or future) that matches, or fails after `timeoutMs` naming the last events seen; `waitForNext`
 * only one still to come.
 */
export const recordEvents = (engine: RebuildEngine) => {
  const recorded = waitableList<Recorded>();
  const seen = recorded.items;
  for (const name of names) engine.events.on(name, (payload) => recorded.push({ name, payload } as Recorded));
  const all = <K extends keyof RebuildEvents>(name: K): RebuildEvents[K][] =>
    seen.filter((e) => e.name === name).map((e) => e.payload as RebuildEvents[K]);
  const waitFor = async <K extends keyof RebuildEvents>(
    name: K,
    filter: (payload: RebuildEvents[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RebuildEvents[K]> => {
    const found = await recorded.waitFor(
      (e) => e.name === name && filter(e.payload as RebuildEvents[K]),
      timeoutMs,
      (items) => `no ${name} in ${timeoutMs} ms; last: ${lastNames(items)}`,
    );
    return found.payload as RebuildEvents[K];
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
