import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { PiiTag } from '../../src/contracts/index.ts';
import { cannotAnonymize } from '../../src/staging/Anonymize.ts';
import { createAnonymizers } from '../../src/staging/createAnonymizers.ts';
import { createKeyedMac } from '../../src/staging/createKeyedMac.ts';
import { fakeWords } from '../../src/staging/fakeWords.ts';
import type { Strategy } from '../../src/staging/index.ts';
import { stagingKey } from './fixtures/stagingKeys.ts';

const { anonymizerFor, pseudonym } = createAnonymizers(createKeyedMac(stagingKey));
const apply = (strategy: Strategy, tag: PiiTag, value: unknown, key = 'field'): unknown => {
  const anonymize = anonymizerFor(strategy, tag, key);
  if (anonymize === undefined) throw new Error(`${strategy} does not apply to ${tag}`);
  return anonymize(value);
};

// Inputs that look like a year of real customers: distinct and varied.
const many = Array.from({ length: 300 }, (_, i) => i);
const fakeEmailShape = /^[a-z]+\.[a-z]+\.[0-9a-f]{10}@example\.invalid$/;

describe('anonymizers', () => {
  it('stay pinned: the same key gives these outputs in every version of Projectionist', () => {
    expect(pseudonym('cus-0001')).toBe('psd_09d3c5a0d1840c2cdb78282a');
    expect(apply('pseudonymize', 'identifier', 'cus-0001')).toBe('psd_09d3c5a0d1840c2cdb78282a');
    expect(apply('pseudonymize', 'identifier', 12345)).toBe(190820856181134);
    expect(apply('fake', 'name', 'Ada Lovelace', 'name')).toBe('Eline Walsh');
    expect(apply('fake', 'name', 'Anna Maria', 'firstName')).toBe('Daan Mateo');
    expect(apply('fake', 'name', 'van Schurman', 'lastName')).toBe('Schouten Nieminen');
    expect(apply('fake', 'email', 'Ada@Example.com')).toBe('tomas.schouten.454907c43f@example.invalid');
    expect(apply('fake', 'phone', '+44 20 7946 0018')).toBe('+44 19 3404 1678');
    expect(apply('fake', 'address', 'Keizersgracht 123')).toBe('Beukenweg 178');
    expect(apply('fake', 'address', '1 Navy Yard')).toBe('169 Birkenallee');
    expect(apply('fake', 'postalCode', '3511 AZ')).toBe('3000 HX');
    expect(apply('fake', 'city', 'Amsterdam')).toBe('Emberly');
    expect(apply('fake', 'dateOfBirth', '1815-12-10')).toBe('1815-12-04');
    expect(apply('fake', 'freeText', 'Happy birthday, Charles!')).toBe('sit adipiscing veniam');
    expect(apply('fake', 'identifier', '3SABCD1234567')).toBe('1IXKYB5782487');
    expect(apply('fake', 'ip', '192.168.1.20')).toBe('10.183.25.67');
  });

  it('pseudonymize an id to the same token wherever it appears, whatever its tag', () => {
    const tokens = (['identifier', 'email', 'notPersonal'] as const).map((tag) =>
      apply('pseudonymize', tag, 'cus-0001'),
    );
    expect(new Set(tokens)).toEqual(new Set([pseudonym('cus-0001')]));
    const distinct = new Set(many.map((i) => apply('pseudonymize', 'identifier', `cus-${i}`)));
    expect(distinct.size).toBe(many.length);
  });

  it('fake emails that are valid, unique, undeliverable and blind to case and spacing', () => {
    const emails = many.map((i) => apply('fake', 'email', `customer.${i}@shop.example.nl`));
    for (const email of emails) {
      expect(email).toMatch(fakeEmailShape);
      expect(z.email().safeParse(email).success).toBe(true);
    }
    expect(new Set(emails).size).toBe(emails.length);
    expect(apply('fake', 'email', ' Ada@Example.COM ')).toBe(apply('fake', 'email', 'ada@example.com'));
  });

  it('fake phone numbers with the same shape, country code and number of digits', () => {
    for (const i of many) {
      const real = `+31 6 ${String(10_000_000 + i * 7919).slice(0, 4)} ${String(1000 + i).slice(-4)}`;
      const fake = apply('fake', 'phone', real) as string;
      expect(fake.replace(/\d/g, '9')).toBe(real.replace(/\d/g, '9'));
      expect(fake.startsWith('+31 ')).toBe(true);
      expect(fake.replace(/\D/g, '')).toHaveLength(real.replace(/\D/g, '').length);
    }
    const digits = (value: unknown) => String(value).replace(/\D/g, '');
    expect(digits(apply('fake', 'phone', '+31 6 1234 5678'))).toBe(
      digits(apply('fake', 'phone', '+31612345678')),
    );
    expect(apply('fake', 'phone', '06-12345678')).toMatch(/^0\d-\d{8}$/);
    expect(apply('fake', 'phone', 'call Ada: 0612')).not.toMatch(/[A-Za-z]/);
  });

  it('fake names from the pinned lists, as many words as the real one', () => {
    const given: readonly string[] = fakeWords.givenNames;
    const family: readonly string[] = fakeWords.familyNames;
    for (const i of many) {
      const [first, ...rest] = (
        apply('fake', 'name', `Person${i} Middle${i} Last${i}`, 'name') as string
      ).split(' ');
      expect(given).toContain(first);
      expect(rest).toHaveLength(2);
      for (const word of rest) expect(family).toContain(word);
    }
    expect(apply('fake', 'name', '', 'lastName')).toBe('');
  });

  it('generalize a date of birth to its year and fake one within it, in the same format', () => {
    expect(apply('generalize', 'dateOfBirth', '1815-12-10')).toBe('1815-01-01');
    expect(apply('generalize', 'dateOfBirth', '1815-12-10T10:11:12Z')).toBe('1815-01-01T00:00:00Z');
    for (const i of many) {
      const real = `19${String(10 + (i % 90))}-0${1 + (i % 9)}-1${i % 10}`;
      const fake = apply('fake', 'dateOfBirth', real) as string;
      expect(z.iso.date().safeParse(fake).success, fake).toBe(true);
      expect(fake.slice(0, 4)).toBe(real.slice(0, 4));
    }
    expect(apply('generalize', 'dateOfBirth', '10/12/1815')).toBe(cannotAnonymize);
  });

  it('generalize a postal code to its region and keep its shape', () => {
    expect(apply('generalize', 'postalCode', '3511 AZ')).toBe('3500 XX');
    expect(apply('generalize', 'postalCode', 'SW1A 1AA')).toBe('SW0X 0XX');
    expect(apply('generalize', 'postalCode', '20374')).toBe('20000');
    expect(apply('fake', 'postalCode', '3511 AZ')).toMatch(/^\d{4} [A-Z]{2}$/);
  });

  it('fake and generalize IP addresses within their family', () => {
    expect(apply('fake', 'ip', '198.51.100.23')).toMatch(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    expect(z.ipv6().safeParse(apply('fake', 'ip', '2a02:1810::1')).success).toBe(true);
    expect(apply('fake', 'ip', '2a02:1810::1')).toMatch(/^2001:db8:/);
    expect(apply('generalize', 'ip', '198.51.100.23')).toBe('198.51.100.0');
    expect(apply('generalize', 'ip', '2a02:1810:4d02:9a00::1')).toBe('2a02:1810:4d02::');
    expect(apply('fake', 'ip', 'localhost')).toBe(cannotAnonymize);
  });

  it('fake a UUID as a UUID of the same version, and other ids in their shape', () => {
    const fake = apply('fake', 'identifier', 'f47ac10b-58cc-4372-a567-0e02b2c3d479') as string;
    expect(z.uuidv4().safeParse(fake).success, fake).toBe(true);
    expect(apply('fake', 'identifier', 'cus-0001')).toMatch(/^[a-z]{3}-\d{4}$/);
  });

  it('refuse values of a kind they cannot change rather than pass them', () => {
    expect(apply('fake', 'email', 42)).toBe(cannotAnonymize);
    expect(apply('redact', 'freeText', { text: 'Ada' })).toBe(cannotAnonymize);
    expect(apply('pseudonymize', 'identifier', 1.5)).toBe(cannotAnonymize);
    expect(apply('redact', 'freeText', '')).toBe('');
  });

  it('offer no fake for data that is not personal and no generalization for names', () => {
    expect(anonymizerFor('fake', 'notPersonal', 'x')).toBeUndefined();
    expect(anonymizerFor('generalize', 'name', 'x')).toBeUndefined();
    expect(anonymizerFor('generalize', 'identifier', 'x')).toBeUndefined();
  });
});
