#!/usr/bin/env bash
# Starts the stack (bench/bench-stack.sh), runs bench/proxy-throughput.py, then stops it.
# Usage: bench/proxy-throughput.sh [N] [REPLICAS]   (default 10000 messages, 1 proxy replica; N=0: the sustained enqueue alone)
# BENCH_LIMIT=N in the environment gives the account rate limits of N per minute, hour and day.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
replicas=${2:-1}
source "$root/bench/bench-stack.sh"
start_bench_stack "--MailStack:Proxy:Replicas=$replicas"
python3 "$root/bench/proxy-throughput.py" http://localhost:8000 bench-admin localhost 1025 http://localhost:8025 "$n" "$replicas"
