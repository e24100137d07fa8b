/**
 * The admin page's server: {@link buildAdminApp} listening on VIGIE_ADMIN_HOST:VIGIE_ADMIN_PORT,
 * or, with a certificate, over HTTPS on VIGIE_ADMIN_HTTPS_PORT while the plain-HTTP port only
 * redirects there (tls/http-redirect.ts). A busy or forbidden port becomes an AppError with a
 * one-line explanation (like the DNS server's).
 */
import type { Server } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.js';
import { buildAdminApp, REQUEST_TIMEOUT_MS } from './app.js';
import type { AdminContext } from './context.js';
import { createHostCheck, defaultAllowedHosts } from './host-allowlist.js';
import { createHttpsRedirect } from './tls/http-redirect.js';

/** What {@link createAdminServer} needs. */
export interface AdminServerOptions {
  readonly ctx: AdminContext;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly routes: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>>;
  /** The one-time setup code (null when a password exists). */
  readonly setupCode: string | null;
  /** Extra-strict Host allowlist; default: see host-allowlist.ts. */
  readonly allowedHosts?: readonly string[];
  /**
   * Serve HTTPS on `port` with this certificate, and redirect plain HTTP from `httpPort` to it
   * (null: no plain-HTTP listener). `hsts`: see AdminAppOptions.hsts.
   */
  readonly https?: { readonly certPem: string; readonly keyPem: string; readonly httpPort: number | null; readonly hsts?: boolean };
}

/** The running (or startable) admin page. */
export interface AdminServer {
  /** Builds the app and listens. @throws AppError PORT_IN_USE, PORT_DENIED, LISTEN_FAILED */
  start(): Promise<void>;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
  /** Where the page itself listens (after start): the HTTPS port when HTTPS is on. */
  address(): { host: string; port: number };
  /** Where plain HTTP redirects to HTTPS (after start); null without HTTPS. */
  redirectAddress(): { host: string; port: number } | null;
}

function listenError(err: unknown, host: string, port: number, variable = 'VIGIE_ADMIN_PORT'): AppError {
  const code = (err as { code?: string }).code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('PORT_DENIED', `cannot listen on ${where} for the admin page: permission denied; choose a port above 1023 with ${variable}`, { cause: err });
  }
  if (code === 'EADDRINUSE') {
    return new AppError('PORT_IN_USE', `cannot listen on ${where} for the admin page: the port is already in use (see 'sudo ss -ltnp sport = :${port}'); stop that service or set ${variable}`, { cause: err });
  }
  if (code === 'EADDRNOTAVAIL') {
    return new AppError('LISTEN_FAILED', `cannot listen on ${where} for the admin page: this machine has no such address; check VIGIE_ADMIN_HOST`, { cause: err });
  }
  return new AppError('LISTEN_FAILED', `cannot listen on ${where} for the admin page: ${(err as Error).message ?? String(err)}`, { cause: err });
}

function boundAddress(server: Server, fallback: { host: string; port: number }): { host: string; port: number } {
  const a = server.address();
  return a !== null && typeof a === 'object' ? { host: a.address, port: a.port } : fallback;
}

/** Starts the plain-HTTP redirect to the running HTTPS page. @throws AppError as listenError */
async function listenRedirect(options: AdminServerOptions, httpPort: number, httpsPort: number): Promise<Server> {
  const { host } = options;
  const server = createHttpsRedirect({
    isAllowedHost: createHostCheck(options.allowedHosts ?? defaultAllowedHosts(host)),
    httpsPort: () => httpsPort,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: httpPort }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw listenError(err, host, httpPort);
  });
  return server;
}

async function closeRedirect(server: Server | null): Promise<void> {
  if (server === null) return;
  server.closeAllConnections(); // it only ever answers a redirect: nothing to wait for
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Creates the server (nothing happens until start()). */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const { ctx, host, port, https } = options;
  let app: FastifyInstance | null = null;
  let redirect: Server | null = null;
  let bound = { host, port };
  return {
    async start() {
      const built = await buildAdminApp(ctx, {
        routes: options.routes, setupCode: options.setupCode, ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
        ...(https ? { tls: https, hsts: https.hsts ?? false } : {}),
      });
      try {
        await built.listen({ host, port });
      } catch (err) {
        await built.close();
        throw listenError(err, host, port, https ? 'VIGIE_ADMIN_HTTPS_PORT' : 'VIGIE_ADMIN_PORT');
      }
      bound = boundAddress(built.server, bound);
      if (https && https.httpPort !== null) {
        try {
          redirect = await listenRedirect(options, https.httpPort, bound.port);
        } catch (err) {
          await built.close();
          throw err;
        }
      }
      app = built;
    },
    async stop() {
      const running = app;
      app = null;
      await closeRedirect(redirect);
      redirect = null;
      if (running === null) return;
      // Idle keep-alive connections would otherwise hold close() for up to keepAliveTimeout.
      running.server.closeIdleConnections();
      await running.close();
    },
    address: () => bound,
    redirectAddress: () => (redirect === null ? null : boundAddress(redirect, { host, port: https?.httpPort ?? 0 })),
  };
}
