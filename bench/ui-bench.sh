#!/usr/bin/env bash
# The sink's web UI at 10,000 messages (bench/ui): loads them over SMTP into an in-process sink,
# times the list API (p50/p99) and, in Debian's chromium-headless-shell through Playwright, the first
# list render and opening a message. Usage: bench/ui-bench.sh [messages=10000] [list-requests=1000] [page-loads=10]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x /usr/bin/chromium-headless-shell ] || "$root/scripts/install-prereqs.sh"
dotnet build "$root/bench/ui" -c Release -v quiet --nologo >/dev/null
dotnet "$root/bench/ui/bin/Release/net10.0/MailStack.Bench.Ui.dll" "$@"
