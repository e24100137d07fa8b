/**
 * `vigie healthcheck`, the built binary (dist/cli.js) as Docker's HEALTHCHECK runs it: exit 0
 * against a running Vigie, exit 1 with one line on stderr against a dead port, a refusing Vigie
 * or bad arguments — never 2, which Docker reserves.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthcheckAddress } from '../../src/cli/healthcheck.js';
import { loadConfig } from '../../src/config.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const CLI = join(process.cwd(), 'dist/cli.js');

let upstream: FakeUpstream;
let vigie: TestVigie;

interface Run { status: number | null; stdout: string; stderr: string; ms: number }

/** Async spawn: the test Vigie answers from this very process, so spawnSync would deadlock it. */
function healthcheck(env: Record<string, string>, args: string[] = []): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'healthcheck', ...args], {
    env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: vigie.dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: upstream.url, VIGIE_DNS_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A UDP port with nobody behind it (bound, then released). */
async function deadPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  upstream = await startFakeUpstream({});
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
});

describe('vigie healthcheck', () => {
  it('exits 0 with one line when Vigie answers, without asking the upstream', async () => {
    upstream.behaviour.mode = 'drop'; // a dead internet link must not make Vigie unhealthy
    try {
      const r = await healthcheck({ VIGIE_DNS_PORT: String(vigie.port) });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^DNS answers on 127\\.0\\.0\\.1 port ${vigie.port} \\(\\d+ ms\\)\\n$`));
    } finally {
      upstream.behaviour.mode = 'answer';
    }
  });

  it('exits 1 with one line on stderr when nothing answers, within its timeout', async () => {
    const port = await deadPort();
    const r = await healthcheck({ VIGIE_DNS_PORT: String(port) }, ['--timeout', '300']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`no DNS answer from 127.0.0.1 port ${port} within 300 ms`);
    expect(r.ms).toBeLessThan(5_000);
  });

  it('exits 1 and says what to change when Vigie refuses loopback', async () => {
    const refusing = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_ALLOWED_CLIENTS: '192.168.0.0/16' });
    try {
      const r = await healthcheck({ VIGIE_DNS_PORT: String(refusing.port) });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/answered REFUSED: add 127\.0\.0\.1 to VIGIE_ALLOWED_CLIENTS/);
    } finally {
      await refusing.close();
    }
  });

  it('exits 1, not 2, on bad arguments and on an invalid configuration', async () => {
    const badTimeout = await healthcheck({ VIGIE_DNS_PORT: String(vigie.port) }, ['--timeout', 'soon']);
    expect(badTimeout.status).toBe(1);
    expect(badTimeout.stderr).toMatch(/^vigie healthcheck: --timeout must be a whole number .*'soon'\n$/);
    const unknown = await healthcheck({ VIGIE_DNS_PORT: String(vigie.port) }, ['--verbose']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const badConfig = await healthcheck({ VIGIE_DNS_PORT: '99999' });
    expect(badConfig.status).toBe(1);
    expect(badConfig.stderr.trim().split('\n')).toHaveLength(1);
    expect(badConfig.stderr).toContain('VIGIE_DNS_PORT');
  });
});

describe('healthcheckAddress', () => {
  const at = (host: string) => healthcheckAddress(loadConfig({ env: { VIGIE_DNS_HOST: host, VIGIE_DNS_PORT: '53' } }));
  it('asks the loopback of a wildcard listen address, and a specific address as is', () => {
    expect(at('0.0.0.0,::')).toEqual({ host: '127.0.0.1', port: 53 });
    expect(at('::,0.0.0.0')).toEqual({ host: '::1', port: 53 });
    expect(at('192.168.1.10')).toEqual({ host: '192.168.1.10', port: 53 });
  });
});
