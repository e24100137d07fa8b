/**
 * A tiny lists/ folder with shipped sources (catalog entries of kind "source"), for the seeding,
 * refresher, CLI and admin tests: the repository's catalog plus entries with the v2 fields.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FixtureSource {
  readonly id: string;
  readonly category: string;
  readonly url: string;
  /** Lines of the shipped snapshot. */
  readonly entries: number;
}

export const ADULT_SOURCE: FixtureSource = { id: 'tiny-adult', category: 'adult', url: 'https://lists.example/adult/hosts', entries: 40 };
export const DATING_SOURCE: FixtureSource = { id: 'tiny-dating', category: 'dating', url: 'https://lists.example/dating.txt', entries: 10 };

/** Snapshot body: `n` names under `prefix`. */
export function listOf(n: number, prefix: string): string {
  return Array.from({ length: n }, (_, i) => `n${i}.${prefix}.example`).join('\n') + '\n';
}

/**
 * Copies the repository's lists/ into `dir` (without its shipped sources) and adds `sources` to its catalog, each with its
 * snapshot file and a manifest line (date 2026-12-01). Returns `dir`.
 */
export function writeSourceCatalog(dir: string, sources: readonly FixtureSource[]): string {
  cpSync(join(process.cwd(), 'lists'), dir, { recursive: true });
  mkdirSync(join(dir, 'snapshots'), { recursive: true });
  const parsed = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as unknown[] | { lists: unknown[] };
  // v1 (an array) or v2 ({version, lists, services}): the new entries go into its lists either way.
  // The repository's own sources are dropped: a fixture never names a real upstream URL.
  const isSource = (e: unknown) => (e as { kind?: unknown } | null)?.kind === 'source';
  const catalog = (Array.isArray(parsed) ? parsed : parsed.lists).filter((e) => !isSource(e));
  for (const s of sources) {
    writeFileSync(join(dir, 'snapshots', `${s.id}.txt`), `# snapshot of ${s.url}\n${listOf(s.entries, s.id)}`);
    catalog.push({
      id: s.id, category: s.category, file: `snapshots/${s.id}.txt`, subscription: s.url, action: 'sinkhole', kind: 'source',
      title: { en: `Tiny ${s.category} list`, fr: `Petite liste ${s.category}` },
      description: { en: 'A test source.', fr: 'Une source de test.' },
      defaultOn: { child: true, teen: true, adult: false, unfiltered: false },
      licence: 'CC-BY-SA-4.0', sources: [`example/${s.id}`],
    });
  }
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(Array.isArray(parsed) ? catalog : { ...parsed, lists: catalog }, null, 2));
  const manifest = sources.map((s) => ({ id: s.id, category: s.category, file: `snapshots/${s.id}.txt`, url: s.url, date: '2026-12-01', entries: s.entries, licence: 'CC-BY-SA-4.0' }));
  writeFileSync(join(dir, 'snapshots', 'manifest.json'), JSON.stringify(manifest));
  return dir;
}
