import { splitDate } from './splitDate.ts';

/** The first of January of the same year, in the same format; null for a value that is no ISO date. */
export const generalizeDate = (value: string): string | null => {
  const parts = splitDate(value);
  return parts === null ? null : `${parts.year}-01-01${parts.zeroedTime}`;
};
