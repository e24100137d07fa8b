/**
 * `vigie doctor` on the admin page's HTTPS, against a real running Vigie with its own
 * certificate and the real `vigie` binary: the fingerprint printed (what a parent compares with
 * the browser and gives to a secondary), a certificate renewed on disk while the old one is still
 * served, HTTPS turned off, a certificate not made yet, and a parent's key that cannot be read.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadAdminCertificate, RENEW_BEFORE_MS } from '../../src/admin/tls/admin-certificate.js';
import { loadConfig } from '../../src/config.js';
import { checkAdminHttps } from '../../src/doctor/https-check.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const CLI = join(process.cwd(), 'dist/cli.js');
let upstream: FakeUpstream;
let vigie: TestVigie;
let env: Record<string, string>;
let closedPort: number;

beforeAll(async () => {
  upstream = await startFakeUpstream({});
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_ADMIN_HTTPS: 'on' });
  env = {
    VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: String(vigie.port), VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_HTTPS_PORT: String(vigie.admin!.address().port),
    VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: vigie.dataDir, VIGIE_UPSTREAMS: upstream.url,
  };
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
});

const config = (more: Record<string, string> = {}) => loadConfig({ env: { ...env, ...more } });

it('vigie doctor prints the certificate fingerprint the running admin page serves', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'doctor'], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 });
  expect(stdout).toContain(`✓ admin page over HTTPS on port ${vigie.admin!.address().port} with Vigie's own certificate (until `);
  expect(stdout).toContain(`SHA-256 fingerprint sha256:${vigie.admin!.certificate!.fingerprint} (compare it with the browser's`);
});

it('says when the running page serves another certificate than the one on file', async () => {
  const served = vigie.admin!.certificate!;
  // Renewed on disk (as a start near its end would), while the running page keeps the old one.
  const renewed = await loadAdminCertificate(config(), served.notAfter - RENEW_BEFORE_MS + 1000);
  expect(renewed.fingerprint).not.toBe(served.fingerprint);
  const findings = await checkAdminHttps(config(), Date.now());
  expect(findings.map((f) => f.status)).toEqual(['ok', 'warn']);
  expect(findings[0]!.message).toContain(`sha256:${renewed.fingerprint}`);
  expect(findings[1]).toMatchObject({ message: expect.stringContaining(`serves another certificate (sha256:${served.fingerprint})`), fix: 'restart Vigie to serve the certificate on file' });
});

it.each([
  ['HTTPS turned off', { VIGIE_ADMIN_HTTPS: 'off' }, 'warn', /plain HTTP \(VIGIE_ADMIN_HTTPS=off\)/, /remove VIGIE_ADMIN_HTTPS=off/],
  ['no certificate made yet', { VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: 'FRESH' }, 'warn', /has not made its admin page certificate yet/, /start Vigie/],
  ["a parent's certificate that is missing", { VIGIE_ADMIN_TLS_CERT: '/nonexistent/cert.pem', VIGIE_ADMIN_TLS_KEY: '/nonexistent/key.pem' }, 'fail', /cannot read the certificate \(VIGIE_ADMIN_TLS_CERT\) \/nonexistent\/cert\.pem: no such file/, /until then the admin page is off \(DNS keeps filtering\)/],
])('reports %s', async (_what, more: Record<string, string>, status, message, fix) => {
  const fresh = mkdtempSync(join(tmpdir(), 'vigie-doctor-https-'));
  try {
    const env2 = { ...more, VIGIE_ADMIN_HTTPS_PORT: String(closedPort), ...(more.VIGIE_DATA_DIR ? { VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: fresh } : {}) };
    const findings = await checkAdminHttps(config(env2), Date.now());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'https', status, message: expect.stringMatching(message), fix: expect.stringMatching(fix) });
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});
