#!/usr/bin/env bash
# Installs what the local (no-container) stack needs and a fresh machine lacks:
#   dovecot-imapd (IMAP server for the bounce mailbox), postfix (only for smtp-source in bench/),
#   PostgreSQL server binaries, chromium-headless-shell (the browser the sink's UI tests drive
#   through Playwright), and the npm S3 server s3rver into tools/s3rver.
# Idempotent: prints what it does, skips what is already there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

need_apt=()
[ -n "$(ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ] || need_apt+=(postgresql)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need_apt+=(dovecot-imapd)
[ -x /usr/bin/chromium-headless-shell ] || need_apt+=(chromium-headless-shell)
if [ "${MAILSTACK_BENCH_TOOLS:-0}" = 1 ]; then
  [ -x /usr/sbin/smtp-source ] || need_apt+=(postfix)
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "[prereqs] apt-get install ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    # The packages may start system services we do not use; stop them so ports stay free.
    for svc in dovecot postfix postgresql; do
      service "$svc" stop >/dev/null 2>&1 || true
    done
  else
    echo "[prereqs] missing ${need_apt[*]}: not root, install them with your package manager" >&2
  fi
else
  echo "[prereqs] apt packages present"
fi

if [ ! -x "$root/tools/s3rver/node_modules/.bin/s3rver" ]; then
  echo "[prereqs] npm ci in tools/s3rver (s3rver, the local S3 endpoint)"
  (cd "$root/tools/s3rver" && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "[prereqs] s3rver present"
fi
