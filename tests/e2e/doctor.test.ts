/**
 * `vigie doctor`'s checks against a real running Vigie, a real fake upstream, a dead upstream
 * and real databases: each problem is found and comes with its fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ROUTER_PROXY_ADVICE } from '../../src/devices/router-proxy-detector.js';
import { saveRouterProxyStatus } from '../../src/devices/router-proxy-status.js';
import { checkClock, runChecks } from '../../src/doctor/checks.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream({});
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_ADMIN_HTTPS: 'on' });
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
});

const configFor = (env: Record<string, string>) =>
  loadConfig({ env: { VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: String(vigie.port), VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_HTTPS_PORT: String(vigie.admin!.address().port), VIGIE_DATA_DIR: vigie.dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: upstream.url, ...env } });

it('finds nothing wrong on a healthy install', async () => {
  const findings = await runChecks(configFor({}), Date.now());
  expect(findings.filter((f) => f.status !== 'ok')).toEqual([]);
  expect(findings.map((f) => f.check)).toEqual(expect.arrayContaining(['dns', 'upstream', 'database', 'lists', 'https', 'clock']));
  // The fingerprint a parent compares with the browser's, and a secondary pins.
  expect(findings.find((f) => f.check === 'https')?.message).toContain(`SHA-256 fingerprint sha256:${vigie.admin!.certificate!.fingerprint}`);
});

it('reports a dead upstream, and a DNS port nobody answers on, with fixes', async () => {
  const findings = await runChecks(configFor({ VIGIE_DNS_PORT: '9', VIGIE_UPSTREAMS: `${upstream.url},udp://127.0.0.1:9` }), Date.now());
  expect(findings.find((f) => f.check === 'dns')).toMatchObject({ status: 'fail', fix: expect.stringContaining('start Vigie') });
  const upstreams = findings.filter((f) => f.check === 'upstream');
  expect(upstreams.map((f) => f.status)).toEqual(['ok', 'warn']);
  expect(upstreams[1]!.message).toContain('127.0.0.1:9');
}, 15_000);

it('tells the parent when all queries come through the router, with what to change', async () => {
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  saveRouterProxyStatus(db, { suspected: true, ip: '192.0.2.1', share: 0.97, queries: 1200, clients: 1 }, Date.now());
  db.close();
  const finding = (await runChecks(configFor({}), Date.now())).find((f) => f.check === 'devices');
  expect(finding).toEqual({ check: 'devices', status: 'warn', message: expect.stringContaining('97% of the last 1200 queries came from 192.0.2.1'), fix: ROUTER_PROXY_ADVICE });
  // An old verdict is not reported any more.
  expect((await runChecks(configFor({}), Date.now() + 2 * 24 * 3600_000)).find((f) => f.check === 'devices')).toBeUndefined();
});

it('reports a damaged settings database as a failure with the restore advice', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-doctor-'));
  try {
    writeFileSync(join(dataDir, 'config.db'), 'this is not a database, just text '.repeat(200));
    const findings = await runChecks(configFor({ VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off' }), Date.now());
    expect(findings.find((f) => f.check === 'database' && f.status === 'fail')?.fix).toContain('restore');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

it.each([
  [Date.UTC(1970, 0, 1, 0, 5), 'fail'],
  [Date.UTC(2026, 10, 28), 'ok'],
])('judges the clock at %s as %s', (now, status) => {
  expect(checkClock(now).status).toBe(status);
});
