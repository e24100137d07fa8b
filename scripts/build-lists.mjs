#!/usr/bin/env node
// Builds Vigie's block lists and lists/catalog.json (version 2) from the repository alone.
//
//   node scripts/build-lists.mjs
//
// Inputs (all under lists/):
//   services/<category>.json  the source of truth: one array of services per category, each with its
//                             domains, their role, confidence and sources (see lists/README.md);
//   never-block.txt           names no rule may equal or cover (curated by hand);
//   snapshots/manifest.json   optional: public lists kept as snapshots (written by the snapshot
//                             tooling); each entry becomes a catalog list of kind "source".
// Outputs (lists/): <category>.txt for every category with services, canaries.txt for the names that
// must answer NXDOMAIN, catalog.json. Every entry line carries its provenance as a trailing comment:
// "domain  # service — confidence — source ; source".
// The build refuses (exit 1, one message per problem): a service or domain without a source, a
// service without a domain, an invalid domain, a domain in two services, a duplicated service id or
// one equal to a list id, a rule equal to or covering a never-block name.
// Plain Node, no dependencies: it runs before `npm install` has ever happened.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORY_LISTS, PRESETS, isCanary } from './lists/categories.mjs';
import { checkAcrossServices, checkServiceFile, isDomain } from './lists/checks.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const listsDir = join(repo, 'lists');
const servicesDir = join(listsDir, 'services');
const manifestPath = join(listsDir, 'snapshots', 'manifest.json');

function fail(messages) {
  console.error(`build-lists: refused, ${messages.length} problem(s):`);
  for (const m of messages) console.error(`  - ${m}`);
  process.exit(1);
}

function readJson(path, label) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    fail([`${label}: not valid JSON (${e.message})`]);
  }
}

function readNeverBlock() {
  const path = join(listsDir, 'never-block.txt');
  if (!existsSync(path)) return [];
  const names = readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.replace(/#.*$/, '').trim().toLowerCase()).filter((l) => l !== '');
  const bad = names.filter((n) => !isDomain(n));
  if (bad.length > 0) fail(bad.map((n) => `never-block.txt: '${n}' is not a valid domain name`));
  return names;
}

/** The snapshot manifest's entries, validated; [] when the manifest is absent. */
function readManifest(reservedIds) {
  if (!existsSync(manifestPath)) return [];
  const entries = readJson(manifestPath, 'snapshots/manifest.json');
  if (!Array.isArray(entries)) fail(['snapshots/manifest.json: expected a JSON array']);
  const errors = [];
  const ids = new Set();
  for (const [i, e] of entries.entries()) {
    const where = `snapshots/manifest.json: entry ${typeof e?.id === 'string' ? `'${e.id}'` : `#${i + 1}`}`;
    for (const key of ['id', 'category', 'file', 'url', 'licence']) if (typeof e?.[key] !== 'string' || e[key] === '') errors.push(`${where}: missing "${key}"`);
    if (typeof e?.title?.en !== 'string' || typeof e?.title?.fr !== 'string') errors.push(`${where}: title needs "en" and "fr"`);
    if (typeof e?.description?.en !== 'string' || typeof e?.description?.fr !== 'string') errors.push(`${where}: description needs "en" and "fr"`);
    if (!PRESETS.every((p) => typeof e?.defaultOn?.[p] === 'boolean')) errors.push(`${where}: defaultOn needs a boolean per preset (${PRESETS.join(', ')})`);
    if (typeof e?.id === 'string') {
      if (reservedIds.has(e.id) || ids.has(e.id)) errors.push(`${where}: id already used by another list or service`);
      ids.add(e.id);
    }
    if (typeof e?.file === 'string' && !existsSync(join(listsDir, e.file))) errors.push(`${where}: file lists/${e.file} is missing`);
  }
  if (errors.length > 0) fail(errors);
  return entries;
}

/** Short form of one source for a catalog list entry: repository, web host or 'code-index'. */
function sourceKey(source) {
  if (source.startsWith('code-index')) return 'search code index (ids cited per entry)';
  const url = source.match(/^https?:\/\/([^/\s]+)/);
  if (url) return url[1].replace(/^www\./, '');
  const repoPath = source.match(/^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+):/);
  if (repoPath) return repoPath[1];
  return source.split(' ')[0];
}

function header(list, count) {
  const answer = list.action === 'nxdomain'
    ? 'Answer: NXDOMAIN (never a sinkhole address), so the client falls back to this resolver.'
    : 'Answer: the configured block answer (sinkhole).';
  const presets = PRESETS.filter((p) => list.defaultOn[p]);
  return [
    `# Vigie list: ${list.id} (category: ${list.category})`,
    `# ${list.title.en} — ${list.description.en}`,
    `# ${answer}`,
    `# On by default in the presets: ${presets.length > 0 ? presets.join(', ') : 'none (optional group, a parent switches it on)'}.`,
    '# GENERATED by scripts/build-lists.mjs from lists/services/*.json — edit those files, then rebuild.',
    '# Format: one domain a line; one rule covers the name and every subdomain (coco.gg also blocks www.coco.gg).',
    '# Each entry ends with "# service — confidence — source". Confidence scale: confirmed-list > seen-config >',
    '# seen-article > seen-code-index > guess (see lists/README.md).',
    `# Entries: ${count}`,
    '',
  ];
}

// ---- read and check the services ----
const categoryIds = new Set(CATEGORY_LISTS.map((l) => l.category));
const reservedIds = new Set([...CATEGORY_LISTS.map((l) => l.id), ...categoryIds]);
if (!existsSync(servicesDir)) fail(['lists/services/ is missing: it holds the services the lists are built from']);
const errors = [];
const services = [];
for (const file of readdirSync(servicesDir).filter((n) => n.endsWith('.json')).sort()) {
  const category = file.slice(0, -'.json'.length);
  if (!categoryIds.has(category)) { errors.push(`services/${file}: unknown category '${category}' (one of ${[...categoryIds].join(', ')})`); continue; }
  const parsed = readJson(join(servicesDir, file), `services/${file}`);
  const fileErrors = checkServiceFile(`services/${file}`, category, parsed, reservedIds);
  errors.push(...fileErrors);
  // Cross-service checks also run on a file with problems, so every message comes out at once.
  if (Array.isArray(parsed)) {
    for (const s of parsed) if (typeof s?.id === 'string' && Array.isArray(s.domains)) services.push({ ...s, domains: s.domains.filter((d) => isDomain(d?.name)), file: `services/${file}` });
  }
}
errors.push(...checkAcrossServices(services, readNeverBlock()));
if (errors.length > 0) fail(errors);
const serviceIds = new Set(services.map((s) => s.id));
const manifest = readManifest(new Set([...reservedIds, ...serviceIds]));

// ---- write the list files ----
/** Entries per list id: canary names go to bypass-canaries whatever their service's category. */
const entries = new Map(CATEGORY_LISTS.map((l) => [l.id, []]));
for (const s of services) {
  for (const d of s.domains) {
    const listId = isCanary(d.name) ? 'bypass-canaries' : CATEGORY_LISTS.find((l) => l.category === s.category && l.kind !== 'canaries').id;
    entries.get(listId).push({ domain: d.name, line: `# ${s.name.en} — ${d.confidence} — ${d.sources.join(' ; ')}`, sources: d.sources });
  }
}
const lists = [];
for (const list of CATEGORY_LISTS) {
  const rows = entries.get(list.id);
  if (rows.length === 0) continue;
  const file = list.file ?? `${list.id}.txt`;
  const width = Math.max(...rows.map((e) => e.domain.length)) + 2;
  const body = rows.map((e) => `${e.domain.padEnd(width)}${e.line}`);
  writeFileSync(join(listsDir, file), [...header(list, rows.length), ...body, ''].join('\n'));
  const counts = new Map();
  for (const e of rows) for (const k of new Set(e.sources.map(sourceKey))) counts.set(k, (counts.get(k) ?? 0) + 1);
  const sources = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const { title, description, defaultOn, action, category, id } = list;
  lists.push({ id, category, file, action, title, description, defaultOn, sources, kind: list.kind ?? 'services' });
  console.log(`${file}: ${rows.length} entries`);
}
for (const e of manifest) {
  lists.push({
    id: e.id, category: e.category, file: e.file, subscription: e.url, action: 'sinkhole',
    title: e.title, description: e.description, defaultOn: e.defaultOn,
    sources: Array.isArray(e.sources) && e.sources.length > 0 ? e.sources : [e.url],
    kind: 'source', licence: e.licence, ...(e.exclude ? { exclude: e.exclude } : {}),
  });
}

// ---- catalog.json (version 2) ----
const order = CATEGORY_LISTS.map((l) => l.category);
const catalogServices = [...services]
  .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category))
  .map((s) => ({
    id: s.id, name: s.name, category: s.category, domains: s.domains.map((d) => d.name), reviewed: s.reviewed,
    sources: [...new Set(s.domains.flatMap((d) => d.sources))],
  }));
writeFileSync(join(listsDir, 'catalog.json'), JSON.stringify({ version: 2, lists, services: catalogServices }, null, 2) + '\n');
const domainCount = catalogServices.reduce((n, s) => n + s.domains.length, 0);
console.log(`catalog.json: ${lists.length} lists (${manifest.length} source snapshots), ${catalogServices.length} services, ${domainCount} domains`);
