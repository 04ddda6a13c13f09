import { splitDate } from './splitDate.ts';

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/**
 * Another day of the same year, in the same format; days up to the 28th, so every month has
 * them. Null for a value that is no ISO date.
 */
export const fakeDate = (value: string, mac: Buffer): string | null => {
  const parts = splitDate(value);
  if (parts === null) return null;
  const month = 1 + ((mac[0] ?? 0) % 12);
  const day = 1 + ((mac[1] ?? 0) % 28);
  return `${parts.year}-${twoDigits(month)}-${twoDigits(day)}${parts.zeroedTime}`;
};
