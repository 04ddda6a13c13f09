import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import {
  catalogFromContracts,
  commandOutcomeType,
  createSliceWork,
  parseCommandRecord,
  type CommandOutcome,
  type SliceMemory,
} from '../../src/commands/index.ts';
import { createEnvelope, encodeEnvelope, partitionFor } from '../../src/log/index.ts';

const catalog = catalogFromContracts(contractRegistry);
const partitions = 3;
const register = contractRegistry.lookup('command', 'RegisterCustomer')!.versions.at(-1)!.samples[0];

const memory = (states: Record<string, number> = {}): SliceMemory => ({
  isDecided: () => false,
  isHeld: () => false,
  heldBy: () => undefined,
  stateOf: (stream) =>
    states[stream] === undefined
      ? undefined
      : {
          aggregate: 'customer',
          state: { status: 'active', email: 'old@example.com' },
          version: states[stream],
        },
  incomplete: () => undefined,
});

const recordOf = (
  command: { type: string; version: number; streamId: string; data: unknown; expectedVersion?: number },
  offset: bigint,
) => {
  const encoded = encodeEnvelope(createEnvelope(command));
  return parseCommandRecord({
    partition: partitionFor(command.streamId, partitions),
    offset,
    key: encoded.key,
    value: encoded.value,
    headers: encoded.headers,
    timestamp: '0',
  });
};

const decide = (records: ReturnType<typeof recordOf>[], using: SliceMemory = memory()) => {
  const work = createSliceWork({
    partition: records[0]!.record.partition,
    owner: (s) => partitionFor(s, partitions),
    topic: 'commands',
    catalog,
    memory: using,
  });
  for (const r of records) work.take(r);
  const result = work.result;
  return {
    result,
    outcomes: result.appends
      .filter((a) => a.type === commandOutcomeType)
      .map((a) => a.data as CommandOutcome),
  };
};

const change = (streamId: string, email: string, expectedVersion?: number) => ({
  type: 'ChangeCustomerEmail',
  version: 1,
  streamId,
  data: { email },
  ...(expectedVersion === undefined ? {} : { expectedVersion }),
});

describe('expectedVersion', () => {
  it('applies the first of two commands that expect the same version and rejects the second, naming both versions', () => {
    const { result, outcomes } = decide(
      [recordOf(change('cus-1', 'a@example.com', 1), 0n), recordOf(change('cus-1', 'b@example.com', 1), 1n)],
      memory({ 'cus-1': 1 }),
    );
    expect(outcomes[0]).toMatchObject({ status: 'applied', streamVersion: 2 });
    expect(outcomes[1]).toEqual({
      commandId: expect.any(String),
      commandType: 'ChangeCustomerEmail',
      status: 'rejected',
      reason: 'expected version 1 but stream cus-1 is at 2',
      streamVersion: 2,
      expectedVersion: 1,
    });
    // One event: the first command's. The rejected one appended nothing.
    expect(result.appends.filter((a) => a.type === 'CustomerEmailChanged')).toHaveLength(1);
    expect(result.states.get('cus-1')?.version).toBe(2);
  });

  it('reads 0 as "the stream has no events": a new stream is created, an existing one refused', () => {
    const { outcomes } = decide([
      recordOf(
        { type: 'RegisterCustomer', version: 2, streamId: 'cus-new', data: register, expectedVersion: 0 },
        0n,
      ),
      recordOf(
        { type: 'RegisterCustomer', version: 2, streamId: 'cus-new', data: register, expectedVersion: 0 },
        1n,
      ),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'applied', streamVersion: 1 });
    expect(outcomes[1]).toMatchObject({
      status: 'rejected',
      reason: 'expected version 0 but stream cus-new is at 1',
      expectedVersion: 0,
    });
  });

  it('checks the version before the decider: a lost race is a conflict, whatever the decider would say', () => {
    // The decider would answer no events (same email); the conflict is still reported as one.
    const { outcomes } = decide(
      [recordOf(change('cus-2', 'old@example.com', 4), 0n)],
      memory({ 'cus-2': 5 }),
    );
    expect(outcomes[0]).toMatchObject({ status: 'rejected', expectedVersion: 4, streamVersion: 5 });
  });

  it('counts events without an expectation, and reports the version on every decision', () => {
    const { outcomes } = decide(
      [recordOf(change('cus-3', 'x@example.com'), 0n), recordOf(change('cus-3', 'x@example.com', 4), 1n)],
      memory({ 'cus-3': 3 }),
    );
    expect(outcomes.map((o) => [o.status, 'streamVersion' in o ? o.streamVersion : undefined])).toEqual([
      ['applied', 4],
      ['applied', 4],
    ]);
  });

  it('dead-letters a topic record whose expectedVersion is not a whole number >= 0', () => {
    for (const bad of [-1, 1.5, '3', null]) {
      const value = Buffer.from(
        JSON.stringify({ ...createEnvelope(change('cus-4', 'y@example.com')), expectedVersion: bad }),
      );
      const parsed = parseCommandRecord({
        partition: 0,
        offset: 0n,
        key: 'cus-4',
        value,
        headers: {},
        timestamp: '0',
      });
      expect(parsed).toMatchObject({
        kind: 'malformed',
        reason: 'malformed envelope: expectedVersion must be a whole number >= 0 when present',
      });
    }
  });
});
