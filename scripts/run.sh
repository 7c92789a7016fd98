#!/usr/bin/env bash
# README's run command: installs what a fresh machine lacks, then runs the whole stack with the
# Aspire dashboard (http://localhost:15080; the login URL is printed below). Ctrl+C stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-prereqs.sh
# The JIT tuning for the build `dotnet run` does first and for the AppHost (its services get it anyway).
source ./scripts/jit-tuning.sh
exec dotnet run --project src/MailStack.AppHost "$@"
