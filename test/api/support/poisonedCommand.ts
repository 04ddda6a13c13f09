import fc from 'fast-check';
import { validCommand, type CommandBody } from './validCommand.ts';

/**
 * A command that is valid but for one piece of text PostgreSQL cannot store: `path` is where
 * the intake must say the fault is (keys with their unsafe characters written as \uXXXX).
 */
export type PoisonedCommand = { readonly body: CommandBody; readonly path: string; readonly how: string };

/** A NUL, or a lone high or low surrogate. */
export const poison = fc.oneof(
  fc.constant('\u0000'),
  fc.integer({ min: 0xd800, max: 0xdbff }).map((u) => String.fromCharCode(u)),
  fc.integer({ min: 0xdc00, max: 0xdfff }).map((u) => String.fromCharCode(u)),
);

/** A key as the intake prints it in a path: each NUL or surrogate as \uXXXX (the poison here never pairs). */
const escaped = (text: string) =>
  [...text]
    .map((c) => {
      const unit = c.charCodeAt(0);
      return unit === 0 || (unit >= 0xd800 && unit <= 0xdfff)
        ? `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}`
        : c;
    })
    .join('');

/** Text of letters and digits with `bad` somewhere in it (ASCII around it, so it pairs with nothing). */
const poisoned = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{0,6}$/), poison, fc.stringMatching(/^[a-z0-9]{0,6}$/))
  .map(([a, bad, b]) => `${a}${bad}${b}`);

/** Paths to every string leaf of a JSON value (segments). */
const stringLeaves = (value: unknown, at: (string | number)[] = []): (string | number)[][] =>
  typeof value === 'string'
    ? [at]
    : Array.isArray(value)
      ? value.flatMap((v, i) => stringLeaves(v, [...at, i]))
      : value !== null && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...at, k]))
        : [];

const setAt = (root: Record<string, unknown>, at: readonly (string | number)[], value: unknown) => {
  let node = root as Record<string | number, unknown>;
  for (const segment of at.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[at.at(-1) as string | number] = value;
};

type Kind = (body: CommandBody, text: string, n: number) => PoisonedCommand | undefined;

const kinds: readonly Kind[] = [
  (body, text, n) => {
    const leaves = stringLeaves(body.payload);
    const at = leaves[n % Math.max(leaves.length, 1)];
    if (at === undefined) return undefined;
    setAt(body.payload, at, text);
    return { body, path: ['payload', ...at].join('.'), how: 'payload string' };
  },
  (body, text) => {
    body.payload = { ...body.payload, [text]: 'x' };
    return { body, path: `payload.${escaped(text)}`, how: 'payload key' };
  },
  (body, text) => {
    body.metadata = { ...body.metadata, trace: { [text]: [1, 2] } };
    return { body, path: `metadata.trace.${escaped(text)}`, how: 'nested metadata key' };
  },
  (body, text) => {
    body.metadata = { ...body.metadata, notes: [['ok', { note: text }]] };
    return { body, path: 'metadata.notes.0.1.note', how: 'metadata value in arrays' };
  },
  (body, text, n) => {
    const key = (['id', 'streamId', 'correlationId', 'type'] as const)[n % 4] ?? 'id';
    // keep a type a type name apart from the poison, so the poison is what is wrong with it
    body[key] = key === 'type' ? `${body.type}${text}` : text;
    return { body, path: key, how: `${key} with poison` };
  },
];

/**
 * Poison in a payload string (nested too), a payload or metadata key (nested too), a metadata
 * value deep in arrays, or an id, stream id, correlation id or type.
 */
export const poisonedCommand = (): fc.Arbitrary<PoisonedCommand> =>
  fc
    .tuple(validCommand(), poisoned, fc.nat(), fc.constantFrom(...kinds))
    .map(([{ body }, text, n, kind]) => kind(structuredClone(body), text, n))
    .filter((p): p is PoisonedCommand => p !== undefined);
