import { commandOutcomeType, type CommandOutcome } from '../../../src/commands/index.ts';
import { decodeEnvelope, readLog, type LogClient } from '../../../src/log/index.ts';

/** A domain event as the fold needs it. */
export type LedgerEvent = { readonly type: string; readonly version: number; readonly data: unknown };

/** The whole events topic, tallied by the command that caused each record (its causation id). */
export type EventLedger = {
  readonly records: number;
  /** Decisions (applied, rejected) per command id: exactly one for every accepted command. */
  readonly decisions: Map<string, CommandOutcome[]>;
  /** Every outcome per command id (waiting and dead-lettered too). */
  readonly outcomes: Map<string, CommandOutcome[]>;
  /** Domain event ids per causation id, in log order. */
  readonly eventsByCause: Map<string, string[]>;
  /** How often each event id occurs (must be once). */
  readonly eventIds: Map<string, number>;
  /** Domain events per stream, in log order (a stream lives on one partition). */
  readonly streams: Map<string, LedgerEvent[]>;
  /** Records that are not readable envelopes (must be none: the engine writes every one). */
  readonly unreadable: number;
};

const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
};

export const readEventLedger = async (client: LogClient): Promise<EventLedger> => {
  const ledger: EventLedger = {
    records: 0,
    decisions: new Map(),
    outcomes: new Map(),
    eventsByCause: new Map(),
    eventIds: new Map(),
    streams: new Map(),
    unreadable: 0,
  };
  let unreadable = 0;
  let records = 0;
  for await (const batch of readLog({
    client,
    topic: client.topics.events,
    from: 'earliest',
    until: 'latest',
  }))
    for (const record of batch.records) {
      records++;
      let e;
      try {
        e = decodeEnvelope(record.value);
      } catch {
        unreadable++;
        continue;
      }
      if (e.type === commandOutcomeType) {
        const outcome = e.data as CommandOutcome;
        push(ledger.outcomes, outcome.commandId, outcome);
        if (outcome.status === 'applied' || outcome.status === 'rejected')
          push(ledger.decisions, outcome.commandId, outcome);
        continue;
      }
      ledger.eventIds.set(e.eventId, (ledger.eventIds.get(e.eventId) ?? 0) + 1);
      if (e.causationId !== null) push(ledger.eventsByCause, e.causationId, e.eventId);
      push(ledger.streams, e.streamId, { type: e.type, version: e.version, data: e.data });
    }
  return { ...ledger, records, unreadable };
};

/**
 * Every command in `ids` against the ledger. Lost: no decision. Doubled: more than one decision,
 * events of the command other than (or more often than) the applied decision names, or an event
 * id on the log twice.
 */
export const auditCommands = (ledger: EventLedger, ids: Iterable<string>) => {
  const lost: string[] = [];
  const doubled: string[] = [];
  let applied = 0;
  let rejected = 0;
  for (const id of new Set(ids)) {
    const decisions = ledger.decisions.get(id) ?? [];
    const events = ledger.eventsByCause.get(id) ?? [];
    const decision = decisions[0];
    if (decision === undefined) {
      lost.push(id);
      continue;
    }
    const named = decision.status === 'applied' ? decision.eventIds : [];
    const same = named.length === events.length && named.every((eventId, i) => events[i] === eventId);
    if (decisions.length > 1 || !same || events.some((eventId) => ledger.eventIds.get(eventId) !== 1))
      doubled.push(id);
    else if (decision.status === 'applied') applied++;
    else rejected++;
  }
  const repeatedEvents = [...ledger.eventIds.values()].filter((n) => n > 1).length;
  return { lost, doubled, applied, rejected, repeatedEvents };
};
