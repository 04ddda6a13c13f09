import type { Verification } from '../rebuild/index.ts';
import { formatTable } from './formatTable.ts';

/** A verification's checks as a table: check, expected, actual, ok. */
export const formatChecks = (verification: Verification): string =>
  formatTable(
    ['check', 'expected', 'actual', 'ok'],
    verification.results.map((c) => [
      c.check,
      String(c.expected ?? '-'),
      String(c.actual ?? '-'),
      c.ok ? 'yes' : 'NO',
    ]),
  );
