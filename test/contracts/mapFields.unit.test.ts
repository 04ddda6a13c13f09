import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { dropField, mapFields, notPersonal, personal, type FieldMapper } from '../../src/contracts/index.ts';

const schema = z.object({
  email: personal.email(z.email()),
  phone: personal.phone(z.string()).nullable(),
  note: personal.freeText(z.string()).optional(),
  lines: z.array(z.object({ sku: notPersonal(z.string()), quantity: notPersonal(z.number()) })),
  address: z.object({ city: personal.city(z.string()), country: notPersonal(z.string()) }),
  legacy: z.string(),
});

const redact: FieldMapper = (field) => (field.tag === 'notPersonal' ? field.value : `<${field.tag}>`);

describe('mapFields', () => {
  it('replaces every personal field and keeps the structure and the fields that are not personal', () => {
    const value = {
      email: 'ada@example.com',
      phone: null,
      lines: [{ sku: 'A', quantity: 2 }],
      address: { city: 'Delft', country: 'NL' },
    };
    expect(mapFields({ schema, value, mapper: redact })).toEqual({
      email: '<email>',
      phone: null,
      lines: [{ sku: 'A', quantity: 2 }],
      address: { city: '<city>', country: 'NL' },
    });
  });

  it('strips keys outside the contract, untagged fields and mismatched parts', () => {
    const value = {
      email: 'ada@example.com',
      lines: [{ sku: 'A', quantity: 1, secret: 'x' }, 'not a line'],
      address: 'Delft',
      legacy: 'raw',
      extra: 'raw',
    };
    expect(mapFields({ schema, value, mapper: redact })).toEqual({
      email: '<email>',
      lines: [{ sku: 'A', quantity: 1 }],
    });
  });

  it('leaves a field out when the mapper drops it, and passes the mapper its paths', () => {
    const seen: string[] = [];
    const mapped = mapFields({
      schema,
      value: { email: 'ada@example.com', note: 'call me', lines: [{ sku: 'A', quantity: 1 }] },
      mapper: (field) => {
        seen.push(`${field.path.join('/')} ${field.pattern}`);
        return field.tag === 'freeText' ? dropField : field.value;
      },
    });
    expect(mapped).toEqual({ email: 'ada@example.com', lines: [{ sku: 'A', quantity: 1 }] });
    expect(seen).toEqual([
      'email email',
      'note note',
      'lines/0/sku lines[].sku',
      'lines/0/quantity lines[].quantity',
    ]);
  });

  it('gives undefined for a value that is not an object at all', () => {
    expect(mapFields({ schema, value: 'hello', mapper: redact })).toBeUndefined();
  });
});
