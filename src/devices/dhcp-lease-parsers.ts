/**
 * DHCP leases: which device (MAC) holds which IPv4 address, and the hostname it asked for.
 * Reads dnsmasq's leases file (OpenWrt /tmp/dhcp.leases, /var/lib/misc/dnsmasq.leases) and ISC
 * dhcpd's dhcpd.leases; the format is detected from the text. Every field is untrusted.
 */
import { normalizeMac } from './mac-address.js';
import { normalizeIp } from './ip-text.js';
import { sanitizeHostname } from './hostname.js';
import { parseIscLeases } from './isc-dhcpd-leases.js';

/** One lease. `expiresAt` is ms since the epoch; null for an infinite lease or an unknown end. */
export interface DhcpLease {
  readonly mac: string;
  readonly ip: string;
  /** Only `[A-Za-z0-9._-]{1,63}` (see sanitizeHostname); null otherwise or when none was given. */
  readonly hostname: string | null;
  readonly expiresAt: number | null;
}

/** Leases kept per parse: bounds memory for a garbage file. */
export const MAX_LEASES = 65_536;

const ISC_LEASE = /(?:^|\n)[ \t]*lease[ \t]+[0-9A-Fa-f.:]+[ \t]*\{/;

/**
 * dnsmasq (src/lease.c lease_update_file): `<expiry s> <mac> <ip> <hostname|*> <client-id|*>`,
 * expiry 0 = infinite. After a `duid <server duid>` line come DHCPv6 leases whose 2nd field is
 * an IAID (`T` prefix for temporary addresses), not a MAC: they are skipped, since the client's
 * DUID may embed another interface's MAC and would misname the device.
 */
function parseDnsmasqLeases(text: string): DhcpLease[] {
  const out: DhcpLease[] = [];
  let v6 = false;
  for (const line of text.split('\n')) {
    if (out.length >= MAX_LEASES) break;
    const f = line.trim().split(/\s+/);
    if (f[0] === 'duid') v6 = true;
    if (v6 || f.length < 4 || !/^\d{1,12}$/.test(f[0]!)) continue;
    const mac = normalizeMac(f[1]!);
    const ip = normalizeIp(f[2]!);
    if (mac === null || ip === null) continue;
    const expiry = Number(f[0]);
    const hostname = f[3] === '*' ? null : sanitizeHostname(f[3]);
    out.push({ mac, ip, hostname, expiresAt: expiry === 0 ? null : expiry * 1000 });
  }
  return out;
}

/**
 * Parses a leases file of either format (ISC when it holds a `lease <ip> {` block, else dnsmasq).
 * Bad lines and blocks are skipped; never throws; at most {@link MAX_LEASES} leases.
 */
export function parseDhcpLeases(text: string): DhcpLease[] {
  if (typeof text !== 'string') return [];
  if (ISC_LEASE.test(text)) return parseIscLeases(text).slice(0, MAX_LEASES);
  return parseDnsmasqLeases(text);
}
