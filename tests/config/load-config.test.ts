import { DEFAULT_UPSTREAMS } from '../../src/config-schema.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configSchema, formatConfigProblems, loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';

const CWD = '/srv/vigie';
const load = (env: Record<string, string>, extra: Parameters<typeof loadConfig>[0] = {}) =>
  loadConfig({ env, cwd: CWD, ...extra });

/** Runs loadConfig expecting failure; returns the problems. */
function problemsOf(env: Record<string, string>, extra: Parameters<typeof loadConfig>[0] = {}): readonly string[] {
  try {
    load(env, extra);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toBeInstanceOf(AppError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  it('gives every default with an empty env', () => {
    const c = load({});
    expect(c).toEqual({
      dns: { hosts: ['0.0.0.0', '::'], port: 53 },
      admin: { host: '0.0.0.0', port: 8080, https: 'on', httpsPort: 8443, tlsCert: '', tlsKey: '' },
      upstreams: DEFAULT_UPSTREAMS,
      dataDir: '/srv/vigie/data',
      listsDir: resolve(fileURLToPath(new URL('../../lists/', import.meta.url))),
      extraLists: [],
      listUpdates: 'on',
      tz: Intl.DateTimeFormat().resolvedOptions().timeZone,
      logLevel: 'info',
      logFormat: 'auto',
      blockMode: 'null',
      allowedClients: ['127.0.0.0/8', '::1/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', 'fe80::/10', 'fc00::/7'],
      devices: { router: '', trustedForwarders: [], relayPort: 53, dhcpLeases: '' },
      cache: { maxEntries: 10000, minTtl: 0, maxTtl: 86400, negativeMaxTtl: 3600, staleTtl: 30, maxStale: 86400 },
      limits: {
        rateLimitQps: 300, tcpMaxConnections: 200, tcpMaxPerClient: 10, tcpIdleMs: 10000, tcpMessageMs: 5000,
        upstreamTimeoutMs: 800, resolveBudgetMs: 1500, maxInflight: 300, maxInflightPerClient: 64,
      },
    });
  });

  it('defaults listsDir to the repository lists/ folder', () => {
    expect(load({}).listsDir).toBe(resolve(fileURLToPath(import.meta.url), '../../../lists'));
  });

  it('uses process.env and process.cwd() when not given', () => {
    expect(() => loadConfig()).not.toThrow();
  });

  it('configSchema alone fills the same defaults', () => {
    expect(configSchema.parse({}).dns.port).toBe(53);
  });
});

describe('each environment variable', () => {
  it.each([
    ['VIGIE_DNS_HOST', '127.0.0.1, ::1', (c) => c.dns.hosts, ['127.0.0.1', '::1']],
    ['VIGIE_DNS_PORT', '5353', (c) => c.dns.port, 5353],
    ['VIGIE_DNS_PORT', '0', (c) => c.dns.port, 0],
    ['VIGIE_ADMIN_HOST', '::1', (c) => c.admin.host, '::1'],
    ['VIGIE_ADMIN_PORT', '9090', (c) => c.admin.port, 9090],
    ['VIGIE_UPSTREAMS', 'tcp://192.0.2.8:53', (c) => c.upstreams, [{ transport: 'tcp', host: '192.0.2.8', port: 53 }]],
    ['VIGIE_DATA_DIR', 'var/db', (c) => c.dataDir, '/srv/vigie/var/db'],
    ['VIGIE_DATA_DIR', '/var/lib/vigie', (c) => c.dataDir, '/var/lib/vigie'],
    ['VIGIE_LISTS_DIR', 'my-lists', (c) => c.listsDir, '/srv/vigie/my-lists'],
    ['VIGIE_EXTRA_LISTS', 'a.txt,/abs/b.hosts', (c) => c.extraLists, ['/srv/vigie/a.txt', '/abs/b.hosts']],
    ['VIGIE_LIST_UPDATES', 'off', (c) => c.listUpdates, 'off'],
    ['VIGIE_TZ', 'Europe/Paris', (c) => c.tz, 'Europe/Paris'],
    ['VIGIE_LOG_FORMAT', 'pretty', (c) => c.logFormat, 'pretty'],
    ['VIGIE_LOG_LEVEL', 'debug', (c) => c.logLevel, 'debug'],
    ['VIGIE_BLOCK_MODE', 'nxdomain', (c) => c.blockMode, 'nxdomain'],
    ['VIGIE_BLOCK_MODE', 'refused', (c) => c.blockMode, 'refused'],
    ['VIGIE_ALLOWED_CLIENTS', '0.0.0.0/0,::/0', (c) => c.allowedClients, ['0.0.0.0/0', '::/0']],
    ['VIGIE_CACHE_SIZE', '0', (c) => c.cache.maxEntries, 0],
    ['VIGIE_CACHE_MIN_TTL', '60', (c) => c.cache.minTtl, 60],
    ['VIGIE_CACHE_MAX_TTL', '3600', (c) => c.cache.maxTtl, 3600],
    ['VIGIE_CACHE_NEGATIVE_MAX_TTL', '900', (c) => c.cache.negativeMaxTtl, 900],
    ['VIGIE_CACHE_STALE_TTL', '10', (c) => c.cache.staleTtl, 10],
    ['VIGIE_CACHE_MAX_STALE', '0', (c) => c.cache.maxStale, 0],
    ['VIGIE_RATE_LIMIT', '0', (c) => c.limits.rateLimitQps, 0],
    ['VIGIE_ROUTER', '192.168.1.1', (c) => c.devices.router, '192.168.1.1'],
    ['VIGIE_TRUSTED_FORWARDERS', '192.168.1.1, 10.0.0.0/8', (c) => c.devices.trustedForwarders, ['192.168.1.1', '10.0.0.0/8']],
    ['VIGIE_DHCP_LEASES', '/var/lib/misc/dnsmasq.leases', (c) => c.devices.dhcpLeases, '/var/lib/misc/dnsmasq.leases'],
    ['VIGIE_TCP_MAX_CONNECTIONS', '50', (c) => c.limits.tcpMaxConnections, 50],
    ['VIGIE_TCP_MAX_PER_CLIENT', '5', (c) => c.limits.tcpMaxPerClient, 5],
    ['VIGIE_TCP_IDLE_MS', '2000', (c) => c.limits.tcpIdleMs, 2000],
    ['VIGIE_TCP_MESSAGE_MS', '1000', (c) => c.limits.tcpMessageMs, 1000],
    ['VIGIE_UPSTREAM_TIMEOUT_MS', '200', (c) => c.limits.upstreamTimeoutMs, 200],
    ['VIGIE_RESOLVE_BUDGET_MS', '5000', (c) => c.limits.resolveBudgetMs, 5000],
    ['VIGIE_MAX_INFLIGHT', '1000', (c) => c.limits.maxInflight, 1000],
    ['VIGIE_DNS_PORT', ' 53 ', (c) => c.dns.port, 53],
    ['VIGIE_DNS_PORT', '', (c) => c.dns.port, 53], // empty counts as unset
    ['VIGIE_EXTRA_LISTS', ' a.txt , , b.txt ', (c) => c.extraLists, ['/srv/vigie/a.txt', '/srv/vigie/b.txt']],
  ] as Array<[string, string, (c: ReturnType<typeof loadConfig>) => unknown, unknown]>)(
    '%s=%j',
    (name, value, pick, expected) => {
      expect(pick(load({ [name]: value }))).toEqual(expected);
    },
  );
});

describe('VIGIE_UPSTREAMS forms', () => {
  it('parses a mixed comma list in order', () => {
    const c = load({
      VIGIE_UPSTREAMS: 'udp://1.2.3.4:53, tcp://1.2.3.4:53, 1.2.3.4, 1.2.3.4:5353, [2606:4700::1111]:53, udp://[::1]:5300, ::1',
    });
    expect(c.upstreams).toEqual([
      { transport: 'udp', host: '1.2.3.4', port: 53 },
      { transport: 'tcp', host: '1.2.3.4', port: 53 },
      { transport: 'udp', host: '1.2.3.4', port: 53 },
      { transport: 'udp', host: '1.2.3.4', port: 5353 },
      { transport: 'udp', host: '2606:4700::1111', port: 53 },
      { transport: 'udp', host: '::1', port: 5300 },
      { transport: 'udp', host: '::1', port: 53 },
    ]);
  });

  it('needs at least one upstream', () => {
    expect(problemsOf({ VIGIE_UPSTREAMS: ' , ' })).toEqual(['VIGIE_UPSTREAMS: needs at least one upstream']);
  });
});

describe('bad values name the variable', () => {
  it.each([
    ['VIGIE_DNS_HOST', 'localhost', /^VIGIE_DNS_HOST item 1: must be an IP address literal .*"localhost"/],
    ['VIGIE_DNS_PORT', '12abc', /^VIGIE_DNS_PORT: must be an integer from 0 to 65535 \(got "12abc"\)$/],
    ['VIGIE_DNS_PORT', '65536', /^VIGIE_DNS_PORT: must be an integer from 0 to 65535 \(got 65536\)$/],
    ['VIGIE_DNS_PORT', '-1', /^VIGIE_DNS_PORT: .*\(got -1\)/],
    ['VIGIE_DNS_PORT', '5.5', /^VIGIE_DNS_PORT: .*\(got "5.5"\)/],
    ['VIGIE_DNS_PORT', '0x35', /^VIGIE_DNS_PORT: .*\(got "0x35"\)/],
    ['VIGIE_LIST_UPDATES', 'maybe', /^VIGIE_LIST_UPDATES: must be one of on, off/],
    ['VIGIE_DNS_PORT', '1e3', /^VIGIE_DNS_PORT: .*\(got "1e3"\)/],
    ['VIGIE_ADMIN_HOST', 'admin.lan', /^VIGIE_ADMIN_HOST: must be an IP address literal/],
    ['VIGIE_ADMIN_PORT', 'http', /^VIGIE_ADMIN_PORT: must be an integer from 0 to 65535/],
    ['VIGIE_UPSTREAMS', '192.0.2.1, dns.example', /^VIGIE_UPSTREAMS item 2: "dns.example" is not an IP address/],
    ['VIGIE_UPSTREAMS', 'https://192.0.2.1', /^VIGIE_UPSTREAMS item 1: unsupported transport "https:\/\/"/],
    ['VIGIE_UPSTREAMS', '192.0.2.1:99999', /^VIGIE_UPSTREAMS item 1: port "99999" must be an integer from 1 to 65535/],
    ['VIGIE_TZ', 'Mars/Olympus', /^VIGIE_TZ: must be an IANA time zone .*"Mars\/Olympus"/],
    ['VIGIE_LOG_LEVEL', 'verbose', /^VIGIE_LOG_LEVEL: .*"verbose"/],
    ['VIGIE_BLOCK_MODE', '0.0.0.0', /^VIGIE_BLOCK_MODE: .*"0.0.0.0"/],
    ['VIGIE_ALLOWED_CLIENTS', '10.0.0.0/8,10.0.0.0/33', /^VIGIE_ALLOWED_CLIENTS item 2: must be a CIDR .*"10.0.0.0\/33"/],
    ['VIGIE_ALLOWED_CLIENTS', 'home', /^VIGIE_ALLOWED_CLIENTS item 1: must be a CIDR/],
    ['VIGIE_CACHE_SIZE', '-5', /^VIGIE_CACHE_SIZE: must be an integer ≥ 0 \(got -5\)$/],
    ['VIGIE_CACHE_MIN_TTL', 'ten', /^VIGIE_CACHE_MIN_TTL: must be an integer ≥ 0/],
    ['VIGIE_CACHE_MAX_TTL', '1.5', /^VIGIE_CACHE_MAX_TTL: /],
    ['VIGIE_CACHE_NEGATIVE_MAX_TTL', 'x', /^VIGIE_CACHE_NEGATIVE_MAX_TTL: /],
    ['VIGIE_CACHE_STALE_TTL', 'x', /^VIGIE_CACHE_STALE_TTL: /],
    ['VIGIE_CACHE_MAX_STALE', 'x', /^VIGIE_CACHE_MAX_STALE: /],
    ['VIGIE_RATE_LIMIT', '300qps', /^VIGIE_RATE_LIMIT: must be an integer ≥ 0 \(got "300qps"\)$/],
    ['VIGIE_TCP_MAX_CONNECTIONS', '0', /^VIGIE_TCP_MAX_CONNECTIONS: must be an integer ≥ 1 \(got 0\)$/],
    ['VIGIE_TCP_MAX_PER_CLIENT', '0', /^VIGIE_TCP_MAX_PER_CLIENT: /],
    ['VIGIE_TCP_IDLE_MS', '0', /^VIGIE_TCP_IDLE_MS: /],
    ['VIGIE_TCP_MESSAGE_MS', 'soon', /^VIGIE_TCP_MESSAGE_MS: /],
    ['VIGIE_UPSTREAM_TIMEOUT_MS', '0', /^VIGIE_UPSTREAM_TIMEOUT_MS: /],
    ['VIGIE_RESOLVE_BUDGET_MS', '0', /^VIGIE_RESOLVE_BUDGET_MS: /],
    ['VIGIE_MAX_INFLIGHT', '99999999999999999999', /^VIGIE_MAX_INFLIGHT: must be an integer ≥ 1/],
  ])('%s=%j', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it.each([
    [{ VIGIE_CACHE_MIN_TTL: '100', VIGIE_CACHE_MAX_TTL: '10' }, 'VIGIE_CACHE_MIN_TTL: must not exceed cache.maxTtl (10) (got 100)'],
    [{ VIGIE_UPSTREAM_TIMEOUT_MS: '5000' }, 'VIGIE_UPSTREAM_TIMEOUT_MS: must not exceed limits.resolveBudgetMs (1500) (got 5000)'],
    [{ VIGIE_TCP_MAX_PER_CLIENT: '500' }, 'VIGIE_TCP_MAX_PER_CLIENT: must not exceed limits.tcpMaxConnections (200) (got 500)'],
  ])('cross-field check %j', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('reports several bad values at once, each naming its variable', () => {
    const err = (() => {
      try {
        load({
          VIGIE_DNS_PORT: '12abc', VIGIE_ADMIN_PORT: '70000', VIGIE_UPSTREAMS: 'example.com,192.0.2.1:0',
          VIGIE_TZ: 'Nowhere/Town', VIGIE_LOG_LEVEL: 'loud', VIGIE_RATE_LIMIT: '-1', VIGIE_ALLOWED_CLIENTS: '10/8',
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    const vars = ['VIGIE_DNS_PORT', 'VIGIE_ADMIN_PORT', 'VIGIE_UPSTREAMS item 1', 'VIGIE_UPSTREAMS item 2', 'VIGIE_TZ', 'VIGIE_LOG_LEVEL', 'VIGIE_RATE_LIMIT', 'VIGIE_ALLOWED_CLIENTS item 1'];
    expect(err.problems).toHaveLength(vars.length);
    for (const v of vars) expect(err.problems.some((p) => p.startsWith(`${v}:`)), v).toBe(true);
    const text = formatConfigProblems(err);
    expect(text.split('\n')[0]).toBe(`vigie: invalid configuration (${vars.length} problems):`);
    expect(text.split('\n')).toHaveLength(vars.length + 1);
  });
});

describe('config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  const yaml = `
dns:
  hosts: [127.0.0.1]
  port: 5300
upstreams:
  - tcp://192.0.2.9
  - "[::1]:5353"
  - { host: 192.0.2.8 }
  - { transport: tcp, host: "2001:db8::1", port: 853 }
tz: Europe/Paris
cache:
  maxEntries: 500
  maxTtl: 600
limits:
  rateLimitQps: 50
logLevel: warn
extraLists: [extra.txt]
dataDir:
`;

  it.each([
    ['YAML', 'vigie.yaml', yaml],
    ['JSON', 'vigie.json', JSON.stringify({
      dns: { hosts: ['127.0.0.1'], port: 5300 },
      upstreams: ['tcp://192.0.2.9', '[::1]:5353', { host: '192.0.2.8' }, { transport: 'tcp', host: '2001:db8::1', port: 853 }],
      tz: 'Europe/Paris', cache: { maxEntries: 500, maxTtl: 600 }, limits: { rateLimitQps: 50 }, logLevel: 'warn',
      extraLists: ['extra.txt'], dataDir: null,
    })],
  ])('reads a %s file, then env wins', (_kind, name, text) => {
    const path = write(name, text);
    const fromFile = load({ VIGIE_CONFIG: path });
    expect(fromFile.dns).toEqual({ hosts: ['127.0.0.1'], port: 5300 });
    expect(fromFile.upstreams).toEqual([
      { transport: 'tcp', host: '192.0.2.9', port: 53 },
      { transport: 'udp', host: '::1', port: 5353 },
      { transport: 'udp', host: '192.0.2.8', port: 53 },
      { transport: 'tcp', host: '2001:db8::1', port: 853 },
    ]);
    expect(fromFile.cache).toMatchObject({ maxEntries: 500, maxTtl: 600, minTtl: 0 });
    expect(fromFile.limits.rateLimitQps).toBe(50);
    expect(fromFile.logLevel).toBe('warn');
    expect(fromFile.extraLists).toEqual(['/srv/vigie/extra.txt']);
    expect(fromFile.dataDir).toBe('/srv/vigie/data'); // empty key = default

    const merged = load({ VIGIE_CONFIG: path, VIGIE_DNS_PORT: '0', VIGIE_CACHE_MAX_TTL: '60', VIGIE_UPSTREAMS: '192.0.2.1' });
    expect(merged.dns).toEqual({ hosts: ['127.0.0.1'], port: 0 });
    expect(merged.cache).toMatchObject({ maxEntries: 500, maxTtl: 60 });
    expect(merged.upstreams).toEqual([{ transport: 'udp', host: '192.0.2.1', port: 53 }]);
    expect(merged.tz).toBe('Europe/Paris');
  });

  it('resolves a relative VIGIE_CONFIG against cwd', () => {
    write('rel.yaml', 'dns: { port: 1053 }\n');
    expect(loadConfig({ env: { VIGIE_CONFIG: 'rel.yaml' }, cwd: dir }).dns.port).toBe(1053);
  });

  it('accepts an empty file', () => {
    expect(load({ VIGIE_CONFIG: write('empty.yaml', '') }).dns.port).toBe(53);
  });

  it('reports unknown keys at every level, with the keys it knows', () => {
    const path = write('unknown.yaml', 'dns:\n  prot: 53\nlogLvl: debug\nlimits: { rate: 1 }\n');
    expect(problemsOf({ VIGIE_CONFIG: path })).toEqual([
      `dns.prot in ${path}: unknown key (known keys: hosts, port)`,
      `limits.rate in ${path}: unknown key (known keys: rateLimitQps, tcpMaxConnections, tcpMaxPerClient, tcpIdleMs, tcpMessageMs, upstreamTimeoutMs, resolveBudgetMs, maxInflight, maxInflightPerClient)`,
      expect.stringMatching(new RegExp(`^logLvl in ${path}: unknown key \\(known keys: dns, admin, `)),
    ]);
  });

  it('reports bad file values by key and file, together with env problems', () => {
    const path = write('bad.yaml', 'dns:\n  port: "53"\nupstreams: [5, {host: x}, dns.example]\ncache: 3\ntz: Atlantis\nadmin: { port: 8080, host: 1.2.3.4 }\n');
    expect(problemsOf({ VIGIE_CONFIG: path, VIGIE_LOG_LEVEL: 'loud', VIGIE_ADMIN_PORT: '99999' })).toEqual([
      `cache in ${path}: must be a mapping of settings, not number 3`,
      `dns.port in ${path}: must be an integer from 0 to 65535 (got "53")`,
      `VIGIE_ADMIN_PORT: must be an integer from 0 to 65535 (got 99999)`,
      `upstreams[0] in ${path}: must be an upstream such as "udp://1.2.3.4:53" or {transport, host, port}, not number 5`,
      `upstreams[1].host in ${path}: must be an IP address literal such as 0.0.0.0 or :: (got "x")`,
      `upstreams[2] in ${path}: "dns.example" is not an IP address (upstreams must be IP literals, not names)`,
      `tz in ${path}: must be an IANA time zone such as Europe/Paris (got "Atlantis")`,
      'VIGIE_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
  });

  it('reports a file that cannot be read', () => {
    const path = join(dir, 'missing.yaml');
    expect(problemsOf({ VIGIE_CONFIG: path })).toEqual([expect.stringMatching(new RegExp(`^VIGIE_CONFIG: cannot read ${path}: ENOENT`))]);
  });

  it('reports an unreadable file together with env problems', () => {
    const readFile = (): string => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(problemsOf({ VIGIE_CONFIG: '/etc/vigie.yaml', VIGIE_DNS_PORT: 'x' }, { readFile })).toEqual([
      'VIGIE_CONFIG: cannot read /etc/vigie.yaml: EACCES: permission denied',
      'VIGIE_DNS_PORT: must be an integer from 0 to 65535 (got "x")',
    ]);
  });

  it.each([
    ['broken YAML', 'dns: [\n', /^VIGIE_CONFIG: .* is not valid YAML or JSON: .*line \d+, column \d+$/],
    ['broken JSON', '{"dns": {"port": 53,}', /is not valid YAML or JSON/],
    ['duplicate keys', 'tz: UTC\ntz: Europe/Paris\n', /is not valid YAML or JSON: Map keys must be unique/],
    ['a list at the top', '- 1\n- 2\n', /must hold a mapping of settings, not a list$/],
    ['a scalar at the top', 'hello\n', /must hold a mapping of settings, not string "hello"$/],
  ])('reports %s', (_what, text, message) => {
    const problems = problemsOf({ VIGIE_CONFIG: '/etc/vigie.yaml' }, { readFile: () => text });
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(message);
  });
});
