/**
 * Public auth routes: /setup (first password, with the one-time code), /login, /logout, plus
 * /lang (language switch) and /healthz. Setup and login attempts share one limiter: a wrong
 * code or password counts as a failure for the client's address and globally.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AdminContext } from '../context.js';
import { authMessages } from '../messages/auth.js';
import { translator } from '../page/i18n.js';
import type { AdminStore } from './admin-store.js';
import { lockedMessage, sendLoginPage, sendSetupPage } from './auth-pages.js';
import type { LimitState, LoginLimiter } from './login-limiter.js';
import { checkNewPassword, MIN_PASSWORD_LENGTH } from './password.js';
import { safeNextPath, safeRelativePath } from './safe-path.js';
import { endSession, startSession } from './session.js';
import type { SetupCodeHolder } from './setup-code.js';

/** What the auth routes need besides the context. */
export interface AuthRoutesOptions {
  readonly ctx: AdminContext;
  readonly store: AdminStore;
  readonly limiter: LoginLimiter;
  readonly setupCode: SetupCodeHolder;
}

const text = (max: number) => z.string().max(max).catch('');
const setupBody = z.object({ code: text(100), password: text(200), confirm: text(200) }).catch({ code: '', password: '', confirm: '' });
const loginBody = z.object({ password: text(200), next: z.unknown().optional() }).catch({ password: '', next: undefined });
const langQuery = z.object({ to: z.unknown().optional(), back: z.unknown().optional() }).catch({});

/** How long the language choice is kept (a year). */
const LANG_COOKIE_SECONDS = 365 * 24 * 3600;

function sendLocked(request: FastifyRequest, reply: FastifyReply, state: LimitState & { locked: true }, page: 'login' | 'setup', hasCode: boolean): FastifyReply {
  reply.header('retry-after', String(Math.ceil(state.retryAfterMs / 1000)));
  const error = lockedMessage(request, state);
  return page === 'login' ? sendLoginPage(request, reply, { next: null, status: 429, error }) : sendSetupPage(request, reply, { hasCode, status: 429, error });
}

/** Registers the public routes (each with `config.public`). */
export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, opts) => {
  const { ctx, store, limiter, setupCode } = opts;
  const publicRoute = { config: { public: true } } as const;

  app.get('/setup', publicRoute, async (request, reply) => {
    if (store.hasPassword()) return reply.redirect('/login', 303);
    return sendSetupPage(request, reply, { hasCode: setupCode.active });
  });

  app.post('/setup', publicRoute, async (request, reply) => {
    if (store.hasPassword()) return reply.redirect('/login', 303);
    const t = translator(authMessages, request.lang);
    const body = setupBody.parse(request.body ?? {});
    const hasCode = setupCode.active;
    const again = (status: number, error: string): FastifyReply => sendSetupPage(request, reply, { hasCode, status, error, code: body.code });
    if (!hasCode) return sendSetupPage(request, reply, { hasCode, status: 400 });
    const limit = limiter.check(request.ip);
    if (limit.locked) return sendLocked(request, reply, limit, 'setup', hasCode);
    if (!setupCode.matches(body.code)) {
      const after = limiter.fail(request.ip);
      return after.locked ? sendLocked(request, reply, after, 'setup', hasCode) : again(400, t('setup.error.code'));
    }
    const problem = checkNewPassword(body.password);
    if (problem !== null) return again(400, t(problem === 'TOO_SHORT' ? 'password.tooShort' : 'password.tooCommon', { min: MIN_PASSWORD_LENGTH }));
    if (body.password !== body.confirm) return again(400, t('setup.error.mismatch'));
    // Consumed before the (slow) hash: a second request with the same code cannot race this one.
    setupCode.consume();
    await store.setPassword(body.password);
    limiter.succeed(request.ip);
    store.sessions.revokeAll();
    startSession(request, reply, store.sessions, ctx.clock);
    ctx.logger.info('admin password set (setup)');
    return reply.redirect('/', 303);
  });

  app.get('/login', publicRoute, async (request, reply) => {
    if (!store.hasPassword()) return reply.redirect('/setup', 303);
    const query = (request.query ?? {}) as { next?: unknown; out?: unknown };
    const next = safeNextPath(query.next);
    if (request.auth?.kind === 'session') return reply.redirect(next ?? '/', 303);
    const flash = query.out === '1' ? translator(authMessages, request.lang)('login.loggedOut') : null;
    return sendLoginPage(request, reply, { next, flash });
  });

  app.post('/login', publicRoute, async (request, reply) => {
    if (!store.hasPassword()) return reply.redirect('/setup', 303);
    const body = loginBody.parse(request.body ?? {});
    const next = safeNextPath(body.next);
    const limit = limiter.check(request.ip);
    if (limit.locked) return sendLocked(request, reply, limit, 'login', false);
    if (!(await store.checkPassword(body.password))) {
      const after = limiter.fail(request.ip);
      if (after.locked) {
        ctx.logger.warn({ client: request.ip }, 'admin login locked after repeated wrong passwords');
        return sendLocked(request, reply, after, 'login', false);
      }
      return sendLoginPage(request, reply, { next, status: 401, error: translator(authMessages, request.lang)('login.error.wrong') });
    }
    limiter.succeed(request.ip);
    startSession(request, reply, store.sessions, ctx.clock);
    return reply.redirect(next ?? '/', 303);
  });

  // Not public: only a logged-in browser logs out, with its CSRF token (checked by the auth hooks).
  app.post('/logout', async (request, reply) => {
    endSession(request, reply, store.sessions);
    return reply.redirect('/login?out=1', 303);
  });

  app.get('/lang', publicRoute, async (request, reply) => {
    const query = langQuery.parse(request.query ?? {});
    if (query.to === 'fr' || query.to === 'en') {
      reply.setCookie('lang', query.to, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: LANG_COOKIE_SECONDS, secure: request.protocol === 'https' });
    }
    return reply.redirect(safeRelativePath(query.back) ?? '/', 303);
  });

  app.get('/healthz', publicRoute, async () => ({ ok: true }));
};
