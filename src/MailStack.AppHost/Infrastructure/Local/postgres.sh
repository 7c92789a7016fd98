#!/usr/bin/env bash
# Runs a throwaway PostgreSQL server in the foreground for the local (no-container) stack.
# Usage: postgres.sh DATA_DIR   with PGPORT (listen port) and POSTGRES_PASSWORD in the environment.
# A DATA_DIR without a cluster gets one: a copy of the cluster kept in POSTGRES_TEMPLATE_ROOT
# (made by initdb the first time) with this run's password, or, without that folder, initdb's own.
# As root the server runs as the 'postgres' user, since PostgreSQL refuses to run as root. Its
# dynamic shared memory lives in DATA_DIR (dynamic_shared_memory_type=mmap), not in /dev/shm, where
# a killed server's segments stay behind.
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

server_settings=(-c fsync=off -c dynamic_shared_memory_type=mmap)

# initdb DIR PASSWORD [initdb options]: a new cluster whose superuser 'postgres' has PASSWORD.
init_cluster() {
  local dir=$1 password=$2 pwfile="$1.pw"
  shift 2
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  chmod 700 "$dir"
  printf '%s' "$password" > "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pwfile"; fi
  "${as_db_user[@]}" "$bin_dir/initdb" -D "$dir" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 "$@" >/dev/null
  rm -f "$pwfile"
}

if [ ! -f "$data_dir/PG_VERSION" ]; then
  if [ -n "${POSTGRES_TEMPLATE_ROOT:-}" ]; then
    # initdb costs a second of CPU, and at a stack's start, with every service starting beside it
    # on a small machine, up to ten seconds of the start: it runs once per PostgreSQL version.
    # One per user as well: another user's copy is not readable, nor owned by the right user.
    template="$POSTGRES_TEMPLATE_ROOT/postgres-$("$bin_dir/postgres" --version | awk '{print $3}')-uid$(id -u)"
    if [ ! -f "$template/PG_VERSION" ]; then
      echo "initdb in $template (kept for the next runs)"
      mkdir -p "$POSTGRES_TEMPLATE_ROOT"
      staging="$template.$$"
      # Synced (unlike the server's writes, fsync=off): every later run trusts it.
      init_cluster "$staging" "template-$$"
      # Another stack starting at the same time may have made it first: keep theirs.
      if ! mv -T "$staging" "$template" 2>/dev/null; then
        rm -rf "$staging"
        [ -f "$template/PG_VERSION" ] || { echo "ERROR: could not keep the cluster in $template" >&2; exit 1; }
      fi
    fi
    cp -a "$template/." "$data_dir/"
    quote="'"
    password_sql="ALTER USER postgres PASSWORD '${POSTGRES_PASSWORD//$quote/$quote$quote}'"
    if ! output=$(printf '%s\n' "$password_sql" | "${as_db_user[@]}" "$bin_dir/postgres" --single -D "$data_dir" "${server_settings[@]}" postgres 2>&1) \
      || grep -q "ERROR:" <<<"$output"; then
      echo "ERROR: could not set the password of the cluster copied to $data_dir:" >&2
      echo "${output//$POSTGRES_PASSWORD/***}" >&2
      # Not a cluster to start next time with the template's password.
      find "$data_dir" -mindepth 1 -delete
      exit 1
    fi
  else
    echo "initdb in $data_dir"
    init_cluster "$data_dir" "$POSTGRES_PASSWORD" --no-sync
  fi
fi

echo "starting $bin_dir/postgres on 127.0.0.1:$PGPORT"
exec "${as_db_user[@]}" "$bin_dir/postgres" -D "$data_dir" -k "$data_dir" \
  -c listen_addresses=127.0.0.1 -p "$PGPORT" -c max_connections=200 "${server_settings[@]}"
