/**
 * The real `vigie` binary (dist/cli.js) in child processes: serve, check, log, configuration
 * errors, a busy port, and a kill -9 that must not lose more than the last second of the log.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

const CLI = join(process.cwd(), 'dist/cli.js');
let dataDir: string;
let upstream: FakeUpstream;

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: upstream.url, ...env }, encoding: 'utf8', timeout: 15_000 });
}

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts `vigie serve` and resolves once it logged that it answers DNS. */
async function serve(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: upstream.url, VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: String(port), VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS_PORT: '0', VIGIE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('vigie is answering DNS')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  return child;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
  upstream = await startFakeUpstream({ 'ok.example.test': [{ type: 'A', value: '127.5.0.1' }] });
});
afterAll(async () => {
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigie check', () => {
  it('says why a name is blocked', () => {
    const r = run(['check', 'WWW.Coco.gg.']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('www.coco.gg: BLOCKED');
    expect(r.stdout).toContain('category anonymous-chat, list anonymous-chat, rule coco.gg');
  });

  it('reports JSON, canaries as NXDOMAIN, and allowed names', () => {
    const canary = JSON.parse(run(['check', 'use-application-dns.net', '--json']).stdout);
    expect(canary).toMatchObject({ blocked: true, answer: 'NXDOMAIN', matches: [{ category: 'bypass', rule: 'use-application-dns.net' }] });
    const free = JSON.parse(run(['check', 'wikipedia.org', '--json']).stdout);
    expect(free).toMatchObject({ blocked: false, matches: [] });
  });
});

describe('configuration errors', () => {
  it('prints every problem at once and exits 1', () => {
    const r = run(['serve'], { VIGIE_DNS_PORT: '99999', VIGIE_BLOCK_MODE: 'maybe', VIGIE_UPSTREAMS: 'dns.example' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('3 problems');
    for (const v of ['VIGIE_DNS_PORT', 'VIGIE_BLOCK_MODE', 'VIGIE_UPSTREAMS']) expect(r.stderr).toContain(v);
  });

  it('explains a busy port in one line and exits 1', async () => {
    const blocker = dgram.createSocket('udp4');
    await new Promise<void>((r) => blocker.bind(0, '127.0.0.1', () => r()));
    try {
      const r = run(['serve'], { VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: String(blocker.address().port) });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/already in use.*VIGIE_DNS_PORT/);
    } finally {
      blocker.close();
    }
  });

  // Needs a user without the capability: as root, drop to 'nobody' with runuser (CI runs as root),
  // provided 'nobody' can read the checkout (not the case under a private home directory).
  const nobodyCanRun =
    process.getuid?.() === 0 &&
    existsSync('/usr/sbin/runuser') &&
    spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(CLI)})`]).status === 0;
  it.runIf(nobodyCanRun)('explains a denied port 53 in one line and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-nobody-'));
    chmodSync(dir, 0o777);
    const r = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, CLI, 'serve'], {
      env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dir, VIGIE_LIST_UPDATES: 'off', VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: '53', VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS_PORT: '0', VIGIE_UPSTREAMS: upstream.url, VIGIE_LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/permission denied.*setcap cap_net_bind_service.*VIGIE_DNS_PORT/);
  });
});

describe('serve, log and kill -9', () => {
  it('logs blocked attempts that survive a kill -9 and prints them with vigie log', async () => {
    const port = await freePort();
    const child = await serve(port);
    expect((await ask(port, 'ok.example.test')).answers[0]!.address).toBe('127.5.0.1');
    for (const name of ['coco.gg', 'www.omegle.com', 'chat.tinder.com']) await ask(port, name);
    await new Promise((r) => setTimeout(r, 1500)); // one flush interval (1 s) and margin
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const db = new Database(join(dataDir, 'logs.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const text = run(['log', '--limit', '10']);
    expect(text.status).toBe(0);
    for (const name of ['coco.gg', 'www.omegle.com', 'chat.tinder.com']) expect(text.stdout).toContain(name);
    const rows = JSON.parse(run(['log', '--json', '--client', '127.0.0.1']).stdout) as Array<{ name: string; category: string }>;
    expect(rows.map((r) => r.name)).toEqual(['chat.tinder.com', 'www.omegle.com', 'coco.gg']);
    expect(rows.find((r) => r.name === 'chat.tinder.com')?.category).toBe('dating');
    expect(JSON.parse(run(['log', '--json', '--client', '10.9.9.9']).stdout)).toEqual([]);
  });

  it('flushes the buffer on SIGTERM', async () => {
    const port = await freePort();
    const child = await serve(port);
    await ask(port, 'sigterm.coco.gg');
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(run(['log', '--limit', '1']).stdout).toContain('sigterm.coco.gg');
  });
});
