const letters = 'abcdefghijklmnopqrstuvwxyz';

/** A byte of the MAC for position `index`, varied past 32 so long values do not repeat. */
const byteAt = (mac: Buffer, index: number): number =>
  ((mac[index % mac.length] ?? 0) + Math.floor(index / mac.length) * 131) % 256;

/**
 * The same shape with other characters: a digit stays a digit, an upper-case letter an
 * upper-case letter, any other letter or digit becomes a lower-case ASCII letter, and
 * punctuation and spaces stay. For codes whose format matters more than their content:
 * postal codes, tracking codes, account numbers.
 */
export const fakeShape = (value: string, mac: Buffer): string => {
  let out = '';
  let index = 0;
  for (const char of value) {
    const byte = byteAt(mac, index);
    if (char >= '0' && char <= '9') out += String(byte % 10);
    else if (char >= 'A' && char <= 'Z') out += letters.charAt(byte % 26).toUpperCase();
    else if (/[\p{L}\p{N}]/u.test(char)) out += letters.charAt(byte % 26);
    else out += char;
    index += 1;
  }
  return out;
};
