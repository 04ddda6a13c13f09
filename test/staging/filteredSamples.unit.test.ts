import { describe, expect, it } from 'vitest';
import { contractRegistry } from '../../events/index.ts';
import { createStagingFilter } from '../../src/staging/index.ts';
import { goldenEnvelopes } from './fixtures/goldenEnvelopes.ts';
import { stagingKey } from './fixtures/stagingKeys.ts';

const filter = createStagingFilter({ registry: contractRegistry, key: stagingKey });
const cases = goldenEnvelopes({ streamIdOf: () => 'cus-0001' }).map((golden) => ({
  ...golden,
  verdict: filter.filter(golden.envelope),
}));

describe('filtered golden samples', () => {
  it.each(cases)('$name still parses against its version once filtered, and upcasts', (golden) => {
    const { contract, version, verdict } = golden;
    expect(verdict.status).toBe('pass');
    if (verdict.status !== 'pass') return;
    const { data } = verdict.envelope;
    expect(contract.versions[version - 1]!.schema.safeParse(data).success).toBe(true);
    expect(contractRegistry.decode(contract.kind, contract.type, version, data).status).toBe('ok');
  });

  it('changes every personal value of the samples', () => {
    const before = JSON.stringify(cases.map(({ envelope }) => envelope.data));
    const after = JSON.stringify(
      cases.map(({ verdict }) => (verdict.status === 'pass' ? verdict.envelope.data : null)),
    );
    for (const real of [
      'Ada',
      'Lovelace',
      'ada@example.com',
      'Keizersgracht',
      'Amsterdam',
      '1815-12-10',
      '+44 20 7946 0018',
      'Charles',
      'cus-0001',
    ]) {
      expect(before).toContain(real);
      expect(after).not.toContain(real);
    }
  });
});
