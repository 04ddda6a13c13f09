import { RegisterCustomer } from '../../../events/index.ts';
import { sampleOf } from '../../../src/testing/index.ts';
import type { CommandBody } from './validCommand.ts';

/** A RegisterCustomer command the intake accepts: its newest golden sample, the email made from the stream. */
export const registerCustomer = (id: string, streamId: string): CommandBody => ({
  id,
  type: RegisterCustomer.type,
  version: RegisterCustomer.latestVersion,
  streamId,
  payload: sampleOf(RegisterCustomer, { email: `${streamId}@example.com` }),
});
