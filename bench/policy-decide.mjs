// The policy decision alone, per query, in CPU ns: what the previous release did on the query path
// (one matcher lookup) against what this one does (identify the device, read the override and the
// schedule table for the local minute, then the profile's matcher lookup).
// Usage: node bench/policy-decide.mjs LIST QUERIES   (after `npm run build`; no network at all)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../dist/blocklists/load-catalog.js';
import { buildPolicySnapshot } from '../dist/policy/build-snapshot.js';
import { BUILT_IN_PROFILES } from '../dist/policy/read-policy.js';

const [list, queries] = process.argv.slice(2);
const names = readFileSync(queries, 'utf8').split('\n').slice(0, 50_000).map((l) => l.split(' ')[0]).filter(Boolean);
// Half the names blocked (from the list), half not (made up under .example.test).
const mixed = names.flatMap((n, i) => [n, `host${i}.example.test`]);
const loaded = await loadCatalog(fileURLToPath(new URL('../lists/', import.meta.url)), { extraLists: [{ path: list }] });
const now = Date.UTC(2026, 10, 25, 20, 30); // a Wednesday, 21:30 in Paris
const all = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const windows = [
  { id: 1, profileId: 'child', label: 'school nights', days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: 21 * 60, end: 7 * 60, mode: 'block', categories: ['social-media', 'gaming'], allow: [], enabled: true },
  { id: 2, profileId: 'teen', label: 'bedtime', days: all, start: 23 * 60, end: 6 * 60, mode: 'bedtime', categories: [], allow: ['wikipedia.org'], enabled: true },
];
const devices = Array.from({ length: 20 }, (_, i) => ({
  id: `ip:192.168.1.${10 + i}`, mac: null, randomizedMac: false, ip: `192.168.1.${10 + i}`, addresses: [`192.168.1.${10 + i}`],
  hostname: null, name: `device ${i}`, profileId: ['child', 'teen', 'adult', null][i % 4], firstSeen: 0, lastSeen: now - i,
}));
const snapshot = buildPolicySnapshot({
  loaded, profiles: BUILT_IN_PROFILES, rules: [], windows, devices, overrides: [{ deviceId: 'ip:192.168.1.13', kind: 'pause', until: now + 60_000, createdAt: now }],
  defaultProfileId: 'child', timeZone: 'Europe/Paris', blockMode: 'null', builtAt: now,
});

function cpuNs(fn) {
  const t0 = process.cpuUsage();
  const n = fn();
  const used = process.cpuUsage(t0);
  return ((used.user + used.system) * 1000) / n;
}
let sink = 0;
const matcher = loaded.blocklist;
const cases = {
  'previous release: matcher.match': () => {
    for (const name of mixed) if (matcher.match(name) !== null) sink++;
    return mixed.length;
  },
  'this release: known device, window active': () => {
    for (let i = 0; i < mixed.length; i++) if (snapshot.identify('192.168.1.10', null).decide(mixed[i], now) !== null) sink++;
    return mixed.length;
  },
  'this release: unknown device, default profile': () => {
    for (let i = 0; i < mixed.length; i++) if (snapshot.identify('192.168.1.200', null).decide(mixed[i], now) !== null) sink++;
    return mixed.length;
  },
};
// Rounds interleave the cases in a rotating order, so machine noise hits all of them alike.
const labels = Object.keys(cases);
const samples = Object.fromEntries(labels.map((l) => [l, []]));
for (const l of labels) cases[l](); // warm-up
const ROUNDS = Number(process.env.ROUNDS ?? 9);
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < labels.length; k++) {
    const l = labels[(r + k) % labels.length];
    samples[l].push(cpuNs(cases[l]));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(samples[labels[0]]);
for (const l of labels) {
  const m = median(samples[l]);
  console.log(`${l.padEnd(46)} ${m.toFixed(0)} ns CPU/query (median of ${ROUNDS}; ${(m / base).toFixed(2)}× the previous release)`);
}
if (sink === 0) throw new Error('nothing blocked: the bench is not measuring what it says');
