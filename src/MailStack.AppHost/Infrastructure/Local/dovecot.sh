#!/usr/bin/env bash
# Runs Dovecot in the foreground as the IMAP server holding the bounce mailbox.
# Usage: dovecot.sh STATE_DIR   with IMAP_PORT, BOUNCE_USER and BOUNCE_PASSWORD in the environment.
# The listen port has to be written into the config file (dovecot has no -o for it).
set -euo pipefail
state_dir=${1:?usage: dovecot.sh STATE_DIR}
: "${IMAP_PORT:?IMAP_PORT must be set}" "${BOUNCE_USER:?}" "${BOUNCE_PASSWORD:?}"

dovecot_bin=${MAILSTACK_DOVECOT_PATH:-$(command -v dovecot || echo /usr/sbin/dovecot)}
if [ ! -x "$dovecot_bin" ]; then
  echo "ERROR: dovecot not found at '$dovecot_bin'." >&2
  echo "ERROR: install it with 'apt-get install dovecot-imapd' or run scripts/install-prereqs.sh." >&2
  exit 127
fi

mkdir -p "$state_dir/run" "$state_dir/mail"
if [ "$(id -u)" = 0 ]; then
  mail_uid=$(id -u mail); mail_gid=$(id -g mail)
  internal_user=dovecot; login_user=dovenull
else
  mail_uid=$(id -u); mail_gid=$(id -g)
  internal_user=$(id -un); login_user=$(id -un)
fi
chown "$mail_uid:$mail_gid" "$state_dir/mail"
# The password file never leaves the state directory, which is removed with the run.
printf '%s:{PLAIN}%s:%s:%s::%s/mail/%%u\n' "$BOUNCE_USER" "$BOUNCE_PASSWORD" "$mail_uid" "$mail_gid" "$state_dir" \
  > "$state_dir/users"
chmod 640 "$state_dir/users"
if [ "$(id -u)" = 0 ]; then chgrp dovecot "$state_dir/users"; fi

cat > "$state_dir/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $state_dir/run
state_dir = $state_dir/run
instance_name = mailstack-$IMAP_PORT
default_internal_user = $internal_user
default_login_user = $login_user
first_valid_uid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
log_path = /dev/stderr
info_log_path = /dev/stdout
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $state_dir/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $state_dir/users
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
CONF

echo "starting $dovecot_bin on 127.0.0.1:$IMAP_PORT (user $BOUNCE_USER)"
exec "$dovecot_bin" -F -c "$state_dir/dovecot.conf"
