/** Reloads reuse compiled lists whose file did not change, and recompile the ones that did. */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadCatalog, type CompiledListCache } from '../../src/blocklists/load-catalog.js';
import { DEFAULT_LISTS_DIR } from '../../src/config-schema.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('reuses unchanged lists, recompiles changed ones and forgets removed ones', async () => {
  const a = join(dir, 'a.txt');
  const b = join(dir, 'b.txt');
  writeFileSync(a, 'one.example\n');
  writeFileSync(b, 'two.example\n');
  const cache: CompiledListCache = new Map();
  await loadCatalog(DEFAULT_LISTS_DIR, { extraLists: [{ path: a }, { path: b }], compiledCache: cache });
  const first = cache.get(a)!.list;
  const curated = [...cache.keys()].find((k) => k.endsWith('anonymous-chat.txt'))!;
  const curatedList = cache.get(curated)!.list;

  writeFileSync(a, 'one.example\nthree.example\n');
  utimesSync(a, new Date(), new Date(Date.now() + 5000));
  const second = await loadCatalog(DEFAULT_LISTS_DIR, { extraLists: [{ path: a }], compiledCache: cache });
  expect(cache.get(a)!.list).not.toBe(first);
  expect(cache.get(curated)!.list).toBe(curatedList);
  expect(cache.has(b)).toBe(false);
  expect(second.blocklist.match('three.example')?.list).toBe('a');
  expect(second.blocklist.match('two.example')).toBeNull();
});
