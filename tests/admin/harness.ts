/**
 * A test admin app over real databases in a temp dir and a real policy service, with a parent
 * already logged in: `inject` sends the session and, for state-changing requests, the CSRF token
 * (unless told not to). Area tests register their routes plugin and drive it with `inject`.
 *
 * It is the real app (buildAdminApp: host allowlist, CSP, auth, CSRF, error handler), logged in
 * through the real /login form; when a test moves the clock by more than an hour the harness
 * logs in again first (sessions expire by the same clock).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import type Database from 'better-sqlite3';
import { loadConfig, type Config } from '../../src/config.js';
import type { AdminContext } from '../../src/admin/context.js';
import { buildAdminApp } from '../../src/admin/app.js';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { FAST_SCRYPT, PASSWORD, cookieOf, form } from './auth-test-app.js';
import { createPolicyService, type PolicyService } from '../../src/policy/policy-service.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { openDatabase } from '../../src/store/open-database.js';

/** Gives the harness the session's CSRF token (inside the authenticated scope). */
const csrfProbe: FastifyPluginAsync<{ ctx: AdminContext }> = async (app) => {
  app.get('/__test/csrf', async (request) => ({ csrf: request.auth?.kind === 'session' ? request.auth.csrfToken : null }));
};

export interface AdminHarness {
  readonly app: FastifyInstance;
  readonly ctx: AdminContext;
  readonly config: Config;
  readonly db: Database.Database;
  readonly logsDb: Database.Database;
  readonly policy: PolicyService;
  /** The clock the context uses; tests may move it. */
  now: number;
  /** Injects as the logged-in parent; non-GET requests carry the CSRF token unless `csrf: false`. */
  inject(opts: InjectOptions & { csrf?: boolean; lang?: 'en' | 'fr' }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Builds the harness with the given route plugins (each gets `{ ctx }`). */
export async function createAdminHarness(routes: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>>, env: Record<string, string> = {}): Promise<AdminHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-admin-'));
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: 'Europe/Paris', VIGIE_LOG_LEVEL: 'silent', ...env } });
  const logger = pino({ level: 'silent' });
  const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
  const logsDb = openDatabase({ file: join(dataDir, 'logs.db') });
  const harness = { now: Date.UTC(2026, 10, 25, 11, 30) } as { now: number };
  const clock = (): number => harness.now;
  const policy = await createPolicyService({ config, db, clock, logger });
  const ctx: AdminContext = {
    config, db, logsDb, clock, logger,
    policy: { get built() { return policy.built; }, get catalog() { return policy.catalog; } },
    changed: () => policy.reload(),
    status: () => ({ startedAt: clock() - 3_600_000, upstreams: [{ server: 'udp://127.0.0.1:9', down: false, lastError: null }], counters: { queries: 0, blocked: 0 } }),
  };
  createAdminStore({ db, clock, scrypt: FAST_SCRYPT }).setPasswordHash(await hashPassword(PASSWORD, FAST_SCRYPT));
  const app = await buildAdminApp(ctx, { routes: [...routes, csrfProbe], setupCode: null, scrypt: FAST_SCRYPT });
  let session: { cookie: string; csrf: string; at: number } | null = null;
  const login = async (): Promise<{ cookie: string; csrf: string }> => {
    if (session !== null && Math.abs(harness.now - session.at) < 3_600_000) return session;
    const res = await app.inject({ method: 'POST', url: '/login', ...form({ password: PASSWORD }) });
    if (res.statusCode !== 303) throw new Error(`harness login failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
    const cookie = `vigie_session=${cookieOf(res, 'vigie_session')!.value}`;
    const probe = await app.inject({ method: 'GET', url: '/__test/csrf', headers: { cookie } });
    const csrf = (JSON.parse(probe.body) as { csrf: string | null }).csrf;
    if (csrf === null) throw new Error('harness: no CSRF token after login');
    session = { cookie, csrf, at: harness.now };
    return session;
  };
  await login(); // now, before a test changes the password
  return Object.assign(harness, {
    app, ctx, config, db, logsDb, policy,
    async inject(opts: InjectOptions & { csrf?: boolean; lang?: 'en' | 'fr' }) {
      const { csrf = true, lang, ...rest } = opts;
      const { cookie, csrf: token } = await login();
      const headers: Record<string, string> = { ...(rest.headers as Record<string, string> | undefined) };
      if (csrf && rest.method !== undefined && rest.method !== 'GET') headers['x-csrf-token'] = token;
      headers.cookie = [cookie, lang ? `lang=${lang}` : '', headers.cookie ?? ''].filter(Boolean).join('; ');
      return app.inject({ ...rest, headers });
    },
    async close() {
      await app.close();
      await policy.idle();
      db.close();
      logsDb.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  }) as AdminHarness;
}
