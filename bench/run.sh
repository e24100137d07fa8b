#!/usr/bin/env bash
# bench/run.sh - Vigie beside its peers, in one loopback-only run (`npm run bench`).
#
# Runs the shared peer benchmark (../shared/bench/run-peers.sh) with Vigie as the candidate,
# against dnsmasq-hosts, unbound and node-raw (the bare node:dgram responder), all loading the same
# generated 1,000,000-domain list, for the blocked / hit / miss query sets. Then it starts Vigie once
# more and sends it a corpus of hostile packets (bench/malformed-cpu.mjs) to measure CPU per packet.
#
# Usage: bash bench/run.sh [options]      (as root: apt-get, taskset and /proc of the servers)
#   --quick            passed to run-peers.sh: 2 reps x 10 s instead of 3 x 12 s (about 10 min instead of 15)
#   --no-malformed     skip the hostile-packet step
#   --no-lists         skip the list steps (1M hosts load: time, RSS, stalls; latency during reloads;
#                      the per-device policy decision cost, bench/policy-decide.mjs; the default
#                      catalog's start time and RSS beside dnsmasq, bench/catalog-start.mjs)
#   --malformed-only   only the hostile-packet step (needs the generated data from an earlier run)
#   --with-extras      also run run-peers.sh's Node extras (memory comparison, dns2 malformed tests; npm install)
#   -h | --help
#   any other option is passed to run-peers.sh as is and wins over the defaults below, e.g.
#   --list-size 100k, --reps 5, --duration 20, --servers 'unbound node-raw', --candidate-sets 'blocked'.
# Environment:
#   VIGIE_SHARED_BENCH  folder holding run-peers.sh (default: ../shared/bench beside the repo)
#   BENCH_WORK          generated data, configs and results (default: bench/work, gitignored)
#   VIGIE_BENCH_PORT    Vigie's port during the peer run (default 5399); the hostile step uses 5398
#   Other VIGIE_* variables in the environment reach Vigie (e.g. VIGIE_CACHE_SIZE, VIGIE_MAX_INFLIGHT).
#
# Every packet stays on 127.0.0.1: Vigie listens there and forwards to the run's NSD on 127.0.0.1:5300.
# Results: $BENCH_WORK/results/<UTC timestamp>/ (table.md, targets.md, raw.tsv, startup.tsv, malformed-cpu.md ...).
# Profile hint (separate, after a run): bash bench/profile.sh  (node --cpu-prof under the blocked and miss loads).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${VIGIE_SHARED_BENCH:-$REPO/../shared/bench}
SHARED=$(cd "$SHARED" 2>/dev/null && pwd) || { echo "bench/run.sh: shared bench folder not found (set VIGIE_SHARED_BENCH)" >&2; exit 2; }
export BENCH_WORK=${BENCH_WORK:-$REPO/bench/work}
PORT=${VIGIE_BENCH_PORT:-5399}
MAL_PORT=5398
SRV_CPU=${SRV_CPU:-1}
GEN_CPU=${GEN_CPU:-0}

die() { echo "bench/run.sh: $*" >&2; exit 2; }

MALFORMED=1
LISTS=1
PEERS=1
EXTRAS=0
QUICK=0
LIST_SIZE=1m
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-malformed) MALFORMED=0; shift ;;
    --no-lists) LISTS=0; shift ;;
    --malformed-only) PEERS=0; LISTS=0; shift ;;
    --with-extras) EXTRAS=1; shift ;;
    --quick) QUICK=1; PASS+=("$1"); shift ;;
    --list-size) [ $# -ge 2 ] || die "--list-size needs a value"; LIST_SIZE=$2; PASS+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,25p' "$0" | sed -E 's/^# ?//'; exit 0 ;;
    *) PASS+=("$1"); shift ;;
  esac
done

[ "$(id -u)" = 0 ] || die "run as root (run-peers.sh needs apt-get, taskset and /proc of the servers)"
[ -x "$SHARED/run-peers.sh" ] || [ -f "$SHARED/run-peers.sh" ] || die "$SHARED/run-peers.sh not found"
[ -f "$REPO/dist/cli.js" ] || die "dist/cli.js missing: run 'npm run build' (npm run bench does it)"

# ---------- Debian packages (run-peers.sh installs only what its selected servers need) ----------
need=()
command -v dnsperf >/dev/null || need+=(dnsperf)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v unbound >/dev/null || need+=(unbound)
command -v nsd >/dev/null || need+=(nsd)
command -v dnsdist >/dev/null || need+=(dnsdist)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v taskset >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]} (services kept from starting via policy-rc.d)"
  made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  rc=$?
  [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || die "apt-get install ${need[*]} failed"
fi

mkdir -p "$BENCH_WORK"
LOG="$BENCH_WORK/last-run.log"
: > "$LOG"
echo "== bench/run.sh $(date -u +%FT%TZ)  repo $REPO  shared $SHARED  work $BENCH_WORK" | tee -a "$LOG"
echo "== vigie $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet -- src 2>/dev/null || echo ' + uncommitted src changes')" | tee -a "$LOG"

# Snapshot of the build: src/ and dist/ may change while the run goes on. Node still resolves
# dependencies from the repo's node_modules (parent folders), and ../lists/ sits beside dist/ as in the repo.
SNAP="$BENCH_WORK/vigie"
rm -rf "$SNAP" && mkdir -p "$SNAP" && cp -r "$REPO/dist" "$REPO/lists" "$REPO/package.json" "$SNAP/" || die "cannot snapshot dist/"
VIGIE_CLI="$SNAP/dist/cli.js"
echo "== vigie snapshot: $VIGIE_CLI (dist built $(date -u -r "$REPO/dist/cli.js" +%FT%TZ))" | tee -a "$LOG"

# Other work on this (shared) machine skews every figure: sample the load average every 5 s.
LOADLOG="$BENCH_WORK/loadavg.log"; : > "$LOADLOG"
( while :; do echo "$(date -u +%T) $(cut -d' ' -f1-4 /proc/loadavg)" >> "$LOADLOG"; sleep 5; done ) &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null' EXIT

RESULTS=""
if [ "$PEERS" = 1 ]; then
  DATA_DIR="$BENCH_WORK/vigie-data"
  rm -rf "$DATA_DIR" && mkdir -p "$DATA_DIR"
  # run-peers.sh starts this with `taskset -c $SRV_CPU bash -c "exec CMD"` (Vigie on the peers' CPU) and
  # passes BENCH_HOST, BENCH_PORT, BENCH_BLOCKLIST_TXT, BENCH_BLOCKLIST_HOSTS and BENCH_UPSTREAM=127.0.0.1:5300.
  # VIGIE_UPSTREAMS gets the HOST:PORT with a udp:// prefix. run-peers' `exec` + `env` keep one PID.
  CMD='env VIGIE_DNS_HOST="${BENCH_HOST:-127.0.0.1}" VIGIE_DNS_PORT="$BENCH_PORT" VIGIE_ADMIN_HOST=127.0.0.1 VIGIE_ADMIN_PORT=0 VIGIE_ADMIN_HTTPS_PORT=0'
  CMD+=' VIGIE_UPSTREAMS="udp://${BENCH_UPSTREAM#udp://}"'
  CMD+=' VIGIE_EXTRA_LISTS="$BENCH_BLOCKLIST_TXT"'
  CMD+=" VIGIE_DATA_DIR='$DATA_DIR' VIGIE_LOG_LEVEL=warn VIGIE_RATE_LIMIT=0"
  CMD+=" VIGIE_ADMIN_HOST=127.0.0.1 VIGIE_ADMIN_PORT=0 VIGIE_ADMIN_HTTPS_PORT=0"
  CMD+=" node '$VIGIE_CLI' serve"
  ARGS=(--candidate-cmd "$CMD" --candidate-name vigie --candidate "127.0.0.1:$PORT"
        --servers 'dnsmasq-hosts unbound node-raw' --list-size 1m)
  [ "$EXTRAS" = 1 ] || ARGS+=(--no-extras)
  echo "== bash $SHARED/run-peers.sh ${ARGS[*]} ${PASS[*]}" | tee -a "$LOG"
  SRV_CPU=$SRV_CPU GEN_CPU=$GEN_CPU bash "$SHARED/run-peers.sh" "${ARGS[@]}" "${PASS[@]}" 2>&1 | tee -a "$LOG"
  rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] || die "run-peers.sh failed (exit $rc); log: $LOG"
  RESULTS=$(sed -n 's/^results: //p' "$LOG" | tail -n1)
  [ -d "$RESULTS" ] && cp "$BENCH_WORK/run/candidate/stdout.log" "$RESULTS/vigie-stdout.log" 2>/dev/null
fi

if [ "$MALFORMED" = 1 ]; then
  LIST="$BENCH_WORK/data/blocklist-$LIST_SIZE.txt"
  [ -f "$LIST" ] || die "$LIST missing (run the peer benchmark once to generate the data)"
  OUTP=${RESULTS:-$BENCH_WORK/results/malformed-$(date -u +%Y%m%dT%H%M%SZ)}
  mkdir -p "$OUTP"
  MARGS=(--spawn --vigie "$VIGIE_CLI" --list "$LIST" --cpu "$SRV_CPU" --port "$MAL_PORT" --out "$OUTP/malformed-cpu")
  [ "$QUICK" = 1 ] && MARGS+=(--quick)
  echo "== taskset -c $GEN_CPU node bench/malformed-cpu.mjs ${MARGS[*]}" | tee -a "$LOG"
  taskset -c "$GEN_CPU" node "$REPO/bench/malformed-cpu.mjs" "${MARGS[@]}" 2>&1 | tee "$OUTP/malformed-cpu.md" | tee -a "$LOG"
  mrc=${PIPESTATUS[0]}
  [ "$mrc" = 0 ] || echo "bench/run.sh: malformed-cpu.mjs exit $mrc (1 = a target missed or Vigie stopped answering; see above)" | tee -a "$LOG"
  RESULTS=$OUTP
fi
if [ "$LISTS" = 1 ]; then
  # Issue #3: loading the 1M hosts list (time, peak RSS, event-loop stalls) and DNS latency while it
  # is recompiled and swapped under a steady query load.
  HOSTS="$BENCH_WORK/data/blocklist-1m.hosts"
  if [ -f "$HOSTS" ]; then
    OUTL=${RESULTS:-$BENCH_WORK/results/lists-$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUTL"
    echo "== taskset -c $SRV_CPU node bench/list-load.mjs $HOSTS" | tee -a "$LOG"
    taskset -c "$SRV_CPU" node "$REPO/bench/list-load.mjs" "$HOSTS" 2>&1 | tee "$OUTL/list-load.json" | tee -a "$LOG"
    echo "== bash bench/refresh-latency.sh" | tee -a "$LOG"
    BENCH_WORK="$BENCH_WORK" bash "$REPO/bench/refresh-latency.sh" 2>&1 | tee "$OUTL/refresh-latency.md" | tee -a "$LOG"
    # Issue #4: the per-device policy decision against the previous release's single lookup.
    echo "== taskset -c $SRV_CPU node bench/policy-decide.mjs" | tee -a "$LOG"
    taskset -c "$SRV_CPU" node "$REPO/bench/policy-decide.mjs" "$HOSTS" "$BENCH_WORK/data/queries/blocked-1m.txt" 2>&1 | tee "$OUTL/policy-decide.md" | tee -a "$LOG"
    RESULTS=$OUTL
  else
    echo "bench/run.sh: $HOSTS missing (run the peer benchmark once); list measurements skipped" | tee -a "$LOG"
  fi
  # Issue #11: start time and RSS with the whole default catalog (services + shipped snapshots),
  # beside dnsmasq loading the same names and beside Vigie with a one-name catalog.
  OUTC=${RESULTS:-$BENCH_WORK/results/catalog-$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$OUTC"
  echo "== taskset -c $SRV_CPU node bench/catalog-start.mjs" | tee -a "$LOG"
  taskset -c "$SRV_CPU" node "$REPO/bench/catalog-start.mjs" --runs=5 2>&1 | tee "$OUTC/catalog-start.md" | tee -a "$LOG"
  RESULTS=${RESULTS:-$OUTC}
fi
kill "$SAMPLER" 2>/dev/null
[ -n "$RESULTS" ] && [ -d "$RESULTS" ] && cp "$LOADLOG" "$RESULTS/loadavg.log"
if [ -n "$RESULTS" ] && [ -f "$RESULTS/raw.tsv" ]; then
  echo; node "$REPO/bench/ratios.mjs" "$RESULTS" | tee "$RESULTS/targets.md" | tee -a "$LOG"
fi
echo "== load average (1 min) during the run: $(awk '{print $2}' "$LOADLOG" | sort -g | awk '{a[NR]=$1} END{if (NR) printf "min %s, median %s, max %s over %d samples (2 CPUs; about 2.0 = the benchmark alone)", a[1], a[int((NR+1)/2)], a[NR], NR}')" | tee -a "$LOG"
echo "== results: $RESULTS   (log: $LOG)"
