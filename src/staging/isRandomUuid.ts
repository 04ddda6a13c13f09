const randomUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * True for a UUID of version 4 (random) or 7 (time and random): such an id says nothing about
 * anyone. Other ids (a sender-chosen command id, a version 1 UUID with its machine address)
 * may, and staging pseudonymizes them.
 */
export const isRandomUuid = (value: string): boolean => randomUuid.test(value);
