import pg from 'pg';
import type { Statement } from './Statement.ts';

type Scalar = string | number | bigint | boolean | null;

/**
 * A string as a literal. A NUL (which no text value can hold) is written `\x00` in an escape
 * string, so PostgreSQL refuses it as it refuses a bound parameter holding one: 22021, invalid
 * byte sequence, a data error (a raw NUL would end the query text early: a syntax error).
 */
const literal = (text: string): string => {
  const quoted = pg.escapeLiteral(text);
  if (!text.includes('\0')) return quoted;
  const escaped = quoted.trimStart().startsWith('E') ? quoted : ` E${quoted}`;
  return escaped.replaceAll('\0', '\\x00');
};

const scalar = (value: Scalar, at: number): string => {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`parameter $${at} is not a finite number`);
      return String(value);
    case 'string':
      return literal(value);
  }
};

/** An array as PostgreSQL's array text, each element quoted: `{"1","2"}`; its cast comes from the statement. */
const arrayLiteral = (values: readonly unknown[], at: number): string => {
  const elements = values.map((v) => {
    if (v === null) return 'NULL';
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint')
      throw new TypeError(`parameter $${at} holds a ${typeof v}; only strings and numbers are inlined`);
    return `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return literal(`{${elements.join(',')}}`);
};

/**
 * A statement's text with its parameters written in as literals (strings quoted by the driver's
 * escapeLiteral), for sending with other statements in one simple query: `begin` and the first
 * statement of a transaction, or the last one and `commit`, in one round trip instead of two.
 * Meant for the engine's own fixed statements, whose text holds no `$n` inside a quoted string;
 * their placeholders keep their casts (`$3::int[]`), which now apply to the literal.
 */
export const inlineStatement = (statement: Statement): string =>
  statement.text.replace(/\$(\d+)/g, (_, digits: string) => {
    const at = Number(digits);
    if (at < 1 || at > statement.values.length)
      throw new RangeError(`statement has no parameter $${at} (${statement.values.length} given)`);
    const value = statement.values[at - 1];
    if (Array.isArray(value)) return arrayLiteral(value, at);
    if (value !== null && typeof value === 'object')
      throw new TypeError(`parameter $${at} is an object; serialize it first`);
    return scalar(value as Scalar, at);
  });
