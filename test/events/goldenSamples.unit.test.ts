import { describe, expect, it } from 'vitest';
import { contractRegistry, contracts } from '../../events/index.ts';

const samples = contracts.flatMap((contract) =>
  contract.versions.flatMap(({ version, samples: data }) =>
    data.map((sample, index) => ({
      name: `${contract.type} v${version} sample ${index + 1}`,
      contract,
      version,
      sample,
    })),
  ),
);

describe('golden samples', () => {
  it('exist for every version of every contract', () => {
    for (const contract of contracts) {
      for (const version of contract.versions) expect(version.samples.length).toBeGreaterThan(0);
    }
    expect(samples.length).toBeGreaterThanOrEqual(contracts.length);
  });

  it.each(samples)('$name upcasts to a value the newest schema accepts', ({ contract, version, sample }) => {
    const result = contractRegistry.decode(contract.kind, contract.type, version, sample);
    expect(result).toMatchObject({ status: 'ok', fromVersion: version });
    if (result.status !== 'ok') return;
    expect(contract.schema.safeParse(result.value)).toMatchObject({ success: true, data: result.value });
  });
});
