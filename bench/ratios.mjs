#!/usr/bin/env node
// bench/ratios.mjs - Vigie's project targets from one run-peers.sh results folder.
//   node bench/ratios.mjs RESULTS_DIR [--candidate vigie]
// Reads raw.tsv, startup.tsv and (if present) malformed-cpu.json, written by bench/run.sh.
// Every ratio compares servers measured in the same run. Two forms for throughput:
//   qps          = dnsperf's queries per second (median of the repetitions)
//   per CPU-s    = completed queries / server CPU seconds (median): does not depend on how much of
//                  its core a server actually got, so it is the fairer figure on a busy machine.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { candidate: { type: 'string', default: 'vigie' } } });
const dir = positionals[0];
if (!dir) { console.error('usage: ratios.mjs RESULTS_DIR [--candidate NAME]'); process.exit(2); }
const C = o.candidate;
const tsv = (f) => {
  const [head, ...lines] = fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n');
  const keys = head.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [keys[i], v])));
};
const median = (a) => { const s = a.filter(Number.isFinite).sort((x, y) => x - y); if (!s.length) return NaN; const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const raw = tsv('raw.tsv');
const startup = Object.fromEntries(tsv('startup.tsv').map((r) => [r.server, r]));
const cell = (server, set) => {
  const rs = raw.filter((r) => r.server === server && r.set === set);
  if (!rs.length) return null;
  return {
    qps: median(rs.map((r) => Number(r.qps))),
    perCpu: median(rs.map((r) => Number(r.completed) / Number(r.srv_cpu_s))),
    cpu: median(rs.map((r) => Number(r.srv_cpu_s))),
    p50: median(rs.map((r) => Number(r.p50_ms))), p99: median(rs.map((r) => Number(r.p99_ms))),
    rate: median(rs.map((r) => Number(r.lat_rate))), rcodes: [...new Set(rs.flatMap((r) => r.rcodes.split(/ [0-9]+ ?/).filter(Boolean)))].join(', '),
  };
};
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'n/a');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const verdict = (ok) => (ok === null ? 'n/a' : ok ? '**met**' : '**missed**');

const out = [];
out.push(`## ${C}: targets (results ${path.basename(dir)})`, '');
out.push('| server | set | qps (median) | qps per server CPU-s | p50 / p99 ms @ rate | peak RSS MB | startup s | rcodes |', '|---|---|---:|---:|---|---:|---:|---|');
for (const s of ['dnsmasq-hosts', 'unbound', 'node-raw', C]) {
  for (const set of ['blocked', 'hit', 'miss']) {
    const c = cell(s, set);
    if (!c) continue;
    out.push(`| ${s} | ${set}${s === 'dnsmasq-hosts' && set === 'blocked' ? ' (exact names)' : ''} | ${f0(c.qps)} | ${f0(c.perCpu)} | ${f3(c.p50)} / ${f3(c.p99)} @ ${f0(c.rate)} | ${startup[s]?.peak_rss_mb ?? 'n/a'} | ${startup[s]?.startup_s ?? 'n/a'} | ${c.rcodes} |`);
  }
}
out.push('', '| target | measured (qps) | measured (per server CPU-s) | verdict (qps / per CPU-s) |', '|---|---:|---:|---|');
const ratio = (label, a, b, want, cmp) => {
  if (!a || !b) { out.push(`| ${label} | n/a | n/a | n/a |`); return; }
  const rq = a.qps / b.qps, rc = a.perCpu / b.perCpu;
  out.push(`| ${label} (target ${cmp} ${want}×) | ${f2(rq)}× | ${f2(rc)}× | ${verdict(cmp === '≥' ? rq >= want : rq <= want)} / ${verdict(cmp === '≥' ? rc >= want : rc <= want)} |`);
};
const nr = cell('node-raw', 'blocked');
ratio(`${C} blocked vs node-raw blocked`, cell(C, 'blocked'), nr, 0.9, '≥');
ratio(`${C} cache hit vs node-raw blocked`, cell(C, 'hit'), nr, 0.9, '≥');
ratio(`${C} cache miss vs unbound miss`, cell(C, 'miss'), cell('unbound', 'miss'), 1, '≥');
for (const set of ['blocked', 'hit', 'miss']) {
  const a = cell(C, set), b = cell('dnsmasq-hosts', set);
  if (!a || !b) continue;
  const same = a.rate === b.rate;
  out.push(`| ${C} p99 vs dnsmasq-hosts p99, ${set} (target ≤ 1×) | ${f3(a.p99)} / ${f3(b.p99)} ms = ${f2(a.p99 / b.p99)}× ${same ? `@ ${f0(a.rate)} qps` : `(rates differ: ${f0(a.rate)} vs ${f0(b.rate)} qps)`} | | ${same ? verdict(a.p99 <= b.p99) : 'not comparable'} |`);
}
const sc = startup[C], sd = startup['dnsmasq-hosts'];
if (sc && sd) {
  out.push(`| ${C} startup vs dnsmasq-hosts (1M list) | ${sc.startup_s} s / ${sd.startup_s} s = ${f2(sc.startup_s / sd.startup_s)}× | | (no target) |`);
  out.push(`| ${C} peak RSS vs dnsmasq-hosts (1M list) | ${sc.peak_rss_mb} / ${sd.peak_rss_mb} MB = ${f2(sc.peak_rss_mb / sd.peak_rss_mb)}× | | (no target) |`);
}
const mf = path.join(dir, 'malformed-cpu.json');
if (fs.existsSync(mf)) {
  const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
  const s = m.summary ?? {};
  out.push(`| max CPU per hostile UDP packet (target ≤ 1 ms) | batch mean ${f3(s.maxBatchPerPacketNs / 1e6)} ms ('${s.maxBatchCase}'); max single ${f3(s.maxSingleNs / 1e6)} ms; p99 single ${f3(s.p99SingleNs / 1e6)} ms | | ${verdict(!!s.udpPass)} |`);
  out.push(`| 60 KB TCP junk, CPU over a bare connect+close (target ≤ 1 ms) | ${f3(s.maxTcpOverBareConnectionNs / 1e6)} ms (bare connection ${f3(s.bareTcpConnectionNs / 1e6)} ms) | | ${verdict(!!s.tcpPass)} |`);
  out.push(`| still answering after the corpus | ${m.checks?.ok ? 'yes' : 'NO'} (${JSON.stringify(m.checks)}) | | ${verdict(!!m.checks?.ok)} |`);
}
const la = path.join(dir, 'loadavg.log');
if (fs.existsSync(la)) {
  const v = fs.readFileSync(la, 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1])).filter(Number.isFinite);
  if (v.length) out.push('', `Load average (1 min) during the run: min ${Math.min(...v)}, median ${median(v)}, max ${Math.max(...v)} over ${v.length} samples (2 CPUs: about 2 = the benchmark alone).`);
}
console.log(out.join('\n'));
