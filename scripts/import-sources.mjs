#!/usr/bin/env node
// Writes dated snapshots of public lists into lists/snapshots/ from local git mirrors.
//
//   node scripts/import-sources.mjs [--mirror owner/name=GIT_DIR ...] [--lists DIR]
//
// Each source is pinned to one upstream commit (lists/snapshots/sources.json), read with `git show`, so the same
// mirrors give the same bytes: the date written is the commit's date, never today's. Every entry
// goes through two filters before it is written:
//   1. never-block: an entry equal to a lists/never-block.txt name, or a parent of one, is dropped
//      (a snapshot must not cut a school portal, a bank widget or a phone's connectivity check);
//   2. reviewed exclusions: lists/filters/<id>.txt, one `name  # reason` a line; the entry equal to
//      that name is dropped (exact match: an excluded platform apex keeps its listed subdomains).
//      A line without a reason stops the import.
// Output: lists/snapshots/<id>.txt (plain domains, `#` header naming source, commit, date, licence,
// filters), lists/snapshots/licences/* (the upstream licence files, byte for byte) and
// lists/snapshots/manifest.json (read by scripts/build-lists.mjs into catalog.json).
// Plain Node, no dependencies. The live upstream URL of each source goes into the manifest: the
// running Vigie refreshes the snapshot from it.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let listsDir = join(repo, 'lists');

/** Default mirror git dirs (the `fetch` tool's layout); `--mirror owner/name=DIR` overrides. */
const mirrors = new Map(
  ['olbat/ut1-blacklists', 'hagezi/dns-blocklists', 'Sinfonietta/hostfiles'].map((r) => [r, `/work/.mirror/${r.replace('/', '+')}/repo`]),
);
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--lists') { listsDir = resolve(process.argv[++i] ?? fail('--lists needs a directory')); continue; }
  const value = arg === '--mirror' ? process.argv[++i] : null;
  const m = value?.match(/^([^=]+)=(.+)$/);
  if (!m) fail(`unknown argument ${JSON.stringify(arg)} (usage: [--mirror owner/name=GIT_DIR ...] [--lists DIR])`);
  mirrors.set(m[1], resolve(m[2]));
}
const outDir = join(listsDir, 'snapshots');
/** What to import: hand-written, see lists/snapshots/README.md. */
const SOURCES = JSON.parse(readFileSync(join(outDir, 'sources.json'), 'utf8'));
const REQUIRED = ['id', 'category', 'repository', 'path', 'commit', 'format', 'url', 'sourceName', 'licence', 'licenceFile', 'licenceNote', 'notes', 'title', 'description', 'defaultOn', 'extraSources'];
for (const [i, src] of SOURCES.entries()) {
  const missing = REQUIRED.filter((k) => src[k] === undefined);
  if (missing.length) fail(`sources.json entry ${i} (${src.id ?? '?'}) lacks ${missing.join(', ')}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(src.id) || !/^[0-9a-f]{40}$/.test(src.commit) || !['domains', 'hosts'].includes(src.format)) {
    fail(`sources.json entry ${src.id}: id must be [a-z0-9-], commit 40 hex digits, format "domains" or "hosts"`);
  }
}

function fail(message) {
  console.error(`import-sources: ${message}`);
  process.exit(1);
}

/** Output of `git show ARGS` in the mirror of `repository`; a clear message when it cannot be read. */
function gitShow(repository, args, what) {
  const gitDir = mirrors.get(repository);
  if (!gitDir || !existsSync(gitDir)) fail(`no mirror for ${repository} (expected at ${gitDir}); pass --mirror ${repository}=DIR`);
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'show', ...args], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return fail(`cannot read ${what} from ${gitDir}`);
  }
}

/** Bytes of `path` at `commit` in the mirror of `repository`. */
const gitBlob = (repository, commit, path) => gitShow(repository, [`${commit}:${path}`], `${repository}:${path}@${commit}`);

/** Committer date of `commit`, as YYYY-MM-DD in UTC. */
function commitDate(repository, commit) {
  const iso = gitShow(repository, ['-s', '--format=%cI', commit], `commit ${commit} of ${repository}`).toString('utf8').trim();
  return new Date(iso).toISOString().slice(0, 10);
}

// Lower-case ASCII labels (letters, digits, hyphen, underscore), at least two, not all digits
// (an IP address is not a name a DNS filter can match).
const NAME = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const isName = (s) => NAME.test(s) && !/^[0-9.]+$/.test(s);

/** Names of a `domains` or `hosts` upstream file, in file order; `invalid` holds the refused tokens. */
function parseUpstream(text, format) {
  const names = [];
  const invalid = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const fields = line.split(/\s+/);
    const candidates = format === 'hosts' ? fields.slice(1) : fields.slice(0, 1);
    for (const c of candidates) {
      const name = c.toLowerCase().replace(/\.$/, '');
      if (format === 'hosts' && /^(localhost|localhost\.localdomain|local|broadcasthost)$/.test(name)) continue;
      if (isName(name)) names.push(name);
      else invalid.push(c);
    }
  }
  return { names, invalid };
}

/** `name` and every parent of it ("a.b.c" → a.b.c, b.c, c). */
function selfAndParents(name) {
  const out = [name];
  for (let i = name.indexOf('.'); i !== -1; i = name.indexOf('.', i + 1)) out.push(name.slice(i + 1));
  return out;
}

/** lists/never-block.txt names, and every parent of one (an entry in that set would cover one). */
function neverBlockCover() {
  const names = readFileSync(join(listsDir, 'never-block.txt'), 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  const cover = new Map();
  for (const n of names) for (const p of selfAndParents(n)) if (p.includes('.') && !cover.has(p)) cover.set(p, n);
  return cover;
}

/** The reviewed exclusions of lists/filters/<id>.txt: name → reason. */
function readExclusions(path) {
  const out = new Map();
  if (!existsSync(path)) return out;
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = line.match(/^(\S+)\s+#\s*(\S.*)$/);
    if (!m || !isName(m[1])) fail(`${path}:${i + 1}: expected "name  # reason", got ${JSON.stringify(line)}`);
    out.set(m[1], m[2].trim());
  });
  return out;
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function importSource(src, cover) {
  const date = commitDate(src.repository, src.commit);
  const { names, invalid } = parseUpstream(gitBlob(src.repository, src.commit, src.path).toString('utf8'), src.format);
  const unique = [...new Set(names)];
  const filterPath = join(listsDir, 'filters', `${src.id}.txt`);
  const exclusions = readExclusions(filterPath);
  const neverDropped = [];
  const used = new Set();
  let excluded = 0;
  const kept = [];
  for (const name of unique) {
    if (cover.has(name)) { neverDropped.push(`${name} (covers ${cover.get(name)})`); continue; }
    if (exclusions.has(name)) { excluded++; used.add(name); continue; }
    kept.push(name);
  }
  const unused = [...exclusions.keys()].filter((n) => !used.has(n));
  if (unused.length) console.warn(`import-sources: ${src.id}: ${unused.length} exclusion(s) match no entry: ${unused.join(', ')}`);
  // A name under another kept name adds nothing (a rule covers its subdomains): drop it, so the
  // shipped file stays small. Sorting by reversed labels puts a parent just before its children.
  const byLabels = (n) => n.split('.').reverse().join('.');
  const keys = new Map(kept.map((n) => [n, byLabels(n)]));
  kept.sort((a, b) => (keys.get(a) < keys.get(b) ? -1 : 1));
  const pruned = [];
  for (const n of kept) {
    const last = pruned[pruned.length - 1];
    if (last && keys.get(n).startsWith(`${keys.get(last)}.`)) continue;
    pruned.push(n);
  }
  const covered = kept.length - pruned.length;
  kept.length = 0;
  kept.push(...pruned.sort());

  const lic = src.licenceFile;
  const licenceBytes = gitBlob(src.repository, lic.commit ?? src.commit, lic.path);
  mkdirSync(join(outDir, 'licences'), { recursive: true });
  writeFileSync(join(outDir, 'licences', lic.name), licenceBytes);

  const header = [
    `# Vigie source snapshot: ${src.id} (${src.title.en})`,
    `# Source: ${src.sourceName}, https://github.com/${src.repository}`,
    `# Upstream file: ${src.repository}:${src.path}@${src.commit} (commit date ${date})`,
    `# Refreshed by a running Vigie from: ${src.url}`,
    `# Licence: ${src.licence} (copy: lists/snapshots/licences/${lic.name}, from ${src.repository}:${lic.path}@${(lic.commit ?? src.commit).slice(0, 7)}); ${src.licenceNote}`,
    ...src.notes.map((n) => `# ${n}`),
    `# Upstream entries: ${unique.length} unique names; ${invalid.length ? `${invalid.length} tokens that are not names skipped (${invalid.length <= 20 ? invalid.join(' ') : 'IP addresses and the like'})` : 'every token is a name'}.`,
    `# Dropped because they equal or cover a never-block.txt name: ${neverDropped.length}${neverDropped.length ? ': ' + neverDropped.join(', ') : ''}.`,
    existsSync(filterPath) ? `# Dropped by the reviewed exclusions of lists/filters/${src.id}.txt: ${excluded}.` : '# No reviewed exclusions for this source (no lists/filters file).',
    `# Dropped because a parent name is already listed (same effect): ${covered}.`,
    `# Entries: ${kept.length}. One name a line; a name covers its subdomains. Generated by scripts/import-sources.mjs: do not edit.`,
  ];
  const body = Buffer.from(`${header.join('\n')}\n${kept.join('\n')}\n`, 'utf8');
  writeFileSync(join(outDir, `${src.id}.txt`), body);
  console.log(`${src.id}: ${kept.length} entries (upstream ${unique.length}, never-block ${neverDropped.length}, excluded ${excluded}, covered ${covered}, not names ${invalid.length})`);

  return {
    id: src.id,
    category: src.category,
    file: `snapshots/${src.id}.txt`,
    url: src.url,
    repository: src.repository,
    path: src.path,
    commit: src.commit,
    date,
    licence: src.licence,
    licenceFile: `snapshots/licences/${lic.name}`,
    sha256: sha256(body),
    entries: kept.length,
    ...(existsSync(filterPath) ? { exclude: `filters/${src.id}.txt` } : {}),
    title: src.title,
    description: src.description,
    defaultOn: src.defaultOn,
    sources: [`${src.repository}:${src.path}@${src.commit}`, src.url, ...src.extraSources],
  };
}

const cover = neverBlockCover();
mkdirSync(outDir, { recursive: true });
const manifest = SOURCES.map((src) => importSource(src, cover));
writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`manifest: ${manifest.length} snapshots written to ${outDir}`);
