import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { isPiiTag, notPersonal, personal, piiTags, tagField, tagOf } from '../../src/contracts/index.ts';

describe('tagField', () => {
  it('tags a copy and leaves the original schema untagged', () => {
    const original = z.string();
    const tagged = personal.email(original);
    expect(tagOf(tagged)).toBe('email');
    expect(tagOf(original)).toBeUndefined();
  });

  it('lets one schema carry different tags in different fields', () => {
    const id = z.string().min(1);
    const customerId = personal.identifier(id);
    const orderId = notPersonal(id);
    expect([tagOf(customerId), tagOf(orderId)]).toEqual(['identifier', 'notPersonal']);
  });

  it('keeps the tag through later refinements and descriptions', () => {
    const refined = personal.phone(z.string()).min(5).describe('mobile number');
    expect(tagOf(refined)).toBe('phone');
  });

  it('keeps validating as the untagged schema did', () => {
    const email = personal.email(z.email());
    expect(email.safeParse('ada@example.com').success).toBe(true);
    expect(email.safeParse('not an email').success).toBe(false);
  });

  it('offers a tagger for every personal kind and knows every tag', () => {
    for (const tag of piiTags) {
      const schema = tag === 'notPersonal' ? notPersonal(z.string()) : personal[tag](z.string());
      expect(tagOf(schema)).toBe(tag);
      expect(isPiiTag(tag)).toBe(true);
    }
    expect(isPiiTag('secret')).toBe(false);
    expect(tagOf(tagField(z.number(), 'ip'))).toBe('ip');
  });
});
