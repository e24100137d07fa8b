// Loads one list the way Vigie does (compileList: worker thread, one list at a time) and prints
// load time, peak RSS (VmHWM of this fresh process) and the main thread's worst event-loop stall
// during the compile. Usage (after `npm run build`):
//   node bench/list-load.mjs LIST [--worker=always|never|auto] [--queries=FILE]
// --queries also times Blocklist.match over those names (first column), hits and misses.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { compileList } from '../dist/blocklists/list-compiler.js';
import { createBlocklist } from '../dist/blocklists/blocklist.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (!file) throw new Error('usage: node bench/list-load.mjs LIST [--worker=always|never|auto] [--queries=FILE]');
const vmHwmMb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;

const baseline = vmHwmMb();
// The same measure over 1 s of doing nothing: on a shared machine the OS alone causes stalls.
const idle = monitorEventLoopDelay({ resolution: 1 });
idle.enable();
await new Promise((resolve) => setTimeout(resolve, 1000));
idle.disable();
const histogram = monitorEventLoopDelay({ resolution: 1 });
// A 1 ms timer as a second witness: the largest gap between two ticks is the worst stall a DNS
// answer would have seen.
let last = performance.now();
let worstGap = 0;
const ticker = setInterval(() => {
  const now = performance.now();
  worstGap = Math.max(worstGap, now - last);
  last = now;
}, 1);
histogram.enable();
const started = performance.now();
const list = await compileList({ path: file }, { worker: flag('worker') ?? 'always' });
const loadMs = performance.now() - started;
histogram.disable();
clearInterval(ticker);
const result = {
  file,
  loadMs: Math.round(loadMs),
  thread: list.stats.thread,
  format: list.stats.format,
  lines: list.stats.lines,
  rules: list.block.size,
  invalid: list.stats.invalid,
  setMB: +(list.block.bytes() / 1048576).toFixed(1),
  baselineHwmMB: +baseline.toFixed(1),
  peakRssMB: +vmHwmMb().toFixed(1),
  eventLoopMaxMs: +(histogram.max / 1e6).toFixed(1),
  eventLoopP99Ms: +(histogram.percentile(99) / 1e6).toFixed(1),
  idleEventLoopMaxMs: +(idle.max / 1e6).toFixed(1),
  timerWorstGapMs: +worstGap.toFixed(1),
};
console.log(JSON.stringify(result));

const queries = flag('queries');
if (queries) {
  const blocklist = createBlocklist(
    [{ id: 'big', category: 'ads', action: 'sinkhole', block: list.block, allow: list.allow },
      { id: 'canaries', category: 'bypass', action: 'nxdomain', block: (await compileList({ bytes: Buffer.from('use-application-dns.net\n') })).block },
      { id: 'chat', category: 'anonymous-chat', action: 'sinkhole', block: (await compileList({ bytes: Buffer.from('coco.gg\nomegle.com\n') })).block }],
    { neverBlock: ['google.com'] },
  );
  const names = readFileSync(queries, 'utf8').split('\n').slice(0, 200_000).map((l) => l.split(' ')[0]).filter(Boolean);
  const misses = names.map((n) => `${n}.invalid-tld-x`);
  // CPU time, not wall time: less sensitive to other processes on a shared machine.
  const cpuNs = (fn, set) => {
    fn(set); // warm-up
    const t0 = process.cpuUsage();
    let n = 0;
    for (let r = 0; r < 5; r++) n += fn(set);
    const used = process.cpuUsage(t0);
    return { ns: ((used.user + used.system) * 1000) / (5 * set.length), n };
  };
  const viaBlocklist = (set) => { let h = 0; for (const n of set) if (blocklist.match(n) !== null) h++; return h; };
  const viaOneSet = (set) => { let h = 0; for (const n of set) if (list.block.match(n) >= 0) h++; return h; };
  for (const [label, set] of [['hit', names], ['miss', misses]]) {
    for (let round = 0; round < 2; round++) {
      const one = cpuNs(viaOneSet, set);
      const all = cpuNs(viaBlocklist, set);
      console.log(`${label}: Blocklist.match ${all.ns.toFixed(0)} ns CPU/name (${all.n / 5} blocked); DomainSet.match alone ${one.ns.toFixed(0)} ns`);
    }
  }
}
