/**
 * `vigie sync` between two real local instances: a primary serving GET /api/backup over HTTP on
 * 127.0.0.1, a secondary with its own data dir. The first sync copies everything, an unchanged
 * primary writes nothing, a change on the primary applies just that change; the secondary keeps
 * its own password, tokens and sessions. Then the failures a parent can meet, each with its message.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { backupRoutes } from '../../src/admin/routes/backup.js';
import { fetchPrimaryBackup, syncFromPrimary } from '../../src/backup/sync-from-primary.js';
import { listsChangedStampPath } from '../../src/blocklists/subscriptions/list-files.js';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { runSync } from '../../src/cli/sync.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createScheduleStore } from '../../src/policy/schedule-store.js';
import { FAST_SCRYPT } from '../admin/auth-test-app.js';
import { LEA_PHONE, T0, TABLET, fillConfig, readAll } from './fill-config.js';
import { startInstance, type Instance } from './instance.js';

let primary: Instance;
let secondary: Instance;
let token: string;
const zero = { added: 0, updated: 0, removed: 0 };

beforeAll(async () => {
  primary = await startInstance([backupRoutes], fillConfig);
  secondary = await startInstance([backupRoutes]);
  token = createAdminStore({ db: primary.db, clock: Date.now }).tokens.create('secondary').secret;
  const own = createAdminStore({ db: secondary.db, clock: Date.now, scrypt: FAST_SCRYPT });
  own.setPasswordHash(await hashPassword('secondary password', FAST_SCRYPT));
  own.tokens.create('secondary-monitoring');
});
afterAll(async () => {
  await primary?.close();
  await secondary?.close();
});

const sync = () => syncFromPrimary({ db: secondary.db, dataDir: secondary.dataDir, from: primary.url, token });

describe('sync between two local instances', () => {
  it('copies the whole configuration the first time and touches the lists stamp', async () => {
    expect(existsSync(listsChangedStampPath(secondary.dataDir))).toBe(false);
    const result = await sync();
    expect(result.changed).toBe(true);
    expect(result.summary).toMatchObject({ profiles: { added: 1, updated: 1, removed: 0 }, devices: { added: 2, updated: 0, removed: 0 }, subscriptions: { added: 2, updated: 0, removed: 0 }, settings: 4, password: false });
    expect(readAll(secondary.db)).toEqual(readAll(primary.db));
    expect(existsSync(listsChangedStampPath(secondary.dataDir))).toBe(true);
    await secondary.policy.reload(); // what the secondary's `vigie serve` does when the stamp moves
    expect(secondary.policy.built.deviceFor('192.168.1.21', '3c:22:fb:01:02:03')).toMatchObject({ name: 'Téléphone de Léa', profileId: 'lea' });
    expect(secondary.policy.built.profiles.get('lea')?.profile.name).toBe('Léa');
    const own = createAdminStore({ db: secondary.db, clock: Date.now, scrypt: FAST_SCRYPT });
    expect(await own.checkPassword('secondary password')).toBe(true);
    expect(own.tokens.list().map((t) => t.name)).toEqual(['secondary-monitoring']);
  });

  it('writes nothing when the primary did not change, nor when only a device was seen again', async () => {
    expect(await sync()).toMatchObject({ changed: false, summary: null });
    createDeviceStore({ db: primary.db }).recordSightings([{ id: LEA_PHONE, mac: '3c:22:fb:01:02:03', ip: '192.168.1.21', at: T0 + 3_600_000 }]);
    expect(await sync()).toMatchObject({ changed: false, summary: null });
  });

  it('applies only what changed on the primary', async () => {
    createDeviceStore({ db: primary.db }).update(TABLET, { name: 'iPad du salon', profileId: 'child' });
    createCustomRulesStore({ db: primary.db }).add({ name: 'omegle.example', kind: 'block', subdomains: true });
    const schedules = createScheduleStore({ db: primary.db });
    schedules.remove(schedules.list()[1]!.id);
    const scheduleIdsBefore = createScheduleStore({ db: secondary.db }).list().map((w) => w.id);
    const result = await sync();
    expect(result.summary).toEqual({
      // The tablet renamed; the phone's newer lastSeen (seen again above) travels with a real change.
      profiles: zero, profileRules: zero, schedules: { added: 0, updated: 0, removed: 1 }, devices: { added: 0, updated: 2, removed: 0 },
      customRules: { added: 1, updated: 0, removed: 0 }, subscriptions: zero, settings: 0, password: false, changed: true,
    });
    expect(readAll(secondary.db)).toEqual(readAll(primary.db));
    expect(createScheduleStore({ db: secondary.db }).list().map((w) => w.id)).toEqual(scheduleIdsBefore.slice(0, 1));
    expect(createDeviceStore({ db: secondary.db }).get(TABLET)).toMatchObject({ name: 'iPad du salon', profileId: 'child' });
  });

  it('vigie sync once prints the result; --every repeats until stopped', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { VIGIE_DATA_DIR: secondary.dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_LOG_LEVEL: 'silent', VIGIE_SYNC_TOKEN: token };
    expect(await runSync(['--from', primary.url], { env, out: (t) => out.push(t), err: (t) => err.push(t) })).toBe(0);
    expect(out.join('')).toMatch(/up to date with the primary\n$/);
    createCustomRulesStore({ db: primary.db }).remove('omegle.example');
    const stop = new AbortController();
    const loop = runSync(['--from', primary.url, '--every', '30s'], { env, signal: stop.signal, out: (t) => { out.push(t); stop.abort(); }, err: (t) => err.push(t) });
    expect(await loop).toBe(0);
    expect(out.at(-1)).toMatch(/applied the primary's changes:\n[\s\S]*custom rules +0 added, 0 updated, 1 removed/);
    expect(err).toEqual([]);
    expect(await runSync(['--from', primary.url, '--every', '5s'], { env, err: (t) => err.push(t) })).toBe(2);
    expect(err.at(-1)).toMatch(/--every must be a duration from 30s to 24h/);
  });
});

describe('sync failures', () => {
  let odd: Server;
  let oddUrl: string;
  let closedUrl: string;
  beforeAll(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve)); // a port nobody listens on now
    odd = createServer((req, res) => {
      if (req.url === '/redirect/api/backup') return void res.writeHead(302, { location: 'http://evil.example/steal' }).end();
      if (req.url === '/huge/api/backup') return void res.writeHead(200, { 'content-type': 'application/json' }).end('x'.repeat(5 * 1024 * 1024));
      if (req.url === '/other/api/backup') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}');
      if (req.url === '/slow/api/backup') return; // never answers
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    odd.closeAllConnections();
    await new Promise((resolve) => odd.close(resolve));
  });

  it.each([
    ['a wrong token', () => ({ from: primary.url, token: 'vigie_wrong' }), 'SYNC_UNAUTHORIZED', /refused the token \(wrong or revoked\)/],
    ['a token that is no token', () => ({ from: primary.url, token: 'a b' }), 'SYNC_BAD_TOKEN', /not an API token/],
    ['an ftp: address', () => ({ from: 'ftp://127.0.0.1/', token }), 'SYNC_BAD_URL', /only http: and https:/],
    ['an address with a password', () => ({ from: 'http://u:p@127.0.0.1/', token }), 'SYNC_BAD_URL', /user name or password/],
    ['a closed port', () => ({ from: closedUrl, token }), 'SYNC_UNREACHABLE', /connection refused/],
    ['a redirect', () => ({ from: `${oddUrl}/redirect`, token }), 'SYNC_REDIRECT', /redirect to http:\/\/evil\.example\/steal.*not followed/],
    ['no backup API there', () => ({ from: oddUrl, token }), 'SYNC_NOT_FOUND', /api\/backup does not exist/],
    ['5 MiB of junk', () => ({ from: `${oddUrl}/huge`, token }), 'SYNC_TOO_LARGE', /more than 4 MiB/],
    ['another JSON document', () => ({ from: `${oddUrl}/other`, token }), 'VALIDATION', /not a Vigie backup/],
    ['a server that never answers', () => ({ from: `${oddUrl}/slow`, token, timeoutMs: 300 }), 'SYNC_TIMEOUT', /did not send the backup within 0 s/],
  ])('refuses %s with a clear error and changes nothing', async (_what, source, code, message) => {
    const before = readAll(secondary.db);
    const attempt = fetchPrimaryBackup(source());
    await expect(attempt).rejects.toMatchObject({ code });
    await expect(attempt).rejects.toThrow(message);
    expect(readAll(secondary.db)).toEqual(before);
  });

  it('vigie sync exits 1 and prints the reason', async () => {
    const err: string[] = [];
    const env = { VIGIE_DATA_DIR: secondary.dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_LOG_LEVEL: 'silent' };
    expect(await runSync(['--from', primary.url, '--token', 'vigie_revoked'], { env, out: () => {}, err: (t) => err.push(t) })).toBe(1);
    expect(err.join('')).toMatch(/^vigie sync: http:\/\/127\.0\.0\.1:\d+ refused the token/);
  });
});
