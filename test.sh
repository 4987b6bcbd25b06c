#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what the tests need, builds, tests, prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

dotnet build FluxAspire.sln -c Debug -warnaserror || { echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp -d)
dotnet test FluxAspire.sln -c Debug --no-build --logger "trx" --results-directory "$results" "$@"
rc=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  p=$(grep -oP '<Counters [^>]*\bpassed="\K\d+' "$trx" | head -1)
  f=$(grep -oP '<Counters [^>]*\bfailed="\K\d+' "$trx" | head -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
rm -rf "$results"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
exit "$rc"
