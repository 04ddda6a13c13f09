import { parseText, type ColumnType, type JsonValue, type Normalized } from '../definitions/index.ts';

const misfit = (problem: string): Normalized => ({ ok: false, problem });

/** PostgreSQL refuses a NUL in any text, and an unpaired surrogate cannot be sent as UTF-8. */
const storable = (text: string): boolean => !text.includes('\u0000') && text.isWellFormed();

const unstorable =
  'contains a NUL character or an unpaired UTF-16 surrogate, which no PostgreSQL value can hold';

/** Every string and key of a parsed JSON value is storable; walked without recursion. */
const storableJson = (value: JsonValue): boolean => {
  const stack: JsonValue[] = [value];
  while (stack.length > 0) {
    const v = stack.pop() as JsonValue;
    if (typeof v === 'string') {
      if (!storable(v)) return false;
    } else if (Array.isArray(v)) stack.push(...(v as JsonValue[]));
    else if (v !== null && typeof v === 'object')
      for (const [key, inner] of Object.entries(v)) {
        if (!storable(key)) return false;
        stack.push(inner);
      }
  }
  return true;
};

const daysIn = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** A real calendar day "YYYY-MM-DD" in the years 1 to 9999 (PostgreSQL has no year 0). */
const isCalendarDate = (text: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
};

/** ISO-8601: a date, then optionally a time of day and a zone ("2024-05-01T10:00:00.000Z"). */
const isoTimestamp =
  /^(\d{4}-\d{2}-\d{2})(?:[T ]([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/;

/** PostgreSQL numeric: up to 131072 digits before the point and 16383 after. */
const numericLimits = /^-?\d{1,131072}(\.\d{1,16383})?$/;

const int4 = 'a whole number from -2147483648 to 2147483647';
const int8 = 'a whole number from -9223372036854775808 to 9223372036854775807';

/**
 * Parses a value that arrived as text (a query string filter, a cursor) for a column of `type`,
 * or says why it cannot be: everything a query would otherwise fail on in PostgreSQL is refused
 * here, so a bad read is a 400 and never a 5xx. Dates are real calendar days in the years 1 to
 * 9999, timestamps ISO-8601 in those years, integers in their column's range, text and JSON
 * free of NULs and unpaired surrogates.
 */
export const parseFilterValue = (type: ColumnType, text: string): Normalized => {
  if (!storable(text)) return misfit(unstorable);
  switch (type) {
    case 'date':
      return isCalendarDate(text)
        ? parseText(type, text)
        : misfit(
            `'${text}' is not a valid date: expected a calendar day "YYYY-MM-DD" in the years 0001 to 9999`,
          );
    case 'timestamptz': {
      const match = isoTimestamp.exec(text);
      if (match === null || !isCalendarDate(match[1] ?? ''))
        return misfit(
          `'${text}' is not a valid timestamp: expected ISO-8601 ("2024-05-01T10:00:00Z") in the years 0001 to 9999`,
        );
      const parsed = parseText(type, text);
      // A zone offset can carry 0001-01-01 into year 0, or 9999-12-31 into year 10000.
      const iso = parsed.ok ? (parsed.value as string) : '';
      return /^\d{4}-/.test(iso) && !iso.startsWith('0000')
        ? parsed
        : misfit(`'${text}' is not a valid timestamp: it falls outside the years 0001 to 9999`);
    }
    case 'integer': {
      const parsed = /^-?\d{1,12}$/.test(text) ? parseText(type, text) : undefined;
      return parsed?.ok === true ? parsed : misfit(`expected ${int4}`);
    }
    case 'bigint': {
      const parsed = /^-?\d{1,20}$/.test(text) ? parseText(type, text) : undefined;
      return parsed?.ok === true ? parsed : misfit(`expected ${int8}`);
    }
    case 'numeric':
      return numericLimits.test(text)
        ? parseText(type, text)
        : misfit('expected a decimal such as "12.50" (at most 131072 digits before the point, 16383 after)');
    case 'jsonb': {
      const parsed = parseText(type, text);
      return parsed.ok && !storableJson(parsed.value as JsonValue) ? misfit(unstorable) : parsed;
    }
    default:
      return parseText(type, text);
  }
};
