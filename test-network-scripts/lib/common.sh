# Shared helpers for GovLedger's network scripts: progress, errors, process control.
# Sourced, never run.

GOVLEDGER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export GOVLEDGER_ROOT
FABRIC_BIN="${FABRIC_BIN:-$GOVLEDGER_ROOT/bin}"
export FABRIC_BIN
# the programs' root folder as first set (a network's FABRIC_BIN, from its network.env, may be a build's subfolder)
FABRIC_BIN_BASE="${FABRIC_BIN_BASE:-$FABRIC_BIN}"
export FABRIC_BIN_BASE

if [ -t 1 ]; then C_BOLD=$'\e[1m'; C_RED=$'\e[31m'; C_GREEN=$'\e[32m'; C_DIM=$'\e[2m'; C_OFF=$'\e[0m'; else C_BOLD=; C_RED=; C_GREEN=; C_DIM=; C_OFF=; fi

# nettool SUBCOMMAND ARGS...: the network scripts' JSON helpers (lib/tools.js: json-field,
# ccaas-connection, installed-package-id, network-json).
nettool() { node "$GOVLEDGER_ROOT/test-network-scripts/lib/tools.js" "$@"; }

CURRENT_STEP=""
STEP_STARTED=0

# step "text": announce a step; failures are reported against it.
step() {
  CURRENT_STEP="$1"
  STEP_STARTED=$(date +%s%N)
  printf '%s==>%s %s\n' "$C_BOLD" "$C_OFF" "$1"
}

# ok ["detail"]: close the current step with its duration.
ok() {
  local ms=$(( ($(date +%s%N) - STEP_STARTED) / 1000000 ))
  printf '    %sok%s %s%s(%d ms)%s\n' "$C_GREEN" "$C_OFF" "${1:+$1 }" "$C_DIM" "$ms" "$C_OFF"
}

info() { printf '    %s\n' "$*"; }

# die "message" [logfile]: stop with the failing step named and the log tail.
die() {
  printf '%serror%s: %s\n' "$C_RED" "$C_OFF" "$1" >&2
  [ -n "$CURRENT_STEP" ] && printf '  failing step: %s\n' "$CURRENT_STEP" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    printf '  last lines of %s:\n' "$2" >&2
    tail -n 25 "$2" | sed 's/^/    | /' >&2
  fi
  exit 1
}

# An unexpected failure (set -e) still names the step and the command that failed.
on_unexpected_error() {
  local rc=$? line="$1" cmd="$2"
  printf '%serror%s: unexpected failure (exit %s) at %s: %s\n' "$C_RED" "$C_OFF" "$rc" "$line" "$cmd" >&2
  [ -n "$CURRENT_STEP" ] && printf '  failing step: %s\n' "$CURRENT_STEP" >&2
  return 0
}
set -E
trap 'on_unexpected_error "${BASH_SOURCE[0]##*/}:$LINENO" "$BASH_COMMAND"' ERR

# run LOG cmd...: run a command, appending its output to LOG; on failure die with the log tail.
run() {
  local log="$1"; shift
  printf '\n$ %s\n' "$*" >> "$log"
  if ! "$@" >> "$log" 2>&1; then
    die "command failed: $(basename "$1") ${2:-} ${3:-}" "$log"
  fi
}

# run_long LOG cmd...: `run` for a step that takes minutes: the command runs in the background and
# every 15 s a progress line shows the time so far and the last line of its log; on failure it
# dies with the log tail, as `run` does.
run_long() {
  local log="$1"; shift
  printf '\n$ %s\n' "$*" >> "$log"
  "$@" >> "$log" 2>&1 &
  local pid=$! started=$SECONDS last rc=0 tick=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    tick=$((tick + 1))
    if [ $((tick % 15)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then
      last="$(tail -n 1 "$log" 2>/dev/null | tr -d '\r' | grep -v '^\$ ' | cut -c1-90 || true)"
      printf '    %s... %ss%s%s\n' "$C_DIM" "$((SECONDS - started))" "${last:+ | $last}" "$C_OFF"
    fi
  done
  wait "$pid" || rc=$?
  [ "$rc" -eq 0 ] || die "command failed (exit $rc): $(basename "$1") ${2:-} ${3:-}" "$log"
}

# version_ge A B: true when version A >= version B (dotted numbers).
version_ge() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

# install_flags PROGRAM "$@": the installers' shared options. Sets FORCE and CHECK (0 or 1);
# answers --help with PROGRAM's usage; refuses anything else.
install_flags() {
  local program="$1"; shift
  FORCE=0; CHECK=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --force) FORCE=1 ;;
      --check) CHECK=1 ;;
      -h|--help)
        printf 'Usage: %s [--force] [--check]\n  --force   rebuild even when the pinned versions are present\n  --check   only report whether the pinned versions are installed (exit 1 if not)\n' "$program"
        exit 0 ;;
      *) echo "$program: unknown option '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
  done
}

# Fabric builds (README "Fabric version"): `release` (Fabric v2.5.0, the default for Raft) and
# `snapshot` (the main-branch snapshot with SmartBFT: BFT networks, and Raft for comparison). Each is
# pinned by its own Go module and built into its own folder; a network records its build in
# <state>/network.env (FABRIC_BUILD, FABRIC_BIN, FABRIC_CFG_PATH) and every later command uses it.
# fabric_build_module BUILD: the folder of the build's pinned Go module (go.mod, go.sum).
fabric_build_module() {
  case "$1" in
    release) echo "$GOVLEDGER_ROOT/test-network-scripts/fabric-tools/fabric" ;;
    snapshot) echo "$GOVLEDGER_ROOT/test-network-scripts/fabric-tools/fabric-snapshot" ;;
    *) die "unknown Fabric build '$1' (release or snapshot)" ;;
  esac
}
# fabric_build_bin BUILD: the folder of the build's programs: release in bin/, snapshot in
# bin/snapshot/ (with links to bin/'s fabric-ca programs and ccaas builder, which both builds share).
fabric_build_bin() {
  case "$1" in
    release) echo "$FABRIC_BIN_BASE" ;;
    snapshot) echo "$FABRIC_BIN_BASE/snapshot" ;;
    *) die "unknown Fabric build '$1' (release or snapshot)" ;;
  esac
}
