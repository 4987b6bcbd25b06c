#!/usr/bin/env bash
# Throughput of the API on the simulator: without Redis, with Redis (jobs through the shared queue, results cached),
# with every request a cache hit, and two replicas sharing one Redis. Release builds, outputs as large as real FLUX PNGs
# (the simulator's --image-kind noise); prints the bench's numbers. For the side-by-side table use `FluxAspire.Bench compare`.
#   bench/cluster-bench.sh [requests] [clients]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-300}; clients=${2:-32}
work=$(mktemp -d)
# Servers are started inside $(…) subshells, so they are not this shell's jobs: each records its pid for the cleanup.
cleanup() { [ -f "$work/pids" ] && xargs -r kill <"$work/pids" 2>/dev/null; kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
dotnet build -c Release FluxAspire.Api >/dev/null && dotnet build -c Release FluxAspire.ComfySim >/dev/null && dotnet build -c Release bench/FluxAspire.Bench >/dev/null
api_dir=FluxAspire.Api/bin/Release/net10.0; sim_dll=FluxAspire.ComfySim/bin/Release/net10.0/FluxAspire.ComfySim.dll
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ok() { for _ in $(seq 1 120); do curl -sf "$1" >/dev/null && return 0; sleep 0.5; done; echo "no answer from $1" >&2; exit 1; }

start_sim() { local p; p=$(port); dotnet "$sim_dll" --port "$p" --image-kind noise --base-directory "$work/sim-$p" >"$work/sim-$p.log" 2>&1 & echo $! >>"$work/pids"; wait_ok "http://127.0.0.1:$p/system_stats"; echo "$p"; }
start_api() { # comfyui-port [redis-port]
  local p; p=$(port)
  ( cd "$api_dir" && exec env ConnectionStrings__comfyui="http://127.0.0.1:$1" ComfyUI__OutputDirectory="$work/sim-$1/output" ${2:+ConnectionStrings__cache=127.0.0.1:$2} \
      ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning dotnet FluxAspire.Api.dll --urls "http://127.0.0.1:$p" ) >"$work/api-$p.log" 2>&1 &
  echo $! >>"$work/pids"
  wait_ok "http://127.0.0.1:$p/ready"; echo "$p"; }
bench() { # title api-port [extra bench args]
  local title=$1 p=$2; shift 2
  echo "=== $title"
  dotnet bench/FluxAspire.Bench/bin/Release/net10.0/FluxAspire.Bench.dll --target api --url "http://127.0.0.1:$p" \
    --clients "$clients" --requests "$requests" --pid "$(pgrep -f "urls http://127.0.0.1:$p" | head -1)" "$@" | grep -vE '^\s*$'; }

redis_port=$(port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly yes --appendfsync everysec >"$work/redis.log" 2>&1 &
echo $! >>"$work/pids"
sim1=$(start_sim)

alone=$(start_api "$sim1"); bench "API alone (in-process jobs and cache), new seed per request" "$alone"; kill "$(pgrep -f "urls http://127.0.0.1:$alone")"
shared=$(start_api "$sim1" "$redis_port"); bench "API with Redis (shared queue, events, outputs, cache writes), new seed per request" "$shared"
bench "API with Redis, one fixed seed (result-cache hits)" "$shared" --seed 42
sim2=$(start_sim); second=$(start_api "$sim2" "$redis_port")
bench "two replicas sharing Redis, each with its own simulator; load sent to one" "$shared"
echo "=== Redis memory after the runs: $(redis-cli -p "$redis_port" info memory | grep used_memory_human: | tr -d '\r')"
