import { fakeWords } from './fakeWords.ts';
import { pickWord } from './pickWord.ts';

/**
 * A syntactically valid address at example.invalid, a domain reserved never to resolve (RFC
 * 2606), so staging can never mail anyone. Ten hex digits of the MAC keep distinct addresses
 * distinct, as unique indexes on email expect.
 */
export const fakeEmail = (mac: Buffer): string => {
  const given = pickWord(fakeWords.givenNames, mac, 0).toLowerCase();
  const family = pickWord(fakeWords.familyNames, mac, 2).toLowerCase();
  return `${given}.${family}.${mac.toString('hex', 4, 9)}@example.invalid`;
};
