/**
 * The real admin app (buildAdminApp) over a temp config.db, for the auth and security tests:
 * a movable clock, a cheap scrypt cost, and a few test routes inside the authenticated scope
 * (GET /secret page, POST /form page action, /api/echo, /api/validate, /api/boom).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { z } from 'zod';
import { buildAdminApp, type AdminAppOptions } from '../../src/admin/app.js';
import { createAdminStore, type AdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import type { AdminContext } from '../../src/admin/context.js';
import { html } from '../../src/admin/page/html.js';
import { csrfField, sendPage } from '../../src/admin/page/send-page.js';
import { loadConfig } from '../../src/config.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { openDatabase } from '../../src/store/open-database.js';

/** scrypt cost for tests only (the format and code path are the production ones). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;
export const PASSWORD = 'correct horse battery';
export const SETUP_CODE = 'K7RM2XQ9TB';
export const START = Date.UTC(2026, 10, 25, 11, 30);

/** Routes that only a logged-in parent or a token may reach. */
export const testRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app) => {
  app.get('/secret', async (request, reply) =>
    sendPage(request, reply, { title: 'Secret', active: 'overview', body: html`<p>secret page</p><form method="post" action="/form">${csrfField(request)}<button>Go</button></form>` }));
  app.post('/form', async (_request, reply) => reply.redirect('/secret?saved=1', 303));
  app.get('/api/whoami', { config: { doc: { summary: 'test', returns: 'who' } } }, async (request) => ({ auth: request.auth?.kind ?? null }));
  app.post('/api/echo', { config: { doc: { summary: 'test', returns: 'the body' } } }, async (request) => ({ auth: request.auth?.kind ?? null, body: request.body ?? null }));
  app.post('/api/validate', { config: { doc: { summary: 'test', returns: 'ok' } } }, async (request) => {
    z.strictObject({ name: z.string().min(1) }).parse(request.body);
    return { ok: true };
  });
  app.get('/api/boom', { config: { doc: { summary: 'test', returns: 'never' } } }, async () => {
    throw new Error('secret internals /etc/shadow');
  });
  app.get('/boom', async () => {
    throw new Error('secret internals /etc/shadow');
  });
};

export interface AuthTestApp {
  readonly app: FastifyInstance;
  readonly ctx: AdminContext;
  readonly store: AdminStore;
  readonly dataDir: string;
  /** Errors logged by the app (pino objects). */
  readonly logged: Array<Record<string, unknown>>;
  now: number;
  /** Moves the clock; waits of the login gate that fall due end (in time order). */
  advance(ms: number): void;
  /** Waits (fake, by the clock) that have not ended yet. */
  pendingWaits(): number;
  /**
   * Awaits `p` while moving the clock to each pending wait's end as soon as the app is waiting on
   * one (the login slowdown); returns the answer and how far the clock moved meanwhile.
   */
  drive<T>(p: Promise<T>): Promise<{ value: T; waitedMs: number }>;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Logs in from `remoteAddress`; returns the session cookie and the CSRF token from the page. */
  login(remoteAddress?: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

/** The value of `name` in a response's Set-Cookie headers. */
export function cookieOf(res: LightMyRequestResponse, name: string): { value: string; httpOnly?: boolean; sameSite?: string; path?: string; maxAge?: number } | undefined {
  return (res.cookies as Array<{ name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string; maxAge?: number }>).find((c) => c.name === name);
}

/** The CSRF token a page carries (hidden `_csrf` field). */
export function csrfOf(body: string): string {
  const match = /name="_csrf" value="([^"]*)"/.exec(body);
  if (!match?.[1]) throw new Error('no CSRF field on the page');
  return match[1];
}

export function form(fields: Record<string, string>): { payload: string; headers: Record<string, string> } {
  return { payload: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

/** Builds the app; `password: null` leaves setup to do. */
export async function createAuthTestApp(opts: { password?: string | null; setupCode?: string | null } & Partial<Pick<AdminAppOptions, 'allowedHosts' | 'assets' | 'routes'>> = {}): Promise<AuthTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-auth-'));
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: 'Europe/Paris', VIGIE_LOG_LEVEL: 'silent' } });
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
  const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
  const logsDb = openDatabase({ file: join(dataDir, 'logs.db') });
  const state = { now: START };
  const clock = (): number => state.now;
  // The login gate's waits, ended by advance(): the clock, never real time, says when.
  const waits: Array<{ at: number; end: () => void }> = [];
  const sleep = (ms: number): Promise<void> => new Promise((end) => void waits.push({ at: state.now + ms, end }));
  const endDueWaits = (): void => {
    waits.sort((a, b) => a.at - b.at);
    while (waits.length > 0 && waits[0]!.at <= state.now) waits.shift()!.end();
  };
  const ctx: AdminContext = {
    config, db, logsDb, clock, logger,
    policy: { get built(): never { throw new Error('no policy in auth tests'); }, get catalog(): never { throw new Error('no policy in auth tests'); } },
    changed: async () => {},
    status: () => ({ startedAt: START, upstreams: [], counters: {} }),
  };
  const store = createAdminStore({ db, clock, scrypt: FAST_SCRYPT });
  const password = opts.password === undefined ? PASSWORD : opts.password;
  if (password !== null) store.setPasswordHash(await hashPassword(password, FAST_SCRYPT));
  const app = await buildAdminApp(ctx, {
    routes: opts.routes ?? [testRoutes],
    setupCode: opts.setupCode === undefined ? SETUP_CODE : opts.setupCode,
    scrypt: FAST_SCRYPT,
    sleep,
    ...(opts.allowedHosts ? { allowedHosts: opts.allowedHosts } : {}),
    ...(opts.assets ? { assets: opts.assets } : {}),
  });
  const t: AuthTestApp = Object.assign(state, {
    app, ctx, store, dataDir, logged,
    advance(ms: number) {
      state.now += ms;
      endDueWaits();
    },
    pendingWaits: () => waits.length,
    async drive<T>(p: Promise<T>) {
      const start = state.now;
      let settled = false;
      const watched = p.finally(() => { settled = true; });
      // Bounded: each turn either ends a wait or lets the event loop run (hashing in the thread pool).
      for (let turn = 0; !settled && turn < 100_000; turn++) {
        await new Promise((r) => setImmediate(r));
        if (!settled && waits.length > 0) {
          waits.sort((a, b) => a.at - b.at);
          state.now = Math.max(state.now, waits[0]!.at);
          endDueWaits();
        }
      }
      return { value: await watched, waitedMs: state.now - start };
    },
    inject: (o: InjectOptions) => app.inject(o),
    async login(remoteAddress = '127.0.0.1') {
      const res = await app.inject({ method: 'POST', url: '/login', remoteAddress, ...form({ password: PASSWORD }) });
      if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      const cookie = `vigie_session=${cookieOf(res, 'vigie_session')!.value}`;
      const page = await app.inject({ method: 'GET', url: '/secret', headers: { cookie }, remoteAddress });
      return { cookie, csrf: csrfOf(page.body) };
    },
    async close() {
      await app.close();
      db.close();
      logsDb.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
  return t;
}
