/**
 * One text form per IP address, so the same device is one key whatever wrote its address
 * (the socket, `ip neigh`, /proc/net/arp, a leases file, an EDNS option).
 */
import { parseIPv4, parseIPv6 } from '../net/cidr-matcher.js';

/** Dotted-quad text of the 4 bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/**
 * RFC 5952 text of eight 16-bit groups: lower-case hex without leading zeros, the longest run
 * of two or more zero groups (the first on a tie) written `::` (§4.2), and IPv4-mapped
 * addresses in mixed notation `::ffff:192.0.2.1` (§5).
 */
export function formatIPv6Groups(g: ArrayLike<number>): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const a = g[6]!;
    const b = g[7]!;
    return `::ffff:${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is never compressed (§4.2.2)
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => {
    const parts: string[] = [];
    for (let i = from; i < to; i++) parts.push(g[i]!.toString(16));
    return parts.join(':');
  };
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** RFC 5952 text of the 16 bytes at `offset` (see {@link formatIPv6Groups}). */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const g = new Array<number>(8);
  for (let i = 0; i < 8; i++) g[i] = (bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!;
  return formatIPv6Groups(g);
}

/**
 * Canonical text of an IP address: IPv4 as dotted quad (no leading zeros accepted); IPv6 in
 * RFC 5952 form with any `%zone` dropped; IPv4-mapped IPv6 (`::ffff:192.0.2.1`, RFC 4291
 * §2.5.5.2, what a dual-stack socket reports for IPv4 peers) unmapped to plain IPv4.
 * Null when the text is not an address. Never throws.
 */
export function normalizeIp(text: string): string | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  if (text.indexOf(':') < 0) return parseIPv4(text) >= 0 ? text : null;
  const g = new Uint16Array(8);
  if (!parseIPv6(text, g)) return null;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  }
  return formatIPv6Groups(g);
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped form; checks characters only, no allocation. */
export function isLoopbackText(ip: string): boolean {
  if (ip === '::1') return true;
  if (ip.startsWith('127.')) return true;
  return ip.length > 11 && ip.charCodeAt(0) === 58 && /* ':' */ ip.startsWith('::ffff:127.');
}
