/**
 * The admin page over HTTPS in a real `vigie serve` (startVigie) on 127.0.0.1: Vigie's own
 * certificate made on the first start and the same after a restart, plain HTTP answering only
 * with a redirect, the session cookie marked Secure, a parent's own certificate used as given,
 * and a certificate problem that turns the admin page off with a clear log line while DNS goes on.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { selfSignedFiles } from '../../src/admin/tls/admin-certificate.js';
import { generateSelfSignedCertificate } from '../../src/admin/tls/self-signed.js';
import { writeFileAtomically } from '../../src/blocklists/subscriptions/list-files.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { FAST_SCRYPT, PASSWORD } from '../admin/auth-test-app.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { httpsRequest, servedFingerprint } from '../helpers/https-client.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';
import { captureLog, type LogCapture } from './admin-browser-helpers.js';

let upstream: FakeUpstream;
const dirs: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  upstream = await startFakeUpstream({ 'ok.example.test': [{ type: 'A', value: '127.5.0.9' }] });
});
afterAll(async () => {
  await upstream?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const HTTPS_ON = { VIGIE_ADMIN_HTTPS: 'on', VIGIE_ADMIN_HTTPS_PORT: '0' };
const start = (env: Record<string, string>, log?: LogCapture): Promise<TestVigie> =>
  startTestVigie({ VIGIE_UPSTREAMS: upstream.url, ...HTTPS_ON, ...env }, log ? { logger: log.logger } : {});
const messages = (log: LogCapture): string[] => log.lines.map((l) => String((JSON.parse(l) as { msg?: unknown }).msg));

/** A plain-HTTP request to 127.0.0.1:`port` with a chosen Host header (fetch cannot set Host). */
function plainHttp(port: number, path: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; location: string | undefined; cacheControl: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: { host: opts.host ?? `127.0.0.1:${port}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, cacheControl: res.headers['cache-control'] }));
    });
    req.on('error', reject);
    req.end(opts.method === 'POST' ? 'password=sent+before+the+redirect' : undefined);
  });
}

describe("Vigie's own certificate", () => {
  const dataDir = tempDir('vigie-https-');
  let vigie: TestVigie;
  let log: LogCapture;
  let certPem: string;
  beforeAll(async () => {
    const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
    createAdminStore({ db, clock: Date.now, scrypt: FAST_SCRYPT }).setPasswordHash(await hashPassword(PASSWORD, FAST_SCRYPT));
    db.close();
    log = captureLog();
    vigie = await start({ VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir }, log);
    certPem = readFileSync(selfSignedFiles(dataDir).certFile, 'utf8');
  });
  afterAll(async () => vigie?.close());

  it('is made on the first start, kept private, served, and its fingerprint is in the log', async () => {
    const cert = vigie.admin!.certificate!;
    expect(cert).toMatchObject({ source: 'self-signed', madeBecause: 'first start' });
    expect(await servedFingerprint(vigie.admin!.address().port)).toBe(cert.fingerprint);
    expect(messages(log).some((m) => m.includes(`SHA-256 fingerprint: ${cert.fingerprint}`))).toBe(true);
    const files = selfSignedFiles(dataDir);
    expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(files.keyFile, '..')).mode & 0o777).toBe(0o700);
    // Valid for 127.0.0.1 once trusted: chain and name checked like a browser would.
    const health = await httpsRequest(`https://127.0.0.1:${vigie.admin!.address().port}/healthz`, { ca: certPem });
    expect(health.status).toBe(200);
  });

  it('answers plain HTTP only with a 308 to the same host on the HTTPS port (and 421 for an unknown name)', async () => {
    const http = vigie.admin!.redirectAddress()!.port;
    const https = vigie.admin!.address().port;
    expect(http).not.toBe(https);
    expect(await plainHttp(http, '/devices?sort=name')).toEqual({ status: 308, location: `https://127.0.0.1:${https}/devices?sort=name`, cacheControl: 'no-store' });
    expect((await plainHttp(http, '/login', { method: 'POST', host: `localhost:${http}` })).location).toBe(`https://localhost:${https}/login`);
    expect((await plainHttp(http, '/', { host: '[::1]' })).location).toBe(`https://[::1]:${https}/`);
    expect((await plainHttp(http, '/', { host: 'evil.example' })).status).toBe(421);
  });

  it('marks the session cookie Secure and sends no HSTS to an IP address', async () => {
    const base = `https://127.0.0.1:${vigie.admin!.address().port}`;
    const login = await httpsRequest(`${base}/login`, { ca: certPem, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ password: PASSWORD }).toString() });
    expect(login.status).toBe(303);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('vigie_session='));
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(login.headers['strict-transport-security']).toBeUndefined();
    const page = await httpsRequest(`${base}/`, { ca: certPem, headers: { cookie: cookie!.split(';')[0]! } });
    expect(page.status).toBe(200);
    // The backup page's sync command pins the certificate this very page came with.
    const backup = await httpsRequest(`${base}/settings/backup`, { ca: certPem, headers: { cookie: cookie!.split(';')[0]! } });
    expect(backup.body).toContain(`vigie sync --from ${base} --token vigie_… --fingerprint sha256:${vigie.admin!.certificate!.fingerprint} --every 10m`);
  });

  it('explains the browser warning on the setup page, in English and French', async () => {
    const fresh = await start({ VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: tempDir('vigie-https-setup-') });
    try {
      const url = `https://127.0.0.1:${fresh.admin!.address().port}/setup`;
      const ca = fresh.admin!.certificate!.certPem;
      const en = await httpsRequest(url, { ca, headers: { 'accept-language': 'en' } });
      expect(en.body).toContain('Vigie made its own certificate, which no public authority signed');
      expect(en.body).toContain('check that its SHA-256 fingerprint is the one Vigie wrote in its log beside the setup code');
      expect(en.body).not.toContain('This page is not encrypted');
      const fr = await httpsRequest(url, { ca, headers: { 'accept-language': 'fr' } });
      expect(fr.body).toContain('Vigie a fabriqué son propre certificat');
    } finally {
      await fresh.close();
    }
  });

  it('keeps the same certificate (same fingerprint) after a restart', async () => {
    const before = vigie.admin!.certificate!.fingerprint;
    await vigie.close();
    const again = captureLog();
    vigie = await start({ VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir }, again);
    expect(vigie.admin!.certificate).toMatchObject({ fingerprint: before, madeBecause: null });
    expect(await servedFingerprint(vigie.admin!.address().port)).toBe(before);
    expect(messages(again).some((m) => m.includes(`SHA-256 fingerprint ${before}`))).toBe(true);
  });
});

describe('a certificate of the parents', () => {
  it('is served as given, and Vigie makes none of its own', async () => {
    const dir = tempDir('vigie-own-cert-');
    const made = await generateSelfSignedCertificate({ hosts: ['vigie.home.arpa', '127.0.0.1'], now: Date.now(), label: 'Home CA test' });
    writeFileAtomically(join(dir, 'cert.pem'), made.certPem);
    writeFileAtomically(join(dir, 'key.pem'), made.keyPem);
    const dataDir = tempDir('vigie-https-data-');
    const vigie = await start({ VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir, VIGIE_ADMIN_TLS_CERT: join(dir, 'cert.pem'), VIGIE_ADMIN_TLS_KEY: join(dir, 'key.pem') });
    try {
      expect(vigie.admin!.certificate).toMatchObject({ source: 'provided', certFile: join(dir, 'cert.pem') });
      const page = await httpsRequest(`https://127.0.0.1:${vigie.admin!.address().port}/healthz`, { ca: made.certPem, servername: 'vigie.home.arpa', headers: { host: 'vigie.home.arpa' } });
      expect(page.status).toBe(421); // the chain and name verified; the Host allowlist still decides
      expect(await servedFingerprint(vigie.admin!.address().port)).toBe(vigie.admin!.certificate!.fingerprint);
      expect(() => statSync(selfSignedFiles(dataDir).certFile)).toThrow();
    } finally {
      await vigie.close();
    }
  });

  it('that cannot be read turns the admin page off with a clear log line; DNS goes on', async () => {
    const dir = tempDir('vigie-bad-key-');
    const made = await generateSelfSignedCertificate({ hosts: ['127.0.0.1'], now: Date.now(), label: 'test' });
    writeFileAtomically(join(dir, 'cert.pem'), made.certPem);
    const log = captureLog();
    const vigie = await start({ VIGIE_ADMIN_TLS_CERT: join(dir, 'cert.pem'), VIGIE_ADMIN_TLS_KEY: join(dir, 'missing-key.pem') }, log);
    try {
      expect(vigie.admin).toBeNull();
      expect(messages(log)).toContainEqual(`the admin page could not start: cannot read the private key (VIGIE_ADMIN_TLS_KEY) ${join(dir, 'missing-key.pem')}: no such file; DNS filtering goes on`);
      expect((await ask(vigie.port, 'ok.example.test')).answers[0]).toMatchObject({ address: '127.5.0.9' });
      expect((await ask(vigie.port, 'coco.gg')).answers[0]).toMatchObject({ address: '0.0.0.0' });
    } finally {
      await vigie.close();
    }
  });
});
