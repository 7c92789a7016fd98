#!/usr/bin/env bash
# Measures a cold `dotnet run` of the AppHost (already built) until every resource is healthy,
# as logged by the AppHost's "Stack ready" line, then the time SIGTERM takes to stop everything.
# Usage: bench/stack-startup.sh [RUNS]     (default 3). Prints one line per run and the median.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
dotnet build "$root/src/MailStack.AppHost" -v quiet --nologo >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
ready_times=(); stop_times=()
for i in $(seq 1 "$runs"); do
  t0=$(date +%s%N)
  dotnet run --no-build --project "$root/src/MailStack.AppHost" >"$log" 2>&1 &
  runner=$!
  until grep -q "Stack ready" "$log"; do
    if ! kill -0 "$runner" 2>/dev/null; then echo "AppHost exited early:"; tail -20 "$log"; exit 1; fi
    if [ $(( ($(date +%s%N) - t0) / 1000000000 )) -gt 120 ]; then echo "not ready after 120 s"; tail -20 "$log"; kill "$runner"; exit 1; fi
    sleep 0.2
  done
  t1=$(date +%s%N)
  apphost=$(pgrep -f "MailStack.AppHost" | grep -v "^$runner$" | head -n1 || true)
  kill -TERM "${apphost:-$runner}"
  wait "$runner" || true
  while pgrep -f 'dcp|postgres -D /tmp/mailstack|dovecot -F|s3rver' >/dev/null; do sleep 0.2; done
  t2=$(date +%s%N)
  ready=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b-a)/1e9}')
  stop=$(awk -v a="$t1" -v b="$t2" 'BEGIN{printf "%.1f", (b-a)/1e9}')
  echo "run=$i ready_s=$ready stop_s=$stop ($(grep -o 'Stack ready.*' "$log"))"
  ready_times+=("$ready"); stop_times+=("$stop")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print (NR%2)? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
echo "median ready_s=$(median "${ready_times[@]}") stop_s=$(median "${stop_times[@]}") runs=$runs"
