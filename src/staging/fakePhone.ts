/** Separators a phone number may keep; any other character (a letter, a note) is left out. */
const separators = new Set([' ', '+', '-', '(', ')', '.', '/']);

const isDigit = (char: string): boolean => char >= '0' && char <= '9';

/** How many leading digits say where rather than who: a country code, or a trunk '0'. */
const prefixLength = (value: string): number => {
  const countryCode = /^\s*\+(\d+)/.exec(value)?.[1];
  if (countryCode !== undefined) return countryCode.length <= 3 ? countryCode.length : 2;
  return /^\s*0/.test(value) ? 1 : 0;
};

/**
 * The same shape with other digits: separators stay where they were, so do the country code
 * after a leading '+' (its first group if that has at most three digits, else two) or a leading
 * trunk '0'; every other digit comes from the MAC.
 */
export const fakePhone = (value: string, mac: Buffer): string => {
  const keep = prefixLength(value);
  let out = '';
  let digits = 0;
  for (const char of value) {
    if (isDigit(char)) {
      out += digits < keep ? char : String((mac[digits % mac.length] ?? 0) % 10);
      digits += 1;
    } else if (separators.has(char)) {
      out += char;
    }
  }
  return out;
};
