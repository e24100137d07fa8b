/**
 * What the admin routes are given (Fastify plugins get it through typed options): the open
 * databases, the clock, the live policy, and `changed()` to apply an edit to the running DNS
 * server. Routes write through the stores (src/policy/, src/blocklists/) and never touch the
 * query path directly.
 */
import type Database from 'better-sqlite3';
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { BuiltPolicy } from '../policy/build-snapshot.js';
import type { Clock } from '../resolver/types.js';
import type { Lang } from './page/i18n.js';

/** How the DNS side is doing, for the overview page and /api/status. */
export interface ServiceStatus {
  /** Since when this process answers DNS (ms since the epoch). */
  readonly startedAt: number;
  readonly upstreams: ReadonlyArray<{ readonly server: string; readonly down: boolean; readonly lastError: string | null }>;
  readonly counters: Readonly<Record<string, number>>;
  /** Blocked answers per category since start (for /metrics). */
  readonly blockedByCategory?: Readonly<Record<string, number>>;
  /** Upstream answer times since start: counts per bucket (`boundsMs`, then one slot for longer). */
  readonly upstreamLatency?: { readonly boundsMs: readonly number[]; readonly counts: readonly number[]; readonly sumMs: number };
}

export interface AdminContext {
  readonly config: Config;
  /** config.db (settings): the admin page needs it and does not start without it. */
  readonly db: Database.Database;
  /** logs.db (blocked attempts), read for activity and the overview. */
  readonly logsDb: Database.Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The policy in force (devices, profiles, catalog) as last built. */
  readonly policy: { readonly built: BuiltPolicy; readonly catalog: LoadedCatalog };
  /** Rebuilds the policy after an edit; resolves once the DNS server applies it. Never rejects. */
  changed(): Promise<void>;
  status(): ServiceStatus;
}

/** Who is calling: a parent's browser session, or a script with an API token. */
export type AuthInfo =
  | { readonly kind: 'session'; readonly sessionId: string; readonly csrfToken: string }
  | { readonly kind: 'token'; readonly tokenId: string; readonly tokenName: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Page language (cookie `lang`, then Accept-Language). */
    lang: Lang;
    /** Set by the auth plugin; null on public routes (login, setup, assets). */
    auth: AuthInfo | null;
  }
}
