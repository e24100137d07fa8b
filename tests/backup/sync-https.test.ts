/**
 * `vigie sync` keeps the token protected on the way: a primary serving HTTPS with Vigie's own
 * certificate (as `vigie serve` does by default) is reached with its fingerprint pinned; an
 * impostor with another certificate, or an unpinned self-signed one, gets refused BEFORE the
 * request (and the token) is written: the impostor sees no request at all. Plain http:// to
 * another machine is refused unless --insecure-http is given.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { backupRoutes } from '../../src/admin/routes/backup.js';
import { generateSelfSignedCertificate } from '../../src/admin/tls/self-signed.js';
import { fetchPrimaryBackup, isLoopbackHost, syncFromPrimary } from '../../src/backup/sync-from-primary.js';
import { runSync } from '../../src/cli/sync.js';
import { certificateFingerprint } from '../../src/net/cert-fingerprint.js';
import { fillConfig, readAll } from './fill-config.js';
import { startInstance, type Instance } from './instance.js';

let primary: Instance;
let secondary: Instance;
let token: string;
let impostor: Server;
let impostorUrl: string;
let impostorFingerprint: string;
const impostorRequests: string[] = [];

beforeAll(async () => {
  primary = await startInstance([backupRoutes], fillConfig, { https: true });
  secondary = await startInstance([backupRoutes]);
  token = createAdminStore({ db: primary.db, clock: Date.now }).tokens.create('secondary').secret;
  // Answers on another port with another certificate, as a machine pretending to be the primary would.
  const fake = await generateSelfSignedCertificate({ hosts: ['127.0.0.1'], now: Date.now(), label: 'Vigie (impostor)' });
  impostorFingerprint = certificateFingerprint(fake.certPem);
  impostor = createServer({ cert: fake.certPem, key: fake.keyPem }, (req, res) => {
    impostorRequests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  impostorUrl = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
});
afterAll(async () => {
  impostor?.closeAllConnections();
  await new Promise((resolve) => impostor?.close(resolve));
  await primary?.close();
  await secondary?.close();
});

const pinned = () => `sha256:${primary.tls!.fingerprint}`;

describe('sync over HTTPS', () => {
  it('copies the configuration from a primary whose certificate matches the pinned fingerprint', async () => {
    const result = await syncFromPrimary({ db: secondary.db, dataDir: secondary.dataDir, from: primary.url, token, fingerprint: pinned() });
    expect(result.changed).toBe(true);
    expect(readAll(secondary.db)).toEqual(readAll(primary.db));
  });

  it('accepts the fingerprint as browsers show it (spaces, lower case)', async () => {
    const typed = primary.tls!.fingerprint.toLowerCase().replace(/:/g, ' ');
    expect((await syncFromPrimary({ db: secondary.db, dataDir: secondary.dataDir, from: primary.url, token, fingerprint: typed })).changed).toBe(false);
  });

  it('refuses an impostor with another certificate before sending the token', async () => {
    const attempt = fetchPrimaryBackup({ from: impostorUrl, token, fingerprint: pinned() });
    await expect(attempt).rejects.toMatchObject({ code: 'SYNC_CERT_MISMATCH' });
    await expect(attempt).rejects.toThrow(`presented a certificate with the fingerprint sha256:${impostorFingerprint}, not the ${pinned()} given with --fingerprint: the token was not sent`);
    expect(impostorRequests).toEqual([]);
  });

  it('refuses a self-signed certificate without a fingerprint, and says which one it saw', async () => {
    const attempt = fetchPrimaryBackup({ from: impostorUrl, token });
    await expect(attempt).rejects.toMatchObject({ code: 'SYNC_CERT_UNTRUSTED' });
    await expect(attempt).rejects.toThrow(/no authority vouches for \(DEPTH_ZERO_SELF_SIGNED_CERT\).*the token was not sent.*add --fingerprint sha256:[0-9A-F:]{95}$/);
    expect(impostorRequests).toEqual([]);
  });

  it.each([
    ['a fingerprint that is no SHA-256', () => ({ from: primary.url, token, fingerprint: 'sha1:AB:CD' }), 'SYNC_BAD_FINGERPRINT', /give the SHA-256 fingerprint as 'vigie doctor' on the primary prints it/],
    ['a fingerprint with http://', () => ({ from: primary.tls!.redirectUrl, token, fingerprint: pinned() }), 'SYNC_BAD_URL', /--fingerprint checks an HTTPS certificate: give the primary's https:\/\/ address/],
    ['the HTTP port of an HTTPS primary', () => ({ from: primary.tls!.redirectUrl, token }), 'SYNC_REDIRECT', /serves its admin page over HTTPS: use --from https:\/\/127\.0\.0\.1:\d+ with --fingerprint/],
    ['plain HTTP on the HTTPS port', () => ({ from: primary.url.replace('https:', 'http:'), token }), 'SYNC_UNREACHABLE', /closed the connection without answering: if it is the primary's HTTPS port, use https:\/\/127\.0\.0\.1:\d+ with --fingerprint/],
    ['the HTTPS scheme on the plain-HTTP port', () => ({ from: primary.tls!.redirectUrl.replace('http:', 'https:'), token, fingerprint: pinned() }), 'SYNC_UNREACHABLE', /does not speak HTTPS on that port/],
  ])('refuses %s with a clear error', async (_what, source, code, message) => {
    const attempt = fetchPrimaryBackup(source());
    await expect(attempt).rejects.toMatchObject({ code });
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('plain http:// to another machine', () => {
  it.each([['127.0.0.1', true], ['127.9.9.9', true], ['localhost', true], ['[::1]', true], ['192.168.1.10', false], ['[::ffff:7f00:1]', false], ['vigie.home.arpa', false]])('%s is loopback: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('is refused without --insecure-http, before anything is sent', async () => {
    // 192.0.2.10 is a documentation address: the refusal comes before any connection.
    const attempt = fetchPrimaryBackup({ from: 'http://192.0.2.10:8080', token });
    await expect(attempt).rejects.toMatchObject({ code: 'SYNC_INSECURE' });
    await expect(attempt).rejects.toThrow(/refusing to send the token over plain http:\/\/ to 192\.0\.2\.10:8080: anyone on the home network could read it.*--insecure-http$/);
  });

  it('is allowed with --insecure-http (vigie sync)', async () => {
    const plain = await startInstance([backupRoutes], fillConfig);
    const token2 = createAdminStore({ db: plain.db, clock: Date.now }).tokens.create('secondary').secret;
    // The IPv4-mapped form reaches 127.0.0.1 on this machine but is not taken for loopback.
    const mapped = plain.url.replace('127.0.0.1', '[::ffff:127.0.0.1]');
    const env = { VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: secondary.dataDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_LOG_LEVEL: 'silent', VIGIE_SYNC_TOKEN: token2 };
    try {
      const err: string[] = [];
      expect(await runSync(['--from', mapped], { env, out: () => {}, err: (t) => err.push(t) })).toBe(1);
      expect(err.join('')).toMatch(/^vigie sync: refusing to send the token over plain http:\/\//);
      const out: string[] = [];
      expect(await runSync(['--from', mapped, '--insecure-http'], { env, out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
      expect(out.join('')).toMatch(/up to date with the primary|applied the primary's changes/);
    } finally {
      await plain.close();
    }
  });

  it('vigie sync takes --fingerprint (or VIGIE_SYNC_FINGERPRINT) and explains a missing value', async () => {
    const env = { VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: secondary.dataDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_LOG_LEVEL: 'silent', VIGIE_SYNC_TOKEN: token };
    const out: string[] = [];
    const err: string[] = [];
    expect(await runSync(['--from', primary.url, '--fingerprint', pinned()], { env, out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(await runSync(['--from', primary.url], { env: { ...env, VIGIE_SYNC_FINGERPRINT: pinned() }, out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(out.join('')).toMatch(/up to date with the primary\n.*up to date with the primary\n$/s);
    expect(await runSync(['--from', primary.url, '--fingerprint'], { env, out: () => {}, err: (t) => err.push(t) })).toBe(2);
    expect(err.join('')).toMatch(/^vigie sync: --fingerprint needs the value vigie doctor prints on the primary/);
  });
});
