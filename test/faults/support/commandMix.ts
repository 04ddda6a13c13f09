import { randomUUID } from 'node:crypto';
import { registerCustomer } from '../../api/support/registerCustomer.ts';
import { commandSamples, type CommandBody } from '../../api/support/validCommand.ts';

/** A RecordPayment v2 (the newest) of `amountCents` euros cents on payment stream `streamId`. */
export const recordPayment = (streamId: string, amountCents: number, id = randomUUID()): CommandBody => ({
  id,
  type: 'RecordPayment',
  version: 2,
  streamId,
  payload: { orderId: `ord-${streamId}`, amountCents, currency: 'EUR', method: 'card', reference: null },
});

/** A RefundPayment of part of a payment; rejected by the decider when more than is left. */
export const refundPayment = (streamId: string, amountCents: number, id = randomUUID()): CommandBody => ({
  id,
  type: 'RefundPayment',
  version: 1,
  streamId,
  payload: { amountCents, reason: 'arrived broken' },
});

const newest = commandSamples.filter((s) => s.version === s.latestVersion);

/** The golden sample of a command type's newest version on a stream (decided against its state: applied or rejected). */
export const sampleCommand = (n: number, streamId: string, id = randomUUID()): CommandBody => {
  const sample = newest[n % newest.length];
  if (sample === undefined) throw new Error('the contracts have no command samples');
  return {
    id,
    type: sample.type,
    version: sample.version,
    streamId,
    payload: structuredClone(sample.payload),
  };
};

export { registerCustomer };
