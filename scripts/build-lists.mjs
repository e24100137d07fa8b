#!/usr/bin/env node
// Builds the curated category lists in lists/ from the research table.
//
//   node scripts/build-lists.mjs [path/to/risky-domains.tsv]
//
// Input: a TSV with a '#' header line and the columns domain, category, service, confidence, source
// (default: ../shared/research/risky-domains.tsv relative to the repository root).
// Output (lists/): one plain-domain file per category, canaries.txt for the names that must answer
// NXDOMAIN, and catalog.json describing them. never-block.txt is curated by hand and not touched.
// Every entry line carries its provenance as a trailing comment: "domain  # service — confidence — source".
// Plain Node, no dependencies: it runs before `npm install` has ever happened.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const input = resolve(process.argv[2] ?? join(repo, '..', 'shared', 'research', 'risky-domains.tsv'));
const outDir = join(repo, 'lists');

/** Names that must get NXDOMAIN (not a sinkhole): Firefox's DoH canary and iCloud Private Relay. */
const isCanary = (domain) => domain === 'use-application-dns.net' || /^mask[a-z0-9-]*\.icloud\.com$/.test(domain);

const LISTS = [
  {
    id: 'anonymous-chat',
    category: 'anonymous-chat',
    file: 'anonymous-chat.txt',
    action: 'sinkhole',
    title: { en: 'Anonymous chat rooms', fr: 'Tchats anonymes' },
    description: {
      en: 'Anonymous text chat rooms without real age checks (Coco and its clones, French "tchat" sites).',
      fr: "Salons de tchat anonymes sans vraie vérification d'âge (Coco et ses clones, sites de tchat).",
    },
  },
  {
    id: 'random-video-chat',
    category: 'random-video-chat',
    file: 'random-video-chat.txt',
    action: 'sinkhole',
    title: { en: 'Random video chat', fr: 'Chat vidéo aléatoire' },
    description: {
      en: 'Omegle successors, chat roulettes and their mirror networks: video calls with random strangers.',
      fr: 'Successeurs d’Omegle, « chatroulettes » et leurs miroirs : appels vidéo avec des inconnus tirés au hasard.',
    },
  },
  {
    id: 'teen-meetup',
    category: 'teen-meetup',
    file: 'teen-meetup.txt',
    action: 'sinkhole',
    title: { en: 'Teen meetup apps', fr: 'Applis de rencontre pour ados' },
    description: {
      en: '"Make new friends" and swipe apps aimed at teenagers, where adults can pose as teens.',
      fr: 'Applis « se faire de nouveaux amis » et de swipe visant les ados, où des adultes peuvent se faire passer pour des ados.',
    },
  },
  {
    id: 'dating',
    category: 'dating',
    file: 'dating.txt',
    action: 'sinkhole',
    title: { en: 'Dating and hookup', fr: 'Sites de rencontre' },
    description: {
      en: 'Adult dating and hookup services.',
      fr: 'Services de rencontre et de plans pour adultes.',
    },
  },
  {
    id: 'bypass',
    category: 'bypass',
    file: 'bypass.txt',
    action: 'sinkhole',
    title: { en: 'Filter bypass (DNS over HTTPS, VPN, proxies)', fr: 'Contournement du filtre (DNS chiffré, VPN, proxys)' },
    description: {
      en: 'Encrypted DNS resolvers, free VPNs and web proxies that would let a device skip this filter.',
      fr: 'Résolveurs DNS chiffrés, VPN gratuits et proxys web qui permettraient à un appareil d’échapper à ce filtre.',
    },
  },
  {
    id: 'bypass-canaries',
    category: 'bypass',
    file: 'canaries.txt',
    action: 'nxdomain',
    title: { en: 'Bypass canaries (answered NXDOMAIN)', fr: 'Canaris de contournement (réponse NXDOMAIN)' },
    description: {
      en: 'Names that browsers and phones check before using their own encrypted DNS or iCloud Private Relay; an NXDOMAIN answer makes them keep using this filter.',
      fr: 'Noms que les navigateurs et téléphones testent avant d’utiliser leur propre DNS chiffré ou le relais privé iCloud ; une réponse NXDOMAIN les fait rester sur ce filtre.',
    },
  },
];

function readRows(path) {
  const rows = [];
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t').map((c) => c.trim());
    if (cols.length !== 5 || cols.some((c) => c === '')) throw new Error(`${path}:${i + 1}: expected 5 non-empty columns`);
    const [domain, category, service, confidence, source] = cols;
    rows.push({ domain: domain.toLowerCase().replace(/\.$/, ''), category, service, confidence, source });
  });
  return rows;
}

function listFor(row) {
  if (isCanary(row.domain)) return LISTS.find((l) => l.id === 'bypass-canaries');
  const list = LISTS.find((l) => l.id === row.category);
  if (!list) throw new Error(`unknown category ${row.category} for ${row.domain}`);
  return list;
}

function header(list, source, count) {
  const sinkhole = list.action === 'nxdomain'
    ? 'Answer: NXDOMAIN (never a sinkhole address), so the client falls back to this resolver.'
    : 'Answer: the configured block answer (sinkhole).';
  return [
    `# Vigie list: ${list.id} (category: ${list.category})`,
    `# ${list.title.en} — ${list.description.en}`,
    `# ${sinkhole}`,
    `# Generated by scripts/build-lists.mjs from ${source} — edit the TSV, not this file.`,
    '# Format: one domain a line; one rule covers the name and every subdomain (coco.gg also blocks www.coco.gg).',
    '# Each entry ends with "# service — confidence — source". Confidence scale: confirmed-list > seen-config >',
    '# seen-article > seen-code-index > guess (see research/risky-domains.md section 1).',
    `# Entries: ${count}`,
    '',
  ];
}

const rows = readRows(input);
const byList = new Map(LISTS.map((l) => [l.id, new Map()]));
for (const row of rows) {
  const entries = byList.get(listFor(row).id);
  if (!entries.has(row.domain)) entries.set(row.domain, row);
}

mkdirSync(outDir, { recursive: true });
const sourceName = relative(repo, input).startsWith('..') ? 'research/risky-domains.tsv' : relative(repo, input);
for (const list of LISTS) {
  const entries = [...byList.get(list.id).values()];
  const width = Math.max(...entries.map((e) => e.domain.length)) + 2;
  const body = entries.map((e) => `${e.domain.padEnd(width)}# ${e.service} — ${e.confidence} — ${e.source}`);
  writeFileSync(join(outDir, list.file), [...header(list, sourceName, entries.length), ...body, ''].join('\n'));
  console.log(`${list.file}: ${entries.length} entries`);
}

const catalog = LISTS.map(({ id, category, file, action, title, description }) => ({
  id, category, file, action, title, description, defaultOn: true,
}));
writeFileSync(join(outDir, 'catalog.json'), JSON.stringify(catalog, null, 2) + '\n');
console.log(`catalog.json: ${catalog.length} lists`);
