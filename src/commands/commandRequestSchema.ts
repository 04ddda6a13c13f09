import { z } from 'zod';

const identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:@/+-]+$/, 'expected letters, digits or . _ : @ / + -');

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
  .refine((v) => nestingOf(v) <= maxNesting, `nests deeper than ${maxNesting} levels`);

/** One command as a service sends it over HTTP. The id is the sender's, for idempotency. */
export const commandRequestSchema = z
  .object({
    id: identifier.describe('chosen by the sender; sending the same id again has no further effect'),
    type: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z][\w.]*$/, 'expected a command type name'),
    version: z.number().int().min(1).max(1000),
    streamId: identifier,
    payload: jsonObject,
    correlationId: identifier.optional(),
    metadata: jsonObject.optional(),
  })
  .strict();

export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const commandBatchSchema = z
  .object({ commands: z.array(commandRequestSchema).min(1).max(500) })
  .strict();
