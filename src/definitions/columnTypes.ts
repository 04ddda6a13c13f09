/** JSON as stored in a jsonb column. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The column types a projection may declare, and the JavaScript value a handler sees for each.
 * Exact kinds are strings (numeric, dates) or bigints, never lossy numbers.
 */
export type ColumnValues = {
  text: string;
  /** Lower-case canonical form. */
  uuid: string;
  bigint: bigint;
  /** 32-bit signed. */
  integer: number;
  /** double precision. */
  double: number;
  /** Exact decimal as a string: "12.50". */
  numeric: string;
  boolean: boolean;
  /** "YYYY-MM-DD". */
  date: string;
  /** ISO-8601 in UTC with milliseconds: "2024-05-01T10:00:00.000Z". */
  timestamptz: string;
  jsonb: JsonValue;
};

export type ColumnType = keyof ColumnValues;

/** Any value a column can hold, as the engine sees it. */
export type ColumnValue = ColumnValues[ColumnType] | null;

export const sqlTypes = {
  text: 'text',
  uuid: 'uuid',
  bigint: 'bigint',
  integer: 'integer',
  double: 'double precision',
  numeric: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamptz',
  jsonb: 'jsonb',
} as const satisfies Record<ColumnType, string>;

/**
 * Types allowed in a primary key: those whose equality in PostgreSQL is equality of their
 * canonical text here, so the row cache and the table agree on which rows are the same.
 */
export const keyColumnTypes: ReadonlySet<ColumnType> = new Set([
  'text',
  'uuid',
  'bigint',
  'integer',
  'date',
  'boolean',
]);

export const isColumnType = (value: unknown): value is ColumnType =>
  typeof value === 'string' && Object.hasOwn(sqlTypes, value);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const datePattern = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const numericPattern = /^-?\d+(\.\d+)?$/;
const bigintPattern = /^-?\d+$/;
const int8Min = -(2n ** 63n);
const int8Max = 2n ** 63n - 1n;

/** A value in its canonical form, or why it does not fit its column type. */
export type Normalized =
  { readonly ok: true; readonly value: ColumnValue } | { readonly ok: false; readonly problem: string };

const fits = (value: ColumnValue): Normalized => ({ ok: true, value });
const misfit = (problem: string): Normalized => ({ ok: false, problem });

/**
 * Checks a handler's value against its column type and answers its canonical form (the form a
 * row loaded back from PostgreSQL has), so cached rows and stored rows compare equal.
 */
export const normalizeValue = (type: ColumnType, value: unknown): Normalized => {
  switch (type) {
    case 'text':
      return typeof value === 'string' ? fits(value) : misfit('expected a string');
    case 'uuid':
      if (typeof value !== 'string') return misfit('expected a uuid string');
      return uuidPattern.test(value.toLowerCase()) ? fits(value.toLowerCase()) : misfit('expected a uuid');
    case 'bigint':
      if (typeof value !== 'bigint') return misfit('expected a bigint (write 10n, or BigInt(x))');
      return value >= int8Min && value <= int8Max ? fits(value) : misfit('out of the 64-bit range');
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
        ? fits(value)
        : misfit('expected a 32-bit integer number');
    case 'double':
      return typeof value === 'number' ? fits(value) : misfit('expected a number');
    case 'numeric':
      return typeof value === 'string' && numericPattern.test(value)
        ? fits(value)
        : misfit('expected a decimal string such as "12.50"');
    case 'boolean':
      return typeof value === 'boolean' ? fits(value) : misfit('expected a boolean');
    case 'date':
      return typeof value === 'string' && datePattern.test(value)
        ? fits(value)
        : misfit('expected a "YYYY-MM-DD" string');
    case 'timestamptz': {
      const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      return Number.isNaN(at)
        ? misfit('expected an ISO-8601 timestamp string')
        : fits(new Date(at).toISOString());
    }
    case 'jsonb':
      return value === undefined ? misfit('expected a JSON value') : fits(value as JsonValue);
  }
};

/** PostgreSQL's text input form of a normalized value (what COPY and array parameters carry). */
export const toPgText = (type: ColumnType, value: ColumnValue): string | null => {
  if (value === null) return null;
  if (type === 'jsonb' || typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return String(value);
};

/**
 * The select expression that reads a column back in the canonical form, and the decoder of what
 * pg answers for it. Dates and times are formatted by the server so no time zone leaks in.
 */
export const selectExpression = (type: ColumnType, quoted: string): string => {
  switch (type) {
    case 'date':
      return `to_char(${quoted}, 'YYYY-MM-DD')`;
    case 'timestamptz':
      return `to_char(${quoted} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'bigint':
    case 'numeric':
    case 'uuid':
    case 'jsonb':
      return `${quoted}::text`;
    default:
      return quoted;
  }
};

export const decodeSelected = (type: ColumnType, raw: unknown): ColumnValue => {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'bigint':
      return BigInt(raw as string);
    case 'jsonb':
      return JSON.parse(raw as string) as JsonValue;
    default:
      return raw as ColumnValue;
  }
};

/**
 * Parses a value that arrived as text (a query string, a cursor) for a column, or answers the
 * problem. Used by the read side, which gets strings from HTTP.
 */
export const parseText = (type: ColumnType, text: string): Normalized => {
  switch (type) {
    case 'bigint':
      return bigintPattern.test(text)
        ? normalizeValue(type, BigInt(text))
        : misfit('expected a whole number');
    case 'integer':
      return bigintPattern.test(text)
        ? normalizeValue(type, Number(text))
        : misfit('expected a whole number');
    case 'double': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? misfit('expected a number') : fits(n);
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? fits(text === 'true') : misfit('expected true or false');
    case 'jsonb':
      try {
        return fits(JSON.parse(text) as JsonValue);
      } catch {
        return misfit('expected JSON');
      }
    default:
      return normalizeValue(type, text);
  }
};
