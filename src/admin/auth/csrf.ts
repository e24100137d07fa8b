/**
 * Cross-site request forgery defence for browser sessions. Every state-changing request
 * authenticated by the session cookie must carry the session's CSRF token, in the `_csrf` form
 * field or the `x-csrf-token` header (compared in constant time). SameSite=Strict already keeps
 * the cookie off cross-site requests; the token is the second lock, and the Origin check a third.
 * Requests with an API token are exempt: a browser never adds an Authorization header by itself.
 */
import type { FastifyRequest } from 'fastify';
import { safeEqual } from './secret-hash.js';

/** Methods that never change anything (RFC 9110 §9.2.1), exempt from the CSRF check. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token the request carries (header first, then the `_csrf` body field), if any. */
export function sentCsrfToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-csrf-token'];
  if (typeof header === 'string' && header.length > 0) return header;
  const body = request.body;
  if (body !== null && typeof body === 'object' && '_csrf' in body) {
    const field = (body as { _csrf?: unknown })._csrf;
    if (typeof field === 'string') return field;
  }
  return undefined;
}

/** True when the request carries exactly `expected`. */
export function hasValidCsrfToken(request: FastifyRequest, expected: string): boolean {
  const sent = sentCsrfToken(request);
  return sent !== undefined && sent.length <= 200 && safeEqual(sent, expected);
}

/**
 * True unless the browser says the request comes from another origin: an `Origin` header, when
 * present, must name this very host (`null`, sent by sandboxed or privacy-sensitive contexts, is
 * refused). Requests without Origin (curl, old browsers, same-origin GET) pass.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    // Both through URL, so a default port (`Host: box:80` vs `Origin: http://box`) compares equal.
    return new URL(origin).host === new URL(`${request.protocol}://${request.headers.host ?? ''}`).host;
  } catch {
    return false;
  }
}
