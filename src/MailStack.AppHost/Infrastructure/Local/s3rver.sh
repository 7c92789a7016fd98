#!/usr/bin/env bash
# Runs s3rver (npm) as the local S3-compatible object store.
# Usage: s3rver.sh DATA_DIR   with S3_PORT in the environment. Credentials are s3rver's fixed S3RVER/S3RVER.
set -euo pipefail
data_dir=${1:?usage: s3rver.sh DATA_DIR}
: "${S3_PORT:?S3_PORT must be set}"
repo_root=$(cd "$(dirname "$0")/../../../.." && pwd)
s3rver_js=${MAILSTACK_S3RVER_PATH:-$repo_root/tools/s3rver/node_modules/s3rver/bin/s3rver.js}

if ! command -v node >/dev/null 2>&1; then
  echo "ERROR: node not found: install Node.js (apt-get install nodejs) to run the local S3 store." >&2
  exit 127
fi
if [ ! -f "$s3rver_js" ]; then
  echo "ERROR: s3rver not found at '$s3rver_js'." >&2
  echo "ERROR: install it with '(cd tools/s3rver && npm ci)' or run scripts/install-prereqs.sh." >&2
  exit 127
fi

mkdir -p "$data_dir"
echo "starting s3rver on 127.0.0.1:$S3_PORT (data in $data_dir)"
exec node "$s3rver_js" --directory "$data_dir" --address 127.0.0.1 --port "$S3_PORT" --silent
