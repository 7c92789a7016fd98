#!/usr/bin/env bash
# README's run command: installs what a fresh machine lacks, then runs the whole stack with the
# Aspire dashboard (http://localhost:15080; the login URL is printed below). Ctrl+C stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/install-prereqs.sh
# The JIT tuning the AppHost gives its services (Infrastructure/JitTuning.cs), for the build that
# `dotnet run` does first as well: a fresh clone compiles in two thirds of the time (bench/README.md).
export DOTNET_TieredPGO=${DOTNET_TieredPGO:-0} DOTNET_TC_CallCountThreshold=${DOTNET_TC_CallCountThreshold:-500} \
  DOTNET_EnableWriteXorExecute=${DOTNET_EnableWriteXorExecute:-0}
exec dotnet run --project src/MailStack.AppHost "$@"
