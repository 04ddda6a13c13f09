import { ProjectionistError } from '../errors/index.ts';
import type { Canary } from './Canary.ts';

/** Shorter values would match by chance all over a database. */
const minLength = 3;

/**
 * Reads a canary file's text: one value a line, trimmed; blank lines are skipped. Throws
 * PRJ_VALIDATION naming the line for a value shorter than 3 characters, and for a file with no
 * value at all (a scan for nothing would pass in silence).
 */
export const parseCanaries = (text: string): Canary[] => {
  const canaries: Canary[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const value = raw.trim();
    if (value === '') continue;
    if (value.length < minLength)
      throw new ProjectionistError(
        'PRJ_VALIDATION',
        `canary line ${index + 1}: ${JSON.stringify(value)} is shorter than ${minLength} characters and would match by chance`,
      );
    canaries.push({ value, line: index + 1 });
  }
  if (canaries.length === 0)
    throw new ProjectionistError('PRJ_VALIDATION', 'the canary file holds no value (one value a line)');
  return canaries;
};
