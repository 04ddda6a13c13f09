import { z } from 'zod';
import { findUnstorableText, unstorableReason } from './findUnstorableText.ts';

/** Longest id, stream id or correlation id accepted (characters). */
export const maxIdentifierLength = 200;

/** Adds an issue when a string holds text PostgreSQL cannot store (a NUL, a lone surrogate). */
const storable = (text: string, ctx: z.core.$RefinementCtx<string>) => {
  const reason = unstorableReason(text);
  if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
};

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .max(maxIdentifierLength, `must be at most ${maxIdentifierLength} characters long`)
  .regex(/^[\w.:@/+-]+$/, 'expected letters, digits or . _ : @ / + -')
  .superRefine(storable);

/** Deepest nesting accepted in a payload or metadata: deeper JSON is refused, not stack-overflowed on. */
export const maxNesting = 64;

/** How deep a JSON value nests, counted without recursion (a hostile body cannot blow the stack). */
const nestingOf = (value: unknown): number => {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > maxNesting) return deepest;
    if (v !== null && typeof v === 'object')
      for (const inner of Object.values(v)) stack.push([inner, depth + 1]);
  }
  return deepest;
};

const jsonObject = z
  .record(z.string(), z.unknown())
  .refine((v) => nestingOf(v) <= maxNesting, {
    message: `nests deeper than ${maxNesting} levels`,
    abort: true,
  })
  .superRefine((value, ctx) => {
    // Refused here, at intake: once on the log, such text would wedge every projection that stores it.
    for (const found of findUnstorableText(value))
      ctx.addIssue({ code: 'custom', message: found.message, path: [...found.segments] });
  });

/** One command as a service sends it over HTTP. The id is the sender's, for idempotency. */
export const commandRequestSchema = z
  .object({
    id: identifier.describe('chosen by the sender; sending the same id again has no further effect'),
    type: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z][\w.]*$/, 'expected a command type name')
      .superRefine(storable),
    version: z.number().int().min(1).max(1000),
    streamId: identifier,
    payload: jsonObject,
    correlationId: identifier.optional(),
    metadata: jsonObject.optional(),
    expectedVersion: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 (the stream has no events yet) or more')
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(
        'the number of events the sender expects the stream to hold; the command is rejected when it holds another number (0: the stream must not exist yet)',
      ),
  })
  .strict();

export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const commandBatchSchema = z
  .object({ commands: z.array(commandRequestSchema).min(1).max(500) })
  .strict();
