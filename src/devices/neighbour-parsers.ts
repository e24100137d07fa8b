/**
 * Parsers for the kernel's neighbour (ARP / NDP) table as Linux shows it: /proc/net/arp (IPv4)
 * and `ip neigh show` (IPv4 and IPv6). Input is treated as untrusted text: bad lines are skipped,
 * nothing throws, and the number of entries is capped.
 */
import { isUsableMac, normalizeMac } from './mac-address.js';
import { normalizeIp } from './ip-text.js';

/** One IP → MAC binding, both in canonical form (see normalizeIp, normalizeMac). */
export interface Neighbour {
  readonly ip: string;
  readonly mac: string;
}

/** Entries kept per parse: far above any home network, bounds memory for a garbage input. */
export const MAX_NEIGHBOURS = 65_536;

function entry(ipText: string | undefined, macText: string | undefined): Neighbour | null {
  if (ipText === undefined || macText === undefined) return null;
  const ip = normalizeIp(ipText);
  const mac = normalizeMac(macText);
  if (ip === null || mac === null || !isUsableMac(mac)) return null;
  return { ip, mac };
}

/**
 * Parses /proc/net/arp: a header line, then `IP  HW-type  Flags  HW-address  Mask  Device`.
 * Skips incomplete entries (Flags 0x0, or an all-zero / group MAC) and malformed lines.
 */
export function parseProcNetArp(text: string): Neighbour[] {
  const out: Neighbour[] = [];
  if (typeof text !== 'string') return out;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length && out.length < MAX_NEIGHBOURS; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 6) continue;
    const flags = /^0x[0-9a-f]{1,8}$/i.test(f[2]!) ? parseInt(f[2]!.slice(2), 16) : 0;
    if (flags === 0) continue; // ATF_COM not set: ARP resolution never completed
    const e = entry(f[0], f[3]);
    if (e) out.push(e);
  }
  return out;
}

/** Neighbour states whose lladdr is not a confirmed binding (iproute2 ip/ipneigh.c). */
const UNRESOLVED = new Set(['FAILED', 'INCOMPLETE', 'NONE']);

/**
 * Parses `ip neigh show` output, IPv4 and IPv6, e.g.
 * `192.0.2.10 dev eth0 lladdr 02:00:5e:10:00:01 REACHABLE` or
 * `2001:db8::10 dev br-lan lladdr 02:00:5e:10:00:02 router STALE`.
 * Lines without `lladdr`, in FAILED/INCOMPLETE state, or with an unusable MAC are skipped.
 */
export function parseIpNeigh(text: string): Neighbour[] {
  const out: Neighbour[] = [];
  if (typeof text !== 'string') return out;
  for (const line of text.split('\n')) {
    if (out.length >= MAX_NEIGHBOURS) break;
    const f = line.trim().split(/\s+/);
    const at = f.indexOf('lladdr');
    if (at < 1) continue;
    if (f.some((word) => UNRESOLVED.has(word))) continue;
    const e = entry(f[0], f[at + 1]);
    if (e) out.push(e);
  }
  return out;
}
