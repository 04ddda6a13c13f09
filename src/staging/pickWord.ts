/**
 * The word of `list` that two bytes of a MAC, at `offset`, choose. A MAC has 32 bytes, so
 * offsets run from 0 to 30.
 */
export const pickWord = (list: readonly string[], mac: Buffer, offset: number): string =>
  list[mac.readUInt16BE(offset) % list.length] ?? '';
