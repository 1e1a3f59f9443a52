# Which Fabric build a network runs (README "Fabric version"): `release` (Fabric v2.5.0, the default
# for Raft) or `snapshot` (the main-branch build with SmartBFT: BFT networks, and Raft networks for
# comparison). `up --fabric BUILD` chooses it; network.env records it (FABRIC_BUILD, with the
# build's FABRIC_BIN and FABRIC_CFG_PATH), so every later command, run script and unit of the
# network uses the programs and sample configuration it was created with. Sourced by network.sh.

# check_fabric_build_arg: validates --fabric (up only; bft needs the snapshot build).
check_fabric_build_arg() {
  [ -n "$FABRIC_BUILD_ARG" ] || return 0
  [ "$COMMAND" = up ] || { echo "network.sh: --fabric applies to 'up' only (the state folder remembers it)" >&2; exit 2; }
  case "$FABRIC_BUILD_ARG" in release|snapshot) ;; *) echo "network.sh: --fabric must be release or snapshot" >&2; exit 2 ;; esac
  if [ "$CONSENSUS" = bft ] && [ "$FABRIC_BUILD_ARG" = release ]; then
    echo "network.sh: --consensus bft needs --fabric snapshot: Fabric v2.5.0 has no SmartBFT (README \"Fabric version\")" >&2; exit 2
  fi
}

# select_fabric_build: (up) sets FABRIC_BUILD (--fabric, else snapshot for bft and release for raft),
# builds it when its programs are missing (install-fabric.sh --fabric BUILD, progress shown) and
# points FABRIC_BIN at its folder.
select_fabric_build() {
  FABRIC_BUILD="${FABRIC_BUILD_ARG:-}"
  [ -n "$FABRIC_BUILD" ] || { if [ "$CONSENSUS" = bft ]; then FABRIC_BUILD=snapshot; else FABRIC_BUILD=release; fi; }
  bash "$HERE/install-fabric.sh" --fabric "$FABRIC_BUILD" --check >/dev/null 2>&1 \
    || bash "$HERE/install-fabric.sh" --fabric "$FABRIC_BUILD" || die "could not install the Fabric programs ($FABRIC_BUILD build)"
  FABRIC_BIN="$(fabric_build_bin "$FABRIC_BUILD")"
  export FABRIC_BIN FABRIC_BUILD
}

# fabric_build_label: the network's Fabric build as a person reads it (status, summary).
fabric_build_label() {
  local build="${FABRIC_BUILD:-release}" version
  version="$(awk '$1=="require" && $2=="github.com/hyperledger/fabric"{print $3}' "$(fabric_build_module "$build")/go.mod")"
  case "$build" in
    release) echo "v2.5.0, release build ($version)" ;;
    *) echo "main-branch snapshot ${version##*-}, $build build" ;;
  esac
}
