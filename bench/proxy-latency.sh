#!/usr/bin/env bash
# Starts the stack (bench/bench-stack.sh), measures enqueue → 250 latency at a steady rate with
# bench/proxy-latency.py, then stops it.
# Usage: bench/proxy-latency.sh [RATE] [SECONDS] [WARMUP]   (default 200 msgs/s for 30 s after a 3 s warm-up)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/bench-stack.sh"
start_bench_stack
python3 "$root/bench/proxy-latency.py" http://localhost:8000 bench-admin localhost 1025 http://localhost:8025 "${1:-200}" "${2:-30}" "${3:-3}"
