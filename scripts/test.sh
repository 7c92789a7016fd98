#!/usr/bin/env bash
# README's test command: installs what a fresh machine lacks, builds, and runs every test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# Phase timings go to the closing lines (bench/README.md records them).
phase_start=$(date +%s)
phases=()
phase_done() { phases+=("$1 $(( $(date +%s) - phase_start )) s"); phase_start=$(date +%s); }

./scripts/install-prereqs.sh
phase_done prereqs

# The JIT tuning for every .NET process of the run: build, format check, test hosts and test proxies.
source ./scripts/jit-tuning.sh
# Style fails the run: `dotnet format` checks the layout (whitespace, final newlines) of every C#
# file, and the build reports every style and analyzer rule of .editorconfig as an error
# (EnforceCodeStyleInBuild, TreatWarningsAsErrors), which is what a full `dotnet format` would
# check again at 40 s more. The layout check reads files only, so it runs beside the build (not in
# bin/ and obj/, which the build writes meanwhile).
format_log=$(mktemp)
dotnet format whitespace --folder . --verify-no-changes --exclude '**/bin/**' '**/obj/**' >"$format_log" 2>&1 &
format_pid=$!
trap 'kill "$format_pid" 2>/dev/null; rm -f "$format_log"' EXIT
# The compiler server compiles every project in one warm process (a fresh clone: 43 s instead of
# 72 s); some environments turn it off (UseSharedCompilation=false). It and MSBuild's worker nodes
# are stopped after the build, so that no build process outlives the run (nor serves a later build
# with this run's environment).
build_status=0
dotnet build MailStack.slnx -c Release --nologo -v quiet -p:UseSharedCompilation=true || build_status=$?
dotnet build-server shutdown >/dev/null || echo "warning: the build servers were not stopped" >&2
format_status=0
wait "$format_pid" || format_status=$?
cat "$format_log"
rm -f "$format_log"
[ "$format_status" -eq 0 ] || { echo "dotnet format: the layout of the files above is not the .editorconfig's" >&2; exit "$format_status"; }
[ "$build_status" -eq 0 ] || exit "$build_status"
phase_done "format and build"

timings=tests/MailStack.Tests/bin/Release/net10.0/stack-timings.log
rm -f "$timings"
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
# DCP, Aspire's orchestrator, logs at info level into the run's results: twice on 2026-11-27 a test
# AppHost waited 2 minutes for DCP's API server and failed, and nothing said why. A failed run ends
# with DCP's warnings and errors (below).
export DCP_DIAGNOSTICS_LOG_FOLDER="$results/dcp" DCP_DIAGNOSTICS_LOG_LEVEL=info
mkdir -p "$DCP_DIAGNOSTICS_LOG_FOLDER"
# All three test projects start at once (the default is one per core): the stack suite is the
# longest, and it waited for the unit tests to finish before it started.
dotnet test --solution MailStack.slnx -c Release --no-build --max-parallel-test-modules 3 \
  --results-directory "$results" --report-xunit-trx "$@" || status=$?
phase_done tests

[ -f "$timings" ] && cat "$timings"
if [ "$status" -ne 0 ]; then
  echo "DCP's warnings and errors in this run (its logs were in $DCP_DIAGNOSTICS_LOG_FOLDER):"
  grep -hE '"level":"(warn|error)"' "$DCP_DIAGNOSTICS_LOG_FOLDER"/*.log 2>/dev/null | tail -n 30 | cut -c1-400 || true
fi
echo "phases: $(IFS=,; echo "${phases[*]}" | sed 's/,/, /g')"

# The closing lines, from the test reports: every test that did not pass, with the start of its
# message (a CI log keeps only its tail, where the live output has long scrolled past them), then
# the counts.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    for result in root.findall(".//{*}UnitTestResult"):
        if result.get("outcome") in ("Passed", "NotExecuted"):
            continue
        message = result.findtext(".//{*}ErrorInfo/{*}Message") or ""
        lines = message.strip().splitlines()[:6]
        print(f"not passed ({result.get('outcome')}): {result.get('testName')}")
        for line in lines:
            print(f"    {line[:300]}")
    counters = root.find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
