/**
 * Where each shipped source stands, for the places parents look (`vigie lists`, the admin lists
 * page, `vigie doctor`): which copy is in use (the snapshot in the package or a refreshed one),
 * how many entries, the last error and whether the previous copy is being kept because of it.
 */
import { existsSync } from 'node:fs';
import { lastGoodListPath } from './list-files.js';
import type { ShippedSource } from './shipped-sources.js';
import type { Subscription } from './subscription-store.js';

/** One shipped source and its state. */
export interface SourceStatus {
  /** Catalog list id. */
  readonly id: string;
  readonly category: string;
  readonly url: string;
  /** What the catalog says about it (title, licence, attribution, snapshot); null if it no longer lists it. */
  readonly shipped: ShippedSource | null;
  /** Its subscription row; null when the parents removed it (the snapshot is used, never refreshed). */
  readonly subscription: Subscription | null;
  /** `kept-copy`: a refreshed copy in $dataDir/lists; `snapshot`: the file shipped with Vigie. */
  readonly inUse: 'kept-copy' | 'snapshot';
  /** Entries of the copy in use (null if unknown). */
  readonly entries: number | null;
  /** The last refresh failed: the copy in use (previous copy or snapshot) stays. */
  readonly keepingPrevious: boolean;
}

/**
 * The state of every shipped source: those of the catalog (`sources`, null if unreadable) and any
 * row still marked as one. `keptDir` is `$dataDir/lists`.
 */
export function shippedSourceStatus(sources: readonly ShippedSource[] | null, subs: readonly Subscription[], keptDir: string): SourceStatus[] {
  const rows = new Map(subs.filter((s) => s.source !== null).map((s) => [s.source!, s]));
  const ids = [...new Set([...(sources ?? []).map((s) => s.id), ...rows.keys()])];
  return ids.map((id) => {
    const shipped = sources?.find((s) => s.id === id) ?? null;
    const sub = rows.get(id) ?? null;
    const kept = sub !== null && sub.enabled && existsSync(lastGoodListPath(keptDir, sub.id));
    return {
      id,
      category: sub?.category ?? shipped!.category,
      url: sub?.url ?? shipped!.url,
      shipped,
      subscription: sub,
      inUse: kept ? 'kept-copy' : 'snapshot',
      entries: kept ? sub.entries : (shipped?.snapshotEntries ?? null),
      keepingPrevious: sub?.lastError != null,
    };
  });
}
