import { engineDefaults } from '../config/index.ts';
import { ProjectionistError } from '../errors/index.ts';
import {
  brokerSends,
  createEnvelope,
  encodeEnvelope,
  maxRecordBytes,
  recordBytes,
  type Appender,
  type LogClient,
} from '../log/index.ts';
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

const { sendTimeoutMs } = engineDefaults.commands;

/**
 * Validates every command against its contract, then puts them durably on the commands topic
 * (all or none are answered 202) and records them as accepted. Throws PRJ_VALIDATION with the
 * issues of every bad command, and PRJ_PAYLOAD_TOO_LARGE for one that cannot fit a log record,
 * sending nothing; PRJ_KAFKA_UNAVAILABLE when the broker did not take them in time (the sender
 * retries with the same ids: duplicates are skipped). A batch too large for one produce request
 * goes in several, in order; should one fail, those before it are on the log, and the retry
 * the 503 asks for completes the batch without doubling any command.
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
        ...(c.expectedVersion === undefined ? {} : { expectedVersion: c.expectedVersion }),
      }),
    ),
  );
  const oversized = records.flatMap((r, i) => {
    const size = recordBytes(r);
    return size > maxRecordBytes
      ? [
          {
            path: options.batch ? `commands.${i}` : '',
            message: `encodes to a ${size}-byte log record; a command may take at most ${maxRecordBytes} bytes (the broker's message.max.bytes is 1048588)`,
            code: 'too_big',
          },
        ]
      : [];
  });
  if (oversized.length > 0) {
    throw new ProjectionistError('PRJ_PAYLOAD_TOO_LARGE', 'a command is too large for one log record', {
      details: { issues: oversized },
    });
  }
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const sendAll = async () => {
    for (const part of brokerSends(records)) {
      // After the timeout the sender was told to retry: sending on would only race that retry.
      if (gaveUp) return;
      await options.appender.send(options.client.topics.commands, part);
    }
  };
  try {
    await Promise.race([
      sendAll(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer from Kafka within ${sendTimeoutMs} ms`)),
          sendTimeoutMs,
        );
      }),
    ]);
  } catch (cause) {
    gaveUp = true;
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
