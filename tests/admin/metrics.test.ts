/**
 * GET /metrics: Prometheus text for a scraper with an API token (or a logged-in browser), 401 for
 * anyone else; every Vigie value read at scrape time from ctx.status(), the loaded lists and the
 * devices in config.db, plus the process_* defaults.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildAdminApp } from '../../src/admin/app.js';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import type { AdminContext, ServiceStatus } from '../../src/admin/context.js';
import { metricsRoutes } from '../../src/admin/routes/metrics.js';
import type { LoadedCatalog } from '../../src/blocklists/load-catalog.js';
import { loadConfig } from '../../src/config.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { openDatabase } from '../../src/store/open-database.js';
import { FAST_SCRYPT, PASSWORD, cookieOf, form } from './auth-test-app.js';

const NOW = Date.UTC(2026, 10, 25, 11, 30);
let dir: string;
let db: Database.Database;
let logsDb: Database.Database;
let app: FastifyInstance;
let token: string;
let status: { counters: Record<string, number>; blockedByCategory: Record<string, number>; upstreamLatency: { boundsMs: number[]; counts: number[]; sumMs: number }; upstreams: ServiceStatus['upstreams'] };

const lists = [
  { id: 'vigie-core', category: 'anonymous-chat', file: '/lists/core.txt', entries: 1234, issues: [] },
  { id: 'subscription-a1b2c3d4e5f6', category: 'dating', file: '/data/lists/a1b2c3d4e5f6.txt', entries: 56, issues: [] },
];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-metrics-'));
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: 'Europe/Paris', VIGIE_LOG_LEVEL: 'silent' } });
  db = openConfigDatabase({ file: join(dir, CONFIG_DB_FILE) });
  logsDb = openDatabase({ file: join(dir, 'logs.db') });
  status = {
    counters: { queries: 1000, blocked: 120, cached: 300, stale: 4, forwarded: 560, refused: 2, rateLimited: 3, servfail: 5, local: 6, upstreamQueries: 570, upstreamTimeouts: 7, upstreamErrors: 2, dropped: 9 },
    blockedByCategory: { 'anonymous-chat': 100, dating: 20 },
    upstreamLatency: { boundsMs: [5, 10, 25, 50, 100, 250, 500, 1000, 2500], counts: [100, 200, 150, 60, 30, 10, 5, 3, 1, 1], sumMs: 12_345 },
    upstreams: [{ server: 'udp://192.0.2.53:53', down: false, lastError: null }, { server: 'udp://[2001:db8::53]:53', down: true, lastError: 'timeout' }],
  };
  const ctx: AdminContext = {
    config, db, logsDb, clock: () => NOW, logger: pino({ level: 'silent' }),
    policy: { get built(): never { throw new Error('not needed'); }, catalog: { lists } as unknown as LoadedCatalog },
    changed: async () => {},
    status: () => ({ startedAt: NOW - 3_600_000, ...status }),
  };
  const devices = createDeviceStore({ db });
  devices.recordSightings([
    { id: 'ip:192.168.1.20', mac: null, ip: '192.168.1.20', at: NOW },
    { id: 'ip:192.168.1.21', mac: null, ip: '192.168.1.21', at: NOW },
    { id: 'ip:192.168.1.22', mac: null, ip: '192.168.1.22', at: NOW },
  ]);
  devices.update('ip:192.168.1.20', { profileId: 'teen' });
  const store = createAdminStore({ db, clock: () => NOW, scrypt: FAST_SCRYPT });
  store.setPasswordHash(await hashPassword(PASSWORD, FAST_SCRYPT));
  token = store.tokens.create('prometheus').secret;
  app = await buildAdminApp(ctx, { routes: [metricsRoutes], setupCode: null, scrypt: FAST_SCRYPT });
});
afterEach(async () => {
  await app.close();
  db.close();
  logsDb.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `name{labels} value` lines → map; comments kept apart. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const scrape = () => app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });

describe('GET /metrics', () => {
  it('refuses an anonymous scrape with 401 JSON, not a redirect to the login page', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses a revoked or wrong token with 401', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer vigie_not-a-real-token' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ code: 'UNAUTHORIZED', message: 'invalid or revoked API token' });
  });

  it('serves the Vigie metrics with the values of ctx.status(), the lists and the devices', async () => {
    const res = await scrape();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const s = samples(res.body);
    expect(s.get('vigie_dns_queries_total')).toBe(1000);
    expect(s.get('vigie_cache_hits_total')).toBe(300);
    expect(s.get('vigie_upstream_queries_total')).toBe(570);
    const answers = { blocked: 'blocked', cached: 'cached', stale: 'stale', forwarded: 'forwarded', refused: 'refused', rate_limited: 'rateLimited', servfail: 'servfail', local: 'local' };
    for (const [outcome, key] of Object.entries(answers)) expect(s.get(`vigie_dns_answers_total{outcome="${outcome}"}`)).toBe(status.counters[key]);
    expect(s.get('vigie_dns_blocked_total{category="anonymous-chat"}')).toBe(100);
    expect(s.get('vigie_dns_blocked_total{category="dating"}')).toBe(20);
    expect(s.get('vigie_upstream_failures_total{kind="timeout"}')).toBe(7);
    expect(s.get('vigie_upstream_failures_total{kind="error"}')).toBe(2);
    expect(s.get('vigie_upstream_up{server="udp://192.0.2.53:53"}')).toBe(1);
    expect(s.get('vigie_upstream_up{server="udp://[2001:db8::53]:53"}')).toBe(0);
    expect(s.get('vigie_list_entries{list="vigie-core",category="anonymous-chat"}')).toBe(1234);
    expect(s.get('vigie_list_entries{list="subscription-a1b2c3d4e5f6",category="dating"}')).toBe(56);
    expect(s.get('vigie_devices{state="known"}')).toBe(1);
    expect(s.get('vigie_devices{state="new"}')).toBe(2);
    expect(res.body).toContain('# TYPE vigie_dns_answers_total counter');
    expect(res.body).toContain('# TYPE vigie_upstream_up gauge');
    expect(s.has('process_cpu_user_seconds_total')).toBe(true);
    expect(s.has('nodejs_heap_size_used_bytes')).toBe(true);
  });

  it('rebuilds the upstream latency histogram from the bucket counts (cumulative, in seconds)', async () => {
    const res = await scrape();
    expect(res.body).toContain('# TYPE vigie_upstream_latency_seconds histogram');
    const s = samples(res.body);
    const buckets = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'].map((le) => s.get(`vigie_upstream_latency_seconds_bucket{le="${le}"}`));
    expect(buckets).toEqual([100, 300, 450, 510, 540, 550, 555, 558, 559, 560]);
    expect(s.get('vigie_upstream_latency_seconds_sum')).toBeCloseTo(12.345, 9);
    expect(s.get('vigie_upstream_latency_seconds_count')).toBe(560);
  });

  it('reads the counters again at every scrape (no double counting)', async () => {
    await scrape();
    status.counters.queries = 1500;
    status.blockedByCategory.dating = 25;
    const s = samples((await scrape()).body);
    expect(s.get('vigie_dns_queries_total')).toBe(1500);
    expect(s.get('vigie_dns_blocked_total{category="dating"}')).toBe(25);
  });

  it('serves a logged-in browser session too', async () => {
    const login = await app.inject({ method: 'POST', url: '/login', ...form({ password: PASSWORD }) });
    const cookie = `vigie_session=${cookieOf(login, 'vigie_session')!.value}`;
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(samples(res.body).get('vigie_dns_queries_total')).toBe(1000);
  });
});
