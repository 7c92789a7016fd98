#!/usr/bin/env bash
# Runs README's test command (./scripts/test.sh) N times in a row and prints one line per run:
#   run 3/10: 212 passed, 0 failed, 0 skipped in 131 s (exit 0)
# then a summary. Extra arguments go to every ./scripts/test.sh run. Exit status: 0 when every
# run passed. Each run's full output is kept in $REPEAT_LOG_DIR (default: a temporary folder).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:?usage: scripts/repeat-tests.sh N [test.sh arguments…]}
shift
case $runs in ''|*[!0-9]*) echo "N must be a positive number, not '$runs'" >&2; exit 2;; esac
[ "$runs" -ge 1 ] || { echo "N must be at least 1" >&2; exit 2; }
logs=${REPEAT_LOG_DIR:-$(mktemp -d)}
mkdir -p "$logs"
echo "logs in $logs"

failed_runs=0
for i in $(seq 1 "$runs"); do
  log="$logs/run-$i.log"
  start=$(date +%s)
  "$root/scripts/test.sh" "$@" >"$log" 2>&1
  status=$?
  seconds=$(( $(date +%s) - start ))
  # test.sh ends with "tests: P passed, F failed, S skipped".
  counts=$(grep -Eo 'tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$log" | tail -n1 | sed 's/^tests: //')
  echo "run $i/$runs: ${counts:-no test counts (see $log)} in $seconds s (exit $status)"
  [ "$status" -eq 0 ] || failed_runs=$((failed_runs + 1))
done
echo "$((runs - failed_runs)) of $runs runs passed"
[ "$failed_runs" -eq 0 ]
