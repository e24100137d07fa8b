/**
 * Public auth routes: /setup (first password, with the one-time code), /login, /logout, plus
 * /lang (language switch) and /healthz. Setup codes and login passwords are checked through the
 * password gate (password-gate.ts): counted per address before the check, one at a time per
 * address, slowed down for unknown browsers after many failures. A successful login or setup
 * remembers the browser (remembered-device.ts).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AdminContext } from '../context.js';
import { authMessages } from '../messages/auth.js';
import { translator } from '../page/i18n.js';
import type { AdminStore } from './admin-store.js';
import { refusalMessage, retryAfter, sendLoginPage, sendSetupPage } from './auth-pages.js';
import type { GateRefusal, PasswordGate } from './password-gate.js';
import { checkNewPassword, MIN_PASSWORD_LENGTH } from './password.js';
import { rememberDevice, rememberedDeviceId } from './remembered-device.js';
import { safeNextPath, safeRelativePath } from './safe-path.js';
import { endSession, startSession } from './session.js';
import type { SetupCodeHolder } from './setup-code.js';

/** What the auth routes need besides the context. */
export interface AuthRoutesOptions {
  readonly ctx: AdminContext;
  readonly store: AdminStore;
  readonly gate: PasswordGate;
  readonly setupCode: SetupCodeHolder;
}

const text = (max: number) => z.string().max(max).catch('');
const setupBody = z.object({ code: text(100), password: text(200), confirm: text(200) }).catch({ code: '', password: '', confirm: '' });
const loginBody = z.object({ password: text(200), next: z.unknown().optional() }).catch({ password: '', next: undefined });
const langQuery = z.object({ to: z.unknown().optional(), back: z.unknown().optional() }).catch({});

/** How long the language choice is kept (a year). */
const LANG_COOKIE_SECONDS = 365 * 24 * 3600;

function sendRefused(request: FastifyRequest, reply: FastifyReply, refusal: GateRefusal, page: 'login' | 'setup', hasCode: boolean): FastifyReply {
  const error = refusalMessage(request, refusal);
  retryAfter(reply, refusal);
  return page === 'login' ? sendLoginPage(request, reply, { next: null, status: 429, error }) : sendSetupPage(request, reply, { hasCode, status: 429, error });
}

/** Registers the public routes (each with `config.public`). */
export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, opts) => {
  const { ctx, store, gate, setupCode } = opts;
  const publicRoute = { config: { public: true } } as const;
  // Said once an hour at most: a script hammering /login must not flood the log.
  let damagedLoggedAt = -Infinity;

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
    const answer = await gate.attempt({ address: request.ip, remembered: false }, async () => setupCode.matches(body.code));
    if (answer.outcome === 'locked' || answer.outcome === 'busy') return sendRefused(request, reply, answer, 'setup', hasCode);
    if (answer.outcome === 'wrong') return again(400, t('setup.error.code'));
    const problem = checkNewPassword(body.password);
    if (problem !== null) return again(400, t(problem === 'TOO_SHORT' ? 'password.tooShort' : 'password.tooCommon', { min: MIN_PASSWORD_LENGTH }));
    if (body.password !== body.confirm) return again(400, t('setup.error.mismatch'));
    // Checked again after the gate's await, then consumed before the (slow) hash: a second
    // request with the same code cannot race this one.
    if (store.hasPassword() || !setupCode.matches(body.code)) return reply.redirect('/login', 303);
    setupCode.consume();
    await store.setPassword(body.password);
    store.sessions.revokeAll();
    startSession(request, reply, store.sessions, ctx.clock);
    rememberDevice(request, reply, ctx.db, ctx.clock);
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
    const t = translator(authMessages, request.lang);
    const damaged = store.storedHashProblem();
    if (damaged !== null) {
      // Not a wrong password (nothing is counted): no password can ever match; say so.
      if (ctx.clock() - damagedLoggedAt >= 3_600_000) {
        damagedLoggedAt = ctx.clock();
        ctx.logger.error({ problem: damaged }, 'the stored admin password hash is unusable: set a new password with `vigie passwd`');
      }
      return sendLoginPage(request, reply, { next, status: 503, error: t('login.error.damaged') });
    }
    const deviceId = rememberedDeviceId(request, ctx.db, ctx.clock);
    const who = deviceId === null ? { address: request.ip, remembered: false } : { address: request.ip, remembered: true, deviceId };
    const answer = await gate.attempt(who, () => store.checkPassword(body.password));
    if (answer.outcome === 'locked' || answer.outcome === 'busy') {
      if (answer.outcome === 'locked' && answer.justLocked) ctx.logger.warn({ client: request.ip }, 'admin login locked after repeated wrong passwords');
      return sendRefused(request, reply, answer, 'login', false);
    }
    if (answer.outcome === 'wrong') return sendLoginPage(request, reply, { next, status: 401, error: t('login.error.wrong') });
    startSession(request, reply, store.sessions, ctx.clock);
    rememberDevice(request, reply, ctx.db, ctx.clock);
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
