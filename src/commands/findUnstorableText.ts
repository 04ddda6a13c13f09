/** A place in a JSON value holding text PostgreSQL cannot store, and what is wrong with it. */
export type UnstorableText = {
  /** Dot-joined, as problem documents print paths ('' is the value itself); unsafe key characters escaped. */
  readonly path: string;
  /** The same path as segments (array indexes as numbers), for schema issues. */
  readonly segments: readonly (string | number)[];
  readonly message: string;
  readonly code: 'unstorable_text';
};

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
const hex = (unit: number) => `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why PostgreSQL cannot store `text`, or undefined when it can. A NUL is refused by text and
 * jsonb alike; an unpaired UTF-16 surrogate is not Unicode (jsonb refuses its escape, text
 * columns would get U+FFFD in its place, silently).
 */
export const unstorableReason = (text: string): string | undefined => {
  const nul = text.indexOf('\u0000');
  let lone = -1;
  if (!text.isWellFormed()) {
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (isHigh(unit) && isLow(text.charCodeAt(i + 1))) i++;
      else if (isHigh(unit) || isLow(unit)) {
        lone = i;
        break;
      }
    }
  }
  if (nul >= 0 && (lone < 0 || nul < lone))
    return `contains a NUL character (U+0000) at index ${nul}, which PostgreSQL cannot store`;
  if (lone >= 0)
    return `contains an unpaired UTF-16 surrogate (${hex(text.charCodeAt(lone))}) at index ${lone}: not valid Unicode text, which PostgreSQL cannot store`;
  return undefined;
};

/** A key as a path segment that is itself storable text: NULs and lone surrogates as \uXXXX. */
const printable = (key: string): string => {
  if (unstorableReason(key) === undefined) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    if (isHigh(unit) && isLow(key.charCodeAt(i + 1))) {
      out += key.slice(i, i + 2);
      i++;
    } else if (unit === 0 || isHigh(unit) || isLow(unit)) {
      out += `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += key[i];
  }
  return out;
};

/** A path as a linked list from the leaf up, so a deep walk does not copy its path at every level. */
type PathNode = { readonly segment: string | number; readonly parent: PathNode | undefined } | undefined;

const segmentsOf = (node: PathNode): (string | number)[] => {
  const segments: (string | number)[] = [];
  for (let n = node; n !== undefined; n = n.parent) segments.push(n.segment);
  return segments.reverse();
};

const issue = (node: PathNode, message: string): UnstorableText => {
  const segments = segmentsOf(node);
  return { path: segments.join('.'), segments, message, code: 'unstorable_text' };
};

/**
 * Every string and object key in a JSON value that PostgreSQL cannot store (a NUL, an unpaired
 * surrogate), at most `limit` of them. Walks without recursion, so any depth is safe. The HTTP
 * intake refuses such a command with these issues; the command worker dead-letters one that
 * came straight onto the topic, for the same reasons.
 */
export const findUnstorableText = (value: unknown, limit = 20): UnstorableText[] => {
  const found: UnstorableText[] = [];
  const stack: [unknown, PathNode][] = [[value, undefined]];
  while (stack.length > 0 && found.length < limit) {
    const [v, at] = stack.pop() as [unknown, PathNode];
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason !== undefined) found.push(issue(at, reason));
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], { segment: i, parent: at }]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, inner] = entries[i] as [string, unknown];
        const node = { segment: printable(key), parent: at };
        const reason = unstorableReason(key);
        if (reason !== undefined) found.push(issue(node, `the key ${reason}`));
        stack.push([inner, node]);
      }
    }
  }
  return found.slice(0, limit);
};
