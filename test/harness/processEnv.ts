// What a test fixture process (a projector or an engine to kill) reads from its environment.

/** A variable that must be set and not empty. */
export const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

/** A number, or undefined when the variable is unset or empty. */
export const optionalNumber = (name: string): number | undefined => {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
};
