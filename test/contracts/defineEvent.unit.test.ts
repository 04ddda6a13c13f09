import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineEvent, notPersonal, type PiiTag } from '../../src/contracts/index.ts';

const v1 = z.object({ text: notPersonal(z.string().min(1)) });
const v2 = z.object({ text: notPersonal(z.string().min(1)), count: notPersonal(z.number().int()) });

/** Counted in two versions, v1 upcast to v2 with `count` for the count it lacked. */
const counted = (count: number) =>
  defineEvent({
    type: 'Counted',
    streamId: 'notPersonal',
    versions: [
      { version: 1, schema: v1, samples: [{ text: 'a' }] },
      {
        version: 2,
        schema: v2,
        samples: [{ text: 'b', count: 2 }],
        upcast: (previous) => ({ ...previous, count }),
      },
    ],
  });

describe('defineEvent', () => {
  it('gives a frozen contract whose newest version is the last one', () => {
    const contract = counted(1);
    expect(contract.kind).toBe('event');
    expect(contract.latestVersion).toBe(2);
    expect(contract.schema).toBe(v2);
    expect(contract.versions.map((entry) => entry.version)).toEqual([1, 2]);
    expect(Object.isFrozen(contract)).toBe(true);
  });

  it('refuses a gap in the version numbers', () => {
    expect(() =>
      defineEvent({
        type: 'Counted',
        streamId: 'notPersonal',
        versions: [
          { version: 1, schema: v1, samples: [{ text: 'a' }] },
          {
            // @ts-expect-error versions are numbered 1, 2, 3 without gaps
            version: 3,
            schema: v2,
            samples: [{ text: 'b', count: 2 }],
            upcast: (previous) => ({ ...previous, count: 1 }),
          },
        ],
      }),
    ).toThrow('Counted: versions must be 1, 2, 3, ... in order without gaps; entry 2 is version 3');
  });

  it('refuses a later version without an upcaster', () => {
    expect(() =>
      defineEvent({
        type: 'Counted',
        streamId: 'notPersonal',
        versions: [
          { version: 1, schema: v1, samples: [{ text: 'a' }] },
          // @ts-expect-error every version after the first needs an upcast
          { version: 2, schema: v2, samples: [{ text: 'b', count: 2 }] },
        ],
      }),
    ).toThrow('Counted v2: an upcast from v1 is missing');
  });

  it('refuses an upcaster on the first version', () => {
    expect(() =>
      defineEvent({
        type: 'Counted',
        streamId: 'notPersonal',
        // @ts-expect-error the first version has nothing to upcast from
        versions: [{ version: 1, schema: v1, samples: [{ text: 'a' }], upcast: () => ({ text: 'a' }) }],
      }),
    ).toThrow('Counted v1: the first version has nothing to upcast from; remove its upcast');
  });

  it('refuses a version without golden samples', () => {
    expect(() =>
      defineEvent({
        type: 'Counted',
        streamId: 'notPersonal',
        // @ts-expect-error at least one sample per version
        versions: [{ version: 1, schema: v1, samples: [] }],
      }),
    ).toThrow('Counted v1: at least one golden sample is required');
  });

  it('refuses a golden sample that its own version does not accept, naming the field', () => {
    expect(() =>
      defineEvent({
        type: 'Counted',
        streamId: 'notPersonal',
        versions: [{ version: 1, schema: v1, samples: [{ text: 'a' }, { text: '' }] }],
      }),
    ).toThrow(/^Counted v1 sample 2 does not match its own schema: text: /);
  });

  it('refuses a golden sample that does not survive upcasting to the newest version', () => {
    expect(() => counted(0.5)).toThrow(
      /^Counted v1 sample 1 does not survive upcasting; v2 refuses it: count: /,
    );
  });

  it('refuses a type name that is not a name, a bad stream id tag and a schema that is not an object', () => {
    const empty = z.object({});
    const define = (type: string, streamId: PiiTag, schema: typeof empty) => () =>
      defineEvent({ type, streamId, versions: [{ version: 1, schema, samples: [{}] }] });
    expect(define('order placed', 'notPersonal', empty)).toThrow('The type of an event must be a name like');
    expect(define('Counted', 'secret' as PiiTag, empty)).toThrow(
      'Counted: streamId must be a PII tag; got "secret"',
    );
    expect(define('Counted', 'notPersonal', z.string() as unknown as typeof empty)).toThrow(
      'Counted v1: the schema must be a z.object(...)',
    );
  });
});
