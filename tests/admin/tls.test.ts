/**
 * The admin page's certificate handling on real files: fingerprints as people type them, the
 * names a generated certificate covers, where plain HTTP sends a browser, a provided pair that
 * does not belong together, Vigie's own certificate made again when damaged or about to end,
 * and HSTS only for host names (a real HTTPS server on 127.0.0.1).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdminServer } from '../../src/admin/admin-server.js';
import { HSTS_VALUE } from '../../src/admin/app.js';
import type { AdminContext } from '../../src/admin/context.js';
import { loadAdminCertificate, readCertificatePair, RENEW_BEFORE_MS, selfSignedFiles } from '../../src/admin/tls/admin-certificate.js';
import { httpsLocation } from '../../src/admin/tls/http-redirect.js';
import { generateSelfSignedCertificate, SELF_SIGNED_DAYS, subjectAltNames } from '../../src/admin/tls/self-signed.js';
import { loadConfig } from '../../src/config.js';
import { parseFingerprint } from '../../src/net/cert-fingerprint.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { httpsRequest } from '../helpers/https-client.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { createAuthTestApp, FAST_SCRYPT, PASSWORD } from './auth-test-app.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-tls-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const NOW = Date.UTC(2026, 11, 8, 12, 0);
const AB = 'AB:'.repeat(31) + 'AB';

describe('fingerprints as typed', () => {
  it.each([
    [`sha256:${AB}`, AB],
    [`SHA256:${AB.toLowerCase()}`, AB],
    [AB.replace(/:/g, ' '), AB], // as Chrome shows it
    ['ab'.repeat(32), AB],
    [`sha256:${AB.slice(3)}`, null], // a pair short
    [`sha1:${'AB:'.repeat(19)}AB`, null],
    ['sha256:' + 'ZZ:'.repeat(31) + 'ZZ', null],
    ['', null],
  ])('%j → %j', (text, expected) => {
    expect(parseFingerprint(text)).toBe(expected);
  });
});

describe('the generated certificate', () => {
  it('covers names and IP addresses, drops junk, and suits phones (serverAuth, ≤ 825 days)', async () => {
    expect(subjectAltNames(['localhost', '127.0.0.1', '[::1]', 'Box.local', 'bad name', '', 'under_score', 'localhost'])).toEqual([
      { type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }, { type: 'dns', value: 'box.local' },
    ]);
    const made = await generateSelfSignedCertificate({ hosts: ['vigie.home.arpa', '192.168.1.10', '[fd00::10]'], now: NOW, label: 'Vigie (box)' });
    const cert = new X509Certificate(made.certPem);
    expect(cert.subjectAltName).toBe('DNS:vigie.home.arpa, IP Address:192.168.1.10, IP Address:FD00:0:0:0:0:0:0:10');
    expect(cert.subject).toContain('CN=Vigie (box)');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(days).toBeLessThanOrEqual(825);
    expect(Date.parse(cert.validTo)).toBe(Math.floor((NOW + SELF_SIGNED_DAYS * 86_400_000) / 1000) * 1000);
  });
});

describe('plain HTTP → HTTPS location', () => {
  it.each([
    ['192.168.1.10:8080', '/devices?x=1', 8443, 'https://192.168.1.10:8443/devices?x=1'],
    ['Vigie.Local.:8080', '/', 8443, 'https://vigie.local:8443/'],
    ['[fd00::10]:8080', '/login', 8443, 'https://[fd00::10]:8443/login'],
    ['vigie.home.arpa', '/a', 443, 'https://vigie.home.arpa/a'],
    ['192.168.1.10', 'http://evil.example/steal?x', 8443, 'https://192.168.1.10:8443/steal?x'], // absolute-form: path only
    ['192.168.1.10', '//evil.example/x', 8443, 'https://192.168.1.10:8443/x'],
    ['evil@host', '/', 8443, null],
  ])('Host %j, target %j → %j', (host, target, port, expected) => {
    const got = httpsLocation(host, target, port);
    expect(got).toBe(expected);
  });
});

describe('certificate files', () => {
  const configFor = (dataDir: string, env: Record<string, string> = {}) => loadConfig({ env: { VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', ...env } });

  it('refuses a key that belongs to another certificate, and a file that is no certificate', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([1, 2].map(() => generateSelfSignedCertificate({ hosts: ['127.0.0.1'], now: NOW, label: 't' })));
    writeFileSync(join(dir, 'a.pem'), a!.certPem);
    writeFileSync(join(dir, 'b-key.pem'), b!.keyPem);
    writeFileSync(join(dir, 'junk.pem'), 'not a certificate\n');
    expect(() => readCertificatePair(join(dir, 'a.pem'), join(dir, 'b-key.pem'))).toThrow(/private key .*b-key\.pem does not belong to the certificate .*a\.pem/);
    expect(() => readCertificatePair(join(dir, 'junk.pem'), join(dir, 'b-key.pem'))).toThrow(/junk\.pem is not a PEM certificate/);
    expect(() => readCertificatePair(join(dir, 'a.pem'), join(dir, 'a.pem'))).toThrow(/a\.pem is not an unencrypted PEM private key/);
    expect(() => readCertificatePair(dir, join(dir, 'b-key.pem'))).toThrow(/it is a folder/);
  });

  it("makes Vigie's own again when it is damaged or about to end, and only then", async () => {
    const dataDir = tempDir();
    const config = configFor(dataDir);
    const first = await loadAdminCertificate(config, NOW);
    expect(first.madeBecause).toBe('first start');
    expect((await loadAdminCertificate(config, NOW + 86_400_000)).fingerprint).toBe(first.fingerprint);

    const late = first.notAfter - RENEW_BEFORE_MS + 1000;
    const renewed = await loadAdminCertificate(config, late);
    expect(renewed.fingerprint).not.toBe(first.fingerprint);
    expect(renewed.madeBecause).toMatch(/^the kept one ends on \d{4}-\d\d-\d\d$/);

    writeFileSync(selfSignedFiles(dataDir).certFile, '-----BEGIN CERTIFICATE-----\ntruncated by a power cut');
    const repaired = await loadAdminCertificate(config, late);
    expect(repaired.madeBecause).toMatch(/^the kept one was damaged \(.*not a PEM certificate/);
    expect((await loadAdminCertificate(config, late)).fingerprint).toBe(repaired.fingerprint);
  });

  it('reports half a pair of provided files as a configuration problem', () => {
    expect(() => configFor(tempDir(), { VIGIE_ADMIN_TLS_CERT: '/etc/vigie/cert.pem' })).toThrow(/VIGIE_ADMIN_TLS_CERT: needs VIGIE_ADMIN_TLS_KEY \(admin\.tlsKey\) too/);
    expect(() => configFor(tempDir(), { VIGIE_ADMIN_PORT: '8443' })).toThrow(/VIGIE_ADMIN_PORT: must differ from the HTTPS port \(VIGIE_ADMIN_HTTPS_PORT, admin\.httpsPort\).* \(got 8443\)/);
    expect(configFor(tempDir(), { VIGIE_ADMIN_PORT: '8443', VIGIE_ADMIN_HTTPS: 'off' }).admin.port).toBe(8443);
  });
});

describe('plain HTTP pages', () => {
  it('say on the setup and login pages that the password would cross the network in clear', async () => {
    const t = await createAuthTestApp({ password: null });
    try {
      const setup = await t.inject({ url: '/setup', headers: { 'accept-language': 'fr' } });
      expect(setup.body).toContain('Cette page n&#39;est pas chiffrée (HTTPS est désactivé)');
      expect(setup.body).not.toContain('propre certificat');
      t.store.setPasswordHash(await hashPassword(PASSWORD, FAST_SCRYPT));
      expect((await t.inject({ url: '/login' })).body).toContain('This page is not encrypted (HTTPS is off): anyone on the home network could read the password.');
    } finally {
      await t.close();
    }
  });
});

describe('HSTS', () => {
  it('is sent over HTTPS to a host name when asked, never to an IP address', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ env: { VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9' } });
    const cert = await loadAdminCertificate(config, Date.now());
    const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
    const ctx = { config, db, clock: Date.now, logger: pino({ level: 'silent' }) } as unknown as AdminContext; // /healthz reads nothing else
    const server = createAdminServer({ ctx, host: '127.0.0.1', port: 0, routes: [], setupCode: null, allowedHosts: ['localhost'], https: { certPem: cert.certPem, keyPem: cert.keyPem, httpPort: null, hsts: true } });
    await server.start();
    try {
      const url = `https://127.0.0.1:${server.address().port}/healthz`;
      expect(server.redirectAddress()).toBeNull();
      expect((await httpsRequest(url, { ca: cert.certPem, servername: 'localhost', headers: { host: 'localhost' } })).headers['strict-transport-security']).toBe(HSTS_VALUE);
      expect((await httpsRequest(url, { ca: cert.certPem })).headers['strict-transport-security']).toBeUndefined();
    } finally {
      await server.stop();
      db.close();
    }
  });
});
