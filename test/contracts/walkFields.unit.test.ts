import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { notPersonal, personal, walkFields } from '../../src/contracts/index.ts';

const schema = z.object({
  email: personal.email(z.email()),
  phone: personal.phone(z.string()).nullable(),
  lines: z.array(z.object({ sku: notPersonal(z.string()) })),
  address: z.object({ city: personal.city(z.string()) }),
  legacy: z.string(),
});

const visit = (value: unknown) => [...walkFields({ schema, value })];

describe('walkFields', () => {
  it('yields each present field with its concrete path, pattern, tag and value', () => {
    const value = {
      email: 'ada@example.com',
      lines: [{ sku: 'A' }, { sku: 'B' }],
      address: { city: 'Delft' },
    };
    expect(visit(value)).toEqual([
      { kind: 'field', path: ['email'], pattern: 'email', tag: 'email', value: 'ada@example.com' },
      { kind: 'field', path: ['lines', 0, 'sku'], pattern: 'lines[].sku', tag: 'notPersonal', value: 'A' },
      { kind: 'field', path: ['lines', 1, 'sku'], pattern: 'lines[].sku', tag: 'notPersonal', value: 'B' },
      { kind: 'field', path: ['address', 'city'], pattern: 'address.city', tag: 'city', value: 'Delft' },
    ]);
  });

  it('skips null and absent values, which hold no data', () => {
    expect(visit({ phone: null })).toEqual([]);
  });

  it('reports keys outside the contract, untagged fields and mismatched structure as strays', () => {
    const value = {
      lines: 'not a list',
      address: { city: 'Delft', secret: 'x' },
      legacy: 'value',
      extra: { nested: true },
    };
    expect(visit(value)).toEqual([
      { kind: 'stray', path: ['lines'], reason: 'mismatch' },
      { kind: 'field', path: ['address', 'city'], pattern: 'address.city', tag: 'city', value: 'Delft' },
      { kind: 'stray', path: ['address', 'secret'], reason: 'not-in-contract' },
      { kind: 'stray', path: ['legacy'], reason: 'untagged' },
      { kind: 'stray', path: ['extra'], reason: 'not-in-contract' },
    ]);
  });

  it('does not mistake inherited object properties for contract fields', () => {
    expect(visit(JSON.parse('{"toString": "x", "__proto__": {"email": "y"}}'))).toEqual([
      { kind: 'stray', path: ['toString'], reason: 'not-in-contract' },
      { kind: 'stray', path: ['__proto__'], reason: 'not-in-contract' },
    ]);
  });
});
