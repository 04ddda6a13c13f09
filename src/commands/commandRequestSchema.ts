import { z } from 'zod';

const identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:@/+-]+$/, 'expected letters, digits or . _ : @ / + -');

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
    payload: z.record(z.string(), z.unknown()),
    correlationId: identifier.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const commandBatchSchema = z
  .object({ commands: z.array(commandRequestSchema).min(1).max(500) })
  .strict();
