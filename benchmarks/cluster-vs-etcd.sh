#!/bin/bash
# Issue 5's benchmark: a 3-node dKV.NET cluster (dstore, Raft log fsynced) and a 3-node etcd on this machine, one after the other
# in the same run, with the same workload shape: 50 requests in flight, 128-byte values, 100 keys; set/put, then linearizable get/range.
#   dKV.NET: dkv kv perf --threads 50 (one request in flight per worker) through the three nodes' endpoints.
#   etcd:    etcd's own tools/benchmark (../shared/tools/build-etcd-benchmark.sh) with 50 clients on 50 connections to the three members.
# Prints both and the ratios dKV.NET / etcd; --csv FILE also writes system,operation,ops_per_sec,p50_us,p99_us,peak_rss_mb,cpu_us_per_op.
# cpu_us_per_op: CPU time (user + system) the three server processes used during the run, per operation — the cost of one
# operation on this machine, which moves far less than ops/s when something else is running.
#
# usage: benchmarks/cluster-vs-etcd.sh [--csv FILE] [--duration 10s] [--warmup 2s] [--clients 50] [--put-total 80000]
#                                      [--range-total 120000] [--no-build] [--skip-dkv] [--skip-etcd]
# Exit: 0 both measured; 3 one side could not be measured (the other is still printed); 2 usage.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=${DKV_SHARED_TOOLS:-$ROOT/../../shared/tools}
[ -d "$TOOLS" ] || TOOLS=/work/shared/tools
ETCD_BENCH=${ETCD_BENCHMARK:-/tmp/etcd-benchmark}
CSV= DURATION=10s WARMUP=2s CLIENTS=50 PUT_TOTAL=80000 RANGE_TOTAL=120000 BUILD=1 DO_DKV=1 DO_ETCD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --csv) CSV=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --put-total) PUT_TOTAL=$2; shift 2 ;;
    --range-total) RANGE_TOTAL=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --skip-dkv) DO_DKV=0; shift ;;
    --skip-etcd) DO_ETCD=0; shift ;;
    *) echo "unknown argument '$1'; see the usage at the top of $0" >&2; exit 2 ;;
  esac
done

WORK=$(mktemp -d /tmp/dkv-vs-etcd.XXXXXX)
DKV_PIDS=()
RESULTS=()     # "system,operation,ops_per_sec,p50_us,p99_us,peak_rss_mb,cpu_us_per_op"
FAILED=0
stop_dkv() {
  for p in "${DKV_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${DKV_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  DKV_PIDS=()
}
stop_etcd() {
  if [ "${ETCD_STARTED:-0}" = 1 ]; then bash "$TOOLS/etcd-cluster.sh" stop >/dev/null 2>&1; ETCD_STARTED=0; fi
}
cleanup() { stop_dkv; stop_etcd; rm -rf "$WORK"; }
add_results() { local l; while IFS= read -r l; do [ -n "$l" ] && RESULTS+=("$l"); done <<< "$1"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
peak_rss_mb() { awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU clock ticks (user + system) used so far by the given processes.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
# Server CPU microseconds per operation: ticks used over a run of WALL seconds at OPS operations per second.
cpu_per_op() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v wall="$2" -v ops="$3" 'BEGIN { if (ops > 0 && wall > 0) printf "%.0f", (t / hz) / wall / ops * 1e6; else print 0 }'; }

run_dkv_cluster() {
  local dkv=$ROOT/DKV.Cli/bin/Release/net10.0/dkv.dll
  if [ $BUILD = 1 ]; then
    dotnet build "$ROOT/DKV.Cli" -c Release --nologo -v q -clp:ErrorsOnly >&2 || { echo "dKV.NET: build failed" >&2; return 1; }
  fi
  local members="" ports=() i
  for i in 1 2 3; do ports+=("$(free_port)"); done
  members="node-1=127.0.0.1:${ports[0]},node-2=127.0.0.1:${ports[1]},node-3=127.0.0.1:${ports[2]}"
  for i in 1 2 3; do
    mkdir -p "$WORK/node-$i"
    dotnet "$dkv" serve --shards 100=dstore --replica-id "node-$i" --cluster-members "$members" --data-dir "$WORK/node-$i" \
      --transport tcp --serializer binary --transport-endpoint 127.0.0.1:0 > "$WORK/node-$i.log" 2>&1 &
    DKV_PIDS+=($!)
  done
  local endpoints=() deadline=$((SECONDS + 90))
  for i in 1 2 3; do
    local ep=""
    while [ -z "$ep" ]; do
      ep=$(grep -o 'serving tcp on [^ ]*' "$WORK/node-$i.log" | head -1 | cut -d' ' -f4)
      if [ -z "$ep" ]; then
        if ! kill -0 "${DKV_PIDS[$((i - 1))]}" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
          echo "dKV.NET: node-$i did not start serving: $(tail -3 "$WORK/node-$i.log" | tr '\n' ' ')" >&2; return 1
        fi
        sleep 0.2
      fi
    done
    endpoints+=("$ep")
  done
  local all; all=$(IFS=,; echo "${endpoints[*]}")
  # A new cluster first elects a leader: retry one write through each node until it is accepted.
  for ep in "${endpoints[@]}"; do
    until dotnet "$dkv" kv set --transport tcp --endpoints "$ep" --shard 100 bench-probe ready >/dev/null 2>&1; do
      [ $SECONDS -gt $deadline ] && { echo "dKV.NET: the cluster did not accept a write through $ep within 90 s" >&2; return 1; }
      sleep 0.5
    done
  done
  echo "== dKV.NET 3-node dstore cluster on $all, load average $(load)" >&2
  # One kv perf run per operation, so the servers' CPU time can be split between set and get.
  local op cpu start wall line
  for op in set get; do
    local skip="set,set-large,get,delete,has,has-not,mixed"; skip=$(echo ",$skip," | sed "s/,$op,/,/; s/^,//; s/,$//")
    cpu=$(cpu_ticks "${DKV_PIDS[@]}"); start=$(date +%s.%N)
    dotnet "$dkv" kv perf --transport tcp --serializer binary --endpoints "$all" --shard 100 --threads "$CLIENTS" --connections 1 \
      --keys 100 --value-size 128 --duration "$DURATION" --warmup "$WARMUP" --skip "$skip" \
      --shard-type dstore --csv "$WORK/dkv-$op.csv" >&2 || { echo "dKV.NET: kv perf $op failed" >&2; return 1; }
    wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    cpu=$(( $(cpu_ticks "${DKV_PIDS[@]}") - cpu ))
    line=$(awk -F, 'NR == 2 { print $2 }' "$WORK/dkv-$op.csv")
    echo "$op $(cpu_per_op "$cpu" "$wall" "$line")" >> "$WORK/dkv-cpu.txt"
  done
  local rss; rss=$(for p in "${DKV_PIDS[@]}"; do peak_rss_mb "$p"; echo -n "/"; done); rss=${rss%/}
  for op in set get; do
    awk -F, -v rss="$rss" -v cpu="$(awk -v op=$op '$1 == op { print $2 }' "$WORK/dkv-cpu.txt")" \
      'NR > 1 { printf "dKV.NET dstore (3 nodes),%s,%.0f,%.0f,%.0f,%s,%s\n", $1, $2, $3, $5, rss, cpu }' "$WORK/dkv-$op.csv"
  done
}
# Each side runs in a command substitution (a subshell, where the EXIT trap does not run), so each stops its own servers.
run_dkv() { run_dkv_cluster; local rc=$?; stop_dkv; return $rc; }

# Parses etcd's benchmark summary: "Requests/sec:", "50% in S secs.", "99% in S secs.".
etcd_figures() {  # operation file rss cpu_ticks wall_seconds
  awk -v op="$1" -v rss="$3" -v ticks="$4" -v wall="$5" -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec:/ { ops = $2 }
    $1 == "50%" { p50 = $3 * 1e6 }
    $1 == "99%" { p99 = $3 * 1e6 }
    END { if (ops == "") exit 1; cpu = (ops > 0 && wall > 0) ? (ticks / hz) / wall / ops * 1e6 : 0
          printf "etcd 3-node (tools/benchmark),%s,%.0f,%.0f,%.0f,%s,%.0f\n", op, ops, p50, p99, rss, cpu }' "$2"
}

run_etcd_cluster() {
  command -v etcd >/dev/null && [ -x "$ETCD_BENCH" ] || bash "$TOOLS/build-etcd-benchmark.sh" >&2 || { echo "etcd: could not build its benchmark" >&2; return 1; }
  for port in 22379 22479 22579 22380 22480 22580; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "etcd: port $port is in use (another etcd?); stop it first" >&2; return 1; fi
  done
  ETCD_STARTED=1
  bash "$TOOLS/etcd-cluster.sh" start3 >&2 || { echo "etcd: the 3-node cluster did not start" >&2; return 1; }
  local eps=127.0.0.1:22379,127.0.0.1:22479,127.0.0.1:22579
  local value; value=$(head -c 96 /dev/urandom | base64 -w0)   # 128 characters
  ETCDCTL_API=3 etcdctl --endpoints "$eps" put bench-get "$value" >/dev/null || { echo "etcd: put failed" >&2; return 1; }
  local common=(--endpoints="$eps" --conns="$CLIENTS" --clients="$CLIENTS")
  echo "== etcd 3-node cluster on $eps, load average $(load)" >&2
  "$ETCD_BENCH" "${common[@]}" put --key-size=8 --val-size=128 --total=$((PUT_TOTAL / 10)) --key-space-size=100 >/dev/null 2>&1   # warm-up
  local pids; pids=$(cat /tmp/etcd-anchor/pids)
  local c0 t0 put_cpu put_wall range_cpu range_wall
  # shellcheck disable=SC2086
  c0=$(cpu_ticks $pids); t0=$(date +%s.%N)
  "$ETCD_BENCH" "${common[@]}" put --key-size=8 --val-size=128 --total="$PUT_TOTAL" --key-space-size=100 > "$WORK/etcd-put.txt" 2>/dev/null
  # shellcheck disable=SC2086
  put_cpu=$(( $(cpu_ticks $pids) - c0 )); put_wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  # shellcheck disable=SC2086
  c0=$(cpu_ticks $pids); t0=$(date +%s.%N)
  "$ETCD_BENCH" "${common[@]}" range bench-get --consistency=l --total="$RANGE_TOTAL" > "$WORK/etcd-range.txt" 2>/dev/null
  # shellcheck disable=SC2086
  range_cpu=$(( $(cpu_ticks $pids) - c0 )); range_wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  local rss; rss=$(for p in $pids; do peak_rss_mb "$p"; echo -n "/"; done); rss=${rss%/}
  grep -A8 '^Summary' "$WORK/etcd-put.txt" >&2
  etcd_figures set "$WORK/etcd-put.txt" "$rss" "$put_cpu" "$put_wall" || { echo "etcd: no put summary: $(tail -3 "$WORK/etcd-put.txt")" >&2; return 1; }
  etcd_figures get "$WORK/etcd-range.txt" "$rss" "$range_cpu" "$range_wall" || { echo "etcd: no range summary: $(tail -3 "$WORK/etcd-range.txt")" >&2; return 1; }
}
run_etcd() { run_etcd_cluster; local rc=$?; stop_etcd; return $rc; }

START_LOAD=$(load)
if [ $DO_DKV = 1 ]; then
  out=$(run_dkv) || FAILED=1
  add_results "$out"
fi
if [ $DO_ETCD = 1 ]; then
  out=$(run_etcd) || FAILED=1
  add_results "$out"
fi

IFS=$'\n'
echo
echo "Same run, $(nproc) cores, load average $START_LOAD at the start, $(load) at the end; $CLIENTS in flight, 128-byte values, 100 keys."
printf '%-30s %-4s %12s %10s %10s %14s %14s\n' system op ops/s p50_us p99_us peak_rss_mb cpu_us_per_op
for r in "${RESULTS[@]}"; do IFS=, read -r s o ops p50 p99 rss cpu <<< "$r"; printf '%-30s %-4s %12s %10s %10s %14s %14s\n' "$s" "$o" "$ops" "$p50" "$p99" "$rss" "$cpu"; done
for op in set get; do
  ours=$(printf '%s\n' "${RESULTS[@]}" | awk -F, -v op=$op '$1 ~ /^dKV/ && $2 == op { print $3 }')
  theirs=$(printf '%s\n' "${RESULTS[@]}" | awk -F, -v op=$op '$1 ~ /^etcd/ && $2 == op { print $3 }')
  if [ -n "$ours" ] && [ -n "$theirs" ]; then
    echo "ratio dKV.NET / etcd, $op: $(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2fx", a / b }')"
    ours_cpu=$(printf '%s\n' "${RESULTS[@]}" | awk -F, -v op=$op '$1 ~ /^dKV/ && $2 == op { print $7 }')
    theirs_cpu=$(printf '%s\n' "${RESULTS[@]}" | awk -F, -v op=$op '$1 ~ /^etcd/ && $2 == op { print $7 }')
    echo "server CPU per $op, etcd / dKV.NET: $(awk -v a="$theirs_cpu" -v b="$ours_cpu" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')"
  else
    echo "ratio dKV.NET / etcd, $op: n/a (a side was not measured)"
  fi
done
unset IFS
if [ -n "$CSV" ]; then
  mkdir -p "$(dirname "$CSV")"
  { echo "system,operation,ops_per_sec,p50_us,p99_us,peak_rss_mb,cpu_us_per_op"; printf '%s\n' "${RESULTS[@]}" | grep -v '^$'; } > "$CSV"
fi
[ $FAILED = 0 ] || exit 3
