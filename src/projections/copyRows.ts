import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { toPgText, type Row, type TableModel, quoteIdentifier } from '../definitions/index.ts';

/** COPY text format: backslash, newline, carriage return and tab are escaped; null is \N. */
const escapeCopy = (text: string): string =>
  /[\\\n\r\t]/.test(text)
    ? text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')
    : text;

function* copyLines(table: TableModel, rows: readonly Row[]): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    const fields = table.columns.map((c) => {
      const text = toPgText(c.type, row[c.name] ?? null);
      return text === null ? '\\N' : escapeCopy(text);
    });
    chunk += `${fields.join('\t')}\n`;
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** Streams rows into `target` (a quoted, qualified table) with COPY FROM STDIN, text format. */
export const copyRows = async (options: {
  client: pg.PoolClient;
  table: TableModel;
  target: string;
  rows: readonly Row[];
}): Promise<void> => {
  const { client, table, target, rows } = options;
  const columns = table.columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const stream = client.query(copyFrom(`copy ${target} (${columns}) from stdin`));
  await pipeline(Readable.from(copyLines(table, rows)), stream);
};
