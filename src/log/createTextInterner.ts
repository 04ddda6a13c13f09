/**
 * Texts of short byte strings that recur (header names, the values of pj-type and pj-schema),
 * found again by comparing bytes, which costs less than decoding them (a native call each time).
 * Bounded: past `max` texts, or for bytes longer than `maxBytes`, it decodes and keeps nothing,
 * so a producer writing ever new values costs a few byte compares, never memory.
 */
export const createTextInterner = (options: { max: number; maxBytes: number }) => {
  const known: { readonly bytes: Buffer; readonly text: string }[] = [];
  return (buffer: Buffer, at: number, length: number): string => {
    if (length <= options.maxBytes)
      for (const entry of known) {
        const bytes = entry.bytes;
        if (bytes.length !== length) continue;
        let i = 0;
        while (i < length && bytes[i] === buffer[at + i]) i++;
        if (i === length) return entry.text;
      }
    const text = buffer.toString('utf8', at, at + length);
    if (known.length < options.max && length <= options.maxBytes)
      known.push({ bytes: Buffer.from(buffer.subarray(at, at + length)), text });
    return text;
  };
};
