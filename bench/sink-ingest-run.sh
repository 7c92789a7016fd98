#!/usr/bin/env bash
# Starts MailStack.Sink standalone (Release, default options) on 127.0.0.1:2525 / :8925, runs
# ../shared/bench/sink-ingest.sh against it with REPS=3 (purging before and counting what was
# stored after every run), then stops it. Usage: bench/sink-ingest-run.sh [SCENARIOS] [PATH/TO/sink-ingest.sh]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scenarios=${1:-ABCD}
ingest=${2:-$root/../shared/bench/sink-ingest.sh}
[ -x /usr/sbin/smtp-source ] || MAILSTACK_BENCH_TOOLS=1 "$root/scripts/install-prereqs.sh"
dotnet build "$root/src/MailStack.Sink" -c Release -v quiet --nologo >/dev/null
Sink__Smtp__Port=2525 dotnet "$root/src/MailStack.Sink/bin/Release/net10.0/MailStack.Sink.dll" --urls http://127.0.0.1:8925 >/dev/null 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null; wait $sink 2>/dev/null' EXIT
until curl -sf http://127.0.0.1:8925/livez >/dev/null; do sleep 0.2; done
export BEFORE_RUN='curl -s -X DELETE http://127.0.0.1:8925/api/v1/messages >/dev/null'
export AFTER_RUN='echo "# stored=$(curl -s "http://127.0.0.1:8925/api/v1/messages?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"total\"])") expected=$EXPECTED"'
REPS=${REPS:-3} bash "$ingest" 127.0.0.1:2525 "$scenarios"
