import { AppError } from '../errors.js';

/**
 * CIDR parsing and matching for the DNS hot path (the `guard` stage asks it for every query).
 * Client addresses are parsed by hand from char codes: no regex, no split, no allocation per
 * call, no cache (so nothing grows with the number of clients).
 */

/** A parsed network. `words` holds one 32-bit word for IPv4, four for IPv6 (host bits cleared). */
export interface Cidr {
  readonly family: 4 | 6;
  readonly words: readonly number[];
  readonly prefix: number;
}

/**
 * Parses dotted-quad IPv4 in `s[start, end)`. Returns the address as an unsigned 32-bit number,
 * or -1 when it is not exactly four decimal parts 0..255 without leading zeros.
 */
export function parseIPv4(s: string, start = 0, end = s.length): number {
  let acc = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return -1;
      acc = acc * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero ("01" is octal in some parsers)
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + part;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses an IPv6 address (RFC 4291 §2.2 text forms: full, `::`-compressed, embedded IPv4 tail;
 * a `%zone` suffix is ignored) into the eight 16-bit groups of `out`. Returns false when invalid.
 */
export function parseIPv6(s: string, out: Uint16Array): boolean {
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  if (end === 0) return false;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    if (n === 8) return false;
    let value = 0;
    let digits = 0;
    let j = i;
    for (; j < end; j++) {
      const h = hexValue(s.charCodeAt(j));
      if (h < 0) break;
      if (++digits > 4) return false;
      value = value * 16 + h;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      // Embedded IPv4 (e.g. ::ffff:10.0.0.1) must be the last two groups.
      if (n > 6) return false;
      const v4 = parseIPv4(s, i, end);
      if (v4 < 0) return false;
      out[n++] = Math.floor(v4 / 65536);
      out[n++] = v4 & 0xffff;
      break;
    }
    if (digits === 0) return false;
    out[n++] = value;
    if (j === end) break;
    if (s.charCodeAt(j) !== 58) return false;
    j++;
    if (j < end && s.charCodeAt(j) === 58) {
      if (gap >= 0) return false; // only one "::"
      gap = n;
      j++;
    } else if (j === end) {
      return false; // trailing single colon
    }
    i = j;
  }
  if (gap < 0) return n === 8;
  if (n > 7) return false; // "::" stands for at least one zero group
  const tail = n - gap;
  for (let k = 0; k < tail; k++) out[7 - k] = out[n - 1 - k]!;
  for (let k = gap; k < 8 - tail; k++) out[k] = 0;
  return true;
}

function prefixMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/**
 * Parses `address/prefix` (a bare address means the single host: /32 or /128). Host bits are
 * cleared. Returns undefined when the address or the prefix (decimal, within 0..32 or 0..128)
 * is invalid.
 */
export function parseCidr(text: string): Cidr | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const pfx = slash < 0 ? undefined : s.slice(slash + 1);
  if (pfx !== undefined && !/^\d{1,3}$/.test(pfx)) return undefined;
  if (addr.includes('%')) return undefined;
  if (!addr.includes(':')) {
    const v4 = parseIPv4(addr);
    const prefix = pfx === undefined ? 32 : Number(pfx);
    if (v4 < 0 || prefix > 32) return undefined;
    return { family: 4, words: [(v4 & prefixMask(prefix)) >>> 0], prefix };
  }
  const g = new Uint16Array(8);
  const prefix = pfx === undefined ? 128 : Number(pfx);
  if (!parseIPv6(addr, g) || prefix > 128) return undefined;
  const words = [0, 1, 2, 3].map(
    (w) => ((g[2 * w]! * 65536 + g[2 * w + 1]!) & prefixMask(prefix - 32 * w)) >>> 0,
  );
  return { family: 6, words, prefix };
}

/** True when `text` is a valid CIDR (or bare address) accepted by {@link parseCidr}. */
export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

/**
 * Builds a predicate telling whether a client address lies in any of `cidrs`.
 * Accepts IPv4, IPv6 (any compression, `%zone` ignored) and IPv4-mapped IPv6
 * (`::ffff:10.0.0.1` is checked against the IPv4 networks too, since a dual-stack socket
 * reports IPv4 clients that way). An unparsable address never matches.
 * @throws AppError `CIDR_INVALID` when one of `cidrs` is not a valid CIDR.
 */
export function createCidrMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  const v4: number[] = []; // pairs: network, mask
  const v6: number[] = []; // octets: 4 network words, 4 mask words
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (!c) throw new AppError('CIDR_INVALID', `invalid CIDR: ${JSON.stringify(text)}`);
    if (c.family === 4) v4.push(c.words[0]!, prefixMask(c.prefix));
    else v6.push(...c.words, ...[0, 1, 2, 3].map((w) => prefixMask(c.prefix - 32 * w)));
  }
  const groups = new Uint16Array(8); // scratch: safe because matching is synchronous

  const matchV4 = (a: number): boolean => {
    for (let i = 0; i < v4.length; i += 2) {
      if (((a & v4[i + 1]!) >>> 0) === v4[i]) return true;
    }
    return false;
  };
  const matchV6 = (g: Uint16Array): boolean => {
    const w0 = g[0]! * 65536 + g[1]!;
    const w1 = g[2]! * 65536 + g[3]!;
    const w2 = g[4]! * 65536 + g[5]!;
    const w3 = g[6]! * 65536 + g[7]!;
    for (let i = 0; i < v6.length; i += 8) {
      if (
        ((w0 & v6[i + 4]!) >>> 0) === v6[i] &&
        ((w1 & v6[i + 5]!) >>> 0) === v6[i + 1] &&
        ((w2 & v6[i + 6]!) >>> 0) === v6[i + 2] &&
        ((w3 & v6[i + 7]!) >>> 0) === v6[i + 3]
      ) {
        return true;
      }
    }
    return false;
  };

  return (ip: string): boolean => {
    if (ip.indexOf(':') < 0) {
      const a = parseIPv4(ip);
      return a >= 0 && matchV4(a);
    }
    if (!parseIPv6(ip, groups)) return false;
    const g = groups;
    // IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2)
    if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
      if (matchV4(g[6]! * 65536 + g[7]!)) return true;
    }
    return matchV6(g);
  };
}
