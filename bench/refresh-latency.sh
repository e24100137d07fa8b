#!/usr/bin/env bash
# bench/refresh-latency.sh - DNS latency while Vigie reloads a 1,000,000-line hosts list (issue #3).
#
# Starts Vigie (CPU 1, 127.0.0.1 only) with the 1M hosts list, sends blocked queries at a fixed
# rate with dnsperf (CPU 0) for DURATION seconds, and touches the lists stamp RELOADS times during
# the run: each touch recompiles the 1M list in the worker thread and swaps it in. Prints p50 /
# p99 / max latency of the whole run and of a run without reloads, and the reloads seen in the log.
# Usage: bash bench/refresh-latency.sh [--rate 3000] [--duration 20] [--reloads 3]
# Needs bench/work/data from `bash bench/run.sh` (the generated 1M list) and `npm run build`.
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=${BENCH_WORK:-$REPO/bench/work}
RATE=3000; DURATION=20; RELOADS=3; PORT=5396
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --reloads) RELOADS=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed -E 's/^# ?//'; exit 0 ;;
    *) echo "refresh-latency.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
LIST=$W/data/blocklist-1m.hosts; QUERIES=$W/data/queries/blocked-1m.txt
[ -f "$LIST" ] && [ -f "$QUERIES" ] || { echo "refresh-latency.sh: run bash bench/run.sh first (generated data)" >&2; exit 2; }
OUT=$W/results/refresh-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$OUT"; DATA=$OUT/vigie-data; mkdir -p "$DATA/lists"
# A copy whose mtime we bump before each stamp, so every reload really recompiles the 1M list
# (unchanged files are reused from the previous load).
cp "$LIST" "$OUT/list.hosts"; LIST=$OUT/list.hosts

VIGIE_DNS_HOST=127.0.0.1 VIGIE_DNS_PORT=$PORT VIGIE_ADMIN_HOST=127.0.0.1 VIGIE_ADMIN_PORT=0 VIGIE_ADMIN_HTTPS_PORT=0 VIGIE_UPSTREAMS=udp://127.0.0.1:9 VIGIE_EXTRA_LISTS="$LIST" \
VIGIE_DATA_DIR="$DATA" VIGIE_LOG_LEVEL=info VIGIE_RATE_LIMIT=0 VIGIE_ADMIN_HOST=127.0.0.1 \
  taskset -c 1 node "$REPO/dist/cli.js" serve > "$OUT/vigie.log" 2>&1 &
VIGIE=$!
trap 'kill $VIGIE 2>/dev/null; wait $VIGIE 2>/dev/null' EXIT
PROBE=$(awk 'NR==1{print $2}' "$LIST")
for i in $(seq 1 200); do [ "$(dig +short +tries=1 +time=1 @127.0.0.1 -p $PORT "$PROBE" 2>/dev/null)" = 0.0.0.0 ] && break; sleep 0.05; done
ss -Hlnup | grep "pid=$VIGIE," | grep -qv '127.0.0.1' && { echo "refresh-latency.sh: Vigie listens off loopback, aborting" >&2; exit 2; }

latency() { # dnsperf -v log → "p50 p99 max" in ms
  awk '$1==">" && $2!="T" {print $NF*1000}' "$1" | sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "NA NA NA"; exit}
    i50=int(NR*0.50); i99=int(NR*0.99); if(i50<1)i50=1; if(i99<1)i99=1; printf "%.3f %.3f %.3f", a[i50], a[i99], a[NR] }'
}
run() { taskset -c 0 dnsperf -s 127.0.0.1 -p $PORT -d "$QUERIES" -l "$DURATION" -c 4 -q 100 -t 2 -Q "$RATE" -v > "$1" 2>&1; }

run "$OUT/steady.log"
BEFORE=$(grep -c '"msg":"lists loaded"' "$OUT/vigie.log")
run "$OUT/reload.log" &
DNSPERF=$!
for i in $(seq 1 "$RELOADS"); do
  sleep $(awk -v d="$DURATION" -v n="$RELOADS" 'BEGIN{print d/(n+1)}')
  touch "$LIST"; date +%s%3N > "$DATA/lists/.changed"
done
wait $DNSPERF
sleep 3
AFTER=$(grep -c '"msg":"lists loaded"' "$OUT/vigie.log")
read -r s50 s99 smax <<< "$(latency "$OUT/steady.log")"
read -r r50 r99 rmax <<< "$(latency "$OUT/reload.log")"
{
  echo "| load at $RATE qps, ${DURATION} s, 1M hosts list | p50 ms | p99 ms | max ms | lost |"
  echo "|---|---:|---:|---:|---:|"
  echo "| steady (no reload) | $s50 | $s99 | $smax | $(awk '/Queries lost:/{print $3}' "$OUT/steady.log") |"
  echo "| $((AFTER - BEFORE)) reloads of the 1M list during the run | $r50 | $r99 | $rmax | $(awk '/Queries lost:/{print $3}' "$OUT/reload.log") |"
  echo
  echo "target: max DNS latency during a refresh < 20 ms -> $(awk -v m="$rmax" 'BEGIN{print (m<20)?"met":"missed"}')"
  echo "peak RSS (VmHWM) of Vigie: $(awk '/VmHWM/{printf "%.1f MB", $2/1024}' /proc/$VIGIE/status)"
} | tee "$OUT/refresh-latency.md"
rm -f "$OUT/list.hosts"
