import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type LoadedCatalog } from '../../src/blocklists/load-catalog.js';
import { parseDomainList } from '../../src/blocklists/parse-domain-list.js';

const listsDir = fileURLToPath(new URL('../../lists/', import.meta.url));
let loaded: LoadedCatalog;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vigie-lists-'));
  await writeFile(join(tmp, 'my-list.hosts'), '# user list\n0.0.0.0 user-blocked.example\nnot valid!\n');
  loaded = await loadCatalog(listsDir, { extraLists: [{ path: join(tmp, 'my-list.hosts') }] });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the shipped lists/ directory', () => {
  it.each(['anonymous-chat', 'random-video-chat', 'teen-meetup', 'dating', 'bypass'])('category %s has entries', (category) => {
    const entries = loaded.lists.filter((l) => l.category === category).reduce((n, l) => n + l.entries, 0);
    expect(entries).toBeGreaterThan(0);
  });

  it('every shipped list parses without issues', () => {
    for (const list of loaded.lists.filter((l) => l.category !== 'custom')) expect(list.issues, list.file).toEqual([]);
  });

  it('every entry line carries a "service — confidence — source" comment', async () => {
    for (const entry of loaded.catalog) {
      const text = await readFile(join(listsDir, entry.file), 'utf8');
      const entryLines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
      expect(entryLines.length, entry.file).toBeGreaterThan(0);
      for (const line of entryLines) expect(line, entry.file).toMatch(/^\S+\s+# .+ — [a-z-]+ — \S.*$/);
    }
  });

  it.each([
    ['coco.gg', 'anonymous-chat'],
    ['www.coco.gg', 'anonymous-chat'],
    ['coco.fr', 'anonymous-chat'], // COCO.FR once the caller lower-cases it
    ['dns.google', 'bypass'],
  ])('%s is blocked (%s, sinkhole)', (name, category) => {
    expect(loaded.blocklist.match(name)).toMatchObject({ category, action: 'sinkhole', matched: name });
  });

  it.each(['use-application-dns.net', 'mask.icloud.com', 'mask-h2.icloud.com'])('canary %s answers NXDOMAIN', (name) => {
    expect(loaded.blocklist.match(name)).toMatchObject({ action: 'nxdomain', list: 'bypass-canaries', category: 'bypass' });
  });

  it('loads user lists as custom sinkhole lists, with their issues', () => {
    expect(loaded.blocklist.match('user-blocked.example')).toMatchObject({ list: 'my-list', category: 'custom', action: 'sinkhole' });
    const custom = loaded.lists.find((l) => l.id === 'my-list');
    expect(custom?.entries).toBe(1);
    expect(custom?.issues.map((i) => i.line)).toEqual([3]);
  });
});

describe('never-block.txt', () => {
  it('holds the shared infrastructure names', () => {
    for (const name of ['amazonaws.com', 'icloud.com', 'google.com', 'cloudflare.com', 'akamaiedge.net']) {
      expect(loaded.neverBlock).toContain(name);
    }
  });

  it('no shipped rule equals a never-block name or is a parent of one', async () => {
    const rules: string[] = [];
    for (const entry of loaded.catalog) {
      rules.push(...parseDomainList(await readFile(join(listsDir, entry.file), 'utf8')).domains);
    }
    const offending = loaded.neverBlock.flatMap((n) => rules.filter((r) => n === r || n.endsWith(`.${r}`)).map((r) => `${r} covers ${n}`));
    expect(offending).toEqual([]);
  });

  it.each(['amazonaws.com', 'icloud.com', 'google.com', 'cloudflare.com', 'www.google.com'])('%s stays open', (name) => {
    expect(loaded.blocklist.match(name)).toBeNull();
  });
});

describe('loadCatalog errors', () => {
  it('rejects an invalid catalog.json', async () => {
    await writeFile(join(tmp, 'catalog.json'), JSON.stringify([{ id: 'x', file: '../etc/passwd' }]));
    await expect(loadCatalog(tmp)).rejects.toThrow(/invalid catalog/);
  });
});
