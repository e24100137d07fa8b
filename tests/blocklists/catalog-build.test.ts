// scripts/build-lists.mjs: the generated files match a fresh build of lists/services (nobody edits
// them by hand), and the build refuses bad services with a message naming the problem. Each bad case
// runs the real script (a child process) on a temporary copy of scripts/ and lists/.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const temps: string[] = [];

/** A copy of scripts/ and lists/ in a temporary folder, so the build writes there. */
async function copyRepo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigie-build-'));
  temps.push(dir);
  await cp(join(repo, 'scripts'), join(dir, 'scripts'), { recursive: true });
  await cp(join(repo, 'lists'), join(dir, 'lists'), { recursive: true });
  return dir;
}

async function build(dir: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'scripts', 'build-lists.mjs')]);
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const domainSchema = z.object({ name: z.string(), role: z.string(), confidence: z.string(), sources: z.array(z.string()) });
const serviceSchema = z.object({
  id: z.string(), name: z.object({ en: z.string(), fr: z.string() }), category: z.string(), reviewed: z.string(),
  notes: z.string().optional(), domains: z.array(domainSchema),
});
type Service = z.infer<typeof serviceSchema>;

async function readServices(dir: string, category: string): Promise<Service[]> {
  return z.array(serviceSchema).parse(JSON.parse(await readFile(join(dir, 'lists', 'services', `${category}.json`), 'utf8')));
}
async function writeServices(dir: string, category: string, services: Service[]): Promise<void> {
  await writeFile(join(dir, 'lists', 'services', `${category}.json`), JSON.stringify(services, null, 2));
}
const service = (id: string, category: string, domains: Service['domains']): Service => ({
  id, name: { en: id, fr: id }, category, reviewed: '2026-12-08', domains,
});
const domain = (name: string, sources = ['https://example.org/article']): Service['domains'][number] => ({
  name, role: 'website', confidence: 'seen-article', sources,
});

/** Adds `extra` services to a copy of lists/services/<category>.json, builds, expects a refusal; returns its output. */
async function refusal(category: string, extra: Service[]): Promise<string> {
  const dir = await copyRepo();
  await writeServices(dir, category, [...await readServices(dir, category), ...extra]);
  const { code, out } = await build(dir);
  expect(code, out).toBe(1);
  return out;
}

const catalogSchema = z.object({
  version: z.literal(2),
  lists: z.array(z.object({ id: z.string(), file: z.string(), kind: z.enum(['services', 'source', 'canaries']) }).passthrough()),
  services: z.array(z.object({
    id: z.string(), category: z.string(), domains: z.array(z.string()).min(1), sources: z.array(z.string()).min(1),
  }).passthrough()),
});

let fresh: string;
beforeAll(async () => {
  fresh = await copyRepo();
  const result = await build(fresh);
  expect(result.code, result.out).toBe(0);
});
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('the generated lists', () => {
  it('catalog.json and every generated .txt match a fresh build of lists/services', async () => {
    const files = (await readdir(join(fresh, 'lists'))).filter((f) => f === 'catalog.json' || (f.endsWith('.txt') && f !== 'never-block.txt'));
    expect(files).toContain('catalog.json');
    for (const f of files) {
      const shipped = await readFile(join(repo, 'lists', f), 'utf8');
      expect(shipped, `lists/${f} differs from a fresh build: edit lists/services, then run node scripts/build-lists.mjs`).toBe(await readFile(join(fresh, 'lists', f), 'utf8'));
    }
  });

  it('every service has at least one domain and one source, and every rule spares never-block names', async () => {
    const catalog = catalogSchema.parse(JSON.parse(await readFile(join(repo, 'lists', 'catalog.json'), 'utf8')));
    expect(catalog.services.length).toBeGreaterThan(300);
    const neverBlock = (await readFile(join(repo, 'lists', 'never-block.txt'), 'utf8'))
      .split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l !== '');
    const rules = catalog.services.flatMap((s) => s.domains);
    const shielded = rules.flatMap((r) => neverBlock.filter((n) => n === r || n.endsWith(`.${r}`)).map((n) => `${r} covers ${n}`));
    expect(shielded).toEqual([]);
    expect(new Set(rules).size).toBe(rules.length);
  });

  it('the business domains that carried Coco doorway pages are neither shielded nor blocked', async () => {
    const catalog = catalogSchema.parse(JSON.parse(await readFile(join(repo, 'lists', 'catalog.json'), 'utf8')));
    const neverBlock = await readFile(join(repo, 'lists', 'never-block.txt'), 'utf8');
    for (const name of ['osezocoiffeurcreateur.fr', 'epsc-plomberie.fr', 'ad-plus-idf.fr', 'etsdelingette.fr']) {
      expect(neverBlock).not.toContain(name);
      expect(catalog.services.flatMap((s) => s.domains).filter((r) => name === r || name.endsWith(`.${r}`))).toEqual([]);
    }
  });

  it('canary names go to canaries.txt (NXDOMAIN), not to the sinkhole lists', async () => {
    const catalog = catalogSchema.parse(JSON.parse(await readFile(join(repo, 'lists', 'catalog.json'), 'utf8')));
    expect(catalog.lists.find((l) => l.file === 'canaries.txt')).toMatchObject({ kind: 'canaries', action: 'nxdomain' });
    expect(await readFile(join(repo, 'lists', 'canaries.txt'), 'utf8')).toMatch(/^use-application-dns\.net\s/m);
    expect(await readFile(join(repo, 'lists', 'bypass.txt'), 'utf8')).not.toMatch(/^use-application-dns\.net\s/m);
  });
});

describe('the build refuses bad services', () => {
  it('a domain without a source', async () => {
    const out = await refusal('dating', [service('no-source-dating', 'dating', [domain('no-source.example', [])])]);
    expect(out).toContain("service 'no-source-dating': has no source");
    expect(out).toContain('no-source.example: domain without a source');
  });

  it('a rule that is a parent of a never-block name', async () => {
    const out = await refusal('bypass', [service('education-vpn', 'bypass', [domain('gouv.fr')])]);
    expect(out).toContain("service 'education-vpn': gouv.fr would block never-block name(s) ");
    expect(out).toMatch(/gouv\.fr would block never-block name\(s\) [^\n]*\beducation\.gouv\.fr\b/);
  });

  it('a domain in two services', async () => {
    const out = await refusal('dating', [service('tinder-copy', 'dating', [domain('tinder.com')])]);
    expect(out).toContain("service 'tinder-copy': domain tinder.com is already in service 'tinder'");
  });

  it('a service id equal to a category id, or used twice', async () => {
    const out = await refusal('dating', [service('bypass', 'dating', [domain('id-clash.example')]), service('tinder', 'dating', [domain('second-tinder.example')])]);
    expect(out).toContain("service 'bypass': id equals a category or list id");
    expect(out).toContain("service 'tinder': id already used in services/dating.json");
  });

  it('an invalid domain and a service without a domain', async () => {
    const out = await refusal('dating', [service('bad-name', 'dating', [domain('https://bad.example/')]), service('empty', 'dating', [])]);
    expect(out).toContain("'https://bad.example/' is not a valid domain name");
    expect(out).toContain("service 'empty': has no domain");
  });

  it('accepts an adult.json services file and a snapshot manifest it did not write', async () => {
    const dir = await copyRepo();
    await writeServices(dir, 'adult', [service('adult-site-example', 'adult', [domain('adult-site.example')])]);
    await mkdir(join(dir, 'lists', 'snapshots'), { recursive: true });
    await writeFile(join(dir, 'lists', 'snapshots', 'example.txt'), '# example snapshot\nexample-adult.example\n');
    await writeFile(join(dir, 'lists', 'snapshots', 'manifest.json'), JSON.stringify([{
      id: 'example-source', category: 'adult', file: 'snapshots/example.txt', url: 'https://example.org/list.txt', repository: 'example/lists',
      path: 'list.txt', commit: 'abc', date: '2026-12-08', licence: 'MIT', licenceFile: 'LICENSE', sha256: '0', entries: 1,
      title: { en: 'Example', fr: 'Exemple' }, description: { en: 'Example list', fr: 'Liste exemple' },
      defaultOn: { child: true, teen: true, adult: false, unfiltered: false }, sources: ['example/lists:list.txt@abc'],
    }]));
    const result = await build(dir);
    expect(result.code, result.out).toBe(0);
    const catalog = catalogSchema.parse(JSON.parse(await readFile(join(dir, 'lists', 'catalog.json'), 'utf8')));
    expect(catalog.lists.find((l) => l.id === 'example-source')).toMatchObject({ kind: 'source', subscription: 'https://example.org/list.txt', licence: 'MIT' });
    expect(catalog.lists.find((l) => l.id === 'adult')).toMatchObject({ kind: 'services', file: 'adult.txt' });
    expect(catalog.services.find((s) => s.id === 'adult-site-example')).toMatchObject({ category: 'adult', domains: ['adult-site.example'] });
  });
});
