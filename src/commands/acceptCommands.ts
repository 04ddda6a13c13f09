import { ProjectionistError } from '../errors/index.ts';
import { createEnvelope, encodeEnvelope, type Appender, type LogClient } from '../log/index.ts';
import type { CommandCatalog } from './CommandCatalog.ts';
import type { CommandRequest } from './commandRequestSchema.ts';
import type { CommandStore } from './commandStore.ts';

export type Issue = { path: string; message: string; code?: string };

/** Checks a command against its contract (any known version); answers the issues, none when valid. */
export const commandIssues = (catalog: CommandCatalog, command: CommandRequest, prefix = ''): Issue[] => {
  const decoded = catalog.decodeCommand(command.type, command.version, command.payload);
  switch (decoded.status) {
    case 'ok':
      return [];
    case 'unknown-type':
      return [
        { path: `${prefix}type`, message: `unknown command type '${command.type}'`, code: 'unknown_type' },
      ];
    case 'too-new':
      return [
        {
          path: `${prefix}version`,
          message: `${command.type} v${decoded.version} is newer than this server knows (v${decoded.known}); send v${decoded.known} or retry against an upgraded server`,
          code: 'version_too_new',
        },
      ];
    case 'invalid':
      return decoded.issues.map((i) => ({
        path: `${prefix}payload${i.path ? `.${i.path}` : ''}`,
        message: i.message,
        code: 'invalid_payload',
      }));
  }
};

const sendTimeoutMs = 10_000;

/**
 * Largest encoded command record: under the broker's default message.max.bytes (1,048,588)
 * with room for the batch overhead, so a command the HTTP body limit lets in but Kafka would
 * refuse is answered 413 before anything is sent (a batch is then refused whole).
 */
export const maxRecordBytes = 1_000_000;

/**
 * Validates every command against its contract, then puts them durably on the commands topic
 * (all or none are answered 202) and records them as accepted. Throws PRJ_VALIDATION with the
 * issues of every bad command, sending nothing; PRJ_KAFKA_UNAVAILABLE when the broker did not
 * take them in time (the sender retries with the same ids: duplicates are skipped).
 */
export const acceptCommands = async (options: {
  client: LogClient;
  appender: Appender;
  store: CommandStore;
  catalog: CommandCatalog;
  commands: readonly CommandRequest[];
  batch: boolean;
}): Promise<{ commandId: string; status: 'accepted' }[]> => {
  const { commands, catalog } = options;
  const issues = commands.flatMap((c, i) => commandIssues(catalog, c, options.batch ? `commands.${i}.` : ''));
  if (issues.length > 0) {
    throw new ProjectionistError('PRJ_VALIDATION', 'the command does not match its contract', {
      details: { issues },
    });
  }
  const records = commands.map((c) =>
    encodeEnvelope(
      createEnvelope({
        eventId: c.id,
        type: c.type,
        version: c.version,
        streamId: c.streamId,
        data: c.payload,
        correlationId: c.correlationId ?? c.id,
        ...(c.metadata === undefined ? {} : { metadata: c.metadata }),
      }),
    ),
  );
  const oversized = records.flatMap((r, i) =>
    r.value.length > maxRecordBytes
      ? [
          {
            path: options.batch ? `commands.${i}` : '(root)',
            message: `encodes to ${r.value.length} bytes; at most ${maxRecordBytes} fit in one log record`,
            code: 'too_big',
          },
        ]
      : [],
  );
  if (oversized.length > 0) {
    throw new ProjectionistError('PRJ_PAYLOAD_TOO_LARGE', 'a command is too large for one log record', {
      details: { issues: oversized },
    });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      options.appender.send(options.client.topics.commands, records),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from Kafka within ${sendTimeoutMs} ms`)),
          sendTimeoutMs,
        );
      }),
    ]);
  } catch (cause) {
    throw new ProjectionistError(
      'PRJ_KAFKA_UNAVAILABLE',
      'the commands could not be put on the log; retry with the same ids',
      { cause },
    );
  } finally {
    clearTimeout(timer);
  }
  // The commands are durable now; the accepted rows only serve GET /commands/:id before an outcome exists.
  await options.store
    .recordAccepted(commands.map((c) => ({ id: c.id, streamId: c.streamId, type: c.type })))
    .catch(() => undefined);
  return commands.map((c) => ({ commandId: c.id, status: 'accepted' as const }));
};
