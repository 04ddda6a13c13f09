import { isIPv4, isIPv6 } from 'node:net';

/** The eight groups of an IPv6 address written with or without '::'; null for other forms. */
const expandIPv6 = (value: string): string[] | null => {
  if (value.includes('.') || value.includes('%')) return null;
  const [head = '', tail] = value.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
};

/**
 * The network an address belongs to, as analytics commonly keep it: the /24 of an IPv4 address
 * (last octet zeroed) and the /48 of an IPv6 address. Null for a value that is not an IP
 * address, or an IPv6 address with an embedded IPv4 or zone.
 */
export const generalizeIp = (value: string): string | null => {
  if (isIPv4(value)) return value.replace(/\.\d+$/, '.0');
  if (!isIPv6(value)) return null;
  const groups = expandIPv6(value);
  return groups === null ? null : `${groups.slice(0, 3).join(':')}::`;
};
