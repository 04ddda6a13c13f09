import { fakeShape } from './fakeShape.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id of the same format: a UUID stays a UUID of the same version and variant (its other 122
 * bits from the MAC), anything else keeps its shape (see `fakeShape`). Short ids may collide;
 * where uniqueness matters, `pseudonymize` keeps it.
 */
export const fakeIdentifier = (value: string, mac: Buffer): string => {
  if (!uuid.test(value)) return fakeShape(value, mac);
  const hex = mac.toString('hex');
  let out = '';
  for (let index = 0; index < value.length; index += 1) {
    const char = value.charAt(index);
    // Position 14 is the version digit and 19 the variant digit: validators check both.
    out += char === '-' || index === 14 || index === 19 ? char.toLowerCase() : hex.charAt(index);
  }
  return out;
};
