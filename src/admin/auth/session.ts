/**
 * The browser session: cookie `vigie_session` (HttpOnly, SameSite=Strict, Path=/, Secure when the
 * request came over TLS) holding a random id whose SHA-256 is stored (session-store.ts). A
 * session ends after {@link SESSION_IDLE_MS} without use or {@link SESSION_MAX_MS} after login,
 * whichever comes first, by the injected clock. Login rotates the id (a cookie planted before
 * login is worth nothing after it).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Clock } from '../../resolver/types.js';
import type { SessionRecord, SessionStore } from './session-store.js';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'vigie_session';
/** A session unused for this long is over (12 h). */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** A session is over this long after login, used or not (7 days). */
export const SESSION_MAX_MS = 7 * 24 * 3_600_000;
// last_seen is rewritten at most once a minute: one synchronous=FULL write per page view would
// be wasteful, and a minute is nothing next to a 12 h idle limit.
const TOUCH_EVERY_MS = 60_000;

function cookieOptions(request: FastifyRequest, maxAgeSeconds: number): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https', maxAge: maxAgeSeconds };
}

/** Where a request comes from, stored with its session: address and a short user agent. */
function describeClient(request: FastifyRequest): string {
  const agent = request.headers['user-agent'] ?? '';
  return `${request.ip} ${agent.slice(0, 120)}`.trim();
}

/** The request's valid session (activity recorded), or null; an expired one is deleted. */
export function readSession(request: FastifyRequest, store: SessionStore, clock: Clock): SessionRecord | null {
  const id = request.cookies[SESSION_COOKIE];
  if (id === undefined || id.length === 0 || id.length > 100) return null;
  const record = store.find(id);
  if (record === null) return null;
  const now = clock();
  if (now - record.lastSeen > SESSION_IDLE_MS || now - record.createdAt > SESSION_MAX_MS) {
    store.revoke(record.idHash);
    return null;
  }
  if (now - record.lastSeen >= TOUCH_EVERY_MS) store.touch(record.idHash);
  return record;
}

/** Starts a new session after a successful login or setup: revokes the browser's old one, prunes expired ones, sets the cookie. */
export function startSession(request: FastifyRequest, reply: FastifyReply, store: SessionStore, clock: Clock): SessionRecord {
  const old = request.cookies[SESSION_COOKIE];
  if (old !== undefined && old.length > 0 && old.length <= 100) {
    const record = store.find(old);
    if (record !== null) store.revoke(record.idHash);
  }
  const now = clock();
  store.prune(now - SESSION_IDLE_MS, now - SESSION_MAX_MS);
  const { id, record } = store.create(describeClient(request));
  reply.setCookie(SESSION_COOKIE, id, cookieOptions(request, SESSION_MAX_MS / 1000));
  return record;
}

/** Ends the request's session (logout): deletes it and clears the cookie. */
export function endSession(request: FastifyRequest, reply: FastifyReply, store: SessionStore): void {
  const id = request.cookies[SESSION_COOKIE];
  if (id !== undefined && id.length > 0 && id.length <= 100) {
    const record = store.find(id);
    if (record !== null) store.revoke(record.idHash);
  }
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' });
}
