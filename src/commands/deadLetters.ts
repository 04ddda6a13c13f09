import { decodeEnvelope, headerNames, readLog, type Appender, type LogClient } from '../log/index.ts';
import { describeMessageIssues, type CommandCatalog } from './CommandCatalog.ts';
import { deadLetterHeaders } from './deadLetterRecord.ts';

export type DeadLetter = {
  readonly offset: string;
  readonly reason: string;
  readonly at: string;
  readonly source: string;
  readonly commandId: string | undefined;
  readonly type: string | undefined;
  readonly version: number | undefined;
  /** What the current contracts make of it now: re-drivable, or still unreadable and why. */
  readonly now: { readonly status: 'accepted' } | { readonly status: 'unreadable'; readonly reason: string };
};

/** A dead letter as operators see it: its offset, reason and verdict, never the record itself. */
export const deadLetterSummary = (letter: DeadLetter): DeadLetter => ({
  offset: letter.offset,
  reason: letter.reason,
  at: letter.at,
  source: letter.source,
  commandId: letter.commandId,
  type: letter.type,
  version: letter.version,
  now: letter.now,
});

/** Every dead letter, each judged again through the current contracts and upcasters. */
export const listDeadLetters = async (options: {
  client: LogClient;
  catalog: CommandCatalog;
}): Promise<(DeadLetter & { value: Buffer; key: string })[]> => {
  const { client, catalog } = options;
  const out: (DeadLetter & { value: Buffer; key: string })[] = [];
  for await (const batch of readLog({ client, topic: client.topics.deadLetters, until: 'latest' })) {
    for (const record of batch.records) {
      const h = record.headers;
      let now: DeadLetter['now'];
      let envelope;
      try {
        envelope = decodeEnvelope(record.value);
        const decoded = catalog.decodeCommand(envelope.type, envelope.version, envelope.data);
        now =
          decoded.status === 'ok'
            ? { status: 'accepted' }
            : {
                status: 'unreadable',
                reason:
                  decoded.status === 'invalid'
                    ? describeMessageIssues(decoded.issues)
                    : decoded.status === 'too-new'
                      ? `v${decoded.version} is newer than this code (v${decoded.known})`
                      : `unknown command type '${envelope.type}'`,
              };
      } catch (error) {
        now = { status: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
      }
      out.push({
        offset: record.offset.toString(),
        reason: h[deadLetterHeaders.reason] ?? '',
        at: h[deadLetterHeaders.at] ?? '',
        source: `${h[deadLetterHeaders.sourceTopic] ?? '?'}[${h[deadLetterHeaders.sourcePartition] ?? '?'}]@${h[deadLetterHeaders.sourceOffset] ?? '?'}`,
        commandId: envelope?.eventId,
        type: envelope?.type ?? h[`pj-original-${headerNames.type}`],
        version: envelope?.version,
        now,
        value: record.value ?? Buffer.alloc(0),
        key: record.key ?? '',
      });
    }
  }
  return out;
};

/**
 * Sends dead letters that the current contracts accept back onto the commands topic, with
 * their original bytes and ids. Safe to repeat: a command id already applied is skipped by
 * the workers. `offsets` picks which; default every re-drivable one.
 */
export const redriveDeadLetters = async (options: {
  client: LogClient;
  catalog: CommandCatalog;
  appender: Appender;
  offsets?: readonly string[];
}): Promise<{ redriven: DeadLetter[]; skipped: DeadLetter[] }> => {
  const wanted = options.offsets === undefined ? undefined : new Set(options.offsets);
  const letters = (await listDeadLetters(options)).filter(
    (d) => wanted === undefined || wanted.has(d.offset),
  );
  const redrivable = letters.filter((d) => d.now.status === 'accepted');
  await options.appender.send(
    options.client.topics.commands,
    redrivable.map((d) => {
      const envelope = decodeEnvelope(d.value);
      return {
        key: d.key,
        value: d.value,
        headers: {
          [headerNames.type]: envelope.type,
          [headerNames.version]: String(envelope.version),
          [headerNames.eventId]: envelope.eventId,
        },
      };
    }),
  );
  const strip = ({ value: _v, key: _k, ...rest }: DeadLetter & { value: Buffer; key: string }): DeadLetter =>
    rest;
  return {
    redriven: redrivable.map(strip),
    skipped: letters.filter((d) => d.now.status !== 'accepted').map(strip),
  };
};
