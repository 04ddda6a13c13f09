/** True for a JSON object (not null, not an array): what a z.object walks into. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
