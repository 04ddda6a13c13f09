import { isIPv4, isIPv6 } from 'node:net';

/**
 * An address of the same family from a range no one is reached at: 10.0.0.0/8 (private) for
 * IPv4, 2001:db8::/32 (documentation) for IPv6, the rest from the MAC. Null for a value that is
 * not an IP address.
 */
export const fakeIp = (value: string, mac: Buffer): string | null => {
  if (isIPv4(value)) return `10.${mac[0] ?? 0}.${mac[1] ?? 0}.${mac[2] ?? 0}`;
  if (!isIPv6(value)) return null;
  const groups = [0, 2, 4, 6, 8, 10].map((offset) => mac.readUInt16BE(offset).toString(16));
  return ['2001', 'db8', ...groups].join(':');
};
