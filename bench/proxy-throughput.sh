#!/usr/bin/env bash
# Starts the stack (dotnet run, Release AppHost build) with a fixed admin token and a sink that
# keeps 100,000 messages, waits for "Stack ready", runs bench/proxy-throughput.py, then stops it.
# Usage: bench/proxy-throughput.sh [N]   (default 10000 messages)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-10000}
log=$(mktemp)
"$root/scripts/install-prereqs.sh" >/dev/null
dotnet build "$root/src/MailStack.AppHost" -c Release -v quiet --nologo >/dev/null
dotnet run --no-build -c Release --project "$root/src/MailStack.AppHost" -- \
  --MailStack:Proxy:AdminToken=bench-admin --MailStack:Proxy:SeedDemoTenants=false >"$log" 2>&1 &
runner=$!
cleanup() { pkill -TERM -f "MailStack.AppHost" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
until grep -q "Stack ready" "$log"; do
  kill -0 "$runner" 2>/dev/null || { tail -20 "$log"; exit 1; }
  sleep 0.5
done
python3 "$root/bench/proxy-throughput.py" http://localhost:8000 bench-admin localhost 1025 http://localhost:8025 "$n"
