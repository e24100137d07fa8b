/**
 * Admin sessions in config.db (`admin_sessions`): the browser holds a random 256-bit id, the
 * table only its SHA-256 (`id_hash`), with the session's CSRF token and its times (ms since the
 * epoch, from the injected clock). Expiry rules live in session.ts; this is storage only.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../../resolver/types.js';
import { hashSecret, randomSecret } from './secret-hash.js';

/** A stored session (never the id itself). */
export interface SessionRecord {
  readonly idHash: string;
  readonly csrf: string;
  readonly createdAt: number;
  readonly lastSeen: number;
  readonly client: string;
}

const row = z.object({ id_hash: z.string(), csrf: z.string(), created_at: z.number().int(), last_seen: z.number().int(), client: z.string() });

function toRecord(r: unknown): SessionRecord {
  const p = row.parse(r);
  return { idHash: p.id_hash, csrf: p.csrf, createdAt: p.created_at, lastSeen: p.last_seen, client: p.client };
}

/** Storage of sessions (no expiry logic: see session.ts). */
export interface SessionStore {
  /** Creates a session; returns the id (for the cookie, shown nowhere else) and the stored record. */
  create(client: string): { id: string; record: SessionRecord };
  /** The session whose id (the cookie value) is `id`, or null. */
  find(id: string): SessionRecord | null;
  /** Records activity now. */
  touch(idHash: string): void;
  revoke(idHash: string): void;
  /** Revokes every session but `exceptIdHash` (when given); returns how many were revoked. */
  revokeAll(exceptIdHash?: string): number;
  /** Deletes sessions idle since before `idleBefore` or created before `createdBefore`. */
  prune(idleBefore: number, createdBefore: number): number;
  list(): SessionRecord[];
}

/** Creates the store over an open, migrated config.db. */
export function createSessionStore(deps: { db: Database.Database; clock: Clock }): SessionStore {
  const { db, clock } = deps;
  return {
    create(client) {
      const id = randomSecret();
      const now = clock();
      const record: SessionRecord = { idHash: hashSecret(id), csrf: randomSecret(), createdAt: now, lastSeen: now, client: client.slice(0, 200) };
      db.prepare('INSERT INTO admin_sessions (id_hash, csrf, created_at, last_seen, client) VALUES (?, ?, ?, ?, ?)')
        .run(record.idHash, record.csrf, record.createdAt, record.lastSeen, record.client);
      return { id, record };
    },
    find(id) {
      const r = db.prepare('SELECT id_hash, csrf, created_at, last_seen, client FROM admin_sessions WHERE id_hash = ?').get(hashSecret(id));
      return r === undefined ? null : toRecord(r);
    },
    touch(idHash) {
      db.prepare('UPDATE admin_sessions SET last_seen = ? WHERE id_hash = ?').run(clock(), idHash);
    },
    revoke(idHash) {
      db.prepare('DELETE FROM admin_sessions WHERE id_hash = ?').run(idHash);
    },
    revokeAll(exceptIdHash) {
      return db.prepare('DELETE FROM admin_sessions WHERE id_hash != ?').run(exceptIdHash ?? '').changes;
    },
    prune(idleBefore, createdBefore) {
      return db.prepare('DELETE FROM admin_sessions WHERE last_seen < ? OR created_at < ?').run(idleBefore, createdBefore).changes;
    },
    list() {
      return db.prepare('SELECT id_hash, csrf, created_at, last_seen, client FROM admin_sessions ORDER BY last_seen DESC').all().map(toRecord);
    },
  };
}
