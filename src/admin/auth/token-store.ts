/**
 * API tokens for scripts and home automation (`Authorization: Bearer vigie_…`), in config.db
 * (`api_tokens`). The secret is shown once at creation and stored only as its SHA-256; a token is
 * revoked by deleting its row. Names are unique and chosen by parents ("home-assistant").
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Clock } from '../../resolver/types.js';
import { hashSecret, randomSecret } from './secret-hash.js';

/** Prefix of every token secret (lets secret scanners and people recognise one). */
export const TOKEN_PREFIX = 'vigie_';

/** A token's name: 1-40 letters, digits, spaces, dots, dashes or underscores. */
export const tokenNameSchema = z.string().trim().min(1, { error: 'the name is empty' }).max(40, { error: 'the name is longer than 40 characters' })
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, { error: 'use letters, digits, spaces, dots, dashes or underscores' });

/** What is known about a token (never its secret). */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsed: number | null;
}

const row = z.object({ id: z.string(), name: z.string(), created_at: z.number().int(), last_used: z.number().int().nullable() });

function toInfo(r: unknown): TokenInfo {
  const p = row.parse(r);
  return { id: p.id, name: p.name, createdAt: p.created_at, lastUsed: p.last_used };
}

// last_used is rewritten at most this often: a script polling every second must not mean a
// synchronous=FULL write per request.
const LAST_USED_GRANULARITY_MS = 60_000;

/** Storage of API tokens; secrets never leave create(). */
export interface TokenStore {
  /** Creates a token; the secret is in the result only (store it now). @throws AppError VALIDATION, CONFLICT */
  create(name: string): TokenInfo & { readonly secret: string };
  /** Every token, oldest first, without secrets. */
  list(): TokenInfo[];
  /** Revokes by id, else by name; false when there is no such token. */
  revoke(ref: string): boolean;
  /** Revokes every token (after a password change); returns how many there were. */
  revokeAll(): number;
  /** The token whose secret is `secret` (its last use recorded), or null. */
  verify(secret: string): TokenInfo | null;
}

/** Creates the store over an open, migrated config.db. */
export function createTokenStore(deps: { db: Database.Database; clock: Clock }): TokenStore {
  const { db, clock } = deps;
  return {
    create(rawName) {
      const parsed = tokenNameSchema.safeParse(rawName);
      if (!parsed.success) throw new AppError('VALIDATION', `token name: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { cause: parsed.error });
      const name = parsed.data;
      if (db.prepare('SELECT 1 FROM api_tokens WHERE name = ?').get(name) !== undefined) throw new AppError('CONFLICT', `a token named '${name}' already exists`);
      const secret = TOKEN_PREFIX + randomSecret(32);
      const info: TokenInfo = { id: randomBytes(6).toString('hex'), name, createdAt: clock(), lastUsed: null };
      db.prepare('INSERT INTO api_tokens (id, name, hash, created_at, last_used) VALUES (?, ?, ?, ?, NULL)').run(info.id, info.name, hashSecret(secret), info.createdAt);
      return { ...info, secret };
    },
    list() {
      return db.prepare('SELECT id, name, created_at, last_used FROM api_tokens ORDER BY created_at, name').all().map(toInfo);
    },
    revoke(ref) {
      const byId = db.prepare('DELETE FROM api_tokens WHERE id = ?').run(ref).changes;
      return byId > 0 || db.prepare('DELETE FROM api_tokens WHERE name = ?').run(ref.trim()).changes > 0;
    },
    revokeAll() {
      return db.prepare('DELETE FROM api_tokens').run().changes;
    },
    verify(secret) {
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return null;
      const r = db.prepare('SELECT id, name, created_at, last_used FROM api_tokens WHERE hash = ?').get(hashSecret(secret));
      if (r === undefined) return null;
      const info = toInfo(r);
      const now = clock();
      if (info.lastUsed === null || now - info.lastUsed >= LAST_USED_GRANULARITY_MS) db.prepare('UPDATE api_tokens SET last_used = ? WHERE id = ?').run(now, info.id);
      return { ...info, lastUsed: now };
    },
  };
}
