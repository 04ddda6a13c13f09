import { createEnvelope, type Envelope } from '../../../src/log/index.ts';
import type { CommandBody } from './validCommand.ts';

/**
 * A command as a service that writes to the commands topic itself sends it: the envelope of its
 * body, with the command's id as the event id.
 */
export const commandEnvelope = (c: CommandBody, fields: { correlationId?: string } = {}): Envelope =>
  createEnvelope({
    eventId: c.id,
    type: c.type,
    version: c.version,
    streamId: c.streamId,
    data: c.payload,
    ...fields,
  });
