import { fakeWords } from './fakeWords.ts';
import { pickWord } from './pickWord.ts';

/** Filler words, as many as the real text has (at most fifteen): lengths look alike on screens. */
export const fakeText = (value: string, mac: Buffer): string => {
  const trimmed = value.trim();
  const count = trimmed === '' ? 0 : Math.min(15, trimmed.split(/\s+/).length);
  const words: string[] = [];
  for (let index = 0; index < count; index += 1) words.push(pickWord(fakeWords.lorem, mac, index * 2));
  return words.join(' ');
};
