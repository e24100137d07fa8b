/**
 * A test admin app over real databases in a temp dir and a real policy service, with a parent
 * already logged in: `inject` sends the session and, for state-changing requests, the CSRF token
 * (unless told not to). Area tests register their routes plugin and drive it with `inject`.
 *
 * Until the real app factory (src/admin/app.ts) lands, the session is a stub with the same
 * contract (request.lang, request.auth, CSRF checked on every non-GET, errors via toHttpError).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import type Database from 'better-sqlite3';
import { loadConfig, type Config } from '../../src/config.js';
import type { AdminContext } from '../../src/admin/context.js';
import { toHttpError } from '../../src/admin/http-errors.js';
import { pickLang } from '../../src/admin/page/i18n.js';
import { createPolicyService, type PolicyService } from '../../src/policy/policy-service.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { openDatabase } from '../../src/store/open-database.js';

export const TEST_CSRF = 'test-csrf-token';

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
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dataDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: 'Europe/Paris', VIGIE_LOG_LEVEL: 'silent', ...env } });
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
  const app = Fastify({ logger: false });
  await app.register(cookie);
  await app.register(formbody);
  app.decorateRequest('lang', 'en');
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    request.lang = pickLang(request.cookies.lang, request.headers['accept-language']);
    request.auth = { kind: 'session', sessionId: 'test', csrfToken: TEST_CSRF };
  });
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const sent = request.headers['x-csrf-token'] ?? (request.body as { _csrf?: unknown } | undefined)?._csrf;
    if (sent !== TEST_CSRF) return reply.code(403).send({ code: 'CSRF', message: 'missing or wrong CSRF token' });
  });
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = toHttpError(err);
    if (request.url.startsWith('/api/')) return reply.code(status).send(body);
    return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(body.message);
  });
  for (const plugin of routes) await app.register(plugin, { ctx });
  await app.ready();
  return Object.assign(harness, {
    app, ctx, config, db, logsDb, policy,
    inject(opts: InjectOptions & { csrf?: boolean; lang?: 'en' | 'fr' }) {
      const { csrf = true, lang, ...rest } = opts;
      const headers: Record<string, string> = { ...(rest.headers as Record<string, string> | undefined) };
      if (csrf && rest.method !== undefined && rest.method !== 'GET') headers['x-csrf-token'] = TEST_CSRF;
      if (lang) headers.cookie = `lang=${lang}`;
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
