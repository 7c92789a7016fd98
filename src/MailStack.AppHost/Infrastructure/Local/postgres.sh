#!/usr/bin/env bash
# Runs a throwaway PostgreSQL server in the foreground for the local (no-container) stack.
# Usage: postgres.sh DATA_DIR   with PGPORT (listen port) and POSTGRES_PASSWORD in the environment.
# initdb runs only when DATA_DIR is empty; as root the server runs as the 'postgres' user,
# since PostgreSQL refuses to run as root. Its dynamic shared memory lives in DATA_DIR
# (dynamic_shared_memory_type=mmap), not in /dev/shm, where a killed server's segments stay behind.
set -euo pipefail
data_dir=${1:?usage: postgres.sh DATA_DIR}
: "${PGPORT:?PGPORT must be set}" "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"

bin_dir=${MAILSTACK_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin_dir" ] || [ ! -x "$bin_dir/postgres" ] || [ ! -x "$bin_dir/initdb" ]; then
  echo "ERROR: PostgreSQL server binaries not found (looked in ${bin_dir:-/usr/lib/postgresql/*/bin})." >&2
  echo "ERROR: install them with 'apt-get install postgresql' or run scripts/install-prereqs.sh." >&2
  exit 127
fi

as_db_user=()
if [ "$(id -u)" = 0 ]; then as_db_user=(runuser -u postgres --); fi

mkdir -p "$data_dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$data_dir"; fi
chmod 700 "$data_dir"

if [ ! -f "$data_dir/PG_VERSION" ]; then
  echo "initdb in $data_dir"
  pwfile="$data_dir.pw"
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pwfile"; fi
  "${as_db_user[@]}" "$bin_dir/initdb" -D "$data_dir" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi

echo "starting $bin_dir/postgres on 127.0.0.1:$PGPORT"
exec "${as_db_user[@]}" "$bin_dir/postgres" -D "$data_dir" -k "$data_dir" \
  -c listen_addresses=127.0.0.1 -p "$PGPORT" -c fsync=off -c max_connections=200 \
  -c dynamic_shared_memory_type=mmap
