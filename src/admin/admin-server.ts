/**
 * The admin page's HTTP server: {@link buildAdminApp} listening on VIGIE_ADMIN_HOST:VIGIE_ADMIN_PORT.
 * A busy or forbidden port becomes an AppError with a one-line explanation (like the DNS server's).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { AppError } from '../errors.js';
import { buildAdminApp } from './app.js';
import type { AdminContext } from './context.js';

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
}

/** The running (or startable) admin page. */
export interface AdminServer {
  /** Builds the app and listens. @throws AppError PORT_IN_USE, PORT_DENIED, LISTEN_FAILED */
  start(): Promise<void>;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
  /** Where it listens (after start). */
  address(): { host: string; port: number };
}

function listenError(err: unknown, host: string, port: number): AppError {
  const code = (err as { code?: string }).code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError('PORT_DENIED', `cannot listen on ${where} for the admin page: permission denied; choose a port above 1023 with VIGIE_ADMIN_PORT`, { cause: err });
  }
  if (code === 'EADDRINUSE') {
    return new AppError('PORT_IN_USE', `cannot listen on ${where} for the admin page: the port is already in use (see 'sudo ss -ltnp sport = :${port}'); stop that service or set VIGIE_ADMIN_PORT`, { cause: err });
  }
  if (code === 'EADDRNOTAVAIL') {
    return new AppError('LISTEN_FAILED', `cannot listen on ${where} for the admin page: this machine has no such address; check VIGIE_ADMIN_HOST`, { cause: err });
  }
  return new AppError('LISTEN_FAILED', `cannot listen on ${where} for the admin page: ${(err as Error).message ?? String(err)}`, { cause: err });
}

/** Creates the server (nothing happens until start()). */
export function createAdminServer(options: AdminServerOptions): AdminServer {
  const { ctx, host, port } = options;
  let app: FastifyInstance | null = null;
  let bound = { host, port };
  return {
    async start() {
      const built = await buildAdminApp(ctx, { routes: options.routes, setupCode: options.setupCode, ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}) });
      try {
        await built.listen({ host, port });
      } catch (err) {
        await built.close();
        throw listenError(err, host, port);
      }
      app = built;
      const a = built.server.address();
      if (a !== null && typeof a === 'object') bound = { host: a.address, port: a.port };
    },
    async stop() {
      const running = app;
      app = null;
      if (running === null) return;
      // Idle keep-alive connections would otherwise hold close() for up to keepAliveTimeout.
      running.server.closeIdleConnections();
      await running.close();
    },
    address: () => bound,
  };
}
