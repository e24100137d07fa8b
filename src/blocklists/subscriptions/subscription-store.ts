/** The parents' remote list subscriptions, kept in config.db (table `subscriptions`). */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Clock } from '../../resolver/types.js';
import { checkListUrl } from './downloader.js';

/**
 * Categories a subscription may feed by default: the catalog's categories plus `custom`. The CLI
 * adds whatever the installed catalog.json names.
 */
export const DEFAULT_SUBSCRIPTION_CATEGORIES: readonly string[] = [
  'anonymous-chat', 'random-video-chat', 'teen-meetup', 'dating', 'bypass', 'adult',
  'social-media', 'messaging', 'gaming', 'video-streaming', 'custom',
];

/** One subscription as stored. Times are ms since the epoch. */
export interface Subscription {
  /** Short stable hash of the URL ({@link subscriptionId}); also the file name of the kept copy. */
  readonly id: string;
  readonly url: string;
  readonly category: string;
  readonly enabled: boolean;
  readonly addedAt: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** Last attempt that reached a verdict (ok, 304 or failure). */
  readonly lastRefresh: number | null;
  /** Last time a good copy was stored or confirmed (200 accepted or 304). */
  readonly lastSuccess: number | null;
  /** Why the last attempt failed; null once one succeeds. Came partly from the network: escape before printing. */
  readonly lastError: string | null;
  /** Entries of the kept copy. */
  readonly entries: number | null;
  /**
   * The catalog list id when this row keeps a list Vigie ships a snapshot of fresh (kind "source"
   * in catalog.json, seeded at start); null for the parents' own subscriptions.
   */
  readonly source: string | null;
}

const rowSchema = z.object({
  id: z.string(),
  url: z.string(),
  category: z.string(),
  enabled: z.number().int(),
  added_at: z.number().int(),
  etag: z.string().nullable(),
  last_modified: z.string().nullable(),
  last_refresh: z.number().int().nullable(),
  last_success: z.number().int().nullable(),
  last_error: z.string().nullable(),
  entries: z.number().int().nullable(),
  source: z.string().nullable().default(null),
});

function toSubscription(row: unknown): Subscription {
  const r = rowSchema.parse(row);
  return {
    id: r.id, url: r.url, category: r.category, enabled: r.enabled !== 0, addedAt: r.added_at,
    etag: r.etag, lastModified: r.last_modified, lastRefresh: r.last_refresh,
    lastSuccess: r.last_success, lastError: r.last_error, entries: r.entries, source: r.source,
  };
}

/** The URL field: absolute http(s), no credentials, at most 2048 characters; normalised (`URL.href`). */
export const subscriptionUrlSchema = z
  .string()
  .trim()
  .max(2048, { error: 'the URL is longer than 2048 characters' })
  .transform((s, ctx) => {
    const checked = checkListUrl(s);
    if (checked instanceof URL) return checked.href;
    ctx.addIssue({ code: 'custom', message: checked.message, input: s });
    return z.NEVER;
  });

/** Stable short id of a (normalised) URL: the first 12 hex digits of its SHA-256. */
export function subscriptionId(normalisedUrl: string): string {
  return createHash('sha256').update(normalisedUrl).digest('hex').slice(0, 12);
}

/** Fields written after a successful download. */
export interface SuccessStatus {
  readonly at: number;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly entries: number;
}

/** CRUD and status updates over the `subscriptions` table. */
export interface SubscriptionStore {
  /**
   * Adds a subscription. @throws AppError `VALIDATION` (bad URL or unknown category, with
   * `issues`), `SUBSCRIPTION_EXISTS` (same normalised URL already present).
   */
  add(input: { url: string; category: string; source?: string | null }): Subscription;
  /** Removes by id or URL; returns what was removed, or undefined if nothing matched. */
  remove(urlOrId: string): Subscription | undefined;
  /** Finds by id or URL. */
  get(urlOrId: string): Subscription | undefined;
  /** Every subscription, in the order they were added. */
  list(): Subscription[];
  setEnabled(id: string, enabled: boolean): void;
  /** Marks a row as the kept copy of catalog list `source` (or a parent's own with null), and sets its category. */
  setSource(id: string, source: string | null, category: string): void;
  /** A new copy was accepted: stores its validators and entry count, clears the error. */
  recordSuccess(id: string, status: SuccessStatus): void;
  /** The server said 304: the kept copy is still current. */
  recordNotModified(id: string, at: number): void;
  /** The attempt failed; the kept copy and its validators stay as they were. */
  recordFailure(id: string, at: number, error: string): void;
}

/** Validation error with zod's issues, as the admin API will return them. */
export class SubscriptionValidationError extends AppError {
  constructor(readonly issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
    super('VALIDATION', issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
  }
}

/** Creates the store over an open config database. `categories` are the accepted category ids. */
export function createSubscriptionStore(deps: { db: Database.Database; categories?: readonly string[]; clock?: Clock }): SubscriptionStore {
  const { db, clock = Date.now } = deps;
  const categories = deps.categories ?? DEFAULT_SUBSCRIPTION_CATEGORIES;
  const inputSchema = z.object({
    url: subscriptionUrlSchema,
    category: z.string().refine((c) => categories.includes(c), { error: `must be one of: ${categories.join(', ')}` }),
    source: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).nullable().optional(),
  });
  const s = {
    insert: db.prepare('INSERT INTO subscriptions (id, url, category, enabled, added_at, source) VALUES (?, ?, ?, 1, ?, ?)'),
    byKey: db.prepare('SELECT * FROM subscriptions WHERE id = ? OR url = ?'),
    all: db.prepare('SELECT * FROM subscriptions ORDER BY added_at, rowid'),
    del: db.prepare('DELETE FROM subscriptions WHERE id = ?'),
    enable: db.prepare('UPDATE subscriptions SET enabled = ? WHERE id = ?'),
    source: db.prepare('UPDATE subscriptions SET source = ?, category = ? WHERE id = ?'),
    ok: db.prepare('UPDATE subscriptions SET etag = ?, last_modified = ?, entries = ?, last_refresh = ?, last_success = ?, last_error = NULL WHERE id = ?'),
    same: db.prepare('UPDATE subscriptions SET last_refresh = ?, last_success = ?, last_error = NULL WHERE id = ?'),
    failed: db.prepare('UPDATE subscriptions SET last_refresh = ?, last_error = ? WHERE id = ?'),
  };
  const get = (key: string): Subscription | undefined => {
    const normalised = subscriptionUrlSchema.safeParse(key);
    const row = s.byKey.get(key.trim(), normalised.success ? normalised.data : key);
    return row === undefined ? undefined : toSubscription(row);
  };
  return {
    add(input) {
      const parsed = inputSchema.safeParse(input);
      if (!parsed.success) throw new SubscriptionValidationError(parsed.error.issues);
      const { url, category, source = null } = parsed.data;
      const id = subscriptionId(url);
      if (get(url) !== undefined) throw new AppError('SUBSCRIPTION_EXISTS', `already subscribed to ${url} (id ${id})`);
      s.insert.run(id, url, category, clock(), source);
      return get(id)!;
    },
    remove(key) {
      const found = get(key);
      if (found) s.del.run(found.id);
      return found;
    },
    get,
    list: () => s.all.all().map(toSubscription),
    setEnabled: (id, enabled) => void s.enable.run(enabled ? 1 : 0, id),
    setSource: (id, source, category) => void s.source.run(source, category, id),
    recordSuccess: (id, st) => void s.ok.run(st.etag, st.lastModified, st.entries, st.at, st.at, id),
    recordNotModified: (id, at) => void s.same.run(at, at, id),
    recordFailure: (id, at, error) => void s.failed.run(at, error.slice(0, 500), id),
  };
}
