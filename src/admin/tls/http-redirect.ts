/**
 * With HTTPS on, the plain-HTTP port only sends browsers to the HTTPS one: same host name, the
 * HTTPS port, same path and query, status 308 (the method and body are kept, so a form posted to
 * an old http:// bookmark arrives; nothing is ever served in clear). `no-store`, so a browser does
 * not remember the redirect if the parents turn HTTPS off later. The Host check is the admin
 * page's (DNS rebinding): an unknown name gets 421, not a redirect to itself.
 * A bare node:http server: it reads no body, and its timeouts are the admin page's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostWithoutPort } from '../host-allowlist.js';

/** Options of {@link createHttpsRedirect}. */
export interface HttpsRedirectOptions {
  /** The admin page's Host check (host-allowlist.ts). */
  readonly isAllowedHost: (hostHeader: string | undefined) => boolean;
  /** The port HTTPS listens on (after listen, when it was 0). */
  readonly httpsPort: () => number;
  /** Whole-request time limit (ms). */
  readonly timeoutMs: number;
}

/** `https://host[:port]/path?query` for a request, or null when its target is unusable. */
export function httpsLocation(hostHeader: string, target: string, httpsPort: number): string | null {
  const host = hostWithoutPort(hostHeader);
  if (host === null) return null;
  let path: string;
  try {
    // Origin-form (`/a?b`) is the norm; an absolute-form target keeps only its path and query.
    const url = new URL(target, 'http://placeholder.invalid');
    path = `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
  return `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}`;
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(`${text}\n`);
}

/** The redirecting server (not listening yet). */
export function createHttpsRedirect(opts: HttpsRedirectOptions): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host;
    if (!opts.isAllowedHost(host)) return send(res, 421, 'Unknown host name: open Vigie by its IP address (e.g. https://192.168.1.10:8443/) or by this machine\'s name.');
    const location = httpsLocation(host!, req.url ?? '/', opts.httpsPort());
    if (location === null) return send(res, 400, 'Bad request.');
    send(res, 308, `The admin page is served over HTTPS: ${location}`, { location });
  });
  server.requestTimeout = opts.timeoutMs;
  server.headersTimeout = opts.timeoutMs;
  server.keepAliveTimeout = 5_000;
  return server;
}
