/**
 * Bare-metal install (no systemd on CI: `systemd-analyze verify` was run by hand): the unit runs
 * Vigie as its own user with only CAP_NET_BIND_SERVICE, keeps its data in a StateDirectory, and
 * is sandboxed; the install and router guides exist, say what the parent needs, and every
 * relative link in the README and the docs leads to a file that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** A systemd unit as section → key → values (keys may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || current === undefined) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

const unit = parseUnit(readFileSync('deploy/vigie.service', 'utf8'));
const service = unit.get('Service')!;
const one = (key: string): string | undefined => service.get(key)?.at(-1);

describe('deploy/vigie.service', () => {
  it('runs the compiled CLI as the dedicated vigie user, restarted whatever happens', () => {
    expect(one('User')).toBe('vigie');
    expect(one('Group')).toBe('vigie');
    expect(one('ExecStart')).toMatch(/^\/usr\/bin\/node \/opt\/vigie\/dist\/cli\.js serve$/);
    expect(one('Restart')).toBe('always');
    expect(unit.get('Unit')!.get('StartLimitIntervalSec')).toEqual(['0']);
    expect(unit.get('Unit')!.get('After')).toContain('network-online.target');
    expect(unit.get('Install')!.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('binds port 53 with CAP_NET_BIND_SERVICE alone', () => {
    expect(one('AmbientCapabilities')).toBe('CAP_NET_BIND_SERVICE');
    expect(one('CapabilityBoundingSet')).toBe('CAP_NET_BIND_SERVICE');
    expect(one('NoNewPrivileges')).toBe('yes'); // ambient capabilities survive it, unlike file capabilities
  });

  it('keeps its data in the StateDirectory that VIGIE_DATA_DIR names', () => {
    expect(one('StateDirectory')).toBe('vigie');
    expect(service.get('Environment')).toContain('VIGIE_DATA_DIR=/var/lib/vigie');
    expect(service.get('EnvironmentFile')).toEqual(['-/etc/vigie/vigie.env']);
  });

  it('is sandboxed', () => {
    for (const [key, value] of Object.entries({
      ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes', ProtectKernelModules: 'yes', ProtectControlGroups: 'yes',
      RestrictNamespaces: 'yes', RestrictSUIDSGID: 'yes', LockPersonality: 'yes', SystemCallArchitectures: 'native',
    })) expect(one(key), key).toBe(value);
    expect(one('SystemCallFilter')).toBe('@system-service');
    // Netlink stays allowed: `ip neigh` is how Vigie learns IPv6 devices' MACs.
    expect(one('RestrictAddressFamilies')!.split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_UNIX']);
    // V8's JIT needs W+X memory: this option would stop Node from starting.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });
});

describe('docs/install.md', () => {
  const install = readFileSync('docs/install.md', 'utf8');
  it('covers the Raspberry Pi, the unit, the port-53 conflict and Docker', () => {
    for (const needle of ['Raspberry Pi OS', 'arm64', 'deploy/vigie.service', 'systemctl enable --now vigie', 'systemd-resolved',
      'DNSStubListener=no', '/etc/resolv.conf', 'ss -lnptu', 'docker compose up -d', 'vigie healthcheck', 'vigie doctor', 'docs/router.md']) {
      expect(install, needle).toContain(needle);
    }
  });
});

describe('docs/router.md', () => {
  const router = readFileSync('docs/router.md', 'utf8');
  it('covers the DHCP DNS option, the French ISP boxes, IPv6, the router relay and bypass', () => {
    for (const needle of ['DHCP', 'Freebox', 'Livebox', 'SFR', 'Bbox', 'dnsmasq', 'RDNSS', 'add-mac', 'VIGIE_ROUTER', '853', 'vigie doctor']) {
      expect(router, needle).toContain(needle);
    }
    expect(router).toMatch(/## Sources/);
  });
});

describe('links', () => {
  const markdown = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  it('every relative link in the README and docs/ leads to an existing file', () => {
    for (const file of markdown) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/i.test(target)) continue;
        expect(existsSync(join(dirname(file), target)), `${file} → ${m[1]}`).toBe(true);
      }
    }
  });
  it('links into the install and router guides land on a heading that exists', () => {
    const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const anchors = (file: string) => new Set([...readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));
    const guides = { 'docs/install.md': anchors('docs/install.md'), 'docs/router.md': anchors('docs/router.md') };
    for (const file of markdown) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)) {
        const target = m[1] === '' ? file : join(dirname(file), m[1]!);
        const known = guides[target as keyof typeof guides];
        if (known) expect(known.has(m[2]!), `${file} → ${m[1]}#${m[2]}`).toBe(true);
      }
    }
  });
  it('the README links the install and router guides', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('](docs/install.md)');
    expect(readme).toContain('](docs/router.md)');
  });
});
