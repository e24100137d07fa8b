/**
 * The admin app factory: a Fastify instance with every defence in place, the public routes
 * (setup, login, logout, language, assets, health) and the given route plugins behind
 * authentication. It never listens (admin-server.ts does; tests use `inject`).
 *
 * Order matters: the Host check runs first (a rebinding request learns nothing), then security
 * headers, cookies, body parsing, language, authentication (before the body is read), CSRF (after
 * it is parsed), and only then the routes.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import { assetRoutes, loadAssets, type Asset } from './assets.js';
import { createAdminStore } from './auth/admin-store.js';
import { installAuth, isApiPath } from './auth/auth-plugin.js';
import { authRoutes } from './auth/auth-routes.js';
import { createPasswordGate, type Sleep } from './auth/password-gate.js';
import type { ScryptParams } from './auth/password.js';
import { createSetupCodeHolder } from './auth/setup-code.js';
import type { AdminContext } from './context.js';
import { createHostCheck, defaultAllowedHosts, isIpHost } from './host-allowlist.js';
import { toHttpError } from './http-errors.js';
import { authMessages } from './messages/auth.js';
import { layoutMessages } from './messages/layout.js';
import { html } from './page/html.js';
import { pickLang, translator } from './page/i18n.js';
import { sendPage } from './page/send-page.js';

/** Largest request body (forms and JSON are small). */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** A request (headers and body) must arrive within this time; slow clients are cut off. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Options of {@link buildAdminApp}. */
export interface AdminAppOptions {
  /** The area plugins (devices, profiles, …), registered behind authentication. */
  readonly routes: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>>;
  /** The one-time setup code printed in the log; null when a password exists. */
  readonly setupCode: string | null;
  /** Accepted Host names (replaces {@link defaultAllowedHosts}); IP literals are always accepted. */
  readonly allowedHosts?: readonly string[];
  /** Static files to serve instead of public/ (tests). */
  readonly assets?: ReadonlyMap<string, Asset>;
  /** Cheaper scrypt for tests only. */
  readonly scrypt?: ScryptParams;
  /** How the login slowdown waits (tests: a fake ended by their clock). */
  readonly sleep?: Sleep;
  /** Serve HTTPS with this PEM certificate and key (admin-server.ts); absent: plain HTTP. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /**
   * Send Strict-Transport-Security (HTTPS, host names only: browsers ignore it for IP addresses,
   * RFC 6797 §8.1.1). Only when HTTP is port 80 and HTTPS 443: a browser upgrading
   * `http://box:8080` would keep port 8080 (§8.3), where only plain HTTP answers.
   */
  readonly hsts?: boolean;
}

/** Strict-Transport-Security value: half a year; no includeSubDomains (other devices share the home's names). */
export const HSTS_VALUE = 'max-age=15552000';

// Strict CSP: only our own files; no inline script or style, no plugins, no framing, forms post
// only here. `upgrade-insecure-requests` is deliberately absent: with VIGIE_ADMIN_HTTPS=off the
// page is plain HTTP on the LAN (with HTTPS on, every page and asset is already https).
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const t = translator(authMessages, request.lang);
  const l = translator(layoutMessages, request.lang);
  const text = status === 404 ? l('error.notFound')
    : code === 'CSRF' ? t('error.csrf')
    : status === 413 ? t('error.tooLarge')
    : status >= 500 ? t('error.internal')
    : status === 401 ? t('error.unauthorized')
    : status === 400 ? t('error.badRequest')
    : message;
  const body = html`<p role="alert">${text}</p><p><a class="btn" href="/">${l('error.back')}</a></p>`;
  return sendPage(request, reply, { title: l('error.title'), active: null, body, status });
}

/** Builds the admin app (not listening). */
export async function buildAdminApp(ctx: AdminContext, opts: AdminAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    connectionTimeout: REQUEST_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: 5_000,
    trustProxy: false,
    return503OnClosing: true,
    ...(opts.tls ? { https: { cert: opts.tls.certPem, key: opts.tls.keyPem } } : {}),
  }) as unknown as FastifyInstance; // an HTTPS instance behaves the same; only its server type differs
  const store = createAdminStore({ db: ctx.db, clock: ctx.clock, ...(opts.scrypt ? { scrypt: opts.scrypt } : {}) });
  const isAllowedHost = createHostCheck(opts.allowedHosts ?? defaultAllowedHosts(ctx.config.admin.host));

  app.addHook('onRequest', async (request, reply) => {
    if (!isAllowedHost(request.headers.host)) {
      return reply.code(421).header('content-type', 'text/plain; charset=utf-8').send('Unknown host name: open Vigie by its IP address (e.g. http://192.168.1.10:8080/) or by this machine\'s name.\n');
    }
  });
  // Referrer-Policy same-origin, not helmet's no-referrer: under no-referrer browsers send
  // `Origin: null` with our own form posts, and the Origin check (csrf.ts) would refuse them.
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, hsts: false, referrerPolicy: { policy: 'same-origin' } });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  app.decorateRequest('lang', 'en');
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    request.lang = pickLang(request.cookies.lang, request.headers['accept-language']);
  });
  const gate = createPasswordGate({ clock: ctx.clock, ...(opts.sleep ? { sleep: opts.sleep } : {}) });
  installAuth(app, { store, clock: ctx.clock, gate });
  // Pages and API answers show private data: never cached unless a route says otherwise (assets).
  app.addHook('onSend', async (request, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (opts.hsts === true && request.protocol === 'https' && !isIpHost(request.headers.host)) reply.header('strict-transport-security', HSTS_VALUE);
  });

  app.setErrorHandler((err, request, reply) => {
    const { status, body, internal } = toHttpError(err);
    if (internal) ctx.logger.error({ err, method: request.method, url: request.url.split('?')[0] }, 'admin request failed');
    if (isApiPath(request.url)) return reply.code(status).send(body);
    return sendErrorPage(request, reply, status, body.code, body.message);
  });
  app.setNotFoundHandler((request, reply) => {
    if (isApiPath(request.url)) return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such route' });
    return sendErrorPage(request, reply, 404, 'NOT_FOUND', 'not found');
  });

  await app.register(authRoutes, { ctx, store, gate, setupCode: createSetupCodeHolder(store.hasPassword() ? null : opts.setupCode) });
  await app.register(assetRoutes, { assets: opts.assets ?? loadAssets() });
  // The area plugins: every route here needs a session or a token (the hooks above refuse the rest).
  await app.register(async (scope) => {
    for (const plugin of opts.routes) await scope.register(plugin, { ctx });
  });
  await app.ready();
  return app;
}
