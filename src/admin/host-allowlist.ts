/**
 * DNS rebinding defence: a page on evil.example whose name is re-pointed at the Vigie box would
 * otherwise talk to the admin page from the parent's own browser. Such requests carry
 * `Host: evil.example`, so only known names are accepted: localhost, the machine's hostname and
 * `<hostname>.local`, the configured admin address and any extra names given. An IP literal is
 * always accepted (with any port): a browser only sends one when a person typed that address,
 * never after a rebinding, and it keeps working when DHCP hands the box a new address or a port
 * is forwarded.
 */
import { isIP } from 'node:net';
import { hostname as osHostname, networkInterfaces } from 'node:os';

/** The host part of a Host header, lowercase, without port or trailing dot; null if malformed. */
export function hostWithoutPort(header: string): string | null {
  const value = header.trim().toLowerCase();
  if (value.length === 0 || value.length > 300) return null;
  const match = value.startsWith('[') ? /^\[([0-9a-f:.%a-z]+)\](?::(\d{1,5}))?$/.exec(value) : /^([^:[\]\s/@]+?)\.?(?::(\d{1,5}))?$/.exec(value);
  if (match === null) return null;
  return value.startsWith('[') ? `[${match[1]}]` : (match[1] ?? null);
}

function isIpLiteral(host: string): boolean {
  return host.startsWith('[') ? isIP(host.slice(1, -1)) === 6 : isIP(host) === 4;
}

/** True when a Host header names an IP address (with or without port); false for names and junk. */
export function isIpHost(header: string | undefined): boolean {
  const host = header === undefined ? null : hostWithoutPort(header);
  return host !== null && isIpLiteral(host);
}

/** The default allowlist: loopback names, this machine's names and addresses, and the admin address. */
export function defaultAllowedHosts(adminHost: string): string[] {
  const name = osHostname().toLowerCase();
  const list = ['localhost', '127.0.0.1', '[::1]', name, `${name}.local`];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) list.push(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address);
  }
  if (adminHost !== '0.0.0.0' && adminHost !== '::') list.push(adminHost.includes(':') ? `[${adminHost}]` : adminHost);
  return [...new Set(list.filter((h) => h.length > 0).map((h) => h.toLowerCase()))];
}

/** A predicate over Host headers: an IP literal, or a name of `allowed` (any port). */
export function createHostCheck(allowed: readonly string[]): (hostHeader: string | undefined) => boolean {
  const names = new Set(allowed.map((h) => hostWithoutPort(h)).filter((h): h is string => h !== null));
  return (header) => {
    if (header === undefined) return false;
    const host = hostWithoutPort(header);
    return host !== null && (isIpLiteral(host) || names.has(host));
  };
}
