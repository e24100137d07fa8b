#!/usr/bin/env node
// For each curated service, lists the names that a source snapshot holds and the service lacks, so
// a maintainer can review them (add to the service, or leave them to the snapshot).
//
//   node scripts/lists-check.mjs [--json] [--lists DIR]
//
// Services come from lists/catalog.json (`services` array, catalog v2) or, when the catalog has
// none yet, from lists/services/*.json. Snapshots come from lists/snapshots/manifest.json.
// A snapshot name is reported for a service when it is not already covered by one of the
// service's rules and:
//   parent   it is a parent of a service domain (the snapshot blocks more than the service);
//   sibling  it sits under the same registrable domain as a service domain (chat.nrj.fr → radio.nrj.fr);
//   brand    its brand label (the label left of the public suffix) equals one of the service's
//            brand labels (yubo.live → "yubo": yubo.fr, api.yubo.app);
//   in-name  it contains a distinctive brand label of 5+ characters (chatroulette → chatroulettefr.com).
// One line per name (the first kind above that applies), naming every snapshot that holds it.
// Always exits 0 with a report (2 on unreadable input): it is a review aid, not a gate.
// Plain Node, no dependencies.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let listsDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'lists');
let asJson = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--json') asJson = true;
  else if (args[i] === '--lists' && args[i + 1]) listsDir = resolve(args[++i]);
  else fail(`unknown argument ${JSON.stringify(args[i])} (usage: lists-check [--json] [--lists DIR])`);
}

function fail(message) {
  console.error(`lists-check: ${message}`);
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return fail(`cannot read ${path}: ${err.message}`);
  }
}

const names = (text) => text.split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0]).filter(Boolean);

/** Two-label public suffixes common in the lists (no PSL dependency: a close-enough subset). */
const SUFFIX2 = new Set(
  'co.uk org.uk me.uk ac.uk com.au net.au org.au com.br net.br com.ar com.mx co.jp ne.jp or.jp co.nz co.za co.in co.il com.ua kiev.ua com.tr com.cn com.tw com.hk co.kr com.pl com.sg com.my co.id com.co com.pe com.ve com.es com.ru'.split(' '),
);
/** Shared hosts whose customers get a subdomain: the customer's label is the brand, not the host's. */
const PLATFORMS = new Set(
  'free.fr blogspot.com tumblr.com wordpress.com github.io herokuapp.com firebaseapp.com web.app netlify.app appspot.com fc2.com tripod.com app.link ifrance.com skyrock.com'.split(' '),
);
const neverBlock = new Set(existsSync(join(listsDir, 'never-block.txt')) ? names(readFileSync(join(listsDir, 'never-block.txt'), 'utf8')) : []);
const isShared = (domain) => PLATFORMS.has(domain) || neverBlock.has(domain);

/** The registrable domain of `name` (one label under the suffix, or under a shared platform). */
function registrable(name) {
  const labels = name.split('.');
  let n = SUFFIX2.has(labels.slice(-2).join('.')) ? 3 : 2;
  while (n < labels.length && isShared(labels.slice(-n).join('.'))) n++;
  return labels.slice(-Math.min(n, labels.length)).join('.');
}
const brandOf = (name) => registrable(name).split('.')[0];
const covers = (rule, name) => name === rule || name.endsWith(`.${rule}`);

/** Words that are no brand, as a whole label. */
const GENERIC = new Set('dns doh dot vpn proxy chat tchat free web app api www cdn mail video live online secure private cloud home net'.split(' '));
/** Words too common to flag a name that merely contains them. */
const LOOSE = new Set('dating match meetic webcam unblock global social gratuit freevpn'.split(' '));

function loadServices() {
  const catalogPath = join(listsDir, 'catalog.json');
  const catalog = existsSync(catalogPath) ? readJson(catalogPath) : null;
  let raw;
  let from;
  if (catalog && !Array.isArray(catalog) && Array.isArray(catalog.services)) {
    raw = catalog.services;
    from = 'catalog.json';
  } else {
    const dir = join(listsDir, 'services');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
    raw = files.flatMap((f) => {
      const data = readJson(join(dir, f));
      if (!Array.isArray(data)) fail(`services/${f}: expected an array of services`);
      return data;
    });
    from = files.length ? `services/*.json (${files.length} files)` : 'nothing (no services yet)';
  }
  const services = raw.map((s, i) => {
    if (!s || typeof s.id !== 'string' || !Array.isArray(s.domains)) fail(`${from}: service ${i} has no id or no domains array`);
    // Catalog v2 gives domain strings; the source files give { name, role, ... } objects.
    const domains = s.domains.map((d) => (typeof d === 'string' ? d : d?.name));
    if (domains.some((d) => typeof d !== 'string' || !d.includes('.'))) fail(`${from}: service ${s.id} has a domain that is not a name`);
    const name = typeof s.name === 'string' ? s.name : s.name?.en ?? s.id;
    return { id: s.id, name, category: s.category ?? '', domains: domains.map((d) => d.toLowerCase()) };
  });
  return { services, from };
}

function loadSnapshots() {
  const path = join(listsDir, 'snapshots', 'manifest.json');
  if (!existsSync(path)) return [];
  const manifest = readJson(path);
  if (!Array.isArray(manifest)) fail('snapshots/manifest.json: expected an array');
  return manifest.map((e) => {
    if (typeof e?.id !== 'string' || typeof e.file !== 'string') fail('snapshots/manifest.json: an entry lacks id or file');
    const file = join(listsDir, e.file);
    if (!existsSync(file)) fail(`${e.file} (snapshot ${e.id}) is missing`);
    return { id: e.id, names: names(readFileSync(file, 'utf8')) };
  });
}

/** Every snapshot name, indexed by brand label and by registrable domain. */
function indexSnapshots(snapshots) {
  const byBrand = new Map();
  const byRegistrable = new Map();
  const all = [];
  for (const snap of snapshots) {
    for (const domain of snap.names) {
      const item = { domain, snapshot: snap.id };
      all.push(item);
      const brand = brandOf(domain);
      if (!byBrand.has(brand)) byBrand.set(brand, []);
      byBrand.get(brand).push(item);
      const reg = registrable(domain);
      if (!byRegistrable.has(reg)) byRegistrable.set(reg, []);
      byRegistrable.get(reg).push(item);
    }
  }
  return { byBrand, byRegistrable, all };
}

/** Kinds of finding, most telling first (a parent blocks more than the service means to). */
const KINDS = ['parent', 'sibling', 'brand', 'in-name'];

function checkService(service, index) {
  // One finding per name: the strongest kind wins, and every snapshot holding the name is listed.
  const found = new Map();
  const add = (item, kind, reason) => {
    if (service.domains.some((d) => covers(d, item.domain))) return;
    const seen = found.get(item.domain);
    if (!seen) found.set(item.domain, { domain: item.domain, snapshots: [item.snapshot], kind, reason });
    else {
      if (!seen.snapshots.includes(item.snapshot)) seen.snapshots.push(item.snapshot);
      if (KINDS.indexOf(kind) < KINDS.indexOf(seen.kind)) Object.assign(seen, { kind, reason });
    }
  };
  for (const d of service.domains) {
    for (const item of index.byRegistrable.get(registrable(d)) ?? []) {
      if (covers(item.domain, d)) add(item, 'parent', `blocks ${item.domain}, a parent of the service's ${d}`);
      else add(item, 'sibling', `under ${registrable(d)}, like the service's ${d}`);
    }
  }
  // A generic word ("dns" of dns.google, "chat" of chat.nrj.fr) is no brand: it would flag every
  // resolver or every chat site.
  const brands = new Set(service.domains.map(brandOf).filter((b) => b.length >= 3 && !GENERIC.has(b)));
  for (const brand of brands) {
    for (const item of index.byBrand.get(brand) ?? []) add(item, 'brand', `brand "${brand}"`);
    if (brand.length < 5 || LOOSE.has(brand)) continue;
    for (const item of index.all) if (item.domain.includes(brand)) add(item, 'in-name', `contains "${brand}"`);
  }
  for (const f of found.values()) f.snapshots.sort();
  return [...found.values()].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || a.domain.localeCompare(b.domain));
}

const { services, from } = loadServices();
const snapshots = loadSnapshots();
const index = indexSnapshots(snapshots);
const report = services
  .map((s) => ({ id: s.id, name: s.name, category: s.category, candidates: checkService(s, index) }))
  .filter((r) => r.candidates.length > 0);

if (asJson) {
  const summary = { services: services.length, snapshots: snapshots.map((s) => s.id), servicesWithCandidates: report.length };
  process.stdout.write(`${JSON.stringify({ from, summary, report }, null, 2)}\n`);
} else {
  console.log(`lists-check: ${services.length} services from ${from}; snapshots: ${snapshots.map((s) => `${s.id} (${s.names.length})`).join(', ') || 'none'}`);
  if (report.length === 0) console.log('Nothing to review: no snapshot name looks like a missing domain of a service.');
  for (const r of report) {
    console.log(`\n${r.id} (${r.name}, ${r.category}): ${r.candidates.length} name(s) to review`);
    for (const c of r.candidates) console.log(`  ${c.domain.padEnd(40)} ${c.kind.padEnd(8)} in ${c.snapshots.join(', ')}: ${c.reason}`);
  }
  console.log(`\n${report.length} service(s) with names to review. Add a name to the service (with a source), or leave it to the snapshot.`);
}
