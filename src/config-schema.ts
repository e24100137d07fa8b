import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseUpstream, type Upstream } from './config-upstream.js';
import { isValidCidr } from './net/cidr-matcher.js';

/** How an environment variable's text becomes a value before validation. */
export type EnvKind = 'string' | 'int' | 'list';

/** Per-field metadata beside zod's description: its env variable and how docs show the default. */
export interface EnvMeta {
  readonly env: string;
  readonly kind: EnvKind;
  /** Shown in the docs instead of the computed default (machine-dependent or long defaults). */
  readonly docDefault?: string;
}

/** Registry linking every leaf of {@link configSchema} to its `VIGIE_*` variable. */
export const envRegistry = z.registry<EnvMeta>();

function field<T extends z.ZodType>(schema: T, meta: EnvMeta, description: string): T {
  const described = schema.describe(description);
  envRegistry.add(described as z.ZodType, meta);
  return described;
}

function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  return z
    .number({ error: `must be ${range}` })
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, { error: `must be ${range}` });
}

const ipLiteral = z
  .string({ error: 'must be an IP address' })
  .refine((s) => isIP(s) !== 0, { error: 'must be an IP address literal such as 0.0.0.0 or ::' });

const cidr = z
  .string({ error: 'must be a CIDR string' })
  .refine(isValidCidr, { error: 'must be a CIDR such as 192.168.0.0/16 or fd00::/8 (prefix within 0..32 or 0..128)' });

const upstreamObject = z.strictObject({
  transport: oneOf(['udp', 'tcp']).default('udp'),
  host: ipLiteral,
  port: int(1, 65535).default(53),
});

/** An upstream as text (`udp://1.2.3.4:53`, `[::1]:53`, …) or as `{transport, host, port}`. */
const upstream = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
    const shown = Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
    ctx.addIssue({ code: 'custom', message: `must be an upstream such as "udp://1.2.3.4:53" or {transport, host, port}, not ${shown}`, input: value });
    return value;
  }
  const parsed = parseUpstream(value);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error, input: value });
  return value;
}, upstreamObject) as z.ZodType<Upstream, unknown>;

/** Cross-field checks run only when both sides are valid on their own (no double reports). */
const isIntAtLeast = (n: unknown, min: number): n is number => Number.isSafeInteger(n) && (n as number) >= min;

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** True when `zone` is an IANA time zone known to this runtime. */
export function isValidTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Default lists folder: `lists/` of the installed package. This file sits directly in src/
 * (run by vitest/tsx) and compiles directly into dist/ (tsconfig.build.json rootDir src), and
 * both are siblings of lists/, so the same relative URL works from either.
 */
export const DEFAULT_LISTS_DIR = fileURLToPath(new URL('../lists/', import.meta.url));

export const DEFAULT_ALLOWED_CLIENTS = [
  '127.0.0.0/8', '::1/128', // loopback
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', // RFC 1918
  '169.254.0.0/16', 'fe80::/10', // link-local
  'fc00::/7', // IPv6 unique local (RFC 4193)
];

const dns = z
  .strictObject({
    hosts: field(z.array(ipLiteral).min(1, { error: 'needs at least one address' }).default(['0.0.0.0', '::']),
      { env: 'VIGIE_DNS_HOST', kind: 'list' },
      'Addresses the DNS server listens on (comma list of IP literals). The default is every IPv4 and IPv6 address.'),
    port: field(int(0, 65535).default(53), { env: 'VIGIE_DNS_PORT', kind: 'int' },
      'UDP and TCP port of the DNS server. 0 picks a free port (tests).'),
  })
  .prefault({});

const admin = z
  .strictObject({
    host: field(ipLiteral.default('0.0.0.0'), { env: 'VIGIE_ADMIN_HOST', kind: 'string' },
      'Address the admin page listens on.'),
    port: field(int(0, 65535).default(8080), { env: 'VIGIE_ADMIN_PORT', kind: 'int' },
      'TCP port of the admin page over plain HTTP. With HTTPS on, it only redirects to the HTTPS port. 0 picks a free port (tests).'),
    https: field(oneOf(['on', 'off']).default('on'), { env: 'VIGIE_ADMIN_HTTPS', kind: 'string' },
      'Serve the admin page over HTTPS (on) so the password and sessions are encrypted on the Wi-Fi, or only over plain HTTP (off). Without a certificate of yours, Vigie makes its own on the first start (kept in the tls/ folder of the data dir; browsers warn once, see docs/security.md).'),
    httpsPort: field(int(0, 65535).default(8443), { env: 'VIGIE_ADMIN_HTTPS_PORT', kind: 'int' },
      'TCP port of the admin page over HTTPS. 0 picks a free port (tests).'),
    tlsCert: field(z.string().default(''), { env: 'VIGIE_ADMIN_TLS_CERT', kind: 'string', docDefault: '(Vigie makes its own)' },
      'PEM certificate file (a chain may follow) for the HTTPS admin page, instead of Vigie\'s own. Set VIGIE_ADMIN_TLS_KEY too.'),
    tlsKey: field(z.string().default(''), { env: 'VIGIE_ADMIN_TLS_KEY', kind: 'string', docDefault: '(Vigie makes its own)' },
      'PEM private key file (unencrypted) of VIGIE_ADMIN_TLS_CERT; readable by the vigie user only.'),
  })
  .superRefine((a, ctx) => {
    if (typeof a.tlsCert === 'string' && typeof a.tlsKey === 'string' && (a.tlsCert === '') !== (a.tlsKey === '')) {
      // Reported on the one given (its source is known): the other was set nowhere.
      const [given, other] = a.tlsCert === '' ? ['tlsKey', 'VIGIE_ADMIN_TLS_CERT (admin.tlsCert)'] as const : ['tlsCert', 'VIGIE_ADMIN_TLS_KEY (admin.tlsKey)'] as const;
      ctx.addIssue({ code: 'custom', path: [given], input: a[given], message: `needs ${other} too: give both the certificate and its private key, or neither (Vigie then makes its own)` });
    }
    if (a.https === 'on' && isIntAtLeast(a.port, 1) && a.port === a.httpsPort) {
      ctx.addIssue({ code: 'custom', path: ['port'], input: a.port, message: `must differ from the HTTPS port (VIGIE_ADMIN_HTTPS_PORT, admin.httpsPort): with HTTPS on, plain HTTP only redirects there` });
    }
  })
  .prefault({});

const cache = z
  .strictObject({
    maxEntries: field(int(0).default(10_000), { env: 'VIGIE_CACHE_SIZE', kind: 'int' },
      'Most answers kept in the answer cache. 0 turns the cache off.'),
    minTtl: field(int(0).default(0), { env: 'VIGIE_CACHE_MIN_TTL', kind: 'int' },
      'Shortest time (seconds) an answer is cached, raising smaller upstream TTLs.'),
    maxTtl: field(int(0).default(86_400), { env: 'VIGIE_CACHE_MAX_TTL', kind: 'int' },
      'Longest time (seconds) an answer is cached, capping larger upstream TTLs.'),
    negativeMaxTtl: field(int(0).default(3600), { env: 'VIGIE_CACHE_NEGATIVE_MAX_TTL', kind: 'int' },
      'Longest time (seconds) a negative answer (NXDOMAIN, NODATA) is cached (RFC 2308 §5).'),
    staleTtl: field(int(0).default(30), { env: 'VIGIE_CACHE_STALE_TTL', kind: 'int' },
      'TTL (seconds) put on an expired answer served because every upstream failed (RFC 8767 §4 recommends 30).'),
    maxStale: field(int(0).default(86_400), { env: 'VIGIE_CACHE_MAX_STALE', kind: 'int' },
      'How long (seconds) after expiry an answer may still be served stale (RFC 8767 suggests 1 to 3 days). 0 disables serve-stale.'),
  })
  .superRefine((c, ctx) => {
    if (isIntAtLeast(c.minTtl, 0) && isIntAtLeast(c.maxTtl, 0) && c.minTtl > c.maxTtl) {
      ctx.addIssue({ code: 'custom', path: ['minTtl'], input: c.minTtl, message: `must not exceed cache.maxTtl (${c.maxTtl})` });
    }
  })
  .prefault({});

const limits = z
  .strictObject({
    rateLimitQps: field(int(0).default(300), { env: 'VIGIE_RATE_LIMIT', kind: 'int' },
      'Queries per second allowed per client (token bucket holding a burst of twice this). 0 disables rate limiting.'),
    tcpMaxConnections: field(int(1).default(200), { env: 'VIGIE_TCP_MAX_CONNECTIONS', kind: 'int' },
      'Most open DNS-over-TCP connections in total.'),
    tcpMaxPerClient: field(int(1).default(10), { env: 'VIGIE_TCP_MAX_PER_CLIENT', kind: 'int' },
      'Most open DNS-over-TCP connections from one client address.'),
    tcpIdleMs: field(int(1).default(10_000), { env: 'VIGIE_TCP_IDLE_MS', kind: 'int' },
      'A TCP connection with no query for this long (ms) is closed (RFC 7766 §6.2.3).'),
    tcpMessageMs: field(int(1).default(5000), { env: 'VIGIE_TCP_MESSAGE_MS', kind: 'int' },
      'Time (ms) allowed to receive one whole DNS message once it has started on TCP.'),
    upstreamTimeoutMs: field(int(1).default(800), { env: 'VIGIE_UPSTREAM_TIMEOUT_MS', kind: 'int' },
      'Time (ms) to wait for one upstream try before moving to the next upstream.'),
    resolveBudgetMs: field(int(1).default(1500), { env: 'VIGIE_RESOLVE_BUDGET_MS', kind: 'int' },
      'Whole time (ms) for all upstream tries of one query before answering stale or SERVFAIL (RFC 8767 suggests 1.8 s; 1.5 s keeps SERVFAIL well inside a 2 s client timeout).'),
    maxInflight: field(int(1).default(300), { env: 'VIGIE_MAX_INFLIGHT', kind: 'int' },
      'Most upstream queries in flight at once (across all clients).'),
    maxInflightPerClient: field(int(1).default(64), { env: 'VIGIE_MAX_INFLIGHT_PER_CLIENT', kind: 'int' },
      'Most upstream queries one client (device, else address) may have in flight; its extra uncached queries get SERVFAIL at once (or a stale answer), so one device cannot take every upstream slot from the others. Values above limits.maxInflight act as limits.maxInflight.'),
  })
  .superRefine((l, ctx) => {
    if (isIntAtLeast(l.upstreamTimeoutMs, 1) && isIntAtLeast(l.resolveBudgetMs, 1) && l.upstreamTimeoutMs > l.resolveBudgetMs) {
      ctx.addIssue({ code: 'custom', path: ['upstreamTimeoutMs'], input: l.upstreamTimeoutMs, message: `must not exceed limits.resolveBudgetMs (${l.resolveBudgetMs})` });
    }
    if (isIntAtLeast(l.tcpMaxPerClient, 1) && isIntAtLeast(l.tcpMaxConnections, 1) && l.tcpMaxPerClient > l.tcpMaxConnections) {
      ctx.addIssue({ code: 'custom', path: ['tcpMaxPerClient'], input: l.tcpMaxPerClient, message: `must not exceed limits.tcpMaxConnections (${l.tcpMaxConnections})` });
    }
  })
  .prefault({});

const devices = z
  .strictObject({
    router: field(z.string().refine((s) => s === '' || isIP(s) !== 0, { error: 'must be an IP address literal such as 192.168.1.1, or empty' }).default(''),
      { env: 'VIGIE_ROUTER', kind: 'string', docDefault: '(none)' },
      'Address of the home router: device names are asked from it by reverse DNS, and its EDNS0 MAC / client-subnet options are believed. Empty: no reverse lookups.'),
    trustedForwarders: field(z.array(cidr).default([]), { env: 'VIGIE_TRUSTED_FORWARDERS', kind: 'list' },
      'Other DNS forwarders whose EDNS0 MAC and client-subnet options are believed (comma list of CIDRs), e.g. a router running dnsmasq with add-mac. Options from anyone else are ignored, so a child cannot claim to be the TV.'),
    relayPort: field(int(1, 65535).default(53), { env: 'VIGIE_RELAY_PORT', kind: 'int' },
      'DNS port of the router and of each trusted forwarder. Vigie sends them a check query at start and hourly to see whether they strip MAC / client-subnet options a device puts in its own queries; options of a relay that passes them through are not believed.'),
    dhcpLeases: field(z.string().default(''), { env: 'VIGIE_DHCP_LEASES', kind: 'string', docDefault: '(none)' },
      'A DHCP leases file to read device names from (dnsmasq or ISC dhcpd format). Empty: none.'),
  })
  .prefault({});

/**
 * The boot configuration. Every leaf has a default, a description (the docs) and an env
 * variable (in {@link envRegistry}). Unknown keys are rejected so typos surface at boot.
 */
/** The upstreams of a fresh install (public resolvers; every test and CLI call in a test overrides them). */
export const DEFAULT_UPSTREAMS = [{ transport: 'udp', host: '1.1.1.1', port: 53 }, { transport: 'udp', host: '9.9.9.9', port: 53 }] as const;

export const configSchema = z.strictObject({
  dns,
  admin,
  upstreams: field(
    z.array(upstream).min(1, { error: 'needs at least one upstream' })
      .default(DEFAULT_UPSTREAMS.map((u) => ({ ...u }))),
    { env: 'VIGIE_UPSTREAMS', kind: 'list', docDefault: 'udp://1.1.1.1:53, udp://9.9.9.9:53' },
    'DNS servers queried for names that are not blocked, tried in order (comma list). Forms: udp://1.2.3.4:53, tcp://1.2.3.4:53, 1.2.3.4, 1.2.3.4:5353, [2606:4700::1111]:53, udp://[::1]:5300, ::1. IP literals only; port 53 and udp unless given.'),
  dataDir: field(z.string().min(1).default('./data'), { env: 'VIGIE_DATA_DIR', kind: 'string' },
    'Folder for the database and backups, relative to the working directory.'),
  listsDir: field(z.string().min(1).default(DEFAULT_LISTS_DIR),
    { env: 'VIGIE_LISTS_DIR', kind: 'string', docDefault: 'lists/ of the installed package' },
    'Folder holding the curated category lists and catalog.json.'),
  extraLists: field(z.array(z.string().min(1)).default([]), { env: 'VIGIE_EXTRA_LISTS', kind: 'list' },
    'Local list files (plain domains or hosts format, comma list) blocked as category "custom".'),
  listUpdates: field(oneOf(['on', 'off']).default('on'), { env: 'VIGIE_LIST_UPDATES', kind: 'string' },
    'Automatic list downloads: on (the shipped public lists weekly, your subscriptions daily) or off (nothing is downloaded by itself; `vigie lists update` still works by hand).'),
  tz: field(z.string().refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/Paris' }).default(systemTimeZone),
    { env: 'VIGIE_TZ', kind: 'string', docDefault: 'the system time zone' },
    'Time zone of schedules and reports (IANA name).'),
  logLevel: field(oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    { env: 'VIGIE_LOG_LEVEL', kind: 'string' },
    'Log level: fatal, error, warn, info, debug, trace or silent.'),
  logFormat: field(oneOf(['auto', 'json', 'pretty']).default('auto'), { env: 'VIGIE_LOG_FORMAT', kind: 'string' },
    'Log lines: json (for journald and files), pretty (one readable line per event) or auto (pretty when the output is a terminal).'),
  blockMode: field(oneOf(['null', 'nxdomain', 'refused']).default('null'), { env: 'VIGIE_BLOCK_MODE', kind: 'string' },
    'Answer to a blocked name: null (0.0.0.0 or ::), nxdomain or refused.'),
  allowedClients: field(z.array(cidr).min(1, { error: 'needs at least one network (0.0.0.0/0 and ::/0 allow everyone)' }).default(DEFAULT_ALLOWED_CLIENTS),
    { env: 'VIGIE_ALLOWED_CLIENTS', kind: 'list' },
    'Networks allowed to query (comma list of CIDRs; a bare address is one host). The default is loopback, RFC 1918, link-local and IPv6 unique local.'),
  devices,
  cache,
  limits,
});

/** The validated boot configuration (paths absolute). */
export type Config = z.output<typeof configSchema>;
