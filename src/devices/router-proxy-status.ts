/**
 * The router-proxy verdict, kept in config.db (`settings`, key `router_proxy`) by the running
 * server so `vigie doctor` (another process) can report it. Read back through zod.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { RouterProxyVerdict } from './router-proxy-detector.js';
import { readSettingJson, writeSettingJson } from './setting-json.js';

const KEY = 'router_proxy';

const statusSchema = z.object({
  at: z.number().int(),
  suspected: z.boolean(),
  ip: z.string().nullable(),
  share: z.number().min(0).max(1),
  queries: z.number().int().min(0),
  clients: z.number().int().min(0),
});

/** A verdict and when it was taken (ms since the epoch). */
export type RouterProxyStatus = z.infer<typeof statusSchema>;

/** Stores the latest verdict. */
export function saveRouterProxyStatus(db: Database.Database, verdict: RouterProxyVerdict, at: number): void {
  writeSettingJson(db, KEY, { at, suspected: verdict.suspected, ip: verdict.ip, share: verdict.share, queries: verdict.queries, clients: verdict.clients });
}

/** The latest stored verdict, or null (none yet, or unreadable). */
export function readRouterProxyStatus(db: Database.Database): RouterProxyStatus | null {
  return readSettingJson(db, KEY, statusSchema);
}
