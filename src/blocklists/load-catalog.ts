/**
 * Loads the shipped lists/ directory (catalog.json, the list files, never-block.txt) plus any user
 * list files into one Blocklist.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { createBlocklist, type Blocklist, type BlocklistList, type CustomRule } from './blocklist.js';
import { catalogFileSchema, entriesForPreset, type CatalogEntry, type CatalogService, type Preset } from './catalog-schema.js';
import { listGuard, PROTECTED_NAMES } from './list-guard.js';
import { compileList, type CompiledList } from './list-compiler.js';
import { parseDomainList, type ParseIssue } from './parse-domain-list.js';
import { createServiceIndex, type ServiceIndex } from './service-index.js';

export { PRESETS, entriesForPreset, type CatalogEntry, type CatalogService, type Preset } from './catalog-schema.js';

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
  /** Exact names never blocked: never-block.txt (if present) and the SafeSearch hosts. */
  readonly neverBlock: string[];
  /** The whole catalog, including entries that are off in the preset or ship no file. */
  readonly catalog: CatalogEntry[];
  /** The catalog's services: one list each, and name → service. */
  readonly services: ServiceIndex;
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
  /**
   * Kept copies of shipped sources (catalog list id → file), refreshed by the running Vigie: such
   * a copy is loaded instead of the snapshot shipped in lists/snapshots/.
   */
  readonly sourceCopies?: ReadonlyMap<string, string>;
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
 * Reads `listsDir/catalog.json` (validated with {@link catalogFileSchema}), every list file of the
 * catalog (entries with `file: null` are only suggestions and are skipped; a shipped source is
 * read from its kept copy when `opts.sourceCopies` has one), its services, the optional
 * never-block.txt (exact allow entries, with the SafeSearch hosts added) and `extraLists`
 * (action 'sinkhole', always loaded). `blocklist` holds the lists on in `opts.preset`. Each list is compiled by {@link compileList}: large ones in a
 * worker thread, one at a time, so the DNS thread never stalls. Bad lines become issues on their
 * list; a missing catalog file or an invalid catalog rejects the promise.
 */
export async function loadCatalog(listsDir: string, opts: LoadCatalogOptions = {}): Promise<LoadedCatalog> {
  const catalogPath = join(listsDir, 'catalog.json');
  const parsed = catalogFileSchema.safeParse(JSON.parse(await readFile(catalogPath, 'utf8')));
  if (!parsed.success) throw new Error(`${catalogPath}: invalid catalog`, { cause: parsed.error });
  const catalog = parsed.data.lists;
  const neverBlock = await readNeverBlock(listsDir);
  // Names no downloaded or imported list may block: never-block.txt and the SafeSearch hosts.
  const protectedNames = [...neverBlock, ...PROTECTED_NAMES];

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
  const add = async (meta: Omit<BlocklistList, 'block' | 'allow'> & { file: string; guarded: boolean }): Promise<void> => {
    const list = await compileCached(meta.file);
    lists.push({ id: meta.id, category: meta.category, file: meta.file, entries: list.stats.rules, issues: list.issues });
    // Lists we did not write (sources, subscriptions, local files) lose the rules that would block
    // a protected name, as exceptions of that list only. (A source's reviewed exclusions drop
    // exact entries: the snapshot is shipped without them and the refresher filters new copies.)
    const allow = meta.guarded ? listGuard(list, protectedNames) : list.allow;
    compiled.push({ id: meta.id, category: meta.category, action: meta.action, block: list.block, allow });
  };
  // Every entry with a file is compiled (they are small, or shared by every profile): profiles
  // switch categories on and off without a reload. Only the preset's ones make up `blocklist`.
  const inPreset = new Set(entriesForPreset(catalog, opts.preset ?? 'child').map((e) => e.id));
  for (const entry of catalog) {
    if (entry.file === null) continue;
    const copy = opts.sourceCopies?.get(entry.id);
    await add({
      id: entry.id, category: entry.category, action: entry.action,
      file: copy ?? join(listsDir, entry.file),
      guarded: entry.kind === 'source',
    });
  }
  for (const extra of opts.extraLists ?? []) {
    const file = resolve(extra.path);
    await add({ id: extra.id ?? basename(file, extname(file)), category: extra.category ?? 'custom', action: 'sinkhole', file, guarded: true });
  }
  if (cache) for (const file of [...cache.keys()]) if (!used.has(file)) cache.delete(file);
  const customAllow = opts.customAllow ?? [];
  const customBlock = opts.customBlock ?? [];
  // Extra lists are always on in the preset view; catalog lists only when the preset has them.
  const firstExtra = catalog.filter((e) => e.file !== null).length;
  const presetLists = compiled.filter((l, i) => i >= firstExtra || inPreset.has(l.id));
  const blocklist = createBlocklist(presetLists, { neverBlock: protectedNames, customAllow, customBlock });
  return { blocklist, compiled, customAllow, customBlock, lists, neverBlock: protectedNames, catalog, services: createServiceIndex(parsed.data.services) };
}
