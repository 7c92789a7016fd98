# Sourced by the proxy benchmarks: start_bench_stack [APPHOST ARGS...] runs the stack (Release
# AppHost build) with a fixed admin token ("bench-admin"), no demo tenants and sinks that keep
# 100,000 messages, plus $BENCH_APPHOST_ARGS; returns once the AppHost logs "Stack ready" and
# stops it (by its process id: other stacks on the machine are left alone) when the calling script exits.
start_bench_stack() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  bench_log=$(mktemp)
  "$root/scripts/install-prereqs.sh" >/dev/null
  dotnet build "$root/src/MailStack.AppHost" -c Release -v quiet --nologo >/dev/null
  # The built AppHost itself (not `dotnet run`), so the id below is the AppHost's and SIGTERM stops the stack.
  # Without `dotnet run` there is no launch profile: set what its "http" profile sets (no fault sinks), or
  # the dashboard wants an HTTPS developer certificate (which a fresh machine lacks) and the AppHost aborts.
  # shellcheck disable=SC2086 # BENCH_APPHOST_ARGS is a list of arguments
  (cd "$root/src/MailStack.AppHost" && ASPNETCORE_URLS=http://localhost:15080 ASPNETCORE_ENVIRONMENT=Development \
    DOTNET_ENVIRONMENT=Development ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:19080 \
    ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:20080 ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
    exec "bin/Release/net10.0/MailStack.AppHost" \
    --MailStack:Proxy:AdminToken=bench-admin --MailStack:Proxy:SeedDemoTenants=false \
    --MailStack:Sink:Store:MaxMessages=100000 "$@" ${BENCH_APPHOST_ARGS:-}) >"$bench_log" 2>&1 &
  bench_runner=$!
  trap 'kill -TERM "$bench_runner" 2>/dev/null || true; wait "$bench_runner" 2>/dev/null || true; rm -f "$bench_log"' EXIT
  until grep -q "Stack ready" "$bench_log"; do
    kill -0 "$bench_runner" 2>/dev/null || { tail -20 "$bench_log"; exit 1; }
    sleep 0.5
  done
}

# The process ids under the bench's AppHost whose command line matches $1 (e.g. the proxy).
bench_processes() {
  local pids=("$bench_runner") all=() pid
  while ((${#pids[@]})); do
    all+=("${pids[@]}")
    mapfile -t pids < <(for pid in "${pids[@]}"; do ps -o pid= --ppid "$pid"; done | tr -d ' ')
  done
  for pid in "${all[@]}"; do
    grep -qa -- "$1" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
  done
}
