import type { Verification } from '../rebuild/index.ts';
import { formatTable } from './formatTable.ts';

const keyText = (key: Readonly<Record<string, string | null>>): string =>
  Object.entries(key)
    .map(([column, value]) => `${column}=${value ?? 'null'}`)
    .join(',');

/**
 * A verification's checks as a table: check, kind, expected, actual, ok; then, per content check
 * that found differences, how many rows differ and the first differing keys.
 */
export const formatChecks = (verification: Verification): string =>
  [
    formatTable(
      ['check', 'kind', 'expected', 'actual', 'ok'],
      verification.results.map((c) => [
        c.check,
        c.kind,
        String(c.expected ?? '-'),
        String(c.actual ?? '-'),
        c.ok ? 'yes' : 'NO',
      ]),
    ),
    ...verification.results.flatMap((c) =>
      c.content === undefined || c.content.differingRows === 0
        ? []
        : [
            `${c.check}: ${c.content.differingRows} rows differ, in ${c.content.differingRanges} of ${c.content.ranges} key ranges; ` +
              `first: ${c.content.firstKeys.map((k) => `${keyText(k.key)} (${k.side})`).join(', ')}`,
          ],
    ),
    ...verification.results.flatMap((c) => (c.ok || c.note === undefined ? [] : [`${c.check}: ${c.note}`])),
  ].join('\n');
