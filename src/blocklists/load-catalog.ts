/**
 * Loads the shipped lists/ directory (catalog.json, the list files, never-block.txt) plus any user
 * list files into one Blocklist.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { createBlocklist, type Blocklist, type BlocklistList, type CustomRule } from './blocklist.js';
import { compileList, type CompiledList } from './list-compiler.js';
import { parseDomainList, type ParseIssue } from './parse-domain-list.js';

const localized = z.object({ en: z.string().min(1), fr: z.string().min(1) });

/** The presets a parent picks from; each catalog entry says whether it is on in each one. */
export const PRESETS = ['child', 'teen', 'adult', 'unfiltered'] as const;
/** One preset: which catalog entries are on by default. */
export type Preset = (typeof PRESETS)[number];

/** Schema of lists/catalog.json: one entry per shipped list file or suggested subscription. */
export const catalogSchema = z.array(
  z
    .object({
      id: z.string().regex(/^[a-z0-9-]+$/).describe('Stable list id, used in logs and settings'),
      category: z.string().regex(/^[a-z0-9-]+$/).describe('Category parents switch on or off'),
      file: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]*\.txt$/)
        .nullable()
        .describe('File name inside lists/ (no directories); null when Vigie ships no file and only suggests a subscription'),
      subscription: z
        .string()
        .regex(/^https:\/\/[^\s]+$/)
        .optional()
        .describe('Suggested remote list (https URL) a parent may subscribe to'),
      action: z.enum(['sinkhole', 'nxdomain']).describe("'nxdomain' for canaries that must never get a sinkhole"),
      title: localized,
      description: localized,
      defaultOn: z
        .object({ child: z.boolean(), teen: z.boolean(), adult: z.boolean(), unfiltered: z.boolean() })
        .describe('Whether the entry is on in each preset'),
      sources: z.array(z.string().min(1)).min(1).describe('Where the entries come from (repositories, sites, code index)'),
    })
    .refine((e) => e.file !== null || e.subscription !== undefined, { message: 'an entry without a file needs a subscription URL' }),
);

/** One entry of catalog.json. */
export type CatalogEntry = z.infer<typeof catalogSchema>[number];

/** The entries of `catalog` that are on in `preset` and ship a file (what {@link loadCatalog} reads). */
export function entriesForPreset(catalog: readonly CatalogEntry[], preset: Preset): Array<CatalogEntry & { file: string }> {
  return catalog.filter((e): e is CatalogEntry & { file: string } => e.file !== null && e.defaultOn[preset]);
}

/** A user list file added next to the catalog (hosts or plain format). */
export interface ExtraList {
  readonly path: string;
  /** Default: the file name without its extension. */
  readonly id?: string;
  /** Default: 'custom'. */
  readonly category?: string;
}

/** How one list file loaded. */
export interface LoadedList {
  readonly id: string;
  readonly category: string;
  readonly file: string;
  /** Accepted rule lines (before removing duplicates). */
  readonly entries: number;
  readonly issues: ParseIssue[];
}

/** Everything {@link loadCatalog} read. */
export interface LoadedCatalog {
  /** The lists on in `opts.preset` (default 'child') with the custom rules: `vigie check` without a device. */
  readonly blocklist: Blocklist;
  /**
   * Every compiled list, whatever the preset (catalog entries with a file, then extra lists), for
   * per-profile matchers (src/policy/). Catalog lists carry their catalog id as `id`.
   */
  readonly compiled: readonly BlocklistList[];
  /** The parents' global rules as given (they apply to every profile). */
  readonly customAllow: readonly CustomRule[];
  readonly customBlock: readonly CustomRule[];
  readonly lists: LoadedList[];
  /** Exact names from never-block.txt ([] when the file is absent). */
  readonly neverBlock: string[];
  /** The whole catalog, including entries that are off in the preset or ship no file. */
  readonly catalog: CatalogEntry[];
}

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  readonly extraLists?: readonly ExtraList[];
  /** Which catalog entries to load: those on in this preset (default 'child'). */
  readonly preset?: Preset;
  /** The parents' own entries (config.db): allow beats every list, block adds to them. */
  readonly customAllow?: readonly CustomRule[];
  readonly customBlock?: readonly CustomRule[];
  /**
   * Compiled lists from the previous load, reused when a file's size and mtime did not change, so
   * a reload for one new rule does not recompile (and briefly hold twice) a 1M-line list.
   * Entries for files no longer loaded are dropped.
   */
  readonly compiledCache?: CompiledListCache;
}

/** File path → its compiled form and the stat it was compiled from. */
export type CompiledListCache = Map<string, { readonly size: number; readonly mtimeMs: number; readonly list: CompiledList }>;

async function readNeverBlock(listsDir: string): Promise<string[]> {
  try {
    return parseDomainList(await readFile(join(listsDir, 'never-block.txt'), 'utf8')).domains;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Reads `listsDir/catalog.json` (validated with {@link catalogSchema}), the list files of the
 * entries that are on in `opts.preset` (default 'child'; entries with `file: null` are only
 * suggestions and are skipped), the optional never-block.txt (exact allow entries) and `extraLists`
 * (action 'sinkhole', always loaded). Each list is compiled by {@link compileList}: large ones in a
 * worker thread, one at a time, so the DNS thread never stalls. Bad lines become issues on their
 * list; a missing catalog file or an invalid catalog rejects the promise.
 */
export async function loadCatalog(listsDir: string, opts: LoadCatalogOptions = {}): Promise<LoadedCatalog> {
  const catalogPath = join(listsDir, 'catalog.json');
  const parsed = catalogSchema.safeParse(JSON.parse(await readFile(catalogPath, 'utf8')));
  if (!parsed.success) throw new Error(`${catalogPath}: invalid catalog`, { cause: parsed.error });
  const catalog = parsed.data;

  const lists: LoadedList[] = [];
  const compiled: BlocklistList[] = [];
  const cache = opts.compiledCache;
  const used = new Set<string>();
  const compileCached = async (file: string): Promise<CompiledList> => {
    used.add(file);
    const st = await stat(file);
    const hit = cache?.get(file);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.list;
    const list = await compileList({ path: file });
    cache?.set(file, { size: st.size, mtimeMs: st.mtimeMs, list });
    return list;
  };
  const add = async (meta: Omit<BlocklistList, 'block' | 'allow'> & { file: string }): Promise<void> => {
    const list = await compileCached(meta.file);
    lists.push({ id: meta.id, category: meta.category, file: meta.file, entries: list.stats.rules, issues: list.issues });
    compiled.push({ id: meta.id, category: meta.category, action: meta.action, block: list.block, allow: list.allow });
  };
  // Every entry with a file is compiled (they are small): profiles switch categories on and off
  // without a reload. Only the preset's ones make up `blocklist`.
  const inPreset = new Set(entriesForPreset(catalog, opts.preset ?? 'child').map((e) => e.id));
  for (const entry of catalog) {
    if (entry.file !== null) await add({ id: entry.id, category: entry.category, action: entry.action, file: join(listsDir, entry.file) });
  }
  for (const extra of opts.extraLists ?? []) {
    const file = resolve(extra.path);
    await add({ id: extra.id ?? basename(file, extname(file)), category: extra.category ?? 'custom', action: 'sinkhole', file });
  }
  if (cache) for (const file of [...cache.keys()]) if (!used.has(file)) cache.delete(file);
  const neverBlock = await readNeverBlock(listsDir);
  const customAllow = opts.customAllow ?? [];
  const customBlock = opts.customBlock ?? [];
  // Extra lists are always on in the preset view; catalog lists only when the preset has them.
  const firstExtra = catalog.filter((e) => e.file !== null).length;
  const presetLists = compiled.filter((l, i) => i >= firstExtra || inPreset.has(l.id));
  const blocklist = createBlocklist(presetLists, { neverBlock, customAllow, customBlock });
  return { blocklist, compiled, customAllow, customBlock, lists, neverBlock, catalog };
}
