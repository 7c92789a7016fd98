#!/usr/bin/env bash
# Starts the stack (bench/bench-stack.sh), runs bench/proxy-attachments.py in one mode, then stops it.
# Usage: bench/proxy-attachments.sh inline|rewrite [N]   (default 200 messages, 2 MB each)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-rewrite}
n=${2:-200}
source "$root/bench/bench-stack.sh"
start_bench_stack
# This stack's proxy process (read only: its peak RSS is VmHWM in /proc).
proxy_pid=$(bench_processes MailStack.Proxy | tail -1)
python3 "$root/bench/proxy-attachments.py" http://localhost:8000 bench-admin localhost 1025 "$mode" "$n" "$proxy_pid"
