import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  checkNewest,
  createContractRegistry,
  defineEvent,
  notPersonal,
  schemaFingerprint,
} from '../../src/contracts/index.ts';
import { GreetingSent, GreetingsMuted } from './fixtures/greetingContracts.ts';

const registry = createContractRegistry([GreetingSent, GreetingsMuted]);
const fingerprint = schemaFingerprint(GreetingSent)!;

/** GreetingSent as another deployment might define it: v2 takes a language of 3 letters. */
const greetingWith = (length: number) =>
  defineEvent({
    type: 'GreetingSent',
    streamId: 'identifier',
    versions: [
      {
        version: 1,
        schema: z.object({ text: notPersonal(z.string().min(1)) }),
        samples: [{ text: 'hello' }],
      },
      {
        version: 2,
        schema: z.object({
          text: notPersonal(z.string().min(1)),
          language: notPersonal(z.string().length(length)),
        }),
        samples: [{ text: 'hallo', language: 'nld'.slice(0, length) }],
        upcast: (previous: { text: string }) => ({ ...previous, language: 'eng'.slice(0, length) }),
      },
    ],
  });

describe('schemaFingerprint', () => {
  it('is the same for the same schema defined twice, and changes with the schema', () => {
    expect(fingerprint).toMatch(/^[\w-]{22}$/);
    expect(schemaFingerprint(greetingWith(2))).toBe(schemaFingerprint(greetingWith(2)));
    expect(schemaFingerprint(greetingWith(3))).not.toBe(schemaFingerprint(greetingWith(2)));
    expect(schemaFingerprint(GreetingsMuted)).not.toBe(fingerprint);
  });
});

describe('reading data its writer checked (the pj-schema header)', () => {
  // Data no version accepts: only a reader that skips validation passes it through.
  const unchecked = { text: '', language: 'a language' };

  it('takes newest-version data as it is when the fingerprint is this schema', () => {
    expect(registry.decode('event', 'GreetingSent', 2, unchecked, fingerprint)).toEqual({
      status: 'ok',
      value: unchecked,
      fromVersion: 2,
    });
  });

  it('validates as before with another fingerprint, without one, or for an older version', () => {
    const other = schemaFingerprint(greetingWith(3));
    for (const schema of [other, undefined, 'not-a-fingerprint'])
      expect(registry.decode('event', 'GreetingSent', 2, unchecked, schema).status).toBe('invalid');
    expect(registry.decode('event', 'GreetingSent', 1, { text: 42 }, fingerprint).status).toBe('invalid');
    expect(registry.decode('event', 'GreetingSent', 1, { text: 'hi' }, fingerprint)).toMatchObject({
      status: 'ok',
      value: { text: 'hi', language: 'en' },
    });
  });
});

describe('checkNewest', () => {
  it('gives the fingerprint for data the schema reads as itself', () => {
    expect(checkNewest(GreetingSent, { language: 'nl', text: 'hallo' })).toEqual({
      status: 'ok',
      schema: fingerprint,
    });
  });

  it('answers invalid, with the issues, for data the newest version refuses', () => {
    const checked = checkNewest(GreetingSent, { text: 'hallo', language: 'dutch' });
    expect(checked).toMatchObject({ status: 'invalid', atVersion: 2 });
    expect(checked.status === 'invalid' && checked.issues[0]?.path).toEqual(['language']);
  });

  it('checks what a reader will see after the JSON round trip', () => {
    const when = defineEvent({
      type: 'AlarmSet',
      streamId: 'identifier',
      versions: [
        {
          version: 1,
          schema: z.object({ at: notPersonal(z.iso.datetime()) }),
          samples: [{ at: '2026-01-01T00:00:00Z' }],
        },
      ],
    });
    // a Date is written as its ISO text, which the schema accepts
    expect(checkNewest(when, { at: new Date('2026-01-01T00:00:00Z') })).toMatchObject({ status: 'ok' });
    expect(checkNewest(when, { at: 'tomorrow' }).status).toBe('invalid');
  });

  it('gives no fingerprint when the schema would read the data as something else', () => {
    const shaped = defineEvent({
      type: 'NoteTaken',
      streamId: 'identifier',
      versions: [
        {
          version: 1,
          schema: z.object({
            text: notPersonal(z.string().trim()),
            pinned: notPersonal(z.boolean().default(false)),
          }),
          samples: [{ text: 'x', pinned: true }],
        },
      ],
    });
    expect(checkNewest(shaped, { text: 'x', pinned: true }).status).toBe('ok');
    // a default filled in, text trimmed, a key stripped: readers must run the schema
    for (const data of [{ text: 'x' }, { text: ' x ', pinned: true }, { text: 'x', pinned: true, extra: 1 }])
      expect(checkNewest(shaped, data)).toEqual({ status: 'ok', schema: undefined });
    expect(checkNewest(shaped, { text: 'x', pinned: true })).toEqual({
      status: 'ok',
      schema: schemaFingerprint(shaped),
    });
  });
});
