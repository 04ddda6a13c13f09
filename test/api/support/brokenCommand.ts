import fc from 'fast-check';
import { commandSamples, validCommand, type CommandBody, type CommandSample } from './validCommand.ts';
import { nestedJson, nestedSlot, withNested } from './nestedJson.ts';
import { withoutProtoKeys } from './withoutProtoKeys.ts';

/**
 * A command with exactly one thing wrong, serialized: `path` is where the intake must say the
 * fault is, relative to the command ('' is the command itself), and `how` names the breakage.
 */
export type BrokenCommand = { readonly text: string; readonly path: string; readonly how: string };

type Breakage = (command: { sample: CommandSample; body: CommandBody }) => fc.Arbitrary<BrokenCommand>;

const knownTypes = new Set(commandSamples.map((s) => s.type));
const commandKeys = ['id', 'type', 'version', 'streamId', 'payload', 'correlationId', 'metadata'];

const broken = (body: Record<string, unknown>, path: string, how: string, nested = ''): BrokenCommand => ({
  text: withNested(body, nested),
  path,
  how,
});

const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);
const notAnObject = fc.oneof(
  withoutProtoKeys(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 })),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const notAVersion = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.integer({ max: 0 }),
  fc.integer({ min: 1001 }),
);
/** A value of another JSON kind than `value`: what a contract field of that kind refuses. */
const otherKind = (value: unknown): fc.Arbitrary<unknown> =>
  typeof value === 'string'
    ? fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }))
    : typeof value === 'number'
      ? fc.oneof(fc.string(), fc.boolean(), fc.constant(null))
      : typeof value === 'boolean'
        ? fc.oneof(fc.string(), fc.integer(), fc.constant(null))
        : value === null
          ? fc.oneof(
              fc.integer(),
              fc.boolean(),
              withoutProtoKeys(fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 })),
            )
          : fc.oneof(fc.string(), fc.integer(), fc.constant(null));

/** Identifiers the intake refuses: empty, too long, or with a character outside [\w.:@/+-]. */
const badIdentifier = fc.oneof(
  fc.constant(''),
  fc.integer({ min: 201, max: 2_000 }).map((n) => 'x'.repeat(n)),
  fc
    .tuple(
      fc.stringMatching(/^[\w]{0,10}$/),
      fc.constantFrom(' ', 'é', '#', '?', '\n', '"', '\u0000', '😀', '\\', '%', '*'),
      fc.stringMatching(/^[\w]{0,10}$/),
    )
    .map((parts) => parts.join('')),
);

/** 201 to `maxLength` copies of one (possibly multi-byte) character: past the identifier limit, up to past the body limit. */
const hugeString = (maxLength: number) =>
  fc
    .tuple(fc.integer({ min: 201, max: maxLength }), fc.constantFrom('a', 'é', '😀', ' '))
    .map(([n, c]) => c.repeat(n));

const without = (value: Readonly<Record<string, unknown>>, key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));

const breakages = (maxString: number, maxDepth: number): Breakage[] => [
  ({ body }) =>
    fc
      .constantFrom('id', 'type', 'version', 'streamId', 'payload')
      .map((key) => broken(without(body, key), key, `missing ${key}`)),
  ({ body }) =>
    fc
      .tuple(fc.constantFrom('id', 'type', 'streamId', 'correlationId'), notAString)
      .map(([key, value]) => broken({ ...body, [key]: value }, key, `${key} not a string`)),
  ({ body }) =>
    fc
      .tuple(fc.constantFrom('payload', 'metadata'), notAnObject)
      .map(([key, value]) => broken({ ...body, [key]: value }, key, `${key} not an object`)),
  ({ body }) => notAVersion.map((version) => broken({ ...body, version }, 'version', 'version out of range')),
  ({ body, sample }) =>
    fc
      .oneof(fc.constant(99), fc.integer({ min: sample.latestVersion + 1, max: 1000 }))
      .map((version) => broken({ ...body, version }, 'version', 'version newer than the server knows')),
  ({ body }) =>
    fc
      .oneof(
        fc.stringMatching(/^[A-Za-z][\w.]{0,40}$/).filter((t) => !knownTypes.has(t)),
        fc.constantFrom('1Place', 'Place Order', 'Place-Order', '.x', '_x'),
      )
      .map((type) => broken({ ...body, type }, 'type', 'unknown type')),
  ({ body }) =>
    fc
      .tuple(fc.constantFrom('id', 'streamId', 'correlationId'), badIdentifier)
      .map(([key, value]) => broken({ ...body, [key]: value }, key, `${key} not an identifier`)),
  ({ body }) =>
    fc
      .tuple(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((k) => !commandKeys.includes(k) && k !== '__proto__'),
        withoutProtoKeys(fc.jsonValue({ maxDepth: 2 })),
      )
      .map(([key, value]) => broken({ ...body, [key]: value }, '', `extra field ${JSON.stringify(key)}`)),
  ({ body, sample }) =>
    fc.constantFrom(...Object.keys(sample.payload)).chain((key) =>
      fc.oneof(
        fc.constant(
          broken({ ...body, payload: without(body.payload, key) }, `payload.${key}`, 'payload field missing'),
        ),
        otherKind(sample.payload[key]).map((value) =>
          broken(
            { ...body, payload: { ...body.payload, [key]: value } },
            `payload.${key}`,
            'payload field of the wrong kind',
          ),
        ),
      ),
    ),
  ({ body }) =>
    fc
      .tuple(fc.constantFrom('id', 'type', 'streamId'), hugeString(maxString))
      .map(([key, value]) => broken({ ...body, [key]: value }, key, `${key} huge`)),
  ({ body }) =>
    fc
      .record({
        key: fc.constantFrom('id', 'type', 'version', 'streamId', 'payload'),
        depth: fc.integer({ min: 1, max: maxDepth }),
        kind: fc.constantFrom('array' as const, 'object' as const),
      })
      .map(({ key, depth, kind }) =>
        broken(
          { ...body, [key]: nestedSlot },
          key,
          `${key} nested ${depth} deep`,
          // an object is a valid payload record; only arrays are wrong there for certain
          nestedJson(depth, key === 'payload' ? 'array' : kind),
        ),
      ),
];

/**
 * Commands shaped almost like a valid one with one field broken: wrong kinds, missing fields,
 * unknown types, versions too new or out of range, payloads their contract refuses, extra
 * fields, huge strings (up to `maxString` characters) and deep nesting (up to `maxDepth`).
 */
export const brokenCommand = (options: {
  maxString: number;
  maxDepth: number;
}): fc.Arbitrary<BrokenCommand> =>
  fc.oneof(
    ...breakages(options.maxString, options.maxDepth).map((breakage) => validCommand().chain(breakage)),
  );
