#!/usr/bin/env node
// Builds the curated category lists in lists/ from the research table and the repository's own
// source tables.
//
//   node scripts/build-lists.mjs [path/to/risky-domains.tsv]
//
// Inputs, merged in this order (all TSV with '#' comment lines and the columns
// domain, category, service, confidence, source):
//   1. the shared research table (argument; default ../shared/research/risky-domains.tsv relative
//      to the repository root),
//   2. every lists/sources/*.tsv, in file-name order (additions.tsv: risky services found after
//      the research; optional-groups.tsv: mainstream services for the optional groups).
// A domain repeated within one list is kept once: its sources are merged and the highest
// confidence wins. A row that would block a never-block.txt name (the name itself or a parent of
// it) stops the build.
// Output (lists/): one plain-domain file per list, canaries.txt for the names that must answer
// NXDOMAIN, and catalog.json describing every list and which preset turns it on.
// never-block.txt is curated by hand and not touched.
// Every entry line carries its provenance as a trailing comment: "domain  # service — confidence — source".
// Plain Node, no dependencies: it runs before `npm install` has ever happened.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedInput = resolve(process.argv[2] ?? join(repo, '..', 'shared', 'research', 'risky-domains.tsv'));
const outDir = join(repo, 'lists');
const sourcesDir = join(outDir, 'sources');

/** Names that must get NXDOMAIN (not a sinkhole): Firefox's DoH canary and iCloud Private Relay. */
const isCanary = (domain) => domain === 'use-application-dns.net' || /^mask[a-z0-9-]*\.icloud\.com$/.test(domain);

/** Highest first. */
const CONFIDENCE = ['confirmed-list', 'seen-config', 'seen-article', 'seen-code-index', 'guess'];

const PRESETS = ['child', 'teen', 'adult', 'unfiltered'];
/** defaultOn per preset, written in the order of PRESETS. */
const on = (child, teen, adult, unfiltered) => ({ child, teen, adult, unfiltered });

/**
 * Every catalog entry. `file: null` entries ship no file of ours: they suggest a remote
 * `subscription` instead (the loader skips them). `extraSources` are added to the sources computed
 * from the rows.
 */
const LISTS = [
  {
    id: 'anonymous-chat',
    category: 'anonymous-chat',
    file: 'anonymous-chat.txt',
    action: 'sinkhole',
    title: { en: 'Anonymous chat rooms', fr: 'Tchats anonymes' },
    description: {
      en: 'Chat rooms where anyone can talk to your child under a nickname, with no real age check: Coco (closed by the courts in 2024) and its look-alikes, French "tchat" sites, and anonymous question apps used for bullying.',
      fr: "Salons où n'importe qui peut parler à votre enfant sous un pseudo, sans vraie vérification d'âge : Coco (fermé par la justice en 2024) et ses copies, sites de « tchat », applis de questions anonymes propices au harcèlement.",
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'random-video-chat',
    category: 'random-video-chat',
    file: 'random-video-chat.txt',
    action: 'sinkhole',
    title: { en: 'Random video chat', fr: 'Chat vidéo aléatoire' },
    description: {
      en: 'Sites and apps that put your child on camera with a random stranger (Omegle successors, "chat roulettes" and the dozens of look-alike sites run by the same companies). Strangers often show sexual content, and some tools reveal the city of the person in front of them.',
      fr: 'Sites et applis qui mettent votre enfant en caméra face à un inconnu tiré au hasard (successeurs d’Omegle, « chatroulettes » et leurs dizaines de sites jumeaux). Les inconnus y montrent souvent des contenus sexuels, et certains outils révèlent la ville de l’interlocuteur.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'teen-meetup',
    category: 'teen-meetup',
    file: 'teen-meetup.txt',
    action: 'sinkhole',
    title: { en: 'Teen meetup apps', fr: 'Applis de rencontre pour ados' },
    description: {
      en: '"Make new friends" and swipe apps aimed at teenagers (Yubo, Wizz, Hoop...), where adults can pose as teens. Blocked for children. Left open in the teen preset because the largest ones are built for 13-17 year olds and claim to verify ages (Wizz with a selfie check); switch it on if you prefer your teenager not to meet strangers this way.',
      fr: 'Applis « se faire de nouveaux amis » et de swipe visant les ados (Yubo, Wizz, Hoop…), où des adultes peuvent se faire passer pour des ados. Bloqué pour les enfants. Laissé ouvert dans le profil ado, car les principales sont conçues pour les 13-17 ans et disent vérifier l’âge (Wizz par selfie) ; activez-le si vous préférez que votre ado ne rencontre pas d’inconnus ainsi.',
    },
    defaultOn: on(true, false, false, false),
  },
  {
    id: 'dating',
    category: 'dating',
    file: 'dating.txt',
    action: 'sinkhole',
    title: { en: 'Dating and hookup', fr: 'Sites de rencontre' },
    description: {
      en: 'Dating and hookup services for adults (Tinder, Grindr, Badoo, Meetic...). Minors who lie about their age meet adults there.',
      fr: 'Services de rencontre pour adultes (Tinder, Grindr, Badoo, Meetic…). Des mineurs qui mentent sur leur âge y rencontrent des adultes.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'adult',
    category: 'adult',
    file: null,
    subscription: 'https://raw.githubusercontent.com/StevenBlack/hosts/master/alternates/porn-only/hosts',
    action: 'sinkhole',
    title: { en: 'Pornography', fr: 'Pornographie' },
    description: {
      en: 'Pornographic sites. Vigie ships no list of its own here: this entry suggests a large public list to subscribe to (the "porn-only" list of the StevenBlack/hosts project).',
      fr: 'Sites pornographiques. Vigie ne fournit pas sa propre liste : cette entrée propose de s’abonner à une grande liste publique (la liste « porn-only » du projet StevenBlack/hosts).',
    },
    defaultOn: on(true, true, false, false),
    extraSources: [
      'https://github.com/StevenBlack/hosts (alternates/porn-only/hosts; this raw URL is used as the adult list in public configs, code-index ids 17427106931,16994888951)',
      'alternative: https://raw.githubusercontent.com/hagezi/dns-blocklists/main/domains/nsfw.txt (HaGeZi NSFW)',
      'nextdns/metadata:parentalcontrol/categories/porn.json@7b24bdc (the lists NextDNS merges for its porn category)',
    ],
  },
  {
    id: 'bypass',
    category: 'bypass',
    file: 'bypass.txt',
    action: 'sinkhole',
    title: { en: 'Filter bypass (DNS over HTTPS, VPN, proxies)', fr: 'Contournement du filtre (DNS chiffré, VPN, proxys)' },
    description: {
      en: 'Encrypted DNS services, free VPNs and web proxies that would let a device skip this filter entirely.',
      fr: 'Services de DNS chiffré, VPN gratuits et proxys web qui permettraient à un appareil d’échapper complètement à ce filtre.',
    },
    defaultOn: on(true, true, false, false),
  },
  {
    id: 'bypass-canaries',
    category: 'bypass',
    file: 'canaries.txt',
    action: 'nxdomain',
    title: { en: 'Bypass canaries (answered NXDOMAIN)', fr: 'Canaris de contournement (réponse NXDOMAIN)' },
    description: {
      en: 'Names that browsers and phones check before switching to their own encrypted DNS or to iCloud Private Relay; answering "does not exist" makes them keep using this filter. On in every filtered preset.',
      fr: 'Noms que les navigateurs et téléphones testent avant de passer à leur propre DNS chiffré ou au relais privé iCloud ; répondre « n’existe pas » les fait rester sur ce filtre. Actif dans tous les profils filtrés.',
    },
    defaultOn: on(true, true, true, false),
  },
  {
    id: 'social-media',
    category: 'social-media',
    file: 'social-media.txt',
    action: 'sinkhole',
    title: { en: 'Social media', fr: 'Réseaux sociaux' },
    description: {
      en: 'TikTok, Instagram, Snapchat, Facebook, X (Twitter), Reddit, Pinterest, Tumblr, BeReal and similar. Off by default: switch it on for a device or a time slot (homework, night).',
      fr: 'TikTok, Instagram, Snapchat, Facebook, X (Twitter), Reddit, Pinterest, Tumblr, BeReal, etc. Désactivé par défaut : activez-le pour un appareil ou un créneau (devoirs, nuit).',
    },
    defaultOn: on(false, false, false, false),
  },
  {
    id: 'messaging',
    category: 'messaging',
    file: 'messaging.txt',
    action: 'sinkhole',
    title: { en: 'Messaging apps', fr: 'Messageries' },
    description: {
      en: 'WhatsApp, Messenger, Telegram, Signal, Discord and similar. Off by default so a child can still message family; switch it on only for a time slot or a device.',
      fr: 'WhatsApp, Messenger, Telegram, Signal, Discord, etc. Désactivé par défaut pour qu’un enfant puisse toujours écrire à sa famille ; à activer seulement pour un créneau ou un appareil.',
    },
    defaultOn: on(false, false, false, false),
  },
  {
    id: 'gaming',
    category: 'gaming',
    file: 'gaming.txt',
    action: 'sinkhole',
    title: { en: 'Online games', fr: 'Jeux en ligne' },
    description: {
      en: 'Roblox, Fortnite (Epic Games), Minecraft, Steam, PlayStation Network, Xbox Live and similar game platforms. Off by default: useful for homework or night time slots.',
      fr: 'Roblox, Fortnite (Epic Games), Minecraft, Steam, PlayStation Network, Xbox Live et plateformes de jeu similaires. Désactivé par défaut : utile pour les créneaux devoirs ou nuit.',
    },
    defaultOn: on(false, false, false, false),
  },
  {
    id: 'video-streaming',
    category: 'video-streaming',
    file: 'video-streaming.txt',
    action: 'sinkhole',
    title: { en: 'Video and streaming', fr: 'Vidéo et streaming' },
    description: {
      en: 'YouTube, Twitch, Netflix, Disney+, Prime Video and similar. Off by default. Blocking YouTube also removes videos embedded in school sites.',
      fr: 'YouTube, Twitch, Netflix, Disney+, Prime Video, etc. Désactivé par défaut. Bloquer YouTube retire aussi les vidéos intégrées aux sites scolaires.',
    },
    defaultOn: on(false, false, false, false),
  },
];

function readRows(path) {
  const rows = [];
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const cols = line.split('\t').map((c) => c.trim());
    if (cols.length !== 5 || cols.some((c) => c === '')) throw new Error(`${path}:${i + 1}: expected 5 non-empty tab-separated columns`);
    const [domain, category, service, confidence, source] = cols;
    if (!CONFIDENCE.includes(confidence)) throw new Error(`${path}:${i + 1}: unknown confidence '${confidence}' (one of ${CONFIDENCE.join(', ')})`);
    const name = domain.toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(name)) throw new Error(`${path}:${i + 1}: '${domain}' is not a plain domain name`);
    if (/[—]/.test(service) || /[—]/.test(source)) throw new Error(`${path}:${i + 1}: the em dash is the comment separator; use '-' in service and source`);
    rows.push({ domain: name, category, service, confidence, source, where: `${path}:${i + 1}` });
  });
  return rows;
}

function listFor(row) {
  if (isCanary(row.domain)) return LISTS.find((l) => l.id === 'bypass-canaries');
  const list = LISTS.find((l) => l.id === row.category && l.file !== null);
  if (!list) throw new Error(`${row.where}: unknown category ${row.category} for ${row.domain}`);
  return list;
}

const splitSources = (source) => source.split(' ; ').map((s) => s.trim()).filter((s) => s !== '');

/** Short form of one source for catalog.json: repository, web host or 'code-index'. */
function sourceKey(source) {
  if (source.startsWith('code-index')) return 'search code index (ids cited per entry)';
  const url = source.match(/^https?:\/\/([^/\s]+)/);
  if (url) return url[1].replace(/^www\./, '');
  const repoPath = source.match(/^([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+):/);
  if (repoPath) return repoPath[1];
  return source.split(' ')[0];
}

function readNeverBlock() {
  const path = join(outDir, 'never-block.txt');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim().toLowerCase())
    .filter((l) => l !== '');
}

function header(list, sourceNames, count) {
  const answer = list.action === 'nxdomain'
    ? 'Answer: NXDOMAIN (never a sinkhole address), so the client falls back to this resolver.'
    : 'Answer: the configured block answer (sinkhole).';
  const presets = PRESETS.filter((p) => list.defaultOn[p]);
  return [
    `# Vigie list: ${list.id} (category: ${list.category})`,
    `# ${list.title.en} — ${list.description.en}`,
    `# ${answer}`,
    `# On by default in the presets: ${presets.length > 0 ? presets.join(', ') : 'none (optional group, a parent switches it on)'}.`,
    `# Generated by scripts/build-lists.mjs from ${sourceNames.join(' + ')} — edit those TSV files, not this file.`,
    '# Format: one domain a line; one rule covers the name and every subdomain (coco.gg also blocks www.coco.gg).',
    '# Each entry ends with "# service — confidence — source". Confidence scale: confirmed-list > seen-config >',
    '# seen-article > seen-code-index > guess (see lists/README.md).',
    `# Entries: ${count}`,
    '',
  ];
}

// ---- read every input ----
if (!existsSync(sharedInput)) {
  console.error(`build-lists: the research table ${sharedInput} is missing; pass its path as the first argument.`);
  process.exit(2);
}
const inputs = [sharedInput];
if (existsSync(sourcesDir)) {
  for (const name of readdirSync(sourcesDir).filter((n) => n.endsWith('.tsv')).sort()) inputs.push(join(sourcesDir, name));
}
const sourceNames = inputs.map((p) => (relative(repo, p).startsWith('..') ? 'research/risky-domains.tsv' : relative(repo, p)));

const neverBlock = readNeverBlock();
const byList = new Map(LISTS.filter((l) => l.file !== null).map((l) => [l.id, new Map()]));
const firstListOf = new Map();
let merged = 0;
for (const input of inputs) {
  for (const row of readRows(input)) {
    const covered = neverBlock.filter((n) => n === row.domain || n.endsWith(`.${row.domain}`));
    if (covered.length > 0) throw new Error(`${row.where}: ${row.domain} would block never-block name(s) ${covered.join(', ')}; list exact hostnames instead`);
    const list = listFor(row);
    const entries = byList.get(list.id);
    const seen = entries.get(row.domain);
    if (!seen) {
      entries.set(row.domain, { ...row, source: splitSources(row.source).join(' ; ') });
      const other = firstListOf.get(row.domain);
      if (other && other !== list.id) console.warn(`note: ${row.domain} is in both ${other} and ${list.id}`);
      else firstListOf.set(row.domain, list.id);
      continue;
    }
    merged++;
    const parts = splitSources(seen.source);
    for (const s of splitSources(row.source)) if (!parts.includes(s)) parts.push(s);
    seen.source = parts.join(' ; ');
    if (CONFIDENCE.indexOf(row.confidence) < CONFIDENCE.indexOf(seen.confidence)) seen.confidence = row.confidence;
  }
}

// ---- write the lists ----
mkdirSync(outDir, { recursive: true });
const computedSources = new Map();
for (const list of LISTS) {
  if (list.file === null) continue;
  const entries = [...byList.get(list.id).values()];
  if (entries.length === 0) throw new Error(`list ${list.id} has no entries`);
  const width = Math.max(...entries.map((e) => e.domain.length)) + 2;
  const body = entries.map((e) => `${e.domain.padEnd(width)}# ${e.service} — ${e.confidence} — ${e.source}`);
  writeFileSync(join(outDir, list.file), [...header(list, sourceNames, entries.length), ...body, ''].join('\n'));
  const counts = new Map();
  for (const e of entries) for (const s of new Set(splitSources(e.source).map(sourceKey))) counts.set(s, (counts.get(s) ?? 0) + 1);
  computedSources.set(list.id, [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k));
  console.log(`${list.file}: ${entries.length} entries`);
}
if (merged > 0) console.log(`(${merged} repeated rows merged into existing entries)`);

// ---- catalog.json ----
const catalog = LISTS.map((l) => ({
  id: l.id,
  category: l.category,
  file: l.file,
  ...(l.subscription ? { subscription: l.subscription } : {}),
  action: l.action,
  title: l.title,
  description: l.description,
  defaultOn: l.defaultOn,
  sources: [...(l.extraSources ?? []), ...(computedSources.get(l.id) ?? [])],
}));
writeFileSync(join(outDir, 'catalog.json'), JSON.stringify(catalog, null, 2) + '\n');
console.log(`catalog.json: ${catalog.length} entries (${catalog.filter((c) => c.file === null).length} subscription-only)`);
