// In-process cost of Vigie's query path without sockets: parse + pipeline + encode, per query,
// for blocked names and cache hits, with the 1M list. Usage: node bench/hot-path.mjs LIST QUERIES
// (run after `npm run build`; no network traffic at all).
// HOT_PATH_CLIENT: the client address the packets claim (default 127.0.0.1; a home address such as
// 192.168.1.10 exercises device identification as on a real network — nothing is sent to it).
// HOT_PATH_WINDOW=1: when the build has schedules, give the default profile a window active all
// week (block social-media), so every decision reads the schedule table.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../dist/config.js';
import { buildQuery } from '../dist/dns/message-builder.js';
import { startVigie } from '../dist/main.js';

const [list, queries] = process.argv.slice(2);
const names = readFileSync(queries, 'utf8').split('\n').slice(0, 50_000).map((l) => l.split(' ')[0]).filter(Boolean);
const packets = names.map((n, i) => buildQuery({ id: (i % 65535) + 1, name: n, type: 1 }));
const config = loadConfig({ env: { VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: '0', VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS_PORT: '0', VIGIE_UPSTREAMS: '127.0.0.1:9', VIGIE_EXTRA_LISTS: list, VIGIE_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigie-hot-')), VIGIE_RATE_LIMIT: '0', VIGIE_LOG_LEVEL: 'silent' } });
if (process.env.HOT_PATH_WINDOW === '1') {
  try {
    const { openConfigDatabase } = await import('../dist/store/config-database.js');
    const { createScheduleStore } = await import('../dist/policy/schedule-store.js');
    const db = openConfigDatabase({ file: join(config.dataDir, 'config.db') });
    createScheduleStore({ db }).add({ profileId: 'child', label: 'all week', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: 0, end: 0, mode: 'block', categories: ['social-media'], allow: [], enabled: true });
    db.close();
  } catch {
    // a build without schedules: nothing to add
  }
}
const CLIENT = process.env.HOT_PATH_CLIENT ?? '127.0.0.1';
const vigie = await startVigie(config, { logger: pino({ level: 'silent' }) });

function time(label, fn, rounds = Number(process.env.ROUNDS ?? 5)) {
  fn(); // warm-up
  // CPU time, not wall time: less sensitive to other processes on a shared machine.
  const t0 = process.cpuUsage();
  let n = 0;
  for (let r = 0; r < rounds; r++) n += fn();
  const used = process.cpuUsage(t0);
  console.log(`${label.padEnd(28)} ${(((used.user + used.system) * 1000) / n).toFixed(0)} ns CPU/query`);
}

time('blocked (parse→encode)', () => {
  for (const p of packets) vigie.dns.answer(p, CLIENT, 5353, 'udp');
  return packets.length;
});
// Cache hits: seed the cache with a synthetic upstream answer per name, then answer from it.
const { buildResponse, QNAME_POINTER } = await import('../dist/dns/message-builder.js');
const { cacheKey } = await import('../dist/resolver/answer-cache.js');
const hitPackets = packets.slice(0, 200).map((p, i) => buildQuery({ id: i + 1, name: `host${i}.example.test`, type: 1 }));
for (const p of hitPackets) {
  const qlen = p.length - 12;
  const msg = buildResponse({ id: 1, queryFlags: 0x100, rcode: 0, question: p.subarray(12), answers: [{ owner: QNAME_POINTER, type: 1, qclass: 1, ttl: 3600, rdata: Buffer.from([127, 0, 0, 1]) }] });
  const name = `host${hitPackets.indexOf(p)}.example.test`;
  vigie.cache.set(cacheKey({ type: 1, qclass: 1, flags: 0x100, edns: null, name }), msg);
  void qlen;
}
time('cache hit (parse→encode)', () => {
  let n = 0;
  for (let r = 0; r < 250; r++) for (const p of hitPackets) { vigie.dns.answer(p, CLIENT, 5353, 'udp'); n++; }
  return n;
});
console.log('counters', JSON.stringify({ blocked: vigie.counters.blocked, cached: vigie.counters.cached, forwarded: vigie.counters.forwarded }));
await vigie.stop();
process.exit(0);
