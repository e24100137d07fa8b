import { PROTECTED_NAMES } from '../../src/blocklists/list-guard.js';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesForPreset, loadCatalog, PRESETS, type LoadedCatalog, type Preset } from '../../src/blocklists/load-catalog.js';
import { parseDomainList } from '../../src/blocklists/parse-domain-list.js';

const listsDir = fileURLToPath(new URL('../../lists/', import.meta.url));
let loaded: LoadedCatalog;
let tmp: string;
/** Every list file shipped in lists/ (all presets, optional groups included), never-block.txt aside. */
let listFiles: string[];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vigie-lists-'));
  await writeFile(join(tmp, 'my-list.hosts'), '# user list\n0.0.0.0 user-blocked.example\nnot valid!\n');
  loaded = await loadCatalog(listsDir, { extraLists: [{ path: join(tmp, 'my-list.hosts') }] });
  listFiles = [
    ...(await readdir(listsDir)).filter((f) => f.endsWith('.txt') && f !== 'never-block.txt'),
    ...(await readdir(join(listsDir, 'snapshots'))).filter((f) => f.endsWith('.txt')).map((f) => `snapshots/${f}`),
  ].sort();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('the shipped lists/ directory', () => {
  it.each(['anonymous-chat', 'random-video-chat', 'teen-meetup', 'dating', 'bypass'])('category %s has entries', (category) => {
    const entries = loaded.lists.filter((l) => l.category === category).reduce((n, l) => n + l.entries, 0);
    expect(entries).toBeGreaterThan(0);
  });

  it('every list file in lists/ is in the catalog, and every catalog file exists', () => {
    const catalogFiles = loaded.catalog.flatMap((e) => (e.file === null ? [] : [e.file])).sort();
    expect(catalogFiles).toEqual(listFiles);
  });

  it('every shipped list parses without issues, whatever the preset', async () => {
    for (const file of listFiles) {
      expect(parseDomainList(await readFile(join(listsDir, file), 'utf8')).issues, file).toEqual([]);
    }
  });

  it('every entry line of every list file generated from the services carries a "service — confidence — source" comment', async () => {
    for (const file of listFiles.filter((f) => !f.startsWith('snapshots/'))) {
      const text = await readFile(join(listsDir, file), 'utf8');
      const entryLines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
      expect(entryLines.length, file).toBeGreaterThan(0);
      for (const line of entryLines) {
        expect(line, file).toMatch(/^\S+\s+# .+ — (confirmed-list|seen-config|seen-article|seen-code-index|guess) — \S.*$/);
      }
    }
  });

  it('every catalog entry has sources, and subscription-only entries have an https URL', () => {
    for (const entry of loaded.catalog) {
      expect(entry.sources.length, entry.id).toBeGreaterThan(0);
      if (entry.file === null) expect(entry.subscription, entry.id).toMatch(/^https:\/\//);
    }
  });

  it.each([
    ['coco.gg', 'anonymous-chat'],
    ['www.coco.gg', 'anonymous-chat'],
    ['coco.fr', 'anonymous-chat'], // COCO.FR once the caller lower-cases it
    ['ome.tv', 'random-video-chat'],
    ['videochatfr.com', 'random-video-chat'],
    ['minichat.com', 'random-video-chat'],
    ['ngl.link', 'anonymous-chat'],
    ['lmk.chat', 'teen-meetup'],
    ['bumble.com', 'dating'],
    ['yubo.live', 'teen-meetup'],
    ['tinder.com', 'dating'],
    ['dns.google', 'bypass'],
  ])('the default (child) preset blocks %s (%s, sinkhole)', (name, category) => {
    expect(loaded.blocklist.match(name)).toMatchObject({ category, action: 'sinkhole', matched: name });
  });

  it.each(['use-application-dns.net', 'mask.icloud.com', 'mask-h2.icloud.com'])('canary %s answers NXDOMAIN', (name) => {
    expect(loaded.blocklist.match(name)).toMatchObject({ action: 'nxdomain', list: 'bypass-canaries', category: 'bypass' });
  });

  it.each(['tiktok.com', 'www.instagram.com', 'snapchat.com', 'web.whatsapp.com', 'whatsapp.net', 'discord.com', 'roblox.com', 'youtube.com', 'netflix.com'])(
    'the default preset leaves %s open (optional groups are off)',
    (name) => {
      expect(loaded.blocklist.match(name)).toBeNull();
    },
  );

  it('the default preset blocks exactly the child lists, and no optional group', () => {
    const blockedBy = new Set(loaded.compiled.filter((l) => l.category !== 'custom').flatMap((l) => {
      let sample = '';
      l.block.forEachRule((rule) => {
        sample ||= rule;
      });
      return loaded.blocklist.explain(sample).some((d) => d.list === l.id) ? [l.id] : [];
    }));
    expect([...blockedBy].sort()).toEqual([
      'adult', 'anonymous-chat', 'bypass', 'bypass-canaries', 'dating', 'hagezi-bypass', 'random-video-chat', 'sinfonietta-porn', 'sw-dating', 'sw-tunnels', 'teen-meetup',
      'ut1-chat', 'ut1-dating', 'ut1-doh', 'ut1-vpn',
    ]);
  });

  it('loads user lists as custom sinkhole lists, with their issues', () => {
    expect(loaded.blocklist.match('user-blocked.example')).toMatchObject({ list: 'my-list', category: 'custom', action: 'sinkhole' });
    const custom = loaded.lists.find((l) => l.id === 'my-list');
    expect(custom?.entries).toBe(1);
    expect(custom?.issues.map((i) => i.line)).toEqual([3]);
  });
});

describe('presets', () => {
  const load = (preset: Preset): Promise<LoadedCatalog> => loadCatalog(listsDir, { preset });

  it('child is the default', async () => {
    const child = await load('child');
    for (const name of ['coco.gg', 'yubo.live', 'tinder.com', 'dns.google']) {
      expect(child.blocklist.match(name), name).toEqual(loaded.blocklist.match(name));
    }
  });

  it('compiles every catalog list whatever the preset, so profiles can switch categories without a reload', async () => {
    const adult = await load('adult');
    const withFiles = adult.catalog.filter((e) => e.file !== null).map((e) => e.id);
    expect(adult.compiled.map((l) => l.id)).toEqual(withFiles);
    expect(adult.lists.map((l) => l.id)).toEqual(withFiles);
  });

  it('teen blocks the same as child except the teen meetup apps', async () => {
    const teen = await load('teen');
    for (const name of ['coco.gg', 'ome.tv', 'tinder.com', 'dns.google']) expect(teen.blocklist.match(name), name).not.toBeNull();
    expect(teen.blocklist.match('use-application-dns.net')).toMatchObject({ action: 'nxdomain' });
    expect(teen.blocklist.match('yubo.live')).toBeNull();
    expect(teen.blocklist.match('tiktok.com')).toBeNull();
  });

  it('adult keeps only the bypass canaries', async () => {
    const adult = await load('adult');
    expect(adult.blocklist.match('mask.icloud.com')).toMatchObject({ action: 'nxdomain' });
    for (const name of ['coco.gg', 'tinder.com', 'dns.google', 'tiktok.com']) expect(adult.blocklist.match(name), name).toBeNull();
  });

  it('unfiltered blocks nothing from the catalog (user lists still load)', async () => {
    const open = await loadCatalog(listsDir, { preset: 'unfiltered', extraLists: [{ path: join(tmp, 'my-list.hosts') }] });
    expect(open.lists.map((l) => l.id)).toContain('my-list');
    for (const name of ['coco.gg', 'use-application-dns.net', 'tiktok.com']) expect(open.blocklist.match(name), name).toBeNull();
    expect(open.blocklist.match('user-blocked.example')).not.toBeNull();
  });

  it('optional groups are off in every preset; adult is shipped (services and a source snapshot refreshed from its upstream) and on for child and teen', () => {
    for (const id of ['social-media', 'messaging', 'gaming', 'video-streaming']) {
      const entry = loaded.catalog.find((e) => e.id === id);
      expect(entry, id).toBeDefined();
      for (const preset of PRESETS) expect(entry?.defaultOn[preset], `${id} in ${preset}`).toBe(false);
    }
    const adult = loaded.catalog.filter((e) => e.category === 'adult');
    expect(adult.map((e) => e.kind).sort()).toEqual(['services', 'source']);
    for (const entry of adult) expect(entry).toMatchObject({ defaultOn: { child: true, teen: true, adult: false, unfiltered: false } });
    expect(adult.find((e) => e.kind === 'source')?.subscription).toMatch(/^https:\/\//);
    expect(loaded.blocklist.match('pornhub.com')?.category).toBe('adult');
  });

  it('entriesForPreset never returns an entry without a file', () => {
    for (const preset of PRESETS) for (const entry of entriesForPreset(loaded.catalog, preset)) expect(entry.file).not.toBeNull();
  });

  it('the optional lists block their services once loaded', async () => {
    const catalog = JSON.parse(await readFile(join(listsDir, 'catalog.json'), 'utf8')) as { lists: Array<Record<string, unknown>> };
    for (const entry of catalog.lists) entry.defaultOn = { child: true, teen: true, adult: true, unfiltered: true };
    const dir = await mkdtemp(join(tmpdir(), 'vigie-all-lists-'));
    try {
      await writeFile(join(dir, 'catalog.json'), JSON.stringify(catalog));
      await mkdir(join(dir, 'snapshots'));
      for (const file of listFiles) await writeFile(join(dir, file), await readFile(join(listsDir, file)));
      const all = await loadCatalog(dir);
      expect(all.blocklist.match('tiktok.com')).toMatchObject({ list: 'social-media' });
      expect(all.blocklist.match('web.whatsapp.com')).toMatchObject({ list: 'messaging' });
      expect(all.blocklist.match('roblox.com')).toMatchObject({ list: 'gaming' });
      expect(all.blocklist.match('www.youtube.com')).toMatchObject({ list: 'video-streaming' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('never-block.txt', () => {
  it('holds the shared infrastructure, school portals and connectivity checks', () => {
    for (const name of [
      'amazonaws.com',
      'icloud.com',
      'google.com',
      'cloudflare.com',
      'akamaiedge.net',
      'index-education.net',
      'educonnect.education.gouv.fr',
      'connectivitycheck.gstatic.com',
      'captive.apple.com',
      'www.msftconnecttest.com',
      'ac-paris.fr',
      'iadvize.com',
    ]) {
      expect(loaded.neverBlock).toContain(name);
    }
  });

  it('no rule in any list file (optional groups included) equals a never-block name or is a parent of one', async () => {
    const rules: string[] = [];
    for (const file of listFiles) rules.push(...parseDomainList(await readFile(join(listsDir, file), 'utf8')).domains);
    expect(rules.length).toBeGreaterThan(400);
    const offending = loaded.neverBlock.filter((n) => !PROTECTED_NAMES.includes(n)).flatMap((n) => rules.filter((r) => n === r || n.endsWith(`.${r}`)).map((r) => `${r} covers ${n}`));
    expect(offending).toEqual([]);
  });

  it.each(['amazonaws.com', 'icloud.com', 'google.com', 'cloudflare.com', 'www.google.com', 'educonnect.education.gouv.fr'])('%s stays open', (name) => {
    expect(loaded.blocklist.match(name)).toBeNull();
  });
});

describe('loadCatalog errors', () => {
  it('rejects an invalid catalog.json', async () => {
    await writeFile(join(tmp, 'catalog.json'), JSON.stringify([{ id: 'x', file: '../etc/passwd' }]));
    await expect(loadCatalog(tmp)).rejects.toThrow(/invalid catalog/);
  });

  it('rejects an entry with neither a file nor a subscription', async () => {
    const entry = {
      id: 'x',
      category: 'x',
      file: null,
      action: 'sinkhole',
      title: { en: 'x', fr: 'x' },
      description: { en: 'x', fr: 'x' },
      defaultOn: { child: true, teen: true, adult: false, unfiltered: false },
      sources: ['x'],
    };
    await writeFile(join(tmp, 'catalog.json'), JSON.stringify([entry]));
    await expect(loadCatalog(tmp)).rejects.toThrow(/invalid catalog/);
  });
});
