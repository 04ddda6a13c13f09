/**
 * The region of a postal code: its first two letters or digits kept, every later digit zeroed
 * and letter made 'X', punctuation kept: '3511 AZ' gives '3500 XX', 'SW1A 1AA' gives
 * 'SW0X 0XX'. The shape stays, so format checks still pass; two characters name a region of
 * hundreds of thousands of people in the countries that use them.
 */
export const generalizePostalCode = (value: string): string => {
  let out = '';
  let kept = 0;
  for (const char of value) {
    const alphanumeric = /[\p{L}\p{N}]/u.test(char);
    if (alphanumeric && kept < 2) {
      out += char;
      kept += 1;
    } else if (!alphanumeric) out += char;
    else if (char >= '0' && char <= '9') out += '0';
    else out += char === char.toLowerCase() && char !== char.toUpperCase() ? 'x' : 'X';
  }
  return out;
};
