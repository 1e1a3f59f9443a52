#!/usr/bin/env bash
# GovLedger's local test network: real Fabric CAs, orderers and peers as plain
# processes on 127.0.0.1, chaincode run as a service. See README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/common.sh"
source "$HERE/lib/procs.sh"
source "$HERE/lib/fabric-build.sh"
source "$HERE/lib/parallel.sh"

usage() {
  cat <<'USAGE'
Usage: network.sh COMMAND [OPTIONS]

Commands:
  up                  start CAs, enrol identities, start orderers and peers, create and join the channel
  deploy [NAME|all]   build and deploy chaincode(s) as a service (upgrades a changed chaincode)
  addorg [ORG] [--licensing]
                      add an organisation of network/consortium.json to the running channel: the
                      Audit Office by default, or ORG (e.g. CityC); a licensing city ("licensing":
                      true, which --licensing requires) also gets its licence collection: e-licence
                      is upgraded to the next sequence with the regenerated collections
  gateway             build and start the REST gateway in front of the network (prints URL and demo tokens);
                      --replicas N: N instances sharing PostgreSQL behind HAProxy on the same address
  env ORG [USER]      print the peer CLI environment of ORG (CityA, CityAMSP, ...) as export lines, acting
                      as ORG's admin or as USER (a demo user of ORG): eval "$(network.sh env CityA)"
  status              nodes (state, pid, uptime, restarts), block heights, committed chaincodes
  logs NODE           print the last lines of a node's log (--follow to keep reading)
  stop-node NODE      stop one node (e.g. orderer2), keeping its state; supervision leaves it stopped
  start-node NODE     start a stopped node again
  units               write the systemd units of this network's nodes (STATE/systemd) and list them
  bundle ORG DIR      (multi-host networks) what ORG needs to run its part on a host of its own:
                      its folder, the exchange, run scripts and systemd units, as DIR/govledger-ORG.tar.gz
  down                stop every process this network started and remove its state folder
  backup ORG DIR      back up what ORG alone holds (CA database and keys, MSP, users, gateway
                      database and wallet, a ledger snapshot) into DIR/govledger-ORG-<time>.tar.gz
  restore ORG DIR     restore ORG from its newest backup in DIR (or from an archive), after
                      checking the archive's manifest (README, Backup and restore)
  snapshot PEER [BLOCK]  ledger snapshot of the channel on PEER (e.g. peer0.CityB) at BLOCK
                      (default: its last block); prints its folder and snapshot_hash
  restore-peer PEER --from-snapshot DIR  rebuild PEER's ledger from the ledger snapshot in DIR
  restore-peer PEER --from-genesis       rebuild PEER's ledger by replaying every block from the
                      ordering service (the channel's genesis block on)

Every node runs under the network's supervisord, which restarts a node that crashes
(README "Supervision").

Options:
  --state-dir DIR     state folder (default: <project>/.network)
  --port-base N       first port (default 17000; up only, remembered in the state folder)
  --consensus TYPE    raft (3 orderers, default) or bft (4 orderers); up only
  --multi-host        with up: every organisation on a host of its own, a Linux network namespace
                      with its own IP address and host names (root only; README "Organisations on
                      separate hosts"); remembered in the state folder
  --fabric BUILD      release (Fabric v2.5.0, default for raft) or snapshot (the main-branch build with
                      SmartBFT: always for bft; for raft, comparison only); up only, remembered
  --endorsement-policy P  with deploy, COMPARISON networks only (e.g. the benchmark's --policy old):
                      commit every chaincode with the signature policy P (e.g.
                      "OR('CityAMSP.peer','CityBMSP.peer')") instead of its chaincode.json policy;
                      remembered in the state folder; "default" goes back to chaincode.json's
  --follow            with logs: keep following the log
  --from-snapshot DIR with restore-peer: the completed ledger snapshot to join the channel from
  --from-genesis      with restore-peer: join from the genesis block and replay the whole chain
  --replicas N        with gateway: N (2-5) gateway replicas (README "Gateway replicas")
  -h, --help          this help
USAGE
}

# ---- arguments -----------------------------------------------------------------

COMMAND="${1:-}"
[ -n "$COMMAND" ] || { usage; exit 2; }
shift
case "$COMMAND" in
  -h|--help|help) usage; exit 0 ;;
  up|deploy|addorg|gateway|env|status|logs|stop-node|start-node|units|down|backup|restore|snapshot|restore-peer|bundle) ;;
  *) echo "network.sh: unknown command '$COMMAND' (try: network.sh --help)" >&2; exit 2 ;;
esac

STATE="$GOVLEDGER_ROOT/.network"
PORT_BASE=""
CONSENSUS=""
FABRIC_BUILD_ARG=""
FOLLOW=0
LICENSING_FLAG=0
ENDORSEMENT_POLICY_OVERRIDE=""
FROM_SNAPSHOT=""
FROM_GENESIS=0
REPLICAS=""
MULTI_HOST_FLAG=0
POSITIONAL=()
while [ $# -gt 0 ]; do
  case "$1" in
    --state-dir) [ $# -ge 2 ] || { echo "network.sh: --state-dir needs a folder" >&2; exit 2; }; STATE="$2"; shift ;;
    --state-dir=*) STATE="${1#*=}" ;;
    --port-base) [ $# -ge 2 ] || { echo "network.sh: --port-base needs a number" >&2; exit 2; }; PORT_BASE="$2"; shift ;;
    --port-base=*) PORT_BASE="${1#*=}" ;;
    --consensus) [ $# -ge 2 ] || { echo "network.sh: --consensus needs raft or bft" >&2; exit 2; }; CONSENSUS="$2"; shift ;;
    --consensus=*) CONSENSUS="${1#*=}" ;;
    --fabric) [ $# -ge 2 ] || { echo "network.sh: --fabric needs release or snapshot" >&2; exit 2; }; FABRIC_BUILD_ARG="$2"; shift ;;
    --fabric=*) FABRIC_BUILD_ARG="${1#*=}" ;;
    --endorsement-policy) [ $# -ge 2 ] && [ -n "$2" ] || { echo "network.sh: --endorsement-policy needs a policy" >&2; exit 2; }; ENDORSEMENT_POLICY_OVERRIDE="$2"; shift ;;
    --endorsement-policy=*) ENDORSEMENT_POLICY_OVERRIDE="${1#*=}" ;;
    --follow) FOLLOW=1 ;;
    --from-snapshot) [ $# -ge 2 ] && [ -n "$2" ] || { echo "network.sh: --from-snapshot needs a folder" >&2; exit 2; }; FROM_SNAPSHOT="$2"; shift ;;
    --from-snapshot=*) FROM_SNAPSHOT="${1#*=}" ;;
    --from-genesis) FROM_GENESIS=1 ;;
    --replicas) [ $# -ge 2 ] || { echo "network.sh: --replicas needs a number" >&2; exit 2; }; REPLICAS="$2"; shift ;;
    --replicas=*) REPLICAS="${1#*=}" ;;
    --licensing) LICENSING_FLAG=1 ;;
    --multi-host) MULTI_HOST_FLAG=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "network.sh: unknown option '$1' (try: network.sh --help)" >&2; exit 2 ;;
    *) POSITIONAL+=("$1") ;;
  esac
  shift
done
mkdir -p "$(dirname "$STATE")"
STATE="$(cd "$(dirname "$STATE")" && pwd)/$(basename "$STATE")"
export STATE

if [ -n "$PORT_BASE" ]; then
  [[ "$PORT_BASE" =~ ^[0-9]+$ ]] && [ "$PORT_BASE" -ge 1024 ] && [ "$PORT_BASE" -le 65000 ] \
    || { echo "network.sh: --port-base must be a number between 1024 and 65000" >&2; exit 2; }
fi
if [ -n "$CONSENSUS" ]; then
  case "$CONSENSUS" in raft|bft) ;; *) echo "network.sh: --consensus must be raft or bft" >&2; exit 2 ;; esac
fi
if [ "$COMMAND" != up ] && { [ -n "$PORT_BASE" ] || [ -n "$CONSENSUS" ]; }; then
  echo "network.sh: --port-base and --consensus apply to 'up' only (the state folder remembers them)" >&2; exit 2
fi

check_fabric_build_arg

if [ "$COMMAND" != restore-peer ] && { [ -n "$FROM_SNAPSHOT" ] || [ "$FROM_GENESIS" = 1 ]; }; then
  echo "network.sh: --from-snapshot and --from-genesis apply to 'restore-peer' only" >&2; exit 2
fi

if [ "$COMMAND" != up ] && [ "$MULTI_HOST_FLAG" = 1 ]; then
  echo "network.sh: --multi-host applies to 'up' only (the state folder remembers it)" >&2; exit 2
fi

if [ "$COMMAND" != gateway ] && [ -n "$REPLICAS" ]; then
  echo "network.sh: --replicas applies to 'gateway' only" >&2; exit 2
fi

if [ "$COMMAND" != deploy ] && [ -n "$ENDORSEMENT_POLICY_OVERRIDE" ]; then
  echo "network.sh: --endorsement-policy applies to 'deploy' only" >&2; exit 2
fi

# ---- settings of a network -------------------------------------------------------

# fabric_sampleconfig: prints the folder of Fabric's default configuration (core.yaml, orderer.yaml)
# of the network's Fabric build (FABRIC_BUILD: its pinned module), in the Go module cache; the peers
# and the peer CLI read core.yaml from there (FABRIC_CFG_PATH). Downloads the module (not a build)
# when the cache lacks it.
fabric_sampleconfig() {
  local version dir module
  module="$(fabric_build_module "${FABRIC_BUILD:-release}")"
  version="$(awk '$1=="require" && $2=="github.com/hyperledger/fabric"{print $3}' "$module/go.mod")"
  dir="$(go env GOMODCACHE)/github.com/hyperledger/fabric@${version}/sampleconfig"
  if [ ! -f "$dir/core.yaml" ]; then
    (cd "$module" && GOFLAGS=-mod=readonly GOSUMDB=off go mod download github.com/hyperledger/fabric) >&2 \
      || die "cannot read Fabric's default configuration from the Go module cache; run npm run install-fabric"
  fi
  echo "$dir"
}

load_settings() {
  # shellcheck disable=SC1091
  source "$STATE/network.env"
  # the consortium's settings as a file of quoted assignments (consortium.js env), sourced, never eval'd
  node "$HERE/lib/consortium.js" env "$PORT_BASE" "$CONSENSUS" "$STATE/consortium.env" \
    || die "cannot read the consortium's settings (network/consortium.json)"
  # shellcheck disable=SC1091
  source "$STATE/consortium.env"
  FABRIC_SAMPLECONFIG="$(fabric_sampleconfig)"
  ORDERER_CA="$STATE/orgs/$ORDERER_ORG/msp/tlscacerts/ca.pem"
  export PATH="$FABRIC_BIN:$PATH"
}

require_network() {
  [ -f "$STATE/network.env" ] || die "no network in $STATE (start one with: npm run up)"
  load_settings
}

var() { local n="$1"; printf '%s' "${!n}"; }

# ---- Fabric CA -------------------------------------------------------------------

ca_url() { echo "https://127.0.0.1:$(var "CA_PORT_$1")"; }
ca_tls() { echo "$STATE/ca/$1/ca-cert.pem"; }
ca_client() {
  local org="$1"; shift
  fabric-ca-client "$@" --caname "ca-$org" --tls.certfiles "$(ca_tls "$org")"
}

# start_ca ORG: the organisation's Fabric CA, configured by a fabric-ca-server-config.yaml rendered
# from the consortium (lib/ca-config.js: listen address and port, TLS, CA name, bootstrap admin and
# csr.names, the organisation's certificate subject).
start_ca() {
  local org="$1" home="$STATE/ca/$1"
  mkdir -p "$home"
  local secret
  secret="$(openssl rand -hex 16)"
  (umask 077; echo "$secret" > "$home/bootstrap.secret")
  CA_BOOTSTRAP_SECRET="$secret" node "$HERE/lib/ca-config.js" server "$org" "$(var "CA_PORT_$org")" \
    "127.0.0.1:$(var "CA_OPS_PORT_$org")" "$home/fabric-ca-server-config.yaml" \
    || die "cannot write the configuration of the CA of $org"
  start_proc "ca-$org" FABRIC_CA_SERVER_HOME="$home" -- "$FABRIC_BIN/fabric-ca-server" start
}

wait_ca() {
  local org="$1" i
  wait_port "ca-$org" "$(var "CA_PORT_$org")" 60
  for i in $(seq 1 100); do [ -s "$(ca_tls "$org")" ] && return 0; sleep 0.1; done
  die "CA of $org wrote no certificate" "$STATE/logs/ca-$org.log"
}

# NodeOUs: tells Fabric which certificates are clients, peers, admins, orderers.
write_nodeous() {
  local msp="$1" ca="cacerts/ca.pem"
  cat > "$msp/config.yaml" <<EOF
NodeOUs:
  Enable: true
  ClientOUIdentifier: { Certificate: $ca, OrganizationalUnitIdentifier: client }
  PeerOUIdentifier: { Certificate: $ca, OrganizationalUnitIdentifier: peer }
  AdminOUIdentifier: { Certificate: $ca, OrganizationalUnitIdentifier: admin }
  OrdererOUIdentifier: { Certificate: $ca, OrganizationalUnitIdentifier: orderer }
EOF
}

# normalise_msp DIR: fixed file names (cacerts/ca.pem, keystore/key.pem) and NodeOUs.
normalise_msp() {
  local msp="$1" f
  f=$(ls "$msp"/cacerts/*.pem | head -n1); [ "$f" = "$msp/cacerts/ca.pem" ] || mv "$f" "$msp/cacerts/ca.pem"
  f=$(ls "$msp"/keystore/* | head -n1); [ "$f" = "$msp/keystore/key.pem" ] || mv "$f" "$msp/keystore/key.pem"
  rm -rf "$msp/user" "$msp/IssuerPublicKey" "$msp/IssuerRevocationPublicKey"
  write_nodeous "$msp"
}

# normalise_tls DIR: server.crt, server.key, ca.crt.
normalise_tls() {
  local tls="$1"
  mv "$tls/signcerts/cert.pem" "$tls/server.crt"
  mv "$(ls "$tls"/keystore/* | head -n1)" "$tls/server.key"
  cp "$(ls "$tls"/tlscacerts/*.pem | head -n1)" "$tls/ca.crt"
  rm -rf "$tls/signcerts" "$tls/keystore" "$tls/tlscacerts" "$tls/cacerts" "$tls/user" "$tls/IssuerPublicKey" "$tls/IssuerRevocationPublicKey"
}

# enrol_identity ORG NAME TYPE DIR [ATTRS] [tls] [AFFILIATION]: register NAME at ORG's CA and enrol its
# MSP (and TLS) into DIR. NAME is the enrolment id and the certificate's CN; the CA writes the
# affiliation into the certificate as an OU (the staff affiliation makes a channel reader). Every
# enrolment asks for the organisation's subject (consortium.json: C, ST, L, O), which the CA keeps.
# With ENROL_BATCH set (a file), the identity is only added to that batch, which enrol_batch_run
# registers and enrols later in one process (lib/enrol.js), several at a time.
enrol_identity() {
  local org="$1" name="$2" type="$3" dir="$4" attrs="${5:-}" with_tls="${6:-}" affiliation="${7:-}"
  if [ -n "${ENROL_BATCH:-}" ]; then
    mkdir -p "$dir"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$type" "$dir" "$attrs" "$with_tls" "$affiliation" >> "$ENROL_BATCH"
    return 0
  fi
  local log="$STATE/logs/enrol-$org.log" admin_home="$STATE/ca-admin/$org" secret
  secret="$(openssl rand -hex 12)"
  local reg=(register --id.name "$name" --id.secret "$secret" --id.type "$type" -u "$(ca_url "$org")" -H "$admin_home")
  [ -n "$attrs" ] && reg+=(--id.attrs "$attrs")
  [ -n "$affiliation" ] && reg+=(--id.affiliation "$affiliation")
  run "$log" ca_client "$org" "${reg[@]}"
  local url="https://$name:$secret@127.0.0.1:$(var "CA_PORT_$org")"
  run "$log" ca_client "$org" enroll -u "$url" -M "$dir/msp" -H "$admin_home" --csr.cn "$name" \
    --csr.names "$(var "CSR_NAMES_$org")"
  normalise_msp "$dir/msp"
  if [ "$with_tls" = tls ]; then
    run "$log" ca_client "$org" enroll -u "$url" -M "$dir/tls" -H "$admin_home" --enrollment.profile tls \
      --csr.cn "$name" --csr.hosts "localhost,127.0.0.1" --csr.names "$(var "CSR_NAMES_$org")"
    normalise_tls "$dir/tls"
  fi
}

# enrol_batch_file ORG: a fresh, empty batch file for ORG's identities, or nothing in the multi-host
# mode, whose CAs listen only inside their organisation's namespace and whose node certificates need
# host-name SANs: there each identity goes through the (namespace-wrapped) fabric-ca-client.
enrol_batch_file() {
  mh_enabled && return 0
  : > "$STATE/logs/enrol-$1.batch"
  echo "$STATE/logs/enrol-$1.batch"
}

# enrol_batch_run ORG: registers and enrols the identities of ENROL_BATCH at ORG's CA (lib/enrol.js:
# the CA's REST API from one process, rather than two or three fabric-ca-client runs per identity),
# then writes their NodeOUs. The log: logs/enrol-ORG.log.
enrol_batch_run() {
  local org="$1" log="$STATE/logs/enrol-$1.log" dir
  [ -n "${ENROL_BATCH:-}" ] || return 0
  printf '\n$ enrol.js %s (%s identities)\n' "$org" "$(wc -l < "$ENROL_BATCH")" >> "$log"
  node "$HERE/lib/enrol.js" "$(ca_url "$org")" "ca-$org" "$(ca_tls "$org")" "$STATE/ca-admin/$org" \
    "$(var "CSR_NAMES_$org")" "$log" < "$ENROL_BATCH" >> "$log" 2>&1 \
    || die "registering and enrolling the identities of $org failed" "$log"
  while IFS=$'\t' read -r _ _ dir _; do write_nodeous "$dir/msp"; done < "$ENROL_BATCH"
}

# org_msp ORG MSPID: the organisation's MSP as the channel configuration sees it.
org_msp() {
  local org="$1" msp="$STATE/orgs/$1/msp"
  mkdir -p "$msp/cacerts" "$msp/tlscacerts"
  cp "$(ca_tls "$org")" "$msp/cacerts/ca.pem"
  cp "$(ca_tls "$org")" "$msp/tlscacerts/ca.pem"
  write_nodeous "$msp"
}

enrol_org_admin() {
  local org="$1" log="$STATE/logs/enrol-$1.log"
  mkdir -p "$STATE/ca-admin/$org"
  run "$log" ca_client "$org" enroll -u "https://admin:$(cat "$STATE/ca/$org/bootstrap.secret")@127.0.0.1:$(var "CA_PORT_$org")" \
    -H "$STATE/ca-admin/$org" --csr.names "$(var "CSR_NAMES_$org")"
  # the affiliation of staff: their certificates carry it as an OU, which the channel's Readers name
  run "$log" ca_client "$org" affiliation add "$STAFF_AFFILIATION" -u "$(ca_url "$org")" -H "$STATE/ca-admin/$org"
  org_msp "$org"
  enrol_identity "$org" "Admin@$org" admin "$STATE/orgs/$org/admin" "" tls
}

enrol_peer_org() {
  local org="$1" name pidflag msp attrs
  local ENROL_BATCH
  ENROL_BATCH="$(enrol_batch_file "$org")"
  enrol_org_admin "$org"
  # the pseudonym key is the organisation's own (orgs/ORG/pid.key): no other organisation can derive
  # or check its citizens' pids
  [ -f "$STATE/orgs/$org/pid.key" ] || (umask 077; openssl rand -hex 32 > "$STATE/orgs/$org/pid.key")
  enrol_identity "$org" "peer0.$org" peer "$STATE/nodes/peer0.$org" "" tls
  enrol_identity "$org" "ccserver.$org" client "$STATE/orgs/$org/ccserver" "" tls
  msp="$(var "ORG_MSP_$org")"
  # Citizens and enterprises (pseudonymous) are registered under an opaque enrolment id, the first
  # 32 hex digits of their pid, which is also their certificate's CN: the certificate already
  # carries the pid (gov.pid), so the CN tells a ledger reader nothing more, and the login name
  # stays off the ledger and out of the CA's registry. The login name -> identity mapping is kept
  # only in this organisation's own files (users/<login name>/: msp, pid, enrolment-id) and in the
  # gateway's wallet, which labels identities by login name. They get no affiliation, so they are
  # not channel readers; every other user is staff.
  while IFS=$'\t' read -r name attrs pidflag; do
    [ -n "$name" ] || continue
    local enrolment_id="$name" affiliation="$STAFF_AFFILIATION"
    if [ "$pidflag" = 1 ]; then
      local pid
      # consortium.js pid: HMAC-SHA256 of "MSP:name" under the organisation's pid key (openssl: no node start)
      pid="$(printf '%s' "$msp:$name" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$(< "$STATE/orgs/$org/pid.key")" -r | cut -d' ' -f1)"
      attrs="$attrs,gov.pid=$pid:ecert"
      enrolment_id="${pid:0:32}"
      affiliation=""
      mkdir -p "$STATE/users/$name"
      echo "$pid" > "$STATE/users/$name/pid"
      echo "$enrolment_id" > "$STATE/users/$name/enrolment-id"
    fi
    enrol_identity "$org" "$enrolment_id" client "$STATE/users/$name" "$attrs" "" "$affiliation"
    echo "$msp" > "$STATE/users/$name/mspid"
  done < <(node "$HERE/lib/consortium.js" users "$org")
  enrol_batch_run "$org"
}

enrol_orderer_org() {
  local org="$ORDERER_ORG" o
  local ENROL_BATCH
  ENROL_BATCH="$(enrol_batch_file "$org")"
  enrol_org_admin "$org"
  for o in "${ORDERERS[@]}"; do
    enrol_identity "$org" "$o" orderer "$STATE/nodes/$o" "" tls
  done
  enrol_batch_run "$org"
}

# ---- nodes ---------------------------------------------------------------------

# orderer_config_dir: FABRIC_CFG_PATH of the orderers. The orderer creates the consenter of one
# type only, the one its local Consensus.Type names (etcdraft when unset), so BFT orderers need
# Type: BFT. Fabric's sample orderer.yaml has no Type key under Consensus, and an ORDERER_CONSENSUS_*
# variable only overrides a key the file has (Consensus is a free-form map), so ORDERER_CONSENSUS_TYPE
# alone is ignored: BFT orderers read a copy of the sample file with the key added. Raft orderers read
# the sample file itself.
orderer_config_dir() {
  if [ "$CONSENSUS" != bft ]; then echo "$FABRIC_SAMPLECONFIG"; return 0; fi
  local dir="$STATE/config/orderer"
  if [ ! -f "$dir/orderer.yaml" ]; then
    mkdir -p "$dir"
    awk '{ print } /^Consensus:[[:space:]]*$/ { print "    Type: BFT" }' "$FABRIC_SAMPLECONFIG/orderer.yaml" > "$dir/orderer.yaml"
    grep -q '^    Type: BFT$' "$dir/orderer.yaml" || die "could not add Consensus.Type to a copy of $FABRIC_SAMPLECONFIG/orderer.yaml"
  fi
  echo "$dir"
}

start_orderer() {
  local o="$1" dir="$STATE/nodes/$1" cfg consensus_env=()
  mkdir -p "$dir/data"
  cfg="$(orderer_config_dir)"
  if [ "$CONSENSUS" = bft ]; then
    # SmartBFT keeps its write-ahead log in WALDir/<channel> (SnapDir is unused, kept in the state folder)
    consensus_env=(ORDERER_CONSENSUS_WALDIR="$dir/data/smartbft/wal" ORDERER_CONSENSUS_SNAPDIR="$dir/data/smartbft/snapshot")
  else
    consensus_env=(ORDERER_CONSENSUS_WALDIR="$dir/data/etcdraft/wal" ORDERER_CONSENSUS_SNAPDIR="$dir/data/etcdraft/snapshot")
  fi
  start_proc "$o" FABRIC_CFG_PATH="$cfg" \
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
    ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 ORDERER_GENERAL_LISTENPORT="$(var "ORDERER_PORT_$o")" \
    ORDERER_GENERAL_LOCALMSPID="$ORDERER_MSP" ORDERER_GENERAL_LOCALMSPDIR="$dir/msp" \
    ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_PRIVATEKEY="$dir/tls/server.key" \
    ORDERER_GENERAL_TLS_CERTIFICATE="$dir/tls/server.crt" ORDERER_GENERAL_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$dir/tls/server.crt" ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$dir/tls/server.key" \
    ORDERER_GENERAL_CLUSTER_ROOTCAS="[$dir/tls/ca.crt]" \
    ORDERER_GENERAL_BOOTSTRAPMETHOD=none ORDERER_CHANNELPARTICIPATION_ENABLED=true \
    ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(var "ORDERER_ADMIN_PORT_$o")" ORDERER_ADMIN_TLS_ENABLED=true \
    ORDERER_ADMIN_TLS_CERTIFICATE="$dir/tls/server.crt" ORDERER_ADMIN_TLS_PRIVATEKEY="$dir/tls/server.key" \
    ORDERER_ADMIN_TLS_ROOTCAS="[$dir/tls/ca.crt]" ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true \
    ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$dir/tls/ca.crt]" \
    ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(var "ORDERER_OPS_PORT_$o")" ORDERER_METRICS_PROVIDER=prometheus \
    ORDERER_FILELEDGER_LOCATION="$dir/data/ledger" "${consensus_env[@]}" \
    -- "$FABRIC_BIN/orderer"
}

# ccaas_builder_config ORG: the JSON that ORG's peer gives its chaincode-as-a-service builder as
# CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, the context of the Go templates in a package's
# connection.json (as Fabric's own ccaas builder): {{.peername}} (peer0.ORG), {{.org}}, {{.mspid}},
# {{.host}} (the address the organisation's chaincode servers listen on).
ccaas_builder_config() {
  local org="$1"
  printf '{"peername":"peer0.%s","org":"%s","mspid":"%s","host":"127.0.0.1"}' "$org" "$org" "$(var "ORG_MSP_$org")"
}

# The peer reports its channel membership (gossip_membership_total_peers_known, which deploy's
# wait_gossip reads) every membershipTrackerInterval: 1 s rather than Fabric's 5 s, so a fresh
# network is seen ready as soon as gossip has found the other organisations' peers. A peer that
# contacts another organisation's anchor peer before that one has joined the channel is refused and
# retries every reconnectInterval: 2 s rather than Fabric's 25 s (measured: a 10-19 s wait for
# gossip after deploy in 2 of 6 bring-ups, none after; also how soon a restarted peer is found again).
start_peer() {
  local org="$1" dir="$STATE/nodes/peer0.$1" port
  port="$(var "PEER_PORT_$org")"
  mkdir -p "$dir/data"
  start_proc "peer0.$org" FABRIC_CFG_PATH="$FABRIC_SAMPLECONFIG" \
    FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
    CORE_PEER_ID="peer0.$org" CORE_PEER_ADDRESS="127.0.0.1:$port" CORE_PEER_LISTENADDRESS="127.0.0.1:$port" \
    CORE_PEER_ADDRESSAUTODETECT=false \
    CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(var "PEER_CC_PORT_$org")" \
    CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(var "PEER_CC_PORT_$org")" \
    CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:$port" CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:$port" \
    CORE_PEER_GOSSIP_ENDPOINT="127.0.0.1:$port" \
    CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL=1s \
    CORE_PEER_GOSSIP_RECONNECTINTERVAL=2s \
    CORE_PEER_LOCALMSPID="$(var "ORG_MSP_$org")" CORE_PEER_MSPCONFIGPATH="$dir/msp" \
    CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_CERT_FILE="$dir/tls/server.crt" CORE_PEER_TLS_KEY_FILE="$dir/tls/server.key" \
    CORE_PEER_TLS_ROOTCERT_FILE="$dir/tls/ca.crt" \
    CORE_PEER_FILESYSTEMPATH="$dir/data" \
    CORE_LEDGER_STATE_STATEDATABASE=goleveldb \
    CORE_LEDGER_SNAPSHOTS_ROOTDIR="$dir/data/snapshots" \
    CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(var "PEER_OPS_PORT_$org")" CORE_METRICS_PROVIDER=prometheus \
    CORE_VM_ENDPOINT= \
    CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas, path: $FABRIC_BIN/ccaas-builder, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]" \
    CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG="$(ccaas_builder_config "$org")" \
    -- "$FABRIC_BIN/peer" node start
}

# as_admin ORG: the peer CLI acts as ORG's admin against ORG's peer.
as_admin() {
  local org="$1"
  export FABRIC_CFG_PATH="$FABRIC_SAMPLECONFIG"
  export CORE_PEER_TLS_ENABLED=true
  export CORE_PEER_LOCALMSPID
  CORE_PEER_LOCALMSPID="$(var "ORG_MSP_$org")"
  export CORE_PEER_MSPCONFIGPATH="$STATE/orgs/$org/admin/msp"
  export CORE_PEER_ADDRESS="127.0.0.1:$(var "PEER_PORT_$org")"
  export CORE_PEER_TLS_ROOTCERT_FILE="$STATE/nodes/peer0.$org/tls/ca.crt"
}

orderer_flags() {
  echo -o "127.0.0.1:$(var "ORDERER_PORT_${ORDERERS[0]}")" --tls --cafile "$ORDERER_CA"
}

# join_peer ORG LOG: ORG's peer joins the channel from its genesis block (a parallel step of up).
join_peer() {
  ( as_admin "$1"; run "$2" peer channel join -b "$STATE/channel/genesis.block" )
}

# peer_height ORG: the channel height on ORG's peer; empty (never a failure) when the peer cannot tell yet.
peer_height() {
  local org="$1"
  { ( as_admin "$org"; peer channel getinfo -c "$CHANNEL" 2>/dev/null ) || true; } | sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# wait_height ORG HEIGHT SECONDS
wait_height() {
  local org="$1" want="$2" secs="$3" h i
  for i in $(seq 1 $((secs * 5))); do
    h="$(peer_height "$org")"
    [ -n "$h" ] && [ "$h" -ge "$want" ] && return 0
    sleep 0.2
  done
  die "peer0.$org did not reach block height $want within ${secs}s (height: ${h:-unknown})" "$STATE/logs/peer0.$org.log"
}

# network_json: writes $STATE/network.json, the connection facts (probeIdentity: the staff user an
# organisation's gateway reads the channel with, for readiness and chaincode events, since citizens'
# certificates may not read it). The fields go to `nettool network-json` as KEY=VALUE arguments; the
# tool validates them and builds the JSON.
network_json() {
  local args=() org o
  args+=(channel="$CHANNEL" consensus="$CONSENSUS" portBase="$PORT_BASE" gatewayPort="$GATEWAY_PORT"
    usersDir="$STATE/users")
  for o in "${ORDERERS[@]}"; do
    args+=(--orderer name="$o" endpoint="127.0.0.1:$(var "ORDERER_PORT_$o")")
  done
  for org in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    [ -d "$STATE/nodes/peer0.$org" ] || continue
    args+=(--org name="$org" mspId="$(var "ORG_MSP_$org")" label="$(var "ORG_LABEL_$org")"
      peerEndpoint="127.0.0.1:$(var "PEER_PORT_$org")" peerHostOverride=localhost
      tlsRootCert="$STATE/nodes/peer0.$org/tls/ca.crt" caUrl="$(ca_url "$org")" caTlsCert="$(ca_tls "$org")"
      adminMsp="$STATE/orgs/$org/admin/msp" probeIdentity="$(var "READER_USER_$org")")
  done
  nettool network-json "$STATE/network.json" "${args[@]}" || die "cannot write $STATE/network.json"
}

# ---- commands ----------------------------------------------------------------

# On a failed up/addorg: stop what this run started; no half-started processes remain.
cleanup_failed_start() {
  local rc=$?
  if [ $rc -ne 0 ] && [ ${#STARTED_THIS_RUN[@]} -gt 0 ]; then
    echo "stopping the ${#STARTED_THIS_RUN[@]} process(es) this run started" >&2
    stop_procs "${STARTED_THIS_RUN[@]}"
  fi
  # a failed up leaves no supervisord behind either
  [ $rc -eq 0 ] || [ "$COMMAND" != up ] || sv_down
  exit $rc
}

cmd_up() {
  PORT_BASE="${PORT_BASE:-17000}"
  CONSENSUS="${CONSENSUS:-raft}"
  if [ -f "$STATE/network.env" ]; then
    local alive=()
    for n in $(all_procs); do is_running "$n" && alive+=("$n"); done
    [ ${#alive[@]} -eq 0 ] || die "a network is already running in $STATE (${#alive[@]} processes); run 'npm run down' first or use another --state-dir"
    sv_down
    rm -rf "$STATE"
  fi
  local t0; t0=$(date +%s%N)
  step "Checking the Fabric programs"
  select_fabric_build
  command -v openssl >/dev/null || die "openssl is missing (apt-get install openssl)"
  ok
  if [ ! -d "$GOVLEDGER_ROOT/node_modules/fabric-shim" ]; then
    step "Installing npm packages (npm ci)"
    mkdir -p "$FABRIC_BIN/.logs"
    (cd "$GOVLEDGER_ROOT" && npm ci --no-audit --no-fund > "$FABRIC_BIN/.logs/npm-ci.log" 2>&1) || die "npm ci failed" "$FABRIC_BIN/.logs/npm-ci.log"
    ok
  fi
  mkdir -p "$STATE"
  {
    echo "# Written by network.sh up. FABRIC_CFG_PATH: where the peer CLI finds core.yaml (Fabric's sample"
    echo "# configuration, in the Go module cache); FABRIC_BIN: the Fabric programs. For the whole peer CLI"
    echo "# environment of an organisation: eval \"\$(test-network-scripts/network.sh env ORG --state-dir DIR)\""
    printf 'PORT_BASE=%q\nCONSENSUS=%q\nFABRIC_CFG_PATH=%q\nFABRIC_BIN=%q\n' "$PORT_BASE" "$CONSENSUS" \
      "$(fabric_sampleconfig)" "$FABRIC_BIN"
    printf '# FABRIC_BUILD: the Fabric build this network runs (release or snapshot, README "Fabric version")\nFABRIC_BUILD=%q\n' "$FABRIC_BUILD"
  } > "$STATE/network.env"
  load_settings
  trap cleanup_failed_start EXIT
  mh_hook up

  step "Checking ports $PORT_BASE-$((PORT_BASE + PORT_SPAN - 1)) on 127.0.0.1"
  local p busy=()
  for p in $(seq "$PORT_BASE" $((PORT_BASE + PORT_SPAN - 1))); do port_open "$p" && busy+=("$p"); done
  [ ${#busy[@]} -eq 0 ] || { rm -rf "$STATE"; die "port(s) ${busy[*]} already in use: stop what uses them or choose another --port-base"; }
  ok

  step "Starting supervisord (restarts any node that crashes)"
  sv_up
  ok "$STATE/supervisor/supervisord.conf"

  step "Starting Fabric CAs ($ORDERER_ORG, ${PEER_ORGS[*]})"
  local org
  par_begin cas
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do par_job cas "ca-$org" start_ca "$org"; done
  par_wait cas "starting the CAs"
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do wait_ca "$org"; done
  ok

  step "Registering and enrolling node identities, org admins and demo users"
  local jobs=()
  ( enrol_orderer_org ) & jobs+=($!)
  for org in "${PEER_ORGS[@]}"; do ( enrol_peer_org "$org" ) & jobs+=($!); done
  local j failed=0
  for j in "${jobs[@]}"; do wait "$j" || failed=1; done
  [ $failed -eq 0 ] || die "enrolment failed (see the error above)"
  ok "$(ls "$STATE/users" | wc -l) users"

  step "Starting ${#ORDERERS[@]} orderers ($CONSENSUS)"
  local o
  par_begin orderers
  for o in "${ORDERERS[@]}"; do par_job orderers "$o" start_orderer "$o"; done
  par_wait orderers "starting the orderers"
  for o in "${ORDERERS[@]}"; do wait_port "$o" "$(var "ORDERER_ADMIN_PORT_$o")" 30; done
  ok

  step "Creating channel $CHANNEL through the orderers' channel participation API"
  mkdir -p "$STATE/channel"
  node "$HERE/lib/consortium.js" configtx "$STATE" "$PORT_BASE" "$CONSENSUS" "$STATE/channel/configtx.yaml"
  mh_hook configtx "$STATE/channel/configtx.yaml"
  run "$STATE/logs/channel.log" env FABRIC_CFG_PATH="$STATE/channel" configtxgen -profile GovChannel \
    -outputBlock "$STATE/channel/configtxgen.block" -channelID "$CHANNEL"
  # each organisation's Readers: admins, peers and staff (an OU principal, which configtxgen cannot write)
  run "$STATE/logs/channel.log" node "$HERE/lib/channel-readers.js" genesis \
    "$STATE/channel/configtxgen.block" "$STATE/channel/genesis.block"
  local admin_tls="$STATE/orgs/$ORDERER_ORG/admin/tls"
  # every orderer at once (each writes its own log, appended to channel.log afterwards)
  for o in "${ORDERERS[@]}"; do
    # osnadmin exits 0 even when the orderer refuses: read the HTTP status it prints
    { osnadmin channel join --channelID "$CHANNEL" --config-block "$STATE/channel/genesis.block" \
      -o "127.0.0.1:$(var "ORDERER_ADMIN_PORT_$o")" --ca-file "$ORDERER_CA" \
      --client-cert "$admin_tls/server.crt" --client-key "$admin_tls/server.key" > "$STATE/logs/channel-$o.log" 2>&1 || true; } &
  done
  wait
  local refused=""
  for o in "${ORDERERS[@]}"; do
    printf '\n$ osnadmin channel join (%s)\n%s\n' "$o" "$(cat "$STATE/logs/channel-$o.log")" >> "$STATE/logs/channel.log"
    grep -q '^Status: 201' "$STATE/logs/channel-$o.log" || refused="${refused:-$o}"
    rm -f "$STATE/logs/channel-$o.log"
  done
  [ -z "$refused" ] || die "$refused refused to join $CHANNEL" "$STATE/logs/channel.log"
  ok

  step "Starting peers (${PEER_ORGS[*]})"
  par_begin peers
  for org in "${PEER_ORGS[@]}"; do par_job peers "peer0.$org" start_peer "$org"; done
  par_wait peers "starting the peers"
  for org in "${PEER_ORGS[@]}"; do wait_port "peer0.$org" "$(var "PEER_PORT_$org")" 30; done
  ok

  step "Joining peers to $CHANNEL (anchor peers come with the channel's genesis block)"
  par_begin join
  for org in "${PEER_ORGS[@]}"; do
    par_job join "peer0.$org" join_peer "$org" "$STATE/logs/join-$org.log"
  done
  par_wait join "joining the peers to $CHANNEL"
  for org in "${PEER_ORGS[@]}"; do
    cat "$STATE/logs/join-$org.log" >> "$STATE/logs/channel.log" && rm -f "$STATE/logs/join-$org.log"
    touch "$STATE/nodes/peer0.$org/joined"
  done
  for org in "${PEER_ORGS[@]}"; do wait_height "$org" 1 30; done
  ok

  network_json
  trap - EXIT
  local secs=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "Network up in $((secs / 1000)).$(printf '%03d' $((secs % 1000)))s: state in $STATE"
  summary
}

summary() {
  local o org
  echo "  channel      $CHANNEL ($CONSENSUS, Fabric $(fabric_build_label))"
  for o in "${ORDERERS[@]}"; do echo "  $o     127.0.0.1:$(var "ORDERER_PORT_$o") (admin $(var "ORDERER_ADMIN_PORT_$o"))"; done
  for org in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    [ -d "$STATE/nodes/peer0.$org" ] || continue
    echo "  peer0.$org  127.0.0.1:$(var "PEER_PORT_$org")  $(var "ORG_MSP_$org") ($(var "ORG_LABEL_$org")), CA $(ca_url "$org")"
  done
  echo "  users        $STATE/users/<name>/msp   (connection facts: $STATE/network.json)"
}

cmd_down() {
  if [ ! -d "$STATE" ]; then echo "nothing to stop: $STATE does not exist"; return 0; fi
  [ -f "$STATE/network.env" ] || [ -d "$STATE/pids" ] || die "$STATE does not look like a GovLedger network state folder; not removing it"
  step "Stopping processes started in $STATE"
  local n count=0 group
  for n in $(all_procs); do is_running "$n" && count=$((count + 1)); done
  # the gateway, then chaincode servers, peers, orderers, CAs: each group stopped in parallel
  for group in '^gateway' '^cc-' '^peer' '^orderer' '^ca-' '.'; do
    # shellcheck disable=SC2046
    stop_procs $(all_procs | grep -e "$group" || true)
  done
  sv_down
  ok "$count stopped"
  step "Removing $STATE"
  rm -rf "$STATE"
  ok
}

cmd_status() {
  require_network
  echo "Network in $STATE (port base $PORT_BASE, $CONSENSUS, Fabric $(fabric_build_label))"
  status_table
  local org
  echo "Channel $CHANNEL"
  for org in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    [ -d "$STATE/nodes/peer0.$org" ] || continue
    if is_running "peer0.$org"; then
      printf '  peer0.%-10s height %s\n' "$org" "$(peer_height "$org")"
    else
      printf '  peer0.%-10s (stopped)\n' "$org"
    fi
  done
  echo "Committed chaincodes"
  local first="${PEER_ORGS[0]}"
  if is_running "peer0.$first"; then
    ( as_admin "$first"; peer lifecycle chaincode querycommitted -C "$CHANNEL" 2>&1 ) | sed -n 's/^Name: \(.*\), Version: \(.*\), Sequence: \([0-9]*\),.*/  \1  version \2  sequence \3/p'
  fi
}

# cmd_env ORG [USER]: the peer CLI environment of an organisation, as `export` lines for
# eval "$(network.sh env ORG [USER])" (like fabric-samples' setOrgEnv.sh): the organisation's MSP
# ID, the MSP folder of its admin (or of USER, one of its demo users), its peer's address and TLS
# root, TLS on, FABRIC_CFG_PATH (core.yaml), the Fabric programs on PATH, and for commands that
# go to the ordering service ORDERER_ADDRESS and ORDERER_CA (peer ... -o "$ORDERER_ADDRESS"
# --tls --cafile "$ORDERER_CA") and CHANNEL_NAME.
cmd_env() {
  require_network
  local want="${POSITIONAL[0]:-}" user="${POSITIONAL[1]:-}" org="" o known=()
  for o in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    known+=("$o ($(var "ORG_MSP_$o"))")
    { [ "$o" = "$want" ] || [ "$(var "ORG_MSP_$o")" = "$want" ]; } && org="$o"
  done
  [ -n "$want" ] || die "which organisation? e.g. network.sh env ${PEER_ORGS[0]} (organisations: ${known[*]})"
  [ "${#POSITIONAL[@]}" -le 2 ] || die "usage: network.sh env ORG [USER]"
  [ -n "$org" ] || die "unknown organisation '$want' (organisations: ${known[*]})"
  [ -f "$STATE/nodes/peer0.$org/joined" ] || die "$org has no peer on $CHANNEL in this network (add it with: network.sh addorg)"
  local msp
  msp="$(var "ORG_MSP_$org")"
  local mspdir="$STATE/orgs/$org/admin/msp" who="Admin@$org"
  case "$user" in
    ''|admin|"Admin@$org") ;;
    *)
      local members=() f
      for f in "$STATE"/users/*/mspid; do
        [ -f "$f" ] && [ "$(cat "$f")" = "$msp" ] && members+=("$(basename "$(dirname "$f")")")
      done
      [[ "$user" != */* ]] && [ -d "$STATE/users/$user/msp" ] && [ -f "$STATE/users/$user/mspid" ] \
        || die "no user '$user' in this network (users of $org: admin ${members[*]})"
      [ "$(cat "$STATE/users/$user/mspid")" = "$msp" ] \
        || die "user '$user' belongs to $(cat "$STATE/users/$user/mspid"), not to $org (users of $org: admin ${members[*]})"
      mspdir="$STATE/users/$user/msp" who="$user"
      ;;
  esac
  printf '# peer CLI environment of %s (%s) acting as %s, network in %q\n' "$org" "$msp" "$who" "$STATE"
  printf 'export FABRIC_CFG_PATH=%q\n' "$FABRIC_SAMPLECONFIG"
  printf 'export PATH=%q"${PATH:+:$PATH}"\n' "$FABRIC_BIN"
  printf 'export CORE_PEER_TLS_ENABLED=true\n'
  printf 'export CORE_PEER_LOCALMSPID=%q\n' "$msp"
  printf 'export CORE_PEER_MSPCONFIGPATH=%q\n' "$mspdir"
  printf 'export CORE_PEER_ADDRESS=%q\n' "127.0.0.1:$(var "PEER_PORT_$org")"
  printf 'export CORE_PEER_TLS_ROOTCERT_FILE=%q\n' "$STATE/orgs/$org/msp/tlscacerts/ca.pem"
  printf 'export ORDERER_ADDRESS=%q\n' "127.0.0.1:$(var "ORDERER_PORT_${ORDERERS[0]}")"
  printf 'export ORDERER_CA=%q\n' "$ORDERER_CA"
  printf 'export CHANNEL_NAME=%q\n' "$CHANNEL"
}

cmd_logs() {
  require_network
  local node="${POSITIONAL[0]:-}"
  [ -n "$node" ] || die "which node? e.g. network.sh logs orderer1 (nodes: $(all_procs | tr '\n' ' '))"
  [ -f "$STATE/logs/$node.log" ] || die "no log for '$node' (nodes: $(all_procs | tr '\n' ' '))"
  if [ "$FOLLOW" = 1 ]; then exec tail -n 100 -f "$STATE/logs/$node.log"; fi
  tail -n 100 "$STATE/logs/$node.log"
}

cmd_stop_node() {
  require_network
  local node="${POSITIONAL[0]:-}"
  [ -n "$node" ] && [ -f "$STATE/run/$node.sh" ] || die "unknown node '${node}' (nodes: $(all_procs | tr '\n' ' '))"
  # through supervision even when it is not running now (it may be between a crash and its restart)
  local was="running"; is_running "$node" || was="not running"
  step "Stopping $node ($was)"; stop_proc "$node"; ok
}

# cmd_units: (re)write the systemd units of every node of this network from its run script, and
# govledger.target, into $STATE/systemd; print them and how to install them on a host.
cmd_units() {
  require_network
  local n names=() dir="$STATE/systemd"
  for n in $(all_procs); do
    names+=("$n")
    node "$HERE/lib/supervision.js" unit "$dir/govledger-$n.service" "$n" "$STATE" "$PATH" || die "cannot write the unit of $n"
  done
  [ ${#names[@]} -gt 0 ] || die "no nodes defined in $STATE"
  node "$HERE/lib/supervision.js" target "$dir/govledger.target" "$STATE" "${names[@]}" || die "cannot write govledger.target"
  echo "systemd units of ${#names[@]} nodes in $dir:"
  for n in "${names[@]}"; do echo "  govledger-$n.service"; done
  echo "  govledger.target"
  echo "On a host where systemd runs: cp $dir/* /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now govledger.target"
}

cmd_start_node() {
  require_network
  local node="${POSITIONAL[0]:-}"
  [ -n "$node" ] && [ -f "$STATE/run/$node.sh" ] || die "unknown node '${node}'"
  is_running "$node" && { echo "$node is already running"; return 0; }
  step "Starting $node"; launch_proc "$node"
  local port=""
  case "$node" in
    orderer*) port="$(var "ORDERER_PORT_$node")" ;;
    peer0.*) port="$(var "PEER_PORT_${node#peer0.}")" ;;
    ca-*) port="$(var "CA_PORT_${node#ca-}")" ;;
  esac
  [ -z "$port" ] || wait_port "$node" "$port" 30
  ok
}

source "$HERE/lib/deploy.sh"
source "$HERE/lib/addorg.sh"
source "$HERE/lib/gateway.sh"
source "$HERE/lib/backup.sh"
source "$HERE/lib/postgres.sh"
source "$HERE/lib/replicas.sh"
source "$HERE/lib/multihost.sh"

case "$COMMAND" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  stop-node) cmd_stop_node ;;
  start-node) cmd_start_node ;;
  units) cmd_units ;;
  deploy) cmd_deploy ;;
  addorg) cmd_addorg ;;
  gateway) if [ -n "$REPLICAS" ] && [ "$REPLICAS" != 1 ]; then cmd_gateway_replicas "$REPLICAS"; else cmd_gateway; fi ;;
  env) cmd_env ;;
  backup) cmd_backup ;;
  restore) cmd_restore ;;
  snapshot) cmd_snapshot ;;
  restore-peer) cmd_restore_peer ;;
  bundle) cmd_bundle ;;
esac
