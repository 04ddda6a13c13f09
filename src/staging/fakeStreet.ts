import { fakeWords } from './fakeWords.ts';
import { pickWord } from './pickWord.ts';

/**
 * A made-up street and house number, in the real one's order: '12 Orchard Road' for an address
 * that starts with its number, 'Lindenlaan 12' otherwise.
 */
export const fakeStreet = (value: string, mac: Buffer): string => {
  const street = pickWord(fakeWords.streets, mac, 0);
  const number = 1 + (mac.readUInt16BE(2) % 199);
  return /^\s*\d/.test(value) ? `${number} ${street}` : `${street} ${number}`;
};
