#!/usr/bin/env bash
# Builds Hyperledger Tape (the benchmark's raw-proposal load generator) into <project>/bin/tape
# with `go install`. The version is pinned in test-network-scripts/fabric-tools/tape/go.mod
# (with go.sum). Only `npm run bench` needs it; `npm test` does not.
# Idempotent: a tape already built from the pinned version is not rebuilt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

install_flags install-tape.sh "$@"

MOD="$GOVLEDGER_ROOT/test-network-scripts/fabric-tools/tape"
TAPE_VERSION="$(awk '$1=="require" && $2=="github.com/hyperledger-twgc/tape" {print $3}' "$MOD/go.mod")"
STAMP="$FABRIC_BIN/.tape-version"

tape_ok() { [ -x "$FABRIC_BIN/tape" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$TAPE_VERSION" ]; }

if [ "$CHECK" = 1 ]; then
  if tape_ok; then echo "tape $TAPE_VERSION present in $FABRIC_BIN"; exit 0; fi
  echo "tape $TAPE_VERSION missing (run: bash test-network-scripts/install-tape.sh)"; exit 1
fi

if [ "$FORCE" = 0 ] && tape_ok; then
  step "Tape ${TAPE_VERSION}"; ok "already installed, nothing to do"
  exit 0
fi

step "Checking Go"
command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.21 or newer (https://go.dev/doc/install) and retry"
need_go="$(awk '$1=="go"{print $2}' "$MOD/go.mod")"
have_go="$(go env GOVERSION | sed 's/^go//')"
version_ge "$have_go" "$need_go" || die "Go $have_go is too old: tape needs Go $need_go or newer"
ok "go $have_go"

mkdir -p "$FABRIC_BIN/.logs"
LOG="$FABRIC_BIN/.logs/install-tape.log"
: > "$LOG"
export GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local GOSUMDB=off
step "Building tape ${TAPE_VERSION} (a cold build takes about a minute)"
rm -f "$STAMP"
( cd "$MOD" && GOBIN="$FABRIC_BIN" run "$LOG" go install github.com/hyperledger-twgc/tape/cmd/tape ) || exit 1
[ -x "$FABRIC_BIN/tape" ] || die "go install finished but $FABRIC_BIN/tape is missing" "$LOG"
echo "$TAPE_VERSION" > "$STAMP"
ok "$FABRIC_BIN/tape"
