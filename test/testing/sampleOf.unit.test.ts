import { describe, expect, it } from 'vitest';
import { PlaceOrder, RegisterCustomer } from '../../events/index.ts';
import { isProjectionistError } from '../../src/errors/index.ts';
import { sampleOf, sampleOfVersion } from '../../src/testing/index.ts';

describe('sampleOf', () => {
  it('answers the newest version’s first golden sample with the changes laid over it, valid for its schema', () => {
    const payload = sampleOf(RegisterCustomer, { lastName: 'Hopper 7', marketingOptIn: false });
    expect(payload).toEqual({
      ...(RegisterCustomer.versions[1]?.samples[0] as object),
      lastName: 'Hopper 7',
      marketingOptIn: false,
    });
    expect(RegisterCustomer.schema.safeParse(payload).success).toBe(true);
  });

  it('answers a copy: changing it leaves the contract’s sample as it was', () => {
    const payload = sampleOf(PlaceOrder);
    payload.lines[0]!.quantity = 99;
    expect(sampleOf(PlaceOrder).lines[0]?.quantity).toBe(2);
  });

  it('answers an older version’s sample, and refuses a version the contract does not have', () => {
    expect(sampleOfVersion(RegisterCustomer, 1, { email: 'ada7@example.com' })).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada7@example.com',
    });
    let error: unknown;
    try {
      sampleOfVersion(RegisterCustomer, 3);
    } catch (caught) {
      error = caught;
    }
    expect(isProjectionistError(error, 'PRJ_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toBe('RegisterCustomer has no version 3');
  });
});
