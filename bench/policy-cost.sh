#!/usr/bin/env bash
# bench/policy-cost.sh - what the per-device policy costs per query, against an earlier build.
#
# Builds BASELINE (a git ref, default f3472d6: the last commit before devices, profiles and
# schedules) in a temporary worktree, then runs bench/hot-path.mjs (in-process: parse, pipeline,
# encode; no sockets, no traffic) alternately on the baseline build and on this tree's build,
# ROUNDS times each, with the 1M list. The current build runs twice per round: as before (client
# 127.0.0.1) and as on a home network (client 192.168.1.10, the default profile with a schedule
# window active all week), so identification, the window table and the device tracker are paid.
# Reports CPU ns per query and the ratio current / baseline per case (median of the rounds).
#
# Usage: bash bench/policy-cost.sh [BASELINE_REF]   (after `npm run bench` generated bench/work/data)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE_REF=${1:-f3472d6}
ROUNDS=${ROUNDS:-5}
DATA=${BENCH_WORK:-$REPO/bench/work}/data
LIST=$DATA/blocklist-1m.hosts
QUERIES=$DATA/queries/blocked-1m.txt
[ -f "$LIST" ] && [ -f "$QUERIES" ] || { echo "policy-cost.sh: run npm run bench first (needs $LIST and $QUERIES)" >&2; exit 2; }
OUT=${BENCH_WORK:-$REPO/bench/work}/results/policy-cost-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
WT=$(mktemp -d /tmp/vigie-baseline-XXXXXX)
cleanup() { git -C "$REPO" worktree remove --force "$WT" >/dev/null 2>&1 || rm -rf "$WT"; }
trap cleanup EXIT

git -C "$REPO" worktree add -q --detach "$WT" "$BASE_REF"
ln -s "$REPO/node_modules" "$WT/node_modules"
(cd "$WT" && npx tsc -p tsconfig.build.json) >/dev/null
(cd "$REPO" && npx tsc -p tsconfig.build.json) >/dev/null
# The same driver for both builds: it imports ../dist relative to itself.
cp "$REPO/bench/hot-path.mjs" "$WT/bench/hot-path.mjs"

run() { # label dir env...
  local label=$1 dir=$2; shift 2
  env ROUNDS=3 "$@" node "$dir/bench/hot-path.mjs" "$LIST" "$QUERIES" | awk -v l="$label" '/ns CPU\/query/ { sub(/ \(parse→encode\)/, ""); printf "%s\t%s\t%s\n", l, $1 ($2 == "hit" ? " hit" : ""), $(NF-2) }'
}
for r in $(seq 1 "$ROUNDS"); do
  run baseline "$WT" HOT_PATH_CLIENT=127.0.0.1
  run current "$REPO" HOT_PATH_CLIENT=127.0.0.1
  run current-home "$REPO" HOT_PATH_CLIENT=192.168.1.10 HOT_PATH_WINDOW=1
done | tee "$OUT/raw.tsv"

node - "$OUT/raw.tsv" <<'JS' | tee "$OUT/summary.md"
const rows = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => l.split('\t'));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const by = {};
for (const [build, kase, ns] of rows) ((by[kase] ??= {})[build] ??= []).push(Number(ns));
console.log('| case | baseline ns/query | current | ratio | current, home client + window | ratio |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [kase, b] of Object.entries(by)) {
  const base = median(b.baseline), cur = median(b.current), home = median(b['current-home']);
  console.log(`| ${kase} | ${base} | ${cur} | ${(cur / base).toFixed(2)}× | ${home} | ${(home / base).toFixed(2)}× |`);
}
JS
echo; echo "decision alone (this build):" | tee -a "$OUT/summary.md"
node "$REPO/bench/policy-decide.mjs" "$LIST" "$QUERIES" | tee -a "$OUT/summary.md"
echo "results: $OUT"
