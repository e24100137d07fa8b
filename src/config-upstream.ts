import { isIP } from 'node:net';

/** One upstream DNS server we forward to. `host` is always an IP literal, without brackets. */
export interface Upstream {
  readonly transport: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
}

/** Result of {@link parseUpstream}: the upstream, or a sentence saying what is wrong. */
export type UpstreamParse = { ok: true; value: Upstream } | { ok: false; error: string };

const fail = (error: string): UpstreamParse => ({ ok: false, error });

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Splits `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 into host and port text. */
function splitHostPort(rest: string): { host: string; port?: string } | string {
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return 'missing "]" after the IPv6 address';
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return `unexpected "${after}" after "]"`;
    return after === '' ? { host: rest.slice(1, close) } : { host: rest.slice(1, close), port: after.slice(1) };
  }
  if (isIP(rest) === 6) return { host: rest }; // bare IPv6: no port possible without brackets
  const colon = rest.lastIndexOf(':');
  if (colon < 0) return { host: rest };
  if (rest.indexOf(':') !== colon) return 'an IPv6 address with a port must be written [address]:port';
  return { host: rest.slice(0, colon), port: rest.slice(colon + 1) };
}

/**
 * Parses one upstream written as `udp://1.2.3.4:53`, `tcp://1.2.3.4:53`, `1.2.3.4`,
 * `1.2.3.4:5353`, `[2606:4700::1111]:53`, `udp://[::1]:5300` or a bare `::1`.
 * Transport defaults to udp, port to 53. The host must be an IP literal: Vigie is the resolver,
 * so it cannot look up the name of its own upstream.
 */
export function parseUpstream(text: string): UpstreamParse {
  let rest = text.trim();
  let transport: 'udp' | 'tcp' = 'udp';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'udp' && name !== 'tcp') return fail(`unsupported transport "${scheme[1]}://" (use udp:// or tcp://)`);
    transport = name;
    rest = rest.slice(scheme[0].length);
  }
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest === '') return fail('missing address');
  const split = splitHostPort(rest);
  if (typeof split === 'string') return fail(split);
  if (isIP(split.host) === 0) {
    return fail(`"${split.host}" is not an IP address (upstreams must be IP literals, not names)`);
  }
  if (split.port === undefined) return { ok: true, value: { transport, host: split.host, port: 53 } };
  const port = parsePort(split.port);
  if (port === undefined) return fail(`port "${split.port}" must be an integer from 1 to 65535`);
  return { ok: true, value: { transport, host: split.host, port } };
}

/** Writes an upstream back in the canonical `udp://host:port` form (IPv6 in brackets). */
export function formatUpstream(u: Upstream): string {
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  return `${u.transport}://${host}:${u.port}`;
}
