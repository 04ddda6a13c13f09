import type { CommandCatalog } from '../../../src/commands/index.ts';
import type { EventLedger } from './eventLedger.ts';

/** JSON with object keys sorted, so two equal states compare equal as text. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

/**
 * Each stream's state folded once from its events on the log (upcast through the contracts,
 * then the aggregate's evolve): what the command-state projection's streams table must hold.
 */
export const foldStreams = (catalog: CommandCatalog, ledger: EventLedger): Map<string, unknown> => {
  const states = new Map<string, unknown>();
  for (const [streamId, events] of ledger.streams) {
    let state: unknown;
    let aggregate: string | undefined;
    for (const e of events) {
      const of = catalog.aggregateOfEvent(e.type);
      if (of === undefined) continue;
      const decoded = catalog.decodeEvent(e.type, e.version, e.data);
      if (decoded.status !== 'ok') throw new Error(`${e.type} v${e.version} on ${streamId} does not decode`);
      if (aggregate === undefined) {
        aggregate = of;
        state = catalog.initialState(of);
      }
      state = catalog.evolve(of, state, { type: e.type, data: decoded.value });
    }
    if (aggregate !== undefined) states.set(streamId, state ?? null);
  }
  return states;
};
