#!/usr/bin/env bash
# The README's test command (CI runs it as root on a fresh clone through .ci/run): checks what the tests need,
# builds with warnings as errors, runs every test, and prints "N passed, N failed" as its last line.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter 'FullyQualifiedName~AppHost'.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No HTTPS development certificate is needed: the tests and the AppHost's launch profile use plain HTTP on loopback.
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false

# Everything else the tests start (the simulator, the API, Aspire's DCP orchestrator) comes from the build itself:
# no Docker, no GPU, no services. Three Debian packages are needed: redis-server (the tests start their own servers on
# free loopback ports, and the AppHost runs one, so it is only installed here, never started as a service), nodejs
# (JSON.stringify as the reference for what the recipe's JavaScript clients do with our JSON) and chromium, the browser
# the playground's Playwright tests drive (Playwright's own browser download is not needed).
command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; echo "0 passed, 1 failed"; exit 1; }
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v node >/dev/null || missing+=(nodejs)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "test.sh: ${missing[*]} missing; install as root: apt-get install -y ${missing[*]}" >&2; echo "0 passed, 1 failed"; exit 1
  fi
  echo "test.sh: installing ${missing[*]} (Debian packages)"
  "${sudo[@]}" apt-get update -q \
    && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || { echo "test.sh: could not install ${missing[*]}" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

# The storage tests run real emulators from the npm registry on loopback: s3rver (the S3 REST API) and Microsoft's
# Azurite (Blob). Installed here, pinned, into the ignored .emulators/ folder; FluxAspire.Tests/Infrastructure/Emulators
# starts them from there.
if [ ! -x .emulators/node_modules/.bin/s3rver ] || [ ! -x .emulators/node_modules/.bin/azurite-blob ]; then
  command -v npm >/dev/null || {
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm \
      || { "${sudo[@]}" apt-get update -q && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm; }
  }
  echo "test.sh: installing the storage emulators (npm: s3rver, azurite) into .emulators/"
  npm install --prefix .emulators --no-audit --no-fund --loglevel=error s3rver@3.7.1 azurite@3.35.0 >/dev/null \
    || { echo "test.sh: could not install the storage emulators from npm" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

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

# The Aspire tests dispose without waiting for DCP's cleanup (fast); give it up to 30 s to stop this checkout's
# processes so nothing outlives the run.
for _ in $(seq 1 30); do
  pgrep -f "$(pwd)/FluxAspire\." >/dev/null || break
  sleep 1
done

echo "${passed} passed, ${failed} failed"
exit "$rc"
