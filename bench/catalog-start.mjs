// Startup time and memory with the full default catalog (services + shipped source snapshots),
// Vigie beside dnsmasq loading the same names in the same run (ratios only: this VM is noisy).
//
//   node bench/catalog-start.mjs [--runs=5]      (after `npm run build`; needs /usr/sbin/dnsmasq)
//
// Vigie: `vigie serve` (dist/cli.js) with a fresh data dir, started until it answers a blocked
// name over UDP; RSS read from /proc after that answer (VmRSS) and its peak (VmHWM).
// dnsmasq: every name of the lists a fresh install blocks for the child profile, as
// `address=/name/0.0.0.0` lines (covers subdomains, like Vigie's rules), `--no-resolv`, started
// until it answers the same blocked name. A third process, Vigie with a one-name catalog, tells
// what the catalog itself costs (Node, Fastify and SQLite are the rest). Runs alternate. Traffic: 127.0.0.1 only.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 5);
const catalog = JSON.parse(readFileSync(join(repo, 'lists/catalog.json'), 'utf8'));
const lists = Array.isArray(catalog) ? catalog : catalog.lists;

// The names a fresh install blocks for a child: every list on for child (services, snapshots, canaries).
const names = new Set();
for (const entry of lists) {
  if (entry.file === null || !entry.defaultOn.child) continue;
  for (const line of readFileSync(join(repo, 'lists', entry.file), 'utf8').split('\n')) {
    const name = line.replace(/#.*/, '').trim().split(/\s+/).pop()?.toLowerCase();
    if (name && /^[a-z0-9._-]+\.[a-z0-9-]+$/.test(name)) names.add(name);
  }
}
const probe = [...names][0];
const work = mkdtempSync(join(tmpdir(), 'vigie-bench-catalog-'));
// The same Vigie with a one-name catalog: the difference is what the catalog itself costs.
const minimal = join(work, 'minimal-lists');
mkdirSync(minimal);
writeFileSync(join(minimal, 'one.txt'), `${probe}\n`);
writeFileSync(join(minimal, 'catalog.json'), JSON.stringify([{ id: 'one', category: 'one', file: 'one.txt', action: 'sinkhole', title: { en: 'one', fr: 'un' }, description: { en: 'one', fr: 'un' }, defaultOn: { child: true, teen: true, adult: true, unfiltered: false }, sources: ['bench'] }]));
const conf = join(work, 'dnsmasq.conf');
writeFileSync(conf, [...names].map((n) => `address=/${n}/0.0.0.0\naddress=/${n}/::`).join('\n') + '\n');

function query(name) {
  const labels = name.split('.').flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]);
  return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** Resolves when `port` answers the probe name, polling every 10 ms (bounded by 60 s). */
async function untilAnswered(port) {
  const socket = dgram.createSocket('udp4');
  try {
    for (let i = 0; i < 6000; i++) {
      const answered = await new Promise((resolve) => {
        const onMessage = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          socket.removeListener('message', onMessage);
          resolve(false);
        }, 10);
        socket.once('message', onMessage);
        socket.send(query(probe), port, '127.0.0.1');
      });
      if (answered) return;
    }
    throw new Error(`no answer on ${port}`);
  } finally {
    socket.close();
  }
}

const status = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const kb = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? NaN);

async function measure(command, args, env, port) {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: 'ignore' });
  try {
    await untilAnswered(port);
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 500)); // let start-up work settle before reading RSS
    const s = status(child.pid);
    return { ms, rssMB: kb(s, 'VmRSS') / 1024, peakMB: kb(s, 'VmHWM') / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
}

const vigie = [];
const vigieMinimal = [];
const dnsmasq = [];
const serveVigie = (listsDir) => measure(process.execPath, [join(repo, 'dist/cli.js'), 'serve'], {
  PATH: process.env.PATH, VIGIE_DATA_DIR: mkdtempSync(join(work, 'data-')), VIGIE_LISTS_DIR: listsDir, VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: '5397',
  VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS_PORT: '0', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_LOG_LEVEL: 'warn', VIGIE_LIST_UPDATES: 'off',
}, 5397);
for (let i = 0; i < runs; i++) {
  vigie.push(await serveVigie(join(repo, 'lists')));
  vigieMinimal.push(await serveVigie(minimal));
  dnsmasq.push(await measure('/usr/sbin/dnsmasq', ['--no-daemon', '--keep-in-foreground', '--no-resolv', '--no-hosts', '--listen-address=127.0.0.1', '--bind-interfaces', '--port=5396', `--conf-file=${conf}`, '--user=root'], { PATH: process.env.PATH }, 5396));
}
rmSync(work, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (what, key, unit) => {
  const v = median(vigie.map((r) => r[key]));
  const m = median(vigieMinimal.map((r) => r[key]));
  const d = median(dnsmasq.map((r) => r[key]));
  return `| ${what} | ${v.toFixed(1)} ${unit} | ${m.toFixed(1)} ${unit} | ${(v - m).toFixed(1)} ${unit} | ${d.toFixed(1)} ${unit} | ${(v / d).toFixed(2)}× |`;
};
console.log(`Default catalog for a child: ${names.size} names (lists on for child), ${runs} alternating runs, medians`);
console.log('| | Vigie | Vigie, one-name catalog | the catalog\'s own cost | dnsmasq (same names) | Vigie / dnsmasq |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(row('start until the first blocked answer', 'ms', 'ms'));
console.log(row('RSS after start', 'rssMB', 'MB'));
console.log(row('peak RSS during start', 'peakMB', 'MB'));
