#!/usr/bin/env bash
# Profiles the REST gateway under the benchmark's own load: brings a network up in a state folder of
# its own, restarts its gateway under `node --cpu-prof`, runs `npm run bench` against it with the
# given bench arguments, stops the gateway (which writes the profile) and takes the network down.
#
#   flock /work/wt/e2e.lock bash e2e/bench/profile-gateway.sh OUT_DIR [bench args...]
#   e.g. ... OUT_DIR --only licence.verify,licence.issue --paths gateway,direct --concurrency 1,8,32 --duration 3
#
# OUT_DIR gets gateway-*.cpuprofile and the bench JSON; with BASE_GATEWAY=/path/to/dist/server.js (another
# build of the gateway) the bench runs twice on the same network, that gateway first (OUT_DIR/base),
# then this worktree's (OUT_DIR/new). Summarise with node e2e/dist/bench/bench/cpuprofile.js.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"; shift
STATE="$(mktemp -d /tmp/govledger-prof-XXXXXX)"
NET="$ROOT/test-network-scripts/network.sh"
# a free range of 110 ports below the ephemeral range
BASE=""
for _ in $(seq 1 50); do
  b=$((20000 + (RANDOM % 120) * 100))
  if ! ss -ltnH | awk '{print $4}' | sed 's/.*://' | awk -v b="$b" '$1 >= b && $1 < b + 110 { f = 1 } END { exit !f }'; then BASE=$b; break; fi
done
[ -n "$BASE" ] || { echo "no free port range" >&2; exit 1; }
down() { bash "$NET" down --state-dir "$STATE" >/dev/null 2>&1 || true; }
trap down EXIT
bash "$NET" up --state-dir "$STATE" --port-base "$BASE"
bash "$NET" deploy all --state-dir "$STATE"
RATE_LIMIT_MAX=10000000 bash "$NET" gateway --state-dir "$STATE" >/dev/null
# profile_with SERVER_JS OUT: restarts the gateway (the same recorded command under supervision, with
# the profiler on, running SERVER_JS), runs the bench against it, stops it (which writes the profile)
profile_with() {
  local server="$1" out="$2"
  mkdir -p "$out"
  bash "$NET" stop-node gateway --state-dir "$STATE"
  cp "$STATE/run/gateway.sh.orig" "$STATE/run/gateway.sh"
  sed -i "s|node --env-file=\\([^ ]*\\) [^ ]*/gateway/dist/server.js|node --cpu-prof --cpu-prof-dir=$out --cpu-prof-name=gateway-\${\$}.cpuprofile --env-file=\\1 $server|" "$STATE/run/gateway.sh"
  grep -q -- "--cpu-prof-dir=$out" "$STATE/run/gateway.sh" || { echo "could not add --cpu-prof to $STATE/run/gateway.sh" >&2; exit 1; }
  bash "$NET" start-node gateway --state-dir "$STATE"
  (cd "$ROOT" && npm run bench -- --state-dir "$STATE" --out "$out" "${BENCH_ARGS[@]}")
  bash "$NET" stop-node gateway --state-dir "$STATE" # SIGTERM: the gateway exits and writes the profile
  sleep 2
  ls -la "$out"
}
BENCH_ARGS=("$@")
cp "$STATE/run/gateway.sh" "$STATE/run/gateway.sh.orig"
# BASE_GATEWAY=/path/to/other/dist/server.js: that gateway first, on the same network (a before/after pair)
if [ -n "${BASE_GATEWAY:-}" ]; then
  profile_with "$BASE_GATEWAY" "$OUT/base"
  profile_with "$ROOT/gateway/dist/server.js" "$OUT/new"
else
  profile_with "$ROOT/gateway/dist/server.js" "$OUT"
fi
