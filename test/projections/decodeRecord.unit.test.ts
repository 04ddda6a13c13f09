import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { schemaFingerprint } from '../../src/contracts/index.ts';
import { createEnvelope, encodeEnvelope, headerNames, type LogRecord } from '../../src/log/index.ts';
import { contractsDecoder, decodeRecord, type EventDecoder } from '../../src/projections/index.ts';

const types = new Set(['CustomerEmailChanged']);
const contract = contractRegistry.lookup('event', 'CustomerEmailChanged')!;
const version = contract.latestVersion;

/** A record of the events topic as readLog hands it over, with extra headers. */
const recordOf = (data: unknown, headers: Record<string, string> = {}): LogRecord => {
  const encoded = encodeEnvelope(
    createEnvelope({ type: 'CustomerEmailChanged', version, streamId: 'cus-1', data }),
  );
  return {
    partition: 0,
    offset: 7n,
    key: encoded.key,
    value: encoded.value,
    headers: { ...encoded.headers, ...headers },
    timestamp: '0',
  };
};

describe('decodeRecord', () => {
  it("hands the decoder the record's pj-schema header, or nothing without one", () => {
    const seen: (string | undefined)[] = [];
    const spy: EventDecoder = (envelope, schema) => {
      seen.push(schema);
      return { status: 'ok', type: envelope.type, data: envelope.data };
    };
    decodeRecord({
      record: recordOf({ email: 'a@example.com' }, { [headerNames.schema]: 'abc' }),
      types,
      decode: spy,
    });
    decodeRecord({ record: recordOf({ email: 'a@example.com' }), types, decode: spy });
    expect(seen).toEqual(['abc', undefined]);
  });

  it('takes data at the schema its writer checked as written, and checks any other', () => {
    const decode = contractsDecoder(contractRegistry);
    const bad = { email: 'not an email' };
    const checked = recordOf(bad, { [headerNames.schema]: schemaFingerprint(contract)! });
    expect(decodeRecord({ record: checked, types, decode })).toMatchObject({
      kind: 'event',
      event: { data: bad },
    });
    for (const record of [recordOf(bad), recordOf(bad, { [headerNames.schema]: 'another-schema-entirely' })])
      expect(decodeRecord({ record, types, decode })).toMatchObject({
        kind: 'skipped',
        reason: expect.stringMatching(/CustomerEmailChanged v\d+ is invalid: email/),
      });
  });
});
