/**
 * Authentication and CSRF for the whole admin app, as hooks on the root instance (so they apply
 * to every route plugin and to the not-found handler alike):
 * - onRequest: `Authorization: Bearer …` → API token (request.auth = {kind:'token'}); else the
 *   session cookie → {kind:'session'}. A route without `config.public` and without auth is
 *   refused before its body is even read: /api/* → 401 JSON, pages → 303 to /login?next=…, or
 *   to /setup while no password exists.
 * - preHandler (after the body is parsed): state-changing requests of a browser session must
 *   carry the session's CSRF token and no foreign Origin; API-token requests are exempt.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { Clock } from '../../resolver/types.js';
import type { AdminStore } from './admin-store.js';
import { hasValidCsrfToken, isSameOrigin, SAFE_METHODS } from './csrf.js';
import type { PasswordGate } from './password-gate.js';
import { safeNextPath } from './safe-path.js';
import { readSession } from './session.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session or token (login, setup, logout, language, assets, health). */
    public?: boolean;
  }
  interface FastifyInstance {
    /** Every password check goes through it (login, setup code, the settings page's current password). */
    readonly passwordGate: PasswordGate;
  }
}

/** True for JSON API paths (answers are JSON, never redirects). */
export function isApiPath(url: string): boolean {
  // /metrics is for Prometheus, not people: an anonymous scrape gets 401, not the login page.
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?') || url === '/metrics' || url.startsWith('/metrics?');
}

function isPublicRoute(request: FastifyRequest): boolean {
  return request.routeOptions.config?.public === true;
}

function bearerToken(request: FastifyRequest): string | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9_-]{1,100})[ ]*$/i.exec(header);
  return match?.[1] ?? null;
}

function refuse(request: FastifyRequest, reply: FastifyReply, store: AdminStore): FastifyReply {
  if (isApiPath(request.url)) {
    return reply.code(401).header('www-authenticate', 'Bearer').send({ code: 'UNAUTHORIZED', message: 'log in, or send an API token: Authorization: Bearer vigie_…' });
  }
  if (!store.hasPassword()) return reply.redirect('/setup', 303);
  // Only a GET can be replayed after login; a form POST would lose its body anyway.
  const next = request.method === 'GET' ? safeNextPath(request.url) : null;
  return reply.redirect(next !== null && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login', 303);
}

/** Installs the hooks on the root instance; call before registering any route. */
export function installAuth(app: FastifyInstance, deps: { store: AdminStore; clock: Clock; gate: PasswordGate }): void {
  const { store, clock } = deps;
  app.decorate('passwordGate', deps.gate);
  app.addHook('onRequest', async (request, reply) => {
    request.auth = null;
    const secret = bearerToken(request);
    if (secret !== undefined) {
      const token = secret === null ? null : store.tokens.verify(secret);
      if (token !== null) {
        request.auth = { kind: 'token', tokenId: token.id, tokenName: token.name };
        return;
      }
      // A wrong token is an error even where none is needed: a script must learn its token is dead.
      if (!isPublicRoute(request)) return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({ code: 'UNAUTHORIZED', message: 'invalid or revoked API token' });
    }
    const session = readSession(request, store.sessions, clock);
    if (session !== null) {
      request.auth = { kind: 'session', sessionId: session.idHash, csrfToken: session.csrf };
      return;
    }
    if (!isPublicRoute(request)) return refuse(request, reply, store);
  });

  app.addHook('preHandler', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.auth?.kind === 'token') return;
    if (!isSameOrigin(request)) throw new AppError('CSRF', 'cross-site request refused');
    if (request.auth?.kind === 'session' && !isPublicRoute(request) && !hasValidCsrfToken(request, request.auth.csrfToken)) {
      throw new AppError('CSRF', 'missing or wrong CSRF token: reload the page and try again');
    }
  });
}
