import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { findUntaggedFields, listFields, notPersonal, personal } from '../../src/contracts/index.ts';
import { GreetingSent } from './fixtures/greetingContracts.ts';
import { NoteWritten } from './fixtures/untaggedContract.ts';

describe('findUntaggedFields', () => {
  it('reports each untagged field of a contract with its version and path', () => {
    expect(findUntaggedFields(NoteWritten)).toEqual([
      { version: 1, path: 'author.nickname' },
      { version: 2, path: 'author.nickname' },
      { version: 2, path: 'tags[]' },
    ]);
  });

  it('reports nothing for a contract whose every field is tagged', () => {
    expect(findUntaggedFields(GreetingSent)).toEqual([]);
  });
});

describe('listFields', () => {
  it('lists nested objects and arrays of objects by path, seeing through wrappers', () => {
    const schema = z.object({
      customerId: personal.identifier(z.string()),
      lines: z.array(
        z.object({ sku: notPersonal(z.string()), note: personal.freeText(z.string()).optional() }),
      ),
      address: z
        .object({ city: personal.city(z.string()), country: notPersonal(z.string()).default('NL') })
        .nullable(),
    });
    expect(listFields(schema)).toEqual([
      { path: 'customerId', tag: 'identifier' },
      { path: 'lines[].sku', tag: 'notPersonal' },
      { path: 'lines[].note', tag: 'freeText' },
      { path: 'address.city', tag: 'city' },
      { path: 'address.country', tag: 'notPersonal' },
    ]);
  });

  it('treats a tagged object as one field and an untagged union as untagged', () => {
    const schema = z.object({
      address: personal.address(z.object({ street: z.string(), city: z.string() })),
      contact: z.union([z.email(), z.string()]),
    });
    expect(listFields(schema)).toEqual([
      { path: 'address', tag: 'address' },
      { path: 'contact', tag: undefined },
    ]);
  });
});
