import { fakeWords } from './fakeWords.ts';
import { pickWord } from './pickWord.ts';

/** Which list a name field draws from, guessed once per field from its key. */
export type NameForm = 'given' | 'family' | 'full';

export const nameFormOf = (key: string): NameForm =>
  /first|given|fore/i.test(key) ? 'given' : /last|sur|family/i.test(key) ? 'family' : 'full';

/**
 * A plausible name with as many words as the real one (at most three; none for a blank name,
 * which holds nothing): given names for a first-name field, family names for a last-name
 * field, and a given name followed by family names otherwise.
 */
export const fakeName = (value: string, mac: Buffer, form: NameForm): string => {
  const words = value.trim() === '' ? 0 : Math.min(3, value.trim().split(/\s+/).length);
  const parts: string[] = [];
  for (let index = 0; index < words; index += 1) {
    const given = form === 'given' || (form === 'full' && index === 0);
    parts.push(pickWord(given ? fakeWords.givenNames : fakeWords.familyNames, mac, index * 2));
  }
  return parts.join(' ');
};
