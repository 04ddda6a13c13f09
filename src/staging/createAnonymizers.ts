import type { PiiTag } from '../contracts/index.ts';
import { cannotAnonymize, omitValue, type Anonymize } from './Anonymize.ts';
import type { KeyedMac } from './createKeyedMac.ts';
import { fakeDate } from './fakeDate.ts';
import { fakeEmail } from './fakeEmail.ts';
import { fakeIdentifier } from './fakeIdentifier.ts';
import { fakeIp } from './fakeIp.ts';
import { fakeName, nameFormOf } from './fakeName.ts';
import { fakePhone } from './fakePhone.ts';
import { fakeShape } from './fakeShape.ts';
import { fakeStreet } from './fakeStreet.ts';
import { fakeText } from './fakeText.ts';
import { fakeWords } from './fakeWords.ts';
import { generalizeDate } from './generalizeDate.ts';
import { generalizeIp } from './generalizeIp.ts';
import { generalizePostalCode } from './generalizePostalCode.ts';
import { memoize } from './memoize.ts';
import { pickWord } from './pickWord.ts';
import type { Strategy } from './strategies.ts';

/**
 * The anonymizer of a strategy for a field with this tag and key (the key only guides fake
 * names: first or last); undefined where the strategy means nothing for the tag, such as
 * generalizing a name.
 */
export type AnonymizerFor = (strategy: Strategy, tag: PiiTag, fieldKey: string) => Anonymize | undefined;

export type Anonymizers = {
  readonly anonymizerFor: AnonymizerFor;
  /** The pseudonym of an id, as `pseudonymize` gives it: for envelope ids that are not random. */
  readonly pseudonym: (value: string) => string;
};

/**
 * Applies a string function to strings only. An empty string holds nothing and stays empty; a
 * null from `change` (the string is not of the form it expects) means it cannot be anonymized.
 */
const onStrings =
  (change: (value: string) => string | null): Anonymize =>
  (value) => {
    if (typeof value !== 'string') return cannotAnonymize;
    if (value === '') return '';
    return change(value) ?? cannotAnonymize;
  };

const normalized = (value: string): string => value.trim().toLowerCase();
const digitsOf = (value: string): string => value.replace(/\D/g, '');
const compacted = (value: string): string => value.replace(/\s/g, '').toUpperCase();
const keep: Anonymize = (value) => value;
const drop: Anonymize = () => omitValue;
const redact = onStrings(() => '[redacted]');

/**
 * Builds the anonymizers on one keyed MAC. Each is made once per strategy and tag (and name
 * form) and shared by every field using it, cache included, so one input gives one output
 * wherever it appears: that is what keeps joins. A pseudonym depends on the input alone, never
 * on tag or field, so a customer id matches itself as a stream id and as a field. Fakes first
 * normalize what does not change the person (an email's case, a phone number's spacing).
 */
export const createAnonymizers = (mac: KeyedMac): Anonymizers => {
  const pseudonymOf = memoize((value) => `psd_${mac('pseudonym', value).toString('hex', 0, 12)}`);
  const pseudonymize: Anonymize = (value) => {
    if (typeof value === 'string') return value === '' ? '' : pseudonymOf(value);
    // A numeric id stays a positive safe integer: 48 bits of the MAC of its decimal form.
    if (Number.isSafeInteger(value)) return Math.max(1, mac('pseudonym', String(value)).readUIntBE(0, 6));
    return cannotAnonymize;
  };

  const faked = (
    tag: PiiTag,
    make: (value: string, digest: Buffer) => string | null,
    normalize: (value: string) => string = (value) => value,
  ): Anonymize => onStrings(memoize((value) => make(value, mac(`fake:${tag}`, normalize(value)))));

  const fakeFor = (tag: PiiTag, fieldKey: string): Anonymize | undefined => {
    switch (tag) {
      case 'notPersonal':
        return undefined;
      case 'name': {
        const form = nameFormOf(fieldKey);
        return faked(tag, (value, digest) => fakeName(value, digest, form));
      }
      case 'email':
        return faked(tag, (_value, digest) => fakeEmail(digest), normalized);
      case 'phone':
        return faked(tag, fakePhone, digitsOf);
      case 'address':
        return faked(tag, fakeStreet, normalized);
      case 'postalCode':
        return faked(tag, fakeShape, compacted);
      case 'city':
        return faked(tag, (_value, digest) => pickWord(fakeWords.towns, digest, 0), normalized);
      case 'dateOfBirth':
        return faked(tag, fakeDate);
      case 'freeText':
        return faked(tag, fakeText);
      case 'identifier':
        return faked(tag, fakeIdentifier);
      case 'ip':
        return faked(tag, fakeIp);
    }
  };

  const generalizeFor = (tag: PiiTag): Anonymize | undefined => {
    if (tag === 'dateOfBirth') return onStrings(generalizeDate);
    if (tag === 'postalCode') return onStrings(generalizePostalCode);
    if (tag === 'ip') return onStrings(generalizeIp);
    return undefined;
  };

  const made = new Map<string, Anonymize | undefined>();
  const anonymizerFor: AnonymizerFor = (strategy, tag, fieldKey) => {
    switch (strategy) {
      case 'keep':
        return keep;
      case 'drop':
        return drop;
      case 'redact':
        return redact;
      case 'pseudonymize':
        return pseudonymize;
      case 'generalize':
        return generalizeFor(tag);
      case 'fake': {
        const id = tag === 'name' ? `name ${nameFormOf(fieldKey)}` : tag;
        if (!made.has(id)) made.set(id, fakeFor(tag, fieldKey));
        return made.get(id);
      }
    }
  };
  return { anonymizerFor, pseudonym: (value) => (value === '' ? '' : pseudonymOf(value)) };
};
