#!/usr/bin/env bash
# What `npm run up` installs before it starts anything (a fresh clone needs nothing else first):
#   1. the npm packages, with `npm ci`, when node_modules is missing or incomplete;
#   2. the pinned Fabric programs (install-fabric.sh: skipped when present at the pinned versions);
#   3. supervisord (Debian's supervisor package), which restarts any node that crashes, with
#      apt-get when it is missing (as root; otherwise it says what to install);
#   4. a build of the TypeScript packages the network runs (wire, fixtures, chaincode/common, the
#      chaincodes, the gateway; incremental, so a second run is quick).
# Each step prints its progress; a failure names the step and prints the tail of its log
# (bin/.logs/: npm-ci.log, install.log, build.log).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  '') ;;
  -h|--help) echo "Usage: install.sh   (npm ci if needed, the pinned Fabric programs, supervisord, a build of the packages)"; exit 0 ;;
  *) echo "install.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

LOGS="$FABRIC_BIN/.logs"
mkdir -p "$LOGS"
cd "$GOVLEDGER_ROOT"

command -v node >/dev/null 2>&1 || die "Node.js is not installed: install Node.js 20 or newer with npm"
command -v openssl >/dev/null 2>&1 || die "openssl is missing (apt-get install openssl)"

# node_modules is complete when npm's own record of it exists and the chaincode runtime is there
if [ ! -f node_modules/.package-lock.json ] || [ ! -d node_modules/fabric-shim ] || [ ! -x node_modules/.bin/tsc ]; then
  step "Installing the npm packages (npm ci; a first install takes a few minutes)"
  : > "$LOGS/npm-ci.log"
  run_long "$LOGS/npm-ci.log" npm ci --no-audit --no-fund
  ok
else
  step "npm packages"; ok "node_modules present (run npm ci yourself after changing package-lock.json)"
fi

# gateway replicas (network.sh gateway --replicas N, the replica tests): Debian's PostgreSQL and HAProxy
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v haproxy >/dev/null 2>&1; then
  step "Installing PostgreSQL and HAProxy (apt-get) for gateway replicas"
  if [ "$(id -u)" = 0 ]; then
    : > "$LOGS/apt.log"
    run_long "$LOGS/apt.log" bash -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql haproxy'
    ok
  else
    ok "skipped (not root): run sudo apt-get install -y postgresql haproxy for gateway replicas"
  fi
fi

bash "$GOVLEDGER_ROOT/test-network-scripts/install-fabric.sh"

# supervisord runs every node of a network and restarts the ones that crash (README "Supervision")
if command -v supervisord >/dev/null 2>&1 && command -v supervisorctl >/dev/null 2>&1; then
  step "supervisord"; ok "$(supervisord --version 2>/dev/null || echo present)"
else
  step "Installing supervisord (apt-get install supervisor)"
  command -v apt-get >/dev/null 2>&1 || die "supervisord is missing and there is no apt-get: install the 'supervisor' package (supervisord 4)"
  [ "$(id -u)" = 0 ] || die "supervisord is missing: run 'sudo apt-get install -y supervisor' (or run install.sh as root)"
  : > "$LOGS/apt.log"
  # no service is started: each network runs its own supervisord (policy-rc.d permitting, Debian
  # would start the system-wide one, which the network does not use)
  apt_install() { env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends supervisor >> "$LOGS/apt.log" 2>&1; }
  apt_install || { apt-get update >> "$LOGS/apt.log" 2>&1 && apt_install; } \
    || die "apt-get install supervisor failed" "$LOGS/apt.log"
  ok "$(supervisord --version)"
fi

# the multi-host mode (network.sh up --multi-host; README "Organisations on separate hosts"): ip and ss
if ! command -v ip >/dev/null 2>&1 || ! command -v ss >/dev/null 2>&1; then
  step "Installing iproute2 (apt-get) for the multi-host mode"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    : > "$LOGS/apt.log"
    run_long "$LOGS/apt.log" bash -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iproute2'
    ok
  else
    ok "skipped (not root): run sudo apt-get install -y iproute2 for the multi-host mode"
  fi
fi

step "Building the packages the network runs (wire, fixtures, chaincodes, gateway)"
projects=(packages/wire packages/fixtures chaincode/common)
for cc in $(node -e 'process.stdout.write(require("./network/consortium.json").chaincodes.join(" "))'); do
  [ -f "chaincode/$cc/tsconfig.build.json" ] && projects+=("chaincode/$cc")
done
projects+=(gateway)
: > "$LOGS/build.log"
run_long "$LOGS/build.log" node node_modules/typescript/bin/tsc -b "${projects[@]/%//tsconfig.build.json}"
ok "${projects[*]}"
