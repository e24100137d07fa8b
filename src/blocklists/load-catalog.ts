/**
 * Loads the shipped lists/ directory (catalog.json, the list files, never-block.txt) plus any user
 * list files into one Blocklist.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { createBlocklist, type Blocklist, type BlocklistSource } from './blocklist.js';
import { parseDomainList, type ParseIssue } from './parse-domain-list.js';

const localized = z.object({ en: z.string().min(1), fr: z.string().min(1) });

/** Schema of lists/catalog.json: one entry per shipped list file. */
export const catalogSchema = z.array(
  z.object({
    id: z.string().regex(/^[a-z0-9-]+$/).describe('Stable list id, used in logs and settings'),
    category: z.string().regex(/^[a-z0-9-]+$/).describe('Category parents switch on or off'),
    file: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*\.txt$/)
      .describe('File name inside lists/ (no directories)'),
    action: z.enum(['sinkhole', 'nxdomain']).describe("'nxdomain' for canaries that must never get a sinkhole"),
    title: localized,
    description: localized,
    defaultOn: z.boolean(),
  }),
);

/** One entry of catalog.json. */
export type CatalogEntry = z.infer<typeof catalogSchema>[number];

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
  readonly blocklist: Blocklist;
  readonly lists: LoadedList[];
  /** Exact names from never-block.txt ([] when the file is absent). */
  readonly neverBlock: string[];
  readonly catalog: CatalogEntry[];
}

/** Options of {@link loadCatalog}. */
export interface LoadCatalogOptions {
  readonly extraLists?: readonly ExtraList[];
}

async function readNeverBlock(listsDir: string): Promise<string[]> {
  try {
    return parseDomainList(await readFile(join(listsDir, 'never-block.txt'), 'utf8')).domains;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Reads `listsDir/catalog.json` (validated with {@link catalogSchema}), every list it names, the
 * optional never-block.txt (exact allow entries) and `extraLists` (action 'sinkhole'). Bad lines
 * become issues on their list; a missing file or an invalid catalog rejects the promise.
 */
export async function loadCatalog(listsDir: string, opts: LoadCatalogOptions = {}): Promise<LoadedCatalog> {
  const catalogPath = join(listsDir, 'catalog.json');
  const parsed = catalogSchema.safeParse(JSON.parse(await readFile(catalogPath, 'utf8')));
  if (!parsed.success) throw new Error(`${catalogPath}: invalid catalog`, { cause: parsed.error });
  const catalog = parsed.data;

  const lists: LoadedList[] = [];
  const sources: BlocklistSource[] = [];
  const add = (meta: Omit<BlocklistSource, 'domains'> & { file: string }, text: string): void => {
    const { domains, issues } = parseDomainList(text);
    lists.push({ id: meta.id, category: meta.category, file: meta.file, entries: domains.length, issues });
    sources.push({ id: meta.id, category: meta.category, action: meta.action, domains });
  };
  for (const entry of catalog) add(entry, await readFile(join(listsDir, entry.file), 'utf8'));
  for (const extra of opts.extraLists ?? []) {
    const file = resolve(extra.path);
    const id = extra.id ?? basename(file, extname(file));
    add({ id, category: extra.category ?? 'custom', action: 'sinkhole', file }, await readFile(file, 'utf8'));
  }
  const neverBlock = await readNeverBlock(listsDir);
  return { blocklist: createBlocklist(sources, neverBlock), lists, neverBlock, catalog };
}
