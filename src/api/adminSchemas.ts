import { z } from 'zod';

/** The path and query parts every admin route shares, so each is checked the same way. */
export const projectionName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a projection name');
export const projectionParams = z.object({ name: projectionName });
export const versionParams = z.object({
  name: projectionName,
  version: z.coerce.number().int().min(1).max(100_000),
});
export const admin = { security: [{ admin: [] }], tags: ['admin'] };
