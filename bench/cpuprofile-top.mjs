#!/usr/bin/env node
// bench/cpuprofile-top.mjs - top self-time functions of a V8 .cpuprofile (from node --cpu-prof).
//   node bench/cpuprofile-top.mjs FILE.cpuprofile [--top 10] [--md] [--skip-ms N]
// --skip-ms N ignores the first N ms after the profile started (startup, list loading, warm-up).
// Self time = samples whose top frame is the function, times the sampling interval. Functions are
// keyed by name + file:line, so two closures of one source function add up. "(idle)" is time the
// event loop waited in epoll; the percentages below are of the non-idle (busy) time.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '10' }, md: { type: 'boolean', default: false }, 'skip-ms': { type: 'string', default: '0' } } });
const file = positionals[0];
if (!file) { console.error('usage: cpuprofile-top.mjs FILE.cpuprofile [--top N] [--md]'); process.exit(2); }
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map(); // node id -> us
const { samples, timeDeltas } = prof;
const skipUs = Number(o['skip-ms']) * 1000;
let at = 0;
for (let i = 0; i < samples.length; i++) {
  at += timeDeltas[i];
  const dt = timeDeltas[i + 1] ?? 0; // the delta after a sample is the time attributed to it
  if (at < skipUs) continue;
  self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, dt));
}
const agg = new Map();
let total = 0, idle = 0;
for (const [id, t] of self) {
  const cf = byId.get(id).callFrame;
  const name = cf.functionName || '(anonymous)';
  const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/')}:${cf.lineNumber + 1}` : '';
  const key = `${name}\t${where}`;
  agg.set(key, (agg.get(key) ?? 0) + t);
  total += t;
  if (name === '(idle)') idle += t;
}
const busy = total - idle;
const rows = [...agg].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(o.top));
const fmt = (us) => (us / 1000).toFixed(1);
if (o.md) {
  console.log(`profile ${path.basename(file)}${skipUs ? ` (first ${o['skip-ms']} ms skipped)` : ''}: ${fmt(total)} ms sampled, ${fmt(busy)} ms busy (${((busy / total) * 100).toFixed(0)} %), ${fmt(idle)} ms idle\n`);
  console.log('| # | function | where | self ms | % of busy |');
  console.log('|---:|---|---|---:|---:|');
  rows.forEach(([k, t], i) => { const [n, w] = k.split('\t'); console.log(`| ${i + 1} | \`${n}\` | ${w ? `\`${w}\`` : ''} | ${fmt(t)} | ${((t / busy) * 100).toFixed(1)} |`); });
} else {
  console.log(`${path.basename(file)}: sampled ${fmt(total)} ms, busy ${fmt(busy)} ms, idle ${fmt(idle)} ms`);
  rows.forEach(([k, t], i) => { const [n, w] = k.split('\t'); console.log(`${String(i + 1).padStart(2)}. ${((t / busy) * 100).toFixed(1).padStart(5)} %  ${fmt(t).padStart(8)} ms  ${n}  ${w}`); });
}
