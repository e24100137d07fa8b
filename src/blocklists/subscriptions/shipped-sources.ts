/**
 * The maintained public lists Vigie ships a dated snapshot of (catalog.json entries of kind
 * "source" with a `subscription` URL) and keeps fresh like a subscription. Read here with a small
 * schema that accepts catalog v1 (an array) and v2 ({version, lists, services}) and skips an entry
 * it does not understand rather than failing the whole start.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { countListLines } from './refresher.js';
import { subscriptionUrlSchema } from './subscription-store.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);
const localized = z.object({ en: z.string(), fr: z.string() });

const entrySchema = z.object({
  id,
  category: id,
  kind: z.string().optional(),
  file: z.string().nullable().optional(),
  subscription: subscriptionUrlSchema.optional(),
  title: localized.optional(),
  licence: z.string().max(100).optional(),
  sources: z.array(z.string()).optional(),
  entries: z.number().int().nonnegative().optional(),
});

const catalogSchema = z.union([z.array(z.unknown()), z.object({ lists: z.array(z.unknown()) }).transform((c) => c.lists)]);

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
  readonly title: { readonly en: string; readonly fr: string } | null;
  /** SPDX id of the upstream's licence, when the catalog names it. */
  readonly licence: string | null;
  /** Attribution: where the entries come from. */
  readonly sources: readonly string[];
  /** Date of the shipped snapshot (manifest `date`), e.g. "2026-12-01". */
  readonly snapshotDate: string | null;
  /** Entries of the shipped snapshot (manifest or catalog `entries`; else its lines; null if unknown). */
  readonly snapshotEntries: number | null;
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
  let entries: unknown[];
  try {
    entries = catalogSchema.parse(readJson(join(listsDir, 'catalog.json')));
  } catch {
    return null;
  }
  const manifest = readManifest(listsDir);
  const out: ShippedSource[] = [];
  for (const raw of entries) {
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success || parsed.data.kind !== 'source' || parsed.data.subscription === undefined) continue;
    const e = parsed.data;
    const m = manifest.get(e.id);
    out.push({
      id: e.id, category: e.category, url: e.subscription!, title: e.title ?? null,
      licence: e.licence ?? m?.licence ?? null, sources: e.sources ?? [], snapshotDate: m?.date ?? null,
      snapshotEntries: m?.entries ?? e.entries ?? linesOf(listsDir, e.file),
    });
  }
  return out;
}

/** The shipped source whose upstream URL is `url` (normalised first), if any. */
export function shippedSourceForUrl(sources: readonly ShippedSource[], url: string): ShippedSource | undefined {
  const normalised = subscriptionUrlSchema.safeParse(url);
  return normalised.success ? sources.find((s) => s.url === normalised.data) : undefined;
}

/** The refresher's `snapshotEntries` over these sources. */
export function snapshotEntriesOf(sources: readonly ShippedSource[] | null): (source: string) => number | null {
  return (source) => sources?.find((s) => s.id === source)?.snapshotEntries ?? null;
}
