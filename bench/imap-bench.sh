#!/usr/bin/env bash
# IMAP benchmarks (issue 12): FETCH ENVELOPE+FLAGS of N messages on the sink and on Dovecot
# (started with the stack's own launch script), then IDLE push latency and memory per session.
# Usage: bench/imap-bench.sh [COUNT=10000] [SESSIONS=100] [MAILS=1000]
set -euo pipefail
count=${1:-10000}; sessions=${2:-100}; mails=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
state=$(mktemp -d); chmod 755 "$state"  # dovecot reads it as the mail user
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

dotnet build "$root/src/MailStack.Sink" -c Release -v q >/dev/null
(cd "$root/src/MailStack.Sink/bin/Release/net10.0" && \
  Sink__Smtp__Port=22025 Sink__Http__Port=22080 Sink__Imap__Port=22143 Sink__Store__MaxMessages=50000 \
  Logging__LogLevel__Default=Warning exec dotnet MailStack.Sink.dll) > "$state/sink.log" 2>&1 &
sink_pid=$!; pids+=("$sink_pid")
IMAP_PORT=22144 BOUNCE_USER=bench@example.test BOUNCE_PASSWORD=bench \
  "$root/src/MailStack.AppHost/Infrastructure/Local/dovecot.sh" "$state/dovecot" > "$state/dovecot.log" 2>&1 &
pids+=($!)
for port in 22143 22144; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
done

echo "== MailStack.Sink"
python3 "$root/bench/imap_bench.py" fetch 127.0.0.1 22143 bench@example.test bench "$count" 3
echo "== Dovecot $(dovecot --version 2>/dev/null | cut -d' ' -f1)"
python3 "$root/bench/imap_bench.py" fetch 127.0.0.1 22144 bench@example.test bench "$count" 3
echo "== MailStack.Sink IDLE"
python3 "$root/bench/imap_bench.py" idle 127.0.0.1 22143 22025 "$sessions" "$mails" "$sink_pid"
