#!/usr/bin/env bash
# Retention cleanup under load: starts a PostgreSQL of its own (the stack's local launch script,
# fsync off as in the stack) and one Release proxy on it, writes N synthetic finished, reported
# messages with their events straight into the database, then times POST /commands/cleanup-messages
# while add-messages requests run at a steady rate (bench/cleanup-bench.py). Stops both at the end.
# Usage: bench/cleanup-bench.sh [N] [ENQUEUE_RATE]   (default 1000000 rows, 50 requests/s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
rate=${2:-50}
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
proxy_port=$(free_port)
pg_pid=""
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill -TERM "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null || true
  # SIGINT to the postmaster itself (as root it runs under runuser, which does not pass signals on): fast shutdown.
  [ -f "$work/pg/postmaster.pid" ] && kill -INT "$(head -n 1 "$work/pg/postmaster.pid")" 2>/dev/null || true
  [ -n "$pg_pid" ] && wait "$pg_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build "$root/src/MailStack.Proxy" -c Release -v quiet --nologo >/dev/null
mkdir -p "$work/pg"
if [ "$(id -u)" = 0 ]; then chown postgres: "$work"; fi
PGPORT=$pg_port POSTGRES_PASSWORD=bench bash "$root/src/MailStack.AppHost/Infrastructure/Local/postgres.sh" "$work/pg" >"$work/pg.log" 2>&1 &
pg_pid=$!
export PGPASSWORD=bench
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
until "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -c 'SELECT 1' -qtA postgres >/dev/null 2>&1; do
  kill -0 "$pg_pid" 2>/dev/null || { cat "$work/pg.log"; exit 1; }
  sleep 0.5
done
"$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'CREATE DATABASE maildb' postgres

ConnectionStrings__maildb="Host=127.0.0.1;Port=$pg_port;Username=postgres;Password=bench;Database=maildb" \
  ASPNETCORE_URLS="http://127.0.0.1:$proxy_port" Proxy__AdminToken=bench-admin Logging__LogLevel__Default=Warning \
  Proxy__Retention__Interval=1.00:00:00 \
  dotnet "$root/src/MailStack.Proxy/bin/Release/net10.0/MailStack.Proxy.dll" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
until curl -sf "http://127.0.0.1:$proxy_port/health" >/dev/null; do
  kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/proxy.log"; exit 1; }
  sleep 0.5
done

python3 "$root/bench/cleanup-bench.py" "http://127.0.0.1:$proxy_port" bench-admin "$psql_bin" "$pg_port" "$n" "$rate"
