import type { Running } from '../main.ts';
import { listParked, requestParkedRetry, skipParked } from '../registry/index.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';

export const parkedVerbs = ['list', 'retry', 'skip'] as const;
export type ParkedVerb = (typeof parkedVerbs)[number];

const json = (value: unknown) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * `parked list|retry|skip <projection> <version> [--event <id>]`: the events a version parked
 * (never their data), a retry request (the process running the version takes it within seconds),
 * or giving events up (one, or every failed one; what queued behind them follows).
 */
export const runParked = async (options: {
  running: Running;
  verb: ParkedVerb;
  name: string;
  version: number;
  eventId: string | undefined;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { running, verb, name, version, print } = options;
  const pool = running.pool;
  const target = {
    pool,
    name,
    version,
    ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
  };
  switch (verb) {
    case 'list': {
      const parked = await listParked({ pool, name, version });
      if (options.json) print(json(parked));
      else if (parked.length === 0) print(`${name} v${version}: no parked events`);
      else
        print(
          formatTable(
            ['position', 'event', 'stream', 'type', 'kind', 'attempts', 'reason'],
            parked.map((p) => [
              `${p.partition}/${p.offset}`,
              p.eventId,
              p.streamId,
              `${p.type} v${p.writtenVersion}`,
              p.kind,
              String(p.attempts),
              p.reason,
            ]),
          ),
        );
      return exitCodes.ok;
    }
    case 'retry': {
      const result = await requestParkedRetry(target);
      print(
        options.json
          ? json({ name, version, ...result })
          : `${name} v${version}: retry requested for ${result.requested} parked event(s); the version's writer retries them within seconds`,
      );
      return exitCodes.ok;
    }
    case 'skip': {
      const result = await skipParked(target);
      print(
        options.json
          ? json({ name, version, ...result })
          : `${name} v${version}: skipped ${result.skipped.length} parked event(s)${result.skipped.length > 0 ? `: ${result.skipped.join(', ')}` : ''}`,
      );
      return exitCodes.ok;
    }
  }
};
