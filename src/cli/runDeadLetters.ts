import {
  deadLetterSummary,
  listDeadLetters,
  redriveDeadLetters,
  type DeadLetter,
} from '../commands/index.ts';
import { Appender } from '../log/index.ts';
import type { Running } from '../main.ts';
import { exitCodes } from './exitCodes.ts';
import { formatTable } from './formatTable.ts';

const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const table = (letters: readonly DeadLetter[]) =>
  formatTable(
    ['offset', 'source', 'type', 'id', 'reason', 'now'],
    letters.map((d) => [
      d.offset,
      d.source,
      d.type === undefined ? '?' : `${d.type}${d.version === undefined ? '' : ` v${d.version}`}`,
      shorten(d.commandId ?? '?', 36),
      shorten(d.reason, 60),
      d.now.status === 'accepted' ? 're-drivable' : shorten(`unreadable: ${d.now.reason}`, 60),
    ]),
  );

/** `dead-letters list` and `dead-letters redrive [--offset N ...]`. */
export const runDeadLetters = async (options: {
  running: Running;
  sub: string | undefined;
  offsets: readonly string[] | undefined;
  json: boolean;
  print: (line: string) => void;
}): Promise<number> => {
  const { running, print } = options;
  const client = running.log;
  if (options.sub === 'list') {
    const letters = (await listDeadLetters({ client, catalog: running.catalog })).map(deadLetterSummary);
    print(options.json ? JSON.stringify(letters) : letters.length === 0 ? 'no dead letters' : table(letters));
    return exitCodes.ok;
  }
  if (options.sub === 'redrive') {
    const appender = await new Appender(client).connect();
    try {
      const result = await redriveDeadLetters({
        client,
        catalog: running.catalog,
        appender,
        ...(options.offsets ? { offsets: options.offsets } : {}),
      });
      if (options.json)
        print(
          JSON.stringify({
            redriven: result.redriven.map(deadLetterSummary),
            skipped: result.skipped.map(deadLetterSummary),
          }),
        );
      else {
        print(
          `re-driven ${result.redriven.length} dead letter(s) onto ${client.topics.commands}; ${result.skipped.length} still unreadable`,
        );
        if (result.skipped.length > 0) print(table(result.skipped));
      }
      return exitCodes.ok;
    } finally {
      await appender.close();
    }
  }
  return exitCodes.usage;
};
