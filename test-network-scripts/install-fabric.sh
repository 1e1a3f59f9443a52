#!/usr/bin/env bash
# Builds the pinned Fabric programs with `go install`:
#   peer orderer configtxgen configtxlator osnadmin   (github.com/hyperledger/fabric), one of two builds:
#     --fabric release   (default) Fabric v2.5.0, into <project>/bin            (fabric-tools/fabric)
#     --fabric snapshot  the main-branch snapshot with SmartBFT, into <project>/bin/snapshot
#                        (fabric-tools/fabric-snapshot); network.sh up builds it only for
#                        --consensus bft or --fabric snapshot
#   fabric-ca-server fabric-ca-client                 (github.com/hyperledger/fabric-ca), into <project>/bin
#   ccaas-builder/bin/{detect,build,release}          (this project's chaincode-as-a-service builder), into <project>/bin
# bin/snapshot links to bin/'s CA programs and builder, so each build's folder holds every program.
# The versions are pinned in one place each: test-network-scripts/fabric-tools/*/go.mod
# (with go.sum, so the build is verified without reaching a checksum database).
# Idempotent: programs already present at the pinned version are not rebuilt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

FABRIC_BUILD=release
shared_flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fabric) [ $# -ge 2 ] || { echo "install-fabric.sh: --fabric needs release or snapshot" >&2; exit 2; }; FABRIC_BUILD="$2"; shift ;;
    --fabric=*) FABRIC_BUILD="${1#*=}" ;;
    -h|--help)
      printf 'Usage: install-fabric.sh [--fabric release|snapshot] [--force] [--check]\n  --fabric B  the Fabric build: release (v2.5.0, bin/; default) or snapshot (SmartBFT, bin/snapshot/)\n'
      install_flags install-fabric.sh --help | tail -n +2; exit 0 ;;
    *) shared_flags+=("$1") ;;
  esac
  shift
done
case "$FABRIC_BUILD" in release|snapshot) ;; *) echo "install-fabric.sh: --fabric must be release or snapshot" >&2; exit 2 ;; esac
install_flags install-fabric.sh ${shared_flags[@]+"${shared_flags[@]}"}

TOOLS="$GOVLEDGER_ROOT/test-network-scripts/fabric-tools"
module_version() { awk -v m="$2" '$1=="require" && $2==m {print $3} $1==m {print $2}' "$1/go.mod" | head -n1; }
FABRIC_MODULE="$(fabric_build_module "$FABRIC_BUILD")"
FABRIC_OUT="$(fabric_build_bin "$FABRIC_BUILD")"
FABRIC_VERSION="$(module_version "$FABRIC_MODULE" github.com/hyperledger/fabric)"
CA_VERSION="$(module_version "$TOOLS/fabric-ca" github.com/hyperledger/fabric-ca)"
# The stamp a built program reports as its version (Fabric's Makefile stamps the same variable).
FABRIC_STAMP="govledger-${FABRIC_VERSION}"
BUILDER_DIR="$FABRIC_BIN/ccaas-builder"
BUILDER_SRC="$GOVLEDGER_ROOT/test-network-scripts/ccaas-builder"

fabric_ok() {
  local p
  for p in peer orderer configtxgen configtxlator osnadmin; do
    [ -x "$FABRIC_OUT/$p" ] || return 1
  done
  "$FABRIC_OUT/peer" version 2>/dev/null | grep -q "Version: ${FABRIC_STAMP}\$" || return 1
  "$FABRIC_OUT/orderer" version 2>/dev/null | grep -q "Version: ${FABRIC_STAMP}\$" || return 1
  "$FABRIC_OUT/configtxgen" -version 2>/dev/null | grep -q "Version: ${FABRIC_STAMP}\$" || return 1
}
# shared_ok: a build in a subfolder links to the CA programs and the builder of $FABRIC_BIN.
SHARED=(fabric-ca-server fabric-ca-client ccaas-builder)
shared_ok() {
  [ "$FABRIC_OUT" = "$FABRIC_BIN" ] && return 0
  local f
  for f in "${SHARED[@]}"; do [ "$(readlink "$FABRIC_OUT/$f" 2>/dev/null)" = "../$f" ] || return 1; done
}
ca_ok() {
  [ -x "$FABRIC_BIN/fabric-ca-server" ] && [ -x "$FABRIC_BIN/fabric-ca-client" ] || return 1
  "$FABRIC_BIN/fabric-ca-server" version 2>/dev/null | grep -q "Version: ${CA_VERSION#v}\$" || return 1
  "$FABRIC_BIN/fabric-ca-client" version 2>/dev/null | grep -q "Version: ${CA_VERSION#v}\$" || return 1
}
builder_ok() {
  local f
  for f in detect build release; do
    cmp -s "$BUILDER_SRC/bin/$f" "$BUILDER_DIR/bin/$f" || return 1
  done
}

if [ "$CHECK" = 1 ]; then
  missing=()
  fabric_ok || missing+=("fabric ${FABRIC_VERSION} (${FABRIC_BUILD})")
  ca_ok || missing+=("fabric-ca ${CA_VERSION}")
  builder_ok || missing+=("ccaas builder")
  shared_ok || missing+=("links in $FABRIC_OUT")
  if [ ${#missing[@]} -eq 0 ]; then echo "Fabric programs (${FABRIC_BUILD}) present at the pinned versions in $FABRIC_OUT"; exit 0; fi
  echo "missing or outdated: ${missing[*]} (run: bash test-network-scripts/install-fabric.sh --fabric ${FABRIC_BUILD})"; exit 1
fi

step "Checking Go"
command -v go >/dev/null 2>&1 || die "Go is not installed: install Go 1.25 or newer (https://go.dev/doc/install) and retry"
need_go="$(awk '$1=="go"{print $2}' "$TOOLS/fabric-ca/go.mod")"
have_go="$(go env GOVERSION | sed 's/^go//')"
version_ge "$have_go" "$need_go" || die "Go $have_go is too old: the pinned fabric-ca needs Go $need_go or newer; upgrade Go and retry"
ok "go $have_go"

mkdir -p "$FABRIC_BIN" "$FABRIC_BIN/.logs" "$FABRIC_OUT"
LOG="$FABRIC_BIN/.logs/install.log"
: > "$LOG"
# The module proxy serves pinned versions; go.sum carries their checksums, so no checksum
# database is consulted. GOTOOLCHAIN=local: never download another Go toolchain.
export GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local
export GOSUMDB=off

if [ "$FORCE" = 0 ] && fabric_ok; then
  step "Fabric ${FABRIC_VERSION} (${FABRIC_BUILD})"; ok "already installed in $FABRIC_OUT, nothing to do"
else
  step "Building peer, orderer, configtxgen, configtxlator, osnadmin (fabric ${FABRIC_VERSION}, the ${FABRIC_BUILD} build, into $FABRIC_OUT; a cold build takes a few minutes)"
  ( cd "$FABRIC_MODULE" && GOBIN="$FABRIC_OUT" run_long "$LOG" go install \
      -ldflags "-X github.com/hyperledger/fabric/common/metadata.Version=${FABRIC_STAMP} -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_VERSION##*-}" \
      github.com/hyperledger/fabric/cmd/peer github.com/hyperledger/fabric/cmd/orderer \
      github.com/hyperledger/fabric/cmd/configtxgen github.com/hyperledger/fabric/cmd/configtxlator \
      github.com/hyperledger/fabric/cmd/osnadmin ) || exit 1
  fabric_ok || die "built programs do not report version ${FABRIC_STAMP}" "$LOG"
  ok
fi

if [ "$FORCE" = 0 ] && ca_ok; then
  step "Fabric CA ${CA_VERSION}"; ok "already installed, nothing to do"
else
  step "Building fabric-ca-server, fabric-ca-client (fabric-ca ${CA_VERSION}, cgo)"
  command -v gcc >/dev/null 2>&1 || die "gcc is missing: fabric-ca needs cgo (apt-get install gcc) and retry"
  ( cd "$TOOLS/fabric-ca" && CGO_ENABLED=1 GOBIN="$FABRIC_BIN" run_long "$LOG" go install \
      github.com/hyperledger/fabric-ca/cmd/fabric-ca-server github.com/hyperledger/fabric-ca/cmd/fabric-ca-client ) || exit 1
  ca_ok || die "built CA programs do not report version ${CA_VERSION#v}" "$LOG"
  ok
fi

if [ "$FORCE" = 0 ] && builder_ok; then
  step "Chaincode-as-a-service builder"; ok "already installed, nothing to do"
else
  step "Installing the chaincode-as-a-service builder"
  mkdir -p "$BUILDER_DIR/bin"
  for f in detect build release; do install -m 0755 "$BUILDER_SRC/bin/$f" "$BUILDER_DIR/bin/$f"; done
  ok "$BUILDER_DIR"
fi
if ! shared_ok; then
  for f in "${SHARED[@]}"; do ln -sfn "../$f" "$FABRIC_OUT/$f"; done
fi
echo "Fabric programs (${FABRIC_BUILD}) ready in $FABRIC_OUT"
