# Sourced by the proxy benchmarks: start_bench_stack [APPHOST ARGS...] runs the stack (Release
# AppHost build) with a fixed admin token ("bench-admin"), no demo tenants and sinks that keep
# 100,000 messages, plus $BENCH_APPHOST_ARGS; returns once the AppHost logs "Stack ready" and
# stops everything when the calling script exits.
start_bench_stack() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  bench_log=$(mktemp)
  "$root/scripts/install-prereqs.sh" >/dev/null
  dotnet build "$root/src/MailStack.AppHost" -c Release -v quiet --nologo >/dev/null
  # shellcheck disable=SC2086 # BENCH_APPHOST_ARGS is a list of arguments
  dotnet run --no-build -c Release --project "$root/src/MailStack.AppHost" -- \
    --MailStack:Proxy:AdminToken=bench-admin --MailStack:Proxy:SeedDemoTenants=false \
    --MailStack:Sink:Store:MaxMessages=100000 "$@" ${BENCH_APPHOST_ARGS:-} >"$bench_log" 2>&1 &
  bench_runner=$!
  trap 'pkill -TERM -f "MailStack.AppHost" 2>/dev/null || true; wait "$bench_runner" 2>/dev/null || true; rm -f "$bench_log"' EXIT
  until grep -q "Stack ready" "$bench_log"; do
    kill -0 "$bench_runner" 2>/dev/null || { tail -20 "$bench_log"; exit 1; }
    sleep 0.5
  done
}
