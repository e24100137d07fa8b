#!/usr/bin/env bash
# bench/profile.sh - where Vigie's CPU goes under the benchmark loads (node --cpu-prof, loopback only).
#
# Usage: bash bench/profile.sh [--sets 'blocked miss'] [--duration 10] [--top 10]
# Needs the data and the NSD config from an earlier `bash bench/run.sh` (bench/work/data, bench/work/run/nsd).
# For each set: starts the NSD upstream (CPU 0, 127.0.0.1:5300) and a fresh Vigie with --cpu-prof
# (CPU 1, 127.0.0.1:5397, the 1M list), sends a 3 s warm-up then DURATION s of dnsperf load
# (-c 4 -q 100, as run-peers.sh), stops Vigie with SIGTERM (the profile is written on exit) and
# prints the top self-time functions of the measured part only (startup and warm-up skipped). Profiles: bench/work/profile/<ts>/<set>/*.cpuprofile.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=${BENCH_WORK:-$REPO/bench/work}
SETS="blocked miss"; DURATION=10; TOP=10; PORT=5397; LIST_SIZE=1m
while [ $# -gt 0 ]; do
  case "$1" in
    --sets) SETS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --top) TOP=$2; shift 2 ;;
    --list-size) LIST_SIZE=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
DATA=$W/data
CLI=$W/vigie/dist/cli.js; [ -f "$CLI" ] || CLI=$REPO/dist/cli.js
[ -f "$W/run/nsd/nsd.conf" ] && [ -f "$DATA/blocklist-$LIST_SIZE.txt" ] || { echo "profile.sh: run bash bench/run.sh first (data, NSD config)" >&2; exit 2; }
ss -Hlun 'sport = :5300' | grep -q . && { echo "profile.sh: 127.0.0.1:5300 busy (a benchmark running?)" >&2; exit 2; }
OUT=$W/profile/$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$OUT"
PIDS=()
stop() { local p=$1 i; [ -d /proc/$p ] || return 0; kill -TERM "$p"; for i in $(seq 1 100); do [ -d /proc/$p ] || break; sleep 0.1; done; [ -d /proc/$p ] && kill -KILL "$p"; wait "$p" 2>/dev/null; return 0; }
trap 'for p in "${PIDS[@]}"; do stop "$p"; done' EXIT

taskset -c 0 nsd -d -c "$W/run/nsd/nsd.conf" > "$OUT/nsd.log" 2>&1 &
NSD=$!; PIDS+=("$NSD")
for i in $(seq 1 100); do [ "$(dig +short +tries=1 +time=1 @127.0.0.1 -p 5300 host1.example.test A)" = 127.2.0.1 ] && break; sleep 0.1; done
PROBE=$(head -n1 "$DATA/blocklist-$LIST_SIZE.txt")

for set in $SETS; do
  case "$set" in
    blocked) F=$DATA/queries/blocked-$LIST_SIZE.txt ;;
    hit) F=$DATA/queries/hit.txt ;;
    miss) F=$OUT/miss.txt; awk 'BEGIN{for(i=0;i<1000000;i++) printf "p%d.w.example.test A\n", i}' > "$F" ;;
    *) echo "unknown set $set" >&2; exit 2 ;;
  esac
  D=$OUT/$set; mkdir -p "$D/data"
  T0=$(date +%s%N)
  taskset -c 1 env VIGIE_DNS_HOST=127.0.0.1 VIGIE_DNS_PORT="$PORT" VIGIE_ADMIN_HOST=127.0.0.1 VIGIE_ADMIN_PORT=0 VIGIE_ADMIN_HTTPS_PORT=0 VIGIE_UPSTREAMS=udp://127.0.0.1:5300 \
    VIGIE_EXTRA_LISTS="$DATA/blocklist-$LIST_SIZE.txt" VIGIE_DATA_DIR="$D/data" VIGIE_LOG_LEVEL=warn VIGIE_RATE_LIMIT=0 \
    VIGIE_ADMIN_HOST=127.0.0.1 VIGIE_ADMIN_PORT=0 VIGIE_ADMIN_HTTPS_PORT=0 node --cpu-prof --cpu-prof-dir="$D" "$CLI" serve > "$D/vigie.log" 2>&1 &
  V=$!; PIDS+=("$V")
  ready=0
  for i in $(seq 1 300); do [ "$(dig +short +tries=1 +time=1 @127.0.0.1 -p $PORT "$PROBE" A)" = 0.0.0.0 ] && { ready=1; break; }; [ -d /proc/$V ] || break; sleep 0.1; done
  # loopback only: every socket of this Vigie must be on 127.0.0.1 (else the configuration was not applied)
  bad=$(ss -Htuanp 2>/dev/null | grep "pid=$V," | awk '{print $5}' | grep -vE '^127\.[0-9.]+:[0-9]+$' || true)
  if [ "$ready" != 1 ] || [ -n "$bad" ]; then echo "profile.sh: Vigie not ready on 127.0.0.1:$PORT or listening elsewhere ($bad); see $D/vigie.log" >&2; exit 1; fi
  WF=$F; [ "$set" = miss ] && WF=$DATA/queries/hit.txt
  taskset -c 0 dnsperf -s 127.0.0.1 -p $PORT -d "$WF" -l 3 -c 4 -q 100 -t 2 > "$D/warmup.log" 2>&1
  SKIP=$(( ($(date +%s%N) - T0) / 1000000 ))
  taskset -c 0 dnsperf -s 127.0.0.1 -p $PORT -d "$F" -l "$DURATION" -c 4 -q 100 -t 2 > "$D/dnsperf.log" 2>&1
  qps=$(awk '/Queries per second:/{print $4}' "$D/dnsperf.log"); rc=$(grep 'Response codes' "$D/dnsperf.log" | sed 's/.*codes: *//')
  stop "$V"
  echo "== $set: $qps qps under the profiler ($rc)"
  for p in "$D"/*.cpuprofile; do node "$REPO/bench/cpuprofile-top.mjs" "$p" --top "$TOP" --md --skip-ms "$SKIP" | tee "$D/top.md"; done
done
rm -f "$OUT/miss.txt"
echo "profiles: $OUT"
