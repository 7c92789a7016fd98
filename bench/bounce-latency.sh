#!/usr/bin/env bash
# Starts the stack (bench/bench-stack.sh) with a known bounce-mailbox password, measures how fast
# the proxy's bounce receiver (IMAP IDLE on Dovecot) turns APPENDed reports into bounced messages
# with bench/bounce-latency.py, then stops it.
# Usage: bench/bounce-latency.sh [COUNT] [RATE]   (default 1,000 reports in a burst; RATE reports/s otherwise)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/bench-stack.sh"
start_bench_stack --Parameters:dovecot-password=bench-bounces
python3 "$root/bench/bounce-latency.py" http://localhost:8000 bench-admin localhost 1025 bench-bounces "${1:-1000}" "${2:-0}"
