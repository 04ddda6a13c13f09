import { createHmac, createSecretKey } from 'node:crypto';

/** HMAC-SHA256 of a value under the staging key, in a domain named by `label`. */
export type KeyedMac = (label: string, value: string) => Buffer;

/**
 * Binds the staging key into a MAC function. The key is held as a KeyObject inside the closure
 * only: nothing returned carries it, and inspecting a KeyObject never shows its bytes.
 * The label separates uses (a pseudonym and a fake name of one input are unrelated); it never
 * contains NUL, so `label NUL value` is unambiguous.
 */
export const createKeyedMac = (key: string): KeyedMac => {
  const secret = createSecretKey(Buffer.from(key, 'utf8'));
  return (label, value) => createHmac('sha256', secret).update(`${label}\u0000${value}`).digest();
};
