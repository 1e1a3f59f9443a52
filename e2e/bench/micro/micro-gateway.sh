#!/usr/bin/env bash
# The REST gateway's own CPU per request with no Fabric behind it (the unit tests' FakeLedger), for
# each of the given commits, alternating them REPS times: what each change to the HTTP layer saves,
# without a network (no lock needed; other work on the machine still adds noise, hence the repeats).
#
#   bash e2e/bench/micro/micro-gateway.sh [--reps 3] [--n 3000] [--concurrency 8] COMMIT...
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPS=3 N=3000 C=8 COMMITS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS="$2"; shift 2 ;;
    --n) N="$2"; shift 2 ;;
    --concurrency) C="$2"; shift 2 ;;
    *) COMMITS+=("$1"); shift ;;
  esac
done
[ ${#COMMITS[@]} -gt 0 ] || { echo "usage: micro-gateway.sh [--reps R] [--n N] [--concurrency C] COMMIT..." >&2; exit 2; }
WORK="$(mktemp -d /tmp/govledger-micro-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
for c in "${COMMITS[@]}"; do
  d="$WORK/$c"
  mkdir -p "$d"
  git -C "$ROOT" archive "$c" gateway tsconfig.base.json | tar -x -C "$d"
  ln -s "$ROOT/node_modules" "$d/node_modules"
  ln -s "$ROOT/network" "$d/network"
  (cd "$d/gateway" && node "$ROOT/node_modules/typescript/bin/tsc" -p tsconfig.json --noEmit false --outDir "$d/build" \
    --declaration false --sourceMap false --incremental false && cp -r test/fixtures "$d/build/test/")
done
for rep in $(seq 1 "$REPS"); do
  for c in "${COMMITS[@]}"; do
    for kind in reads writes; do
      echo "rep $rep $c $(GWBUILD="$WORK/$c/build" node "$HERE/load.cjs" "$kind" "$N" "$C")"
    done
  done
done
