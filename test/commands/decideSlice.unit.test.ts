import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import {
  catalogFromContracts,
  commandOutcomeType,
  createSliceWork,
  parseCommandRecord,
  type CommandCatalog,
  type CommandOutcome,
  type SliceMemory,
} from '../../src/commands/index.ts';
import { schemaFingerprint } from '../../src/contracts/index.ts';
import { createEnvelope, encodeEnvelope, partitionFor } from '../../src/log/index.ts';

const catalog = catalogFromContracts(contractRegistry);
const partitions = 3;

const emptyMemory: SliceMemory = {
  isDecided: () => false,
  isHeld: () => false,
  heldBy: () => undefined,
  stateOf: () => undefined,
  incomplete: () => undefined,
};

const recordOf = (type: string, version: number, streamId: string, data: unknown, offset = 0n) => {
  const encoded = encodeEnvelope(createEnvelope({ type, version, streamId, data }));
  return parseCommandRecord({
    partition: partitionFor(streamId, partitions),
    offset,
    key: encoded.key,
    value: encoded.value,
    headers: encoded.headers,
    timestamp: '0',
  });
};

const decideAll = (records: ReturnType<typeof recordOf>[], using: CommandCatalog = catalog) => {
  const work = createSliceWork({
    partition: records[0]!.record.partition,
    owner: (s) => partitionFor(s, partitions),
    topic: 'commands',
    catalog: using,
    memory: emptyMemory,
  });
  for (const r of records) work.take(r);
  return work.result;
};

const outcomes = (appends: readonly { type: string; data: unknown }[]) =>
  appends.filter((a) => a.type === commandOutcomeType).map((a) => a.data as CommandOutcome);

const register = contractRegistry.lookup('command', 'RegisterCustomer')!.versions.at(-1)!.samples[0];

describe('deciding a slice of commands', () => {
  it("rejects a command on a stream that holds another aggregate's state, appending nothing to it", () => {
    const result = decideAll([
      recordOf('RegisterCustomer', 2, 'cus-1', register),
      recordOf('RefundPayment', 1, 'cus-1', { amountCents: 5, reason: 'why not' }, 1n),
    ]);
    const [registered, refund] = outcomes(result.appends);
    expect(registered?.status).toBe('applied');
    expect(refund).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/cus-1 is a customer stream/),
    });
    expect(result.appends.filter((a) => a.type === 'PaymentRefunded')).toHaveLength(0);
  });

  it('turns a decider that answers nothing or throws into a rejection with the reason', () => {
    const broken: CommandCatalog = {
      ...catalog,
      decide: (type, command, state) => {
        if (type === 'RegisterCustomer') return undefined as never;
        if (type === 'ChangeCustomerEmail') throw new Error('boom');
        return catalog.decide(type, command, state);
      },
    };
    const result = decideAll(
      [
        recordOf('RegisterCustomer', 2, 'cus-2', register),
        recordOf('ChangeCustomerEmail', 1, 'cus-2', { email: 'a@example.com' }, 1n),
      ],
      broken,
    );
    expect(outcomes(result.appends).map((o) => [o.status, 'reason' in o ? o.reason : ''])).toEqual([
      ['rejected', expect.stringMatching(/answered no decision/)],
      ['rejected', expect.stringMatching(/the decider failed: boom/)],
    ]);
  });

  it('checks what a decider answers against the newest schema, and names the schema of what passed', () => {
    const careless: CommandCatalog = {
      ...catalog,
      decide: (type, command, state) =>
        type === 'ChangeCustomerEmail'
          ? { events: [{ type: 'CustomerEmailChanged', data: { email: 'not an email' } }] }
          : catalog.decide(type, command, state),
    };
    const result = decideAll(
      [
        recordOf('RegisterCustomer', 2, 'cus-3', register),
        recordOf('ChangeCustomerEmail', 1, 'cus-3', { email: 'b@example.com' }, 1n),
      ],
      careless,
    );
    expect(outcomes(result.appends).map((o) => [o.status, 'reason' in o ? o.reason : ''])).toEqual([
      ['applied', ''],
      ['rejected', expect.stringMatching(/answered an invalid CustomerEmailChanged event: email: /)],
    ]);
    expect(result.appends.filter((a) => a.type === 'CustomerEmailChanged')).toHaveLength(0);
    const registered = result.appends.find((a) => a.type === 'CustomerRegistered')!;
    expect(result.schemas.get(registered.eventId)).toBe(
      schemaFingerprint(contractRegistry.lookup('event', 'CustomerRegistered')!),
    );
  });
});
