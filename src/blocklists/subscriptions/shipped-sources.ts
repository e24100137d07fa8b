/**
 * The maintained public lists Vigie ships a dated snapshot of (catalog.json entries of kind
 * "source" with a `subscription` URL) and keeps fresh like a subscription: the catalog read with
 * the loader's own schema (v1 or v2), the snapshot's date and entries from its manifest.
 */
import { readExclusions } from './source-filter.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { catalogFileSchema, type CatalogEntry } from '../catalog-schema.js';
import { countListLines } from './refresher.js';
import { subscriptionUrlSchema } from './subscription-store.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);

/** One line of lists/snapshots/manifest.json, as far as the refresher needs it. */
const manifestSchema = z.array(z.unknown());
const manifestEntrySchema = z.object({ id, date: z.string().max(40).optional(), entries: z.number().int().nonnegative().optional(), licence: z.string().max(100).optional() });

/** A shipped source as the refresher, the CLI, the admin page and the doctor see it. */
export interface ShippedSource {
  /** Catalog list id (the `source` of its subscription row). */
  readonly id: string;
  readonly category: string;
  /** Normalised upstream URL (`URL.href`). */
  readonly url: string;
  readonly title: { readonly en: string; readonly fr: string };
  /** SPDX id of the upstream's licence, when the catalog names it. */
  readonly licence: string | null;
  /** Attribution: where the entries come from. */
  readonly sources: readonly string[];
  /** Date of the shipped snapshot (manifest `date`), e.g. "2026-12-01". */
  readonly snapshotDate: string | null;
  /** Entries of the shipped snapshot (manifest `entries`, else the snapshot's lines; null if unknown). */
  readonly snapshotEntries: number | null;
  /** Its reviewed exclusions file (lists/filters/…), applied to every refreshed copy; null if none. */
  readonly exclude: string | null;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readManifest(listsDir: string): Map<string, z.infer<typeof manifestEntrySchema>> {
  const out = new Map<string, z.infer<typeof manifestEntrySchema>>();
  try {
    for (const raw of manifestSchema.parse(readJson(join(listsDir, 'snapshots', 'manifest.json')))) {
      const entry = manifestEntrySchema.safeParse(raw);
      if (entry.success) out.set(entry.data.id, entry.data);
    }
  } catch {
    /* no manifest: the catalog and the snapshot files say enough */
  }
  return out;
}

function linesOf(listsDir: string, file: string | null | undefined): number | null {
  // Only a plain relative path inside lists/: the catalog is ours, but a path is still checked.
  if (!file || file.startsWith('/') || file.split('/').includes('..')) return null;
  try {
    return countListLines(readFileSync(join(listsDir, file)));
  } catch {
    return null;
  }
}

/**
 * The shipped sources of the catalog in `listsDir`, or null when catalog.json cannot be read at
 * all (then nothing must be concluded from the absence of a source, such as removing its row).
 */
export function readShippedSources(listsDir: string): ShippedSource[] | null {
  let entries: CatalogEntry[];
  try {
    entries = catalogFileSchema.parse(readJson(join(listsDir, 'catalog.json'))).lists;
  } catch {
    return null; // the loader refuses it too, and says why
  }
  const manifest = readManifest(listsDir);
  const out: ShippedSource[] = [];
  for (const e of entries) {
    // Normalised like a parent's typing, so the row id (hash of the URL) is the same either way.
    const url = subscriptionUrlSchema.safeParse(e.subscription);
    if (e.kind !== 'source' || !url.success) continue;
    const m = manifest.get(e.id);
    out.push({
      id: e.id, category: e.category, url: url.data, title: e.title, licence: e.licence ?? m?.licence ?? null,
      sources: e.sources, snapshotDate: m?.date ?? null, snapshotEntries: m?.entries ?? linesOf(listsDir, e.file),
      exclude: e.exclude === undefined ? null : join(listsDir, e.exclude),
    });
  }
  return out;
}

/** The shipped source whose upstream URL is `url` (normalised first), if any. */
export function shippedSourceForUrl(sources: readonly ShippedSource[], url: string): ShippedSource | undefined {
  const normalised = subscriptionUrlSchema.safeParse(url);
  return normalised.success ? sources.find((s) => s.url === normalised.data) : undefined;
}

/** The refresher options that depend on the shipped sources: snapshot sizes and exclusions. */
export function sourceRefresherOptions(sources: readonly ShippedSource[] | null): { snapshotEntries: (source: string) => number | null; exclusionsOf: (source: string) => ReadonlySet<string> } {
  const exclusions = new Map<string, ReadonlySet<string>>();
  return {
    snapshotEntries: snapshotEntriesOf(sources),
    exclusionsOf(source) {
      let set = exclusions.get(source);
      if (set === undefined) {
        const file = sources?.find((s) => s.id === source)?.exclude ?? null;
        set = file === null ? new Set() : readExclusions(file);
        exclusions.set(source, set);
      }
      return set;
    },
  };
}

/** The refresher's `snapshotEntries` over these sources. */
export function snapshotEntriesOf(sources: readonly ShippedSource[] | null): (source: string) => number | null {
  return (source) => sources?.find((s) => s.id === source)?.snapshotEntries ?? null;
}
