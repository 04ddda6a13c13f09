/**
 * A set of key texts that may answer yes for a key never added, never no for one that was: each
 * key is kept as a 32-bit hash (FNV-1a of its UTF-16 code units) in an open-addressing table of
 * typed slots. The batch state keeps the keys of the rows it evicts in one. A false yes (about
 * one key in 2^32 / n) costs a load that finds nothing; a string per key cost 60-80 bytes of
 * heap that every full collection of a replay walked again, 4 bytes a key here, outside it.
 */
export type KeyFilter = {
  /** Adds the key; false when its hash was there already (the key, or one sharing its hash). */
  add(text: string): boolean;
  /** False: never added. True: added, or shares a hash with one that was. */
  mayHave(text: string): boolean;
  /** Distinct hashes held. */
  readonly size: number;
  clear(): void;
};

const hashOf = (text: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  // 0 marks an empty slot.
  return h >>> 0 || 1;
};

export const createKeyFilter = (): KeyFilter => {
  let slots = new Uint32Array(1 << 10);
  let size = 0;
  /** The slot holding `hash`, or the empty one where it would go. */
  const slotOf = (table: Uint32Array, hash: number): number => {
    const mask = table.length - 1;
    let at = hash & mask;
    while (table[at] !== 0 && table[at] !== hash) at = (at + 1) & mask;
    return at;
  };
  const grow = () => {
    const next = new Uint32Array(slots.length * 2);
    for (const hash of slots) if (hash !== 0) next[slotOf(next, hash)] = hash;
    slots = next;
  };
  return {
    add: (text) => {
      const hash = hashOf(text);
      const at = slotOf(slots, hash);
      if (slots[at] === hash) return false;
      slots[at] = hash;
      // At most half full: probes stay short.
      if (++size * 2 > slots.length) grow();
      return true;
    },
    mayHave: (text) => {
      const hash = hashOf(text);
      return slots[slotOf(slots, hash)] === hash;
    },
    get size() {
      return size;
    },
    clear: () => {
      slots = new Uint32Array(1 << 10);
      size = 0;
    },
  };
};
