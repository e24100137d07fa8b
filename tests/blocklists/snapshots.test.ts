/**
 * The shipped source snapshots (lists/snapshots/) and the script that makes them
 * (scripts/import-sources.mjs), run here on a small git repository made by the test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDomainList } from '../../src/blocklists/parse-domain-list.js';

const listsDir = fileURLToPath(new URL('../../lists/', import.meta.url));
const script = fileURLToPath(new URL('../../scripts/import-sources.mjs', import.meta.url));

const bilingual = z.object({ en: z.string().min(10), fr: z.string().min(10) }).strict();
const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    category: z.enum(['anonymous-chat', 'random-video-chat', 'teen-meetup', 'dating', 'bypass', 'adult']),
    file: z.string(),
    url: z.string().regex(/^https:\/\/raw\.githubusercontent\.com\//),
    repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    path: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    licence: z.enum(['CC-BY-SA-4.0', 'GPL-3.0', 'MIT', 'Unlicense', 'CC0-1.0']),
    licenceFile: z.string().startsWith('snapshots/licences/'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    entries: z.number().int().positive(),
    exclude: z.string().optional(),
    title: bilingual,
    description: bilingual,
    defaultOn: z.object({ child: z.boolean(), teen: z.boolean(), adult: z.boolean(), unfiltered: z.boolean() }).strict(),
    sources: z.array(z.string().min(1)).min(1),
  })
  .strict();
const manifest = z.array(entrySchema).min(1).parse(JSON.parse(readFileSync(join(listsDir, 'snapshots/manifest.json'), 'utf8')));

const names = (text: string): string[] => text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
const neverBlock = names(readFileSync(join(listsDir, 'never-block.txt'), 'utf8'));
/** `name` and its parents that have at least two labels. */
const selfAndParents = (name: string): string[] => name.split('.').map((_, i, labels) => labels.slice(i).join('.')).filter((n) => n.includes('.'));

describe('lists/snapshots/manifest.json', () => {
  it('has unique ids that are not category ids, one file per id', () => {
    const ids = manifest.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of manifest) {
      expect(entrySchema.shape.category.options).not.toContain(e.id);
      expect(e.file).toBe(`snapshots/${e.id}.txt`);
    }
  });

  it('lists every snapshot file in the folder, and nothing else', () => {
    const files = readdirSync(join(listsDir, 'snapshots')).filter((f) => f.endsWith('.txt')).sort();
    expect(files).toEqual(manifest.map((e) => `${e.id}.txt`).sort());
  });

  it('is on for children and teenagers and off for the adult and unfiltered presets', () => {
    for (const e of manifest) expect(e.defaultOn, e.id).toEqual({ child: true, teen: true, adult: false, unfiltered: false });
  });
});

describe.each(manifest.map((e) => [e.id, e] as const))('snapshot %s', (_id, entry) => {
  const bytes = readFileSync(join(listsDir, entry.file));
  const text = bytes.toString('utf8');
  const parsed = parseDomainList(text);

  it('matches the manifest: sha256 and number of entries', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
    expect(parsed.domains.length).toBe(entry.entries);
  });

  it('parses as a list without a refused line or a duplicate', () => {
    expect(parsed.issues).toEqual([]);
    expect(parsed.invalid).toBe(0);
    expect(new Set(parsed.domains).size).toBe(parsed.domains.length);
  });

  it('names its source, commit, date and licence in the header, and ships the licence text', () => {
    const header = text.split('\n').filter((l) => l.startsWith('#')).join('\n');
    expect(header).toContain(`${entry.repository}:${entry.path}@${entry.commit}`);
    expect(header).toContain(entry.date);
    expect(header).toContain(`Licence: ${entry.licence}`);
    expect(statSync(join(listsDir, entry.licenceFile)).size).toBeGreaterThan(500);
  });

  it('never equals or covers a never-block.txt name', () => {
    const rules = new Set(parsed.domains);
    const hits = neverBlock.flatMap((n) => selfAndParents(n).filter((p) => rules.has(p)).map((p) => `${p} covers ${n}`));
    expect(hits).toEqual([]);
  });

  it('holds none of its reviewed exclusions, and each exclusion gives a reason', () => {
    if (entry.exclude === undefined) return;
    const filter = readFileSync(join(listsDir, entry.exclude), 'utf8');
    const lines = filter.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line, 'a reason after "#"').toMatch(/^\S+\s+#\s*\S/);
    const rules = new Set(parsed.domains);
    expect(names(filter).filter((n) => rules.has(n))).toEqual([]);
  });
});

describe('lists/services/adult.json (the adult catalog built on the Sinfonietta snapshot)', () => {
  const domainSchema = z
    .object({
      name: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/),
      role: z.enum(['website', 'app-api', 'media', 'short-link', 'mirror', 'regional', 'legacy', 'dns', 'vpn', 'proxy']),
      confidence: z.enum(['confirmed-list', 'seen-config', 'seen-article', 'seen-code-index', 'guess']),
      sources: z.array(z.string().min(1)).min(1),
    })
    .strict();
  const services = z
    .array(
      z
        .object({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
          name: z.object({ en: z.string().min(1), fr: z.string().min(1) }).strict(),
          category: z.literal('adult'),
          reviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          notes: z.string().optional(),
          domains: z.array(domainSchema).min(1),
        })
        .strict(),
    )
    .min(100)
    .parse(JSON.parse(readFileSync(join(listsDir, 'services/adult.json'), 'utf8')));
  const all = services.flatMap((s) => s.domains.map((d) => ({ service: s.id, ...d })));

  it('has unique service ids that are not category ids, and no domain in two services', () => {
    const ids = services.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => entrySchema.shape.category.options.includes(id as never))).toEqual([]);
    const names = all.map((d) => d.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('never equals or covers a never-block.txt name', () => {
    const rules = new Set(all.map((d) => d.name));
    expect(neverBlock.flatMap((n) => selfAndParents(n).filter((p) => rules.has(p)))).toEqual([]);
  });

  it('cites the Sinfonietta list only for names that list holds (the name, a parent or a child of it)', () => {
    const entry = manifest.find((e) => e.id === 'sinfonietta-porn');
    const cite = `${entry?.repository}:${entry?.path}@${entry?.commit}`;
    const listed = new Set(parseDomainList(readFileSync(join(listsDir, 'snapshots/sinfonietta-porn.txt'), 'utf8')).domains);
    const upstreamSubdomain = (name: string) => [...listed].some((l) => l.endsWith(`.${name}`));
    const missing = all
      .filter((d) => d.sources.includes(cite))
      .filter((d) => !selfAndParents(d.name).some((p) => listed.has(p)) && !upstreamSubdomain(d.name))
      .map((d) => d.name);
    expect(missing).toEqual([]);
  });
});

describe('scripts/import-sources.mjs on a test repository', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vigie-import-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const gitDir = join(tmp, 'upstream');
  const work = join(tmp, 'work');
  const lists = join(tmp, 'lists');
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', work, ...args], {
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' },
    }).trim();
  mkdirSync(work);
  git('init', '-q', '--separate-git-dir', gitDir);
  writeFileSync(join(work, 'LICENSE'), 'MIT License\n\nPermission is hereby granted, free of charge...\n');
  writeFileSync(join(work, 'hosts'), '# title\n0.0.0.0 Bad.Example.\n0.0.0.0 www.bad.example\n0.0.0.0 school.test\n0.0.0.0 drop.example\n203.0.113.7\n0.0.0.0 bank.example\n');
  git('add', '.');
  git('commit', '-q', '-m', 'fixture');
  const commit = git('rev-parse', 'HEAD');
  mkdirSync(join(lists, 'snapshots'), { recursive: true });
  mkdirSync(join(lists, 'filters'));
  writeFileSync(join(lists, 'never-block.txt'), '# test\nportal.school.test\nbank.example\n');
  writeFileSync(join(lists, 'filters/fixture.txt'), '# reviewed\ndrop.example  # not what the list is about\n');
  const text = { en: 'Fixture list text', fr: 'Liste de test, texte' };
  writeFileSync(
    join(lists, 'snapshots/sources.json'),
    JSON.stringify([
      { id: 'fixture', category: 'adult', repository: 'test/upstream', path: 'hosts', commit, format: 'hosts', url: 'https://raw.githubusercontent.com/test/upstream/main/hosts', sourceName: 'Test', licence: 'MIT', licenceFile: { path: 'LICENSE', name: 'test-LICENSE.txt' }, licenceNote: 'test.', notes: [], title: text, description: text, defaultOn: { child: true, teen: true, adult: false, unfiltered: false }, extraSources: [] },
    ]),
  );
  const run = () => spawnSync(process.execPath, [script, '--mirror', `test/upstream=${gitDir}`, '--lists', lists], { encoding: 'utf8' });

  it('drops never-block parents, reviewed exclusions, covered subdomains and addresses, and writes the same bytes twice', () => {
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    const out = readFileSync(join(lists, 'snapshots/fixture.txt'), 'utf8');
    expect(parseDomainList(out).domains).toEqual(['bad.example']);
    expect(out).toContain('commit date 2026-01-02');
    expect(out).toContain('school.test (covers portal.school.test)');
    const manifestText = readFileSync(join(lists, 'snapshots/manifest.json'), 'utf8');
    const [written] = z.array(entrySchema).parse(JSON.parse(manifestText));
    expect(written).toMatchObject({ id: 'fixture', entries: 1, date: '2026-01-02', exclude: 'filters/fixture.txt', licenceFile: 'snapshots/licences/test-LICENSE.txt' });
    expect(readFileSync(join(lists, 'snapshots/licences/test-LICENSE.txt'), 'utf8')).toContain('Permission is hereby granted');
    expect(run().status).toBe(0);
    expect(readFileSync(join(lists, 'snapshots/fixture.txt'), 'utf8')).toBe(out);
    expect(readFileSync(join(lists, 'snapshots/manifest.json'), 'utf8')).toBe(manifestText);
  });

  it('refuses an exclusion without a reason, and a missing mirror, with a clear message', () => {
    writeFileSync(join(lists, 'filters/fixture.txt'), 'drop.example\n');
    const noReason = run();
    expect(noReason.status).toBe(1);
    expect(noReason.stderr).toMatch(/filters\/fixture\.txt:1: expected "name {2}# reason"/);
    writeFileSync(join(lists, 'filters/fixture.txt'), 'drop.example  # reason\n');
    const noMirror = spawnSync(process.execPath, [script, '--mirror', `test/upstream=${join(tmp, 'absent')}`, '--lists', lists], { encoding: 'utf8' });
    expect(noMirror.status).toBe(1);
    expect(noMirror.stderr).toContain('no mirror for test/upstream');
    expect(existsSync(join(lists, 'snapshots/fixture.txt'))).toBe(true);
  });
});
