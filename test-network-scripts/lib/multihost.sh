# network.sh up --multi-host: every organisation on a host of its own (README, Organisations on
# separate hosts). One Linux network namespace per organisation (the orderer organisation, every
# peer organisation, those addorg may add), each with its own IP address on a bridge this script
# creates (10.77.N.0/24, N chosen free; no NAT, no route out: traffic stays among these
# namespaces and the bridge's address in the root namespace) and its own host names
# (/etc/netns/<ns>/hosts, which `ip netns exec` mounts as /etc/hosts): <org>.govledger.test,
# peer0.<org>.govledger.test, orderer1.orderer.govledger.test, ...
#
# How the one-host scripts run unchanged: 127.0.0.1 means "this organisation's own host".
#  - A node runs in its organisation's namespace (start_proc's hook mh_proc_hook wraps its run
#    script in `ip netns exec`). What only the organisation's own host reaches (its CA, the
#    orderers' admin API, operations endpoints, chaincode servers) listens on 127.0.0.1 there; peers
#    and orderers listen on the namespace's IP and are addressed by host name (TLS SANs carry it).
#  - The tools run where their organisation runs, as functions that shadow the programs:
#    `peer` in the namespace of CORE_PEER_LOCALMSPID, `fabric-ca-client` in the namespace of its
#    CA, `osnadmin` in the orderer organisation's; 127.0.0.1:<port> of a peer or orderer in their
#    arguments becomes its host name, another organisation's TLS root comes from the exchange.
#  - Files: <state>/hosts/<Org>/ holds everything of an organisation (CA, CA admin, MSP with
#    keys, admin, nodes, users, chaincode packages, gateway); the one-host paths
#    (<state>/orgs/<Org>, nodes/peer0.<Org>, users/<name>, ca/<Org>, ...) are symbolic links into
#    it. <state>/exchange/ holds only what agencies exchange: public MSP folders (CA and TLS CA
#    certificates), the orderers' TLS certificates (consenters), channel configuration blocks and
#    updates (<state>/channel is a link to exchange/channel), each organisation's signature of a
#    channel update (exchange/channel-updates/<update>/NN-<Org>-signed.pb, made in its own folder
#    with `peer channel signconfigtx`), approvals (exchange/approvals/<cc>/<seq>-<Org>.json) and
#    the host names (exchange/hosts).
#  - `network.sh gateway` starts a gateway per organisation in its namespace, with only its own
#    users' wallet (hosts/<Org>/gateway); `down` removes the namespaces, the bridge and /etc/netns.
# Sourced by network.sh (last, so that its wrappers see every function).

MH_DOMAIN=govledger.test
MH_IP="$(command -v ip || echo /usr/sbin/ip)"

# mh_enabled: true when this network runs in multi-host mode.
mh_enabled() { [ -f "$STATE/multi-host.env" ]; }

# mh_hook NAME ARGS...: the hooks network.sh and lib/*.sh call; nothing on a one-host network.
mh_hook() {
  local name="$1"; shift
  case "$name" in
    up) [ "${MULTI_HOST_FLAG:-0}" = 1 ] && mh_setup ;;
    configtx) mh_enabled && mh_configtx "$@" ;;
    org-layout) mh_enabled && mh_org_layout "$@" ;;
  esac
  return 0
}

mh_lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
mh_all_orgs() { echo "$ORDERER_ORG" "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; }
mh_ns() { echo "gl-$MH_ID-$(mh_lower "$1")"; }
mh_org_host() { echo "$(mh_lower "$1").$MH_DOMAIN"; }
mh_org_dir() { echo "$STATE/hosts/$1"; }

# mh_org_ip ORG: the organisation's address, 10.77.N.(10 + its index).
mh_org_ip() {
  local i=0 o
  for o in $(mh_all_orgs); do
    [ "$o" = "$1" ] && { echo "$MH_NET.$((10 + i))"; return 0; }
    i=$((i + 1))
  done
  die "multi-host: unknown organisation $1"
}

# mh_load: the multi-host settings (multi-host.env) and the map of every port other
# organisations reach (peers, orderers) to its host name (MH_HOST_OF_PORT) and each host name's IP.
mh_load() {
  mh_enabled || return 0
  # shellcheck disable=SC1091
  source "$STATE/multi-host.env"
  declare -gA MH_HOST_OF_PORT=() MH_IP_OF_HOST=()
  local o org h
  for o in "${ORDERERS[@]}"; do
    h="$o.$(mh_org_host "$ORDERER_ORG")"
    MH_HOST_OF_PORT[$(var "ORDERER_PORT_$o")]="$h"
    MH_IP_OF_HOST[$h]="$(mh_org_ip "$ORDERER_ORG")"
  done
  for org in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    h="peer0.$(mh_org_host "$org")"
    MH_HOST_OF_PORT[$(var "PEER_PORT_$org")]="$h"
    MH_IP_OF_HOST[$h]="$(mh_org_ip "$org")"
  done
  ORDERER_CA="$STATE/exchange/orgs/$ORDERER_ORG/msp/tlscacerts/ca.pem"
}

# mh_json_map NAME: an associative array as JSON (for lib/multihost.js).
mh_json_map() {
  local -n map="$1"
  local k first=1
  printf '{'
  for k in "${!map[@]}"; do
    [ $first = 1 ] || printf ','
    first=0
    printf '"%s":"%s"' "$k" "${map[$k]}"
  done
  printf '}'
}

# mh_hosts_file: the host names of every organisation's nodes (the same file in every namespace,
# and in exchange/hosts: what the agencies' DNS would hold).
mh_hosts_file() {
  local org ip o names
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n'
  for org in $(mh_all_orgs); do
    ip="$(mh_org_ip "$org")"
    names="$(mh_org_host "$org") ca.$(mh_org_host "$org") gateway.$(mh_org_host "$org")"
    if [ "$org" = "$ORDERER_ORG" ]; then
      for o in "${ORDERERS[@]}"; do names+=" $o.$(mh_org_host "$org")"; done
    else
      names+=" peer0.$(mh_org_host "$org")"
    fi
    printf '%s\t%s\n' "$ip" "$names"
  done
}

# mh_setup: (up --multi-host) the bridge, a namespace per organisation, host names, the folders.
mh_setup() {
  [ "$(id -u)" = 0 ] || die "--multi-host needs root (it creates network namespaces)"
  [ -x "$MH_IP" ] || die "--multi-host needs iproute2 (apt-get install iproute2)"
  [ "$CONSENSUS" = raft ] || die "--multi-host runs Raft networks only"
  local id n k used start
  id="$(printf '%s' "$STATE" | sha256sum | cut -c1-6)"
  # what an earlier network in this state folder left (up found none of its processes running)
  if "$MH_IP" link show "glb$id" >/dev/null 2>&1 || "$MH_IP" netns list | grep -q "^gl-$id-"; then
    MH_ID="$id" MH_BRIDGE="glb$id" mh_teardown
  fi
  used="$("$MH_IP" -4 route show table all 2>/dev/null; "$MH_IP" -4 addr 2>/dev/null)"
  start=$((16#${id:0:2}))
  n=""
  for k in $(seq 0 255); do
    grep -q "10\.77\.$(( (start + k) % 256 ))\." <<< "$used" || { n=$(( (start + k) % 256 )); break; }
  done
  [ -n "$n" ] || die "--multi-host: no free 10.77.N.0/24 range on this machine"
  printf '# Written by network.sh up --multi-host (lib/multihost.sh). down removes what it names.\nMH_ID=%q\nMH_NET=%q\nMH_BRIDGE=%q\n' \
    "$id" "10.77.$n" "glb$id" > "$STATE/multi-host.env"
  mh_load
  step "Multi-host: a network namespace per organisation on bridge $MH_BRIDGE ($MH_NET.0/24, no route out)"
  "$MH_IP" link show "$MH_BRIDGE" >/dev/null 2>&1 && die "a bridge $MH_BRIDGE already exists (a network in $STATE was not taken down: network.sh down)"
  "$MH_IP" link add "$MH_BRIDGE" type bridge
  "$MH_IP" addr add "$MH_NET.1/24" dev "$MH_BRIDGE"
  "$MH_IP" link set "$MH_BRIDGE" up
  local org ns i=0
  mh_hosts_file > "$STATE/multi-host.hosts"
  for org in $(mh_all_orgs); do
    ns="$(mh_ns "$org")"
    "$MH_IP" netns add "$ns"
    "$MH_IP" -n "$ns" link set lo up
    "$MH_IP" link add "glv$id$i" type veth peer name "glp$id$i"
    "$MH_IP" link set "glp$id$i" netns "$ns"
    "$MH_IP" -n "$ns" link set "glp$id$i" name eth0
    "$MH_IP" -n "$ns" addr add "$(mh_org_ip "$org")/24" dev eth0
    "$MH_IP" -n "$ns" link set eth0 up
    "$MH_IP" link set "glv$id$i" master "$MH_BRIDGE" up
    mkdir -p "/etc/netns/$ns"
    cp "$STATE/multi-host.hosts" "/etc/netns/$ns/hosts"
    i=$((i + 1))
  done
  mkdir -p "$STATE/exchange/channel" "$STATE/exchange/orgs" "$STATE/exchange/orderers"
  cp "$STATE/multi-host.hosts" "$STATE/exchange/hosts"
  ln -sfn exchange/channel "$STATE/channel"
  for org in "$ORDERER_ORG" "${PEER_ORGS[@]}"; do mh_org_layout "$org"; done
  ok "$i namespaces: $(for org in $(mh_all_orgs); do printf '%s=%s ' "$(mh_org_host "$org")" "$(mh_org_ip "$org")"; done)"
}

# mh_org_layout ORG: the organisation's folder hosts/ORG and the one-host paths linked into it.
mh_org_layout() {
  local org="$1" h="hosts/$1" o name cc
  mkdir -p "$STATE/$h"/{ca,ca-admin,org,nodes,users,chaincode,gateway,work} "$STATE"/{ca,ca-admin,orgs,nodes,users,chaincode}
  ln -sfn "../$h/ca" "$STATE/ca/$org"
  ln -sfn "../$h/ca-admin" "$STATE/ca-admin/$org"
  ln -sfn "../$h/org" "$STATE/orgs/$org"
  if [ "$org" = "$ORDERER_ORG" ]; then
    for o in "${ORDERERS[@]}"; do mkdir -p "$STATE/$h/nodes/$o"; ln -sfn "../$h/nodes/$o" "$STATE/nodes/$o"; done
    return 0
  fi
  mkdir -p "$STATE/$h/nodes/peer0.$org"
  ln -sfn "../$h/nodes/peer0.$org" "$STATE/nodes/peer0.$org"
  while IFS=$'\t' read -r name _; do
    [ -n "$name" ] || continue
    mkdir -p "$STATE/$h/users/$name"
    ln -sfn "../$h/users/$name" "$STATE/users/$name"
  done < <(node "$HERE/lib/consortium.js" users "$org")
  for cc in "${CHAINCODES[@]}"; do
    mkdir -p "$STATE/$h/chaincode/$cc" "$STATE/chaincode/$cc"
    ln -sfn "../../$h/chaincode/$cc" "$STATE/chaincode/$cc/$org"
  done
}

# mh_publish: what every organisation publishes to the exchange folder: its MSP's public part
# (CA and TLS CA certificates, NodeOUs) and, for the orderer organisation, each orderer's TLS
# certificate (the channel's consenters).
mh_publish() {
  local org o
  for org in $(mh_all_orgs); do
    [ -f "$STATE/hosts/$org/org/msp/cacerts/ca.pem" ] || continue
    mkdir -p "$STATE/exchange/orgs/$org/msp/cacerts" "$STATE/exchange/orgs/$org/msp/tlscacerts"
    cp "$STATE/hosts/$org/org/msp/cacerts/ca.pem" "$STATE/exchange/orgs/$org/msp/cacerts/ca.pem"
    cp "$STATE/hosts/$org/org/msp/tlscacerts/ca.pem" "$STATE/exchange/orgs/$org/msp/tlscacerts/ca.pem"
    cp "$STATE/hosts/$org/org/msp/config.yaml" "$STATE/exchange/orgs/$org/msp/config.yaml"
  done
  for o in "${ORDERERS[@]}"; do
    [ -f "$STATE/hosts/$ORDERER_ORG/nodes/$o/tls/server.crt" ] || continue
    mkdir -p "$STATE/exchange/orderers/$o"
    cp "$STATE/hosts/$ORDERER_ORG/nodes/$o/tls/server.crt" "$STATE/exchange/orderers/$o/server.crt"
  done
}

# mh_configtx FILE: publish, then configtx.yaml from the exchange folder and by host name.
mh_configtx() {
  mh_publish
  node "$HERE/lib/multihost.js" configtx "$1" "$STATE" "$(mh_json_map MH_HOST_OF_PORT)" \
    || die "multi-host: cannot rewrite $1"
}

# mh_addr VALUE: 127.0.0.1:PORT of a peer or orderer as HOST:PORT; anything else unchanged.
mh_addr() {
  local v="$1" p
  if [[ "$v" =~ ^127\.0\.0\.1:([0-9]+)$ ]]; then
    p="${BASH_REMATCH[1]}"
    [ -n "${MH_HOST_OF_PORT[$p]:-}" ] && { echo "${MH_HOST_OF_PORT[$p]}:$p"; return 0; }
  fi
  echo "$v"
}

# mh_org_of_msp MSPID: the organisation's name.
mh_org_of_msp() {
  local o
  for o in "$ORDERER_ORG" "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    if [ "$o" = "$ORDERER_ORG" ]; then [ "$ORDERER_MSP" = "$1" ] && { echo "$o"; return 0; }
    else [ "$(var "ORG_MSP_$o")" = "$1" ] && { echo "$o"; return 0; }; fi
  done
  return 1
}

# mh_node_org NAME: the organisation a node belongs to (fails for a node of none).
mh_node_org() {
  case "$1" in
    ca-*) echo "${1#ca-}" ;;
    orderer*) echo "$ORDERER_ORG" ;;
    peer0.*) echo "${1#peer0.}" ;;
    cc-*) echo "${1##*-}" ;;
    gateway-*) echo "${1#gateway-}" ;;
    *) return 1 ;;
  esac
}

# mh_proc_hook NAME: (start_proc) the node's namespace as the `wrap` of its run script, and its
# addresses in `envs`: a peer's or orderer's listen address on its namespace's IP, the addresses
# others use by host name.
mh_proc_hook() {
  mh_enabled || return 0
  local name="$1" org i e key value ip
  org="$(mh_node_org "$name")" || return 0
  wrap=("$MH_IP" netns exec "$(mh_ns "$org")")
  ip="$(mh_org_ip "$org")"
  for i in "${!envs[@]}"; do
    e="${envs[$i]}" key="${e%%=*}" value="${e#*=}"
    case "$key" in
      ORDERER_GENERAL_LISTENADDRESS) [ "$value" = 127.0.0.1 ] && envs[$i]="$key=$ip" ;;
      *LISTENADDRESS)
        if [[ "$value" =~ ^127\.0\.0\.1:([0-9]+)$ ]] && [ -n "${MH_HOST_OF_PORT[${BASH_REMATCH[1]}]:-}" ]; then
          envs[$i]="$key=$ip:${BASH_REMATCH[1]}"
        fi ;;
      *) envs[$i]="$key=$(mh_addr "$value")" ;;
    esac
  done
}

# The wrappers below exist only in multi-host mode (up --multi-host, or a state folder made by it).
if [ "${MULTI_HOST_FLAG:-0}" = 1 ] || [ -f "$STATE/multi-host.env" ]; then

# peer ARGS...: the peer CLI on the host of the organisation it acts for (CORE_PEER_LOCALMSPID).
# Peers and orderers by host name; another organisation's TLS root from the exchange folder.
# A channel update is signed in the signer's own folder, and each signature is published to the
# exchange (signconfigtx); an approval is recorded there as a fact other organisations can read.
peer() {
  if ! mh_enabled || [ -z "${CORE_PEER_LOCALMSPID:-}" ]; then command peer "$@"; return; fi
  local org ns args=() i a prev=""
  org="$(mh_org_of_msp "$CORE_PEER_LOCALMSPID")" || die "multi-host: no organisation with MSP ID $CORE_PEER_LOCALMSPID"
  ns="$(mh_ns "$org")"
  for a in "$@"; do
    a="$(mh_addr "$a")"
    if [ "$prev" = --tlsRootCertFiles ] && [[ "$a" =~ /nodes/peer0\.([A-Za-z0-9]+)/tls/ca\.crt$ ]] && [ "${BASH_REMATCH[1]}" != "$org" ]; then
      a="$STATE/exchange/orgs/${BASH_REMATCH[1]}/msp/tlscacerts/ca.pem"
    fi
    args+=("$a")
    prev="$a"
  done
  if [ "${1:-}" = channel ] && { [ "${2:-}" = signconfigtx ] || [ "${2:-}" = update ]; }; then
    mh_sign_update "$org" "$ns" "${args[@]}"
    return
  fi
  CORE_PEER_ADDRESS="$(mh_addr "${CORE_PEER_ADDRESS:-}")" "$MH_IP" netns exec "$ns" "$FABRIC_BIN/peer" "${args[@]}" || return
  if [ "${1:-}" = lifecycle ] && [ "${3:-}" = approveformyorg ]; then mh_record_approval "$org" "${args[@]}"; fi
}

# mh_sign_update ORG NS peer-channel-ARGS...: ORG takes the update envelope (-f FILE) from the
# exchange into its own folder, signs it there (signconfigtx) or signs and submits it (update),
# and publishes what it signed: exchange/channel-updates/<update>/NN-ORG-signed.pb (the next
# organisation signs that copy), NN-ORG-submitted.pb for the last.
mh_sign_update() {
  local org="$1" ns="$2"; shift 2
  local args=("$@") i file="" sub="$2"
  for i in "${!args[@]}"; do [ "${args[$i]}" = -f ] && file="${args[$((i + 1))]}"; done
  [ -n "$file" ] || { "$MH_IP" netns exec "$ns" "$FABRIC_BIN/peer" "$@"; return; }
  local update out mine n
  update="$(basename "$(dirname "$file")")-$(basename "$file" .pb)"
  out="$STATE/exchange/channel-updates/$update"
  mine="$STATE/hosts/$org/work/channel-updates/$update.pb"
  mkdir -p "$out" "$(dirname "$mine")"
  cp "$file" "$mine"
  for i in "${!args[@]}"; do [ "${args[$i]}" = "$file" ] && args[$i]="$mine"; done
  CORE_PEER_ADDRESS="$(mh_addr "${CORE_PEER_ADDRESS:-}")" "$MH_IP" netns exec "$ns" "$FABRIC_BIN/peer" "${args[@]}" || return
  n=$(( $(find "$out" -name '*.pb' | wc -l) + 1 ))
  if [ "$sub" = signconfigtx ]; then
    cp "$mine" "$out/$(printf '%02d' "$n")-$org-signed.pb"
    cp "$mine" "$file"
  else
    cp "$mine" "$out/$(printf '%02d' "$n")-$org-submitted.pb"
  fi
}

# mh_record_approval ORG ARGS...: exchange/approvals/<name>/<sequence>-ORG.json, the facts of
# ORG's approveformyorg (every organisation approves with its own admin).
mh_record_approval() {
  local org="$1"; shift
  local name="" seq="" version="" id="" prev="" a
  for a in "$@"; do
    case "$prev" in --name) name="$a" ;; --sequence) seq="$a" ;; --version) version="$a" ;; --package-id) id="$a" ;; esac
    prev="$a"
  done
  mkdir -p "$STATE/exchange/approvals/$name"
  printf '{"chaincode":"%s","sequence":%s,"version":"%s","mspId":"%s","packageId":"%s","approvedBy":"Admin@%s","at":"%s"}\n' \
    "$name" "${seq:-0}" "$version" "$(var "ORG_MSP_$org")" "$id" "$org" "$(date -u +%FT%TZ)" \
    > "$STATE/exchange/approvals/$name/$seq-$org.json"
}

# osnadmin ARGS...: the orderers' admin CLI on the orderer organisation's host.
osnadmin() {
  if ! mh_enabled; then command osnadmin "$@"; return; fi
  "$MH_IP" netns exec "$(mh_ns "$ORDERER_ORG")" "$FABRIC_BIN/osnadmin" "$@"
}

# fabric-ca-client ARGS...: on the host of the CA it talks to (--caname ca-ORG); a TLS
# enrolment of a node asks for its host name and IP address as well.
fabric-ca-client() {
  if ! mh_enabled; then command fabric-ca-client "$@"; return; fi
  local args=("$@") i org="" cn="" tls=0 host=""
  for i in "${!args[@]}"; do
    case "${args[$i]}" in
      --caname) org="${args[$((i + 1))]#ca-}" ;;
      --csr.cn) cn="${args[$((i + 1))]}" ;;
      --enrollment.profile) [ "${args[$((i + 1))]}" = tls ] && tls=1 ;;
    esac
  done
  [ -n "$org" ] || die "multi-host: fabric-ca-client without --caname"
  if [ $tls = 1 ]; then
    case "$cn" in
      peer0.*) host="peer0.$(mh_org_host "${cn#peer0.}")" ;;
      orderer*) host="$cn.$(mh_org_host "$ORDERER_ORG")" ;;
      Admin@*) host="$(mh_org_host "${cn#Admin@}")" ;;
    esac
    if [ -n "$host" ]; then
      for i in "${!args[@]}"; do
        [ "${args[$i]}" = --csr.hosts ] && args[$((i + 1))]+=",$host,$(mh_org_ip "$org")"
      done
    fi
  fi
  "$MH_IP" netns exec "$(mh_ns "$org")" "$FABRIC_BIN/fabric-ca-client" "${args[@]}"
}

# mh_port_ns PORT: the namespace of this network where something listens on PORT.
mh_port_ns() {
  local org ns
  for org in $(mh_all_orgs); do
    ns="$(mh_ns "$org")"
    [ -n "$("$MH_IP" netns exec "$ns" ss -Hltn "sport = :$1" 2>/dev/null)" ] && { echo "$ns"; return 0; }
  done
  return 1
}

# curl ARGS...: a URL on 127.0.0.1:PORT is fetched on the host (namespace) that listens on PORT.
curl() {
  if ! mh_enabled; then command curl "$@"; return; fi
  local a ns=""
  for a in "$@"; do
    if [[ "$a" =~ ^https?://127\.0\.0\.1:([0-9]+) ]]; then ns="$(mh_port_ns "${BASH_REMATCH[1]}")" || ns=""; fi
  done
  if [ -n "$ns" ]; then "$MH_IP" netns exec "$ns" curl "$@"; else command curl "$@"; fi
}

# chancfg: an added organisation's anchor peer by host name.
eval "mh_orig_$(declare -f chancfg)"
chancfg() {
  if mh_enabled && [ "${1:-}" = org-with-anchor ]; then
    local args=("$@")
    args[3]="${MH_HOST_OF_PORT[${args[4]}]:-${args[3]}}"
    mh_orig_chancfg "${args[@]}"
    return
  fi
  mh_orig_chancfg "$@"
}

# port_open PORT: something listens on PORT in one of this network's namespaces.
eval "mh_orig_$(declare -f port_open)"
port_open() {
  if mh_enabled && [ -n "${MH_ID:-}" ]; then mh_port_ns "$1" >/dev/null; return; fi
  mh_orig_port_open "$1"
}

eval "mh_orig_$(declare -f load_settings)"
load_settings() { mh_orig_load_settings; mh_load; }

# network_json: network.json for clients in the root namespace (peers by IP, TLS host names as
# peerHostOverride), and each organisation's own file for its gateway (hosts/<Org>/gateway).
eval "mh_orig_$(declare -f network_json)"
network_json() {
  mh_orig_network_json
  mh_enabled || return 0
  local hosts ips org
  hosts="$(mh_json_map MH_HOST_OF_PORT)" ips="$(mh_json_map MH_IP_OF_HOST)"
  for org in $(joined_orgs); do
    node "$HERE/lib/multihost.js" network-json "$STATE/network.json" "$STATE/hosts/$org/gateway/network.json" "$hosts" "$ips" "$org" \
      || die "cannot write the network facts of $org's gateway"
  done
  node "$HERE/lib/multihost.js" network-json "$STATE/network.json" "$STATE/network.json" "$hosts" "$ips" \
    || die "cannot rewrite $STATE/network.json for separate hosts"
}

# down: stop what the network started, then remove its namespaces (stopping by pid whatever
# still runs in them), their /etc/netns entries and the bridge.
eval "mh_orig_$(declare -f cmd_down)"
cmd_down() {
  if ! mh_enabled; then mh_orig_cmd_down; return; fi
  # shellcheck disable=SC1091
  source "$STATE/multi-host.env"
  mh_orig_cmd_down
  mh_teardown
}

# cmd_gateway (multi-host): a gateway per joined organisation, in its namespace on its IP, with
# only that organisation's users (its wallet imports hosts/<Org>/users), its own secrets, its own
# election and presentation keys; $STATE/gateways.json lists them.
eval "mh_orig_$(declare -f cmd_gateway)"
cmd_gateway() {
  if ! mh_enabled; then mh_orig_cmd_gateway; return; fi
  require_network
  [ -z "${REPLICAS:-}" ] || [ "$REPLICAS" = 1 ] || die "--replicas is not available in multi-host mode"
  trap cleanup_failed_start EXIT
  build_gateway
  local org list=()
  for org in $(joined_orgs); do
    mh_start_gateway "$org"
    list+=("{\"name\":\"$org\",\"mspId\":\"$(var "ORG_MSP_$org")\",\"url\":\"http://$(mh_org_ip "$org"):$GATEWAY_PORT\",\"host\":\"gateway.$(mh_org_host "$org")\",\"tokens\":\"$STATE/hosts/$org/gateway/demo-tokens.json\"}")
  done
  (IFS=,; printf '[%s]\n' "${list[*]}") > "$STATE/gateways.json"
  trap - EXIT
  for org in $(joined_orgs); do echo "Gateway of $org   http://$(mh_org_ip "$org"):$GATEWAY_PORT   tokens $STATE/hosts/$org/gateway/demo-tokens.json"; done
}

fi

mh_teardown() {
  step "Removing the namespaces gl-$MH_ID-*, /etc/netns/gl-$MH_ID-* and bridge $MH_BRIDGE"
  local ns pids i count=0
  for ns in $("$MH_IP" netns list | awk '{print $1}' | grep "^gl-$MH_ID-" || true); do
    pids="$("$MH_IP" netns pids "$ns" 2>/dev/null || true)"
    if [ -n "$pids" ]; then
      # shellcheck disable=SC2086
      kill -TERM $pids 2>/dev/null || true
      for i in $(seq 1 50); do [ -z "$("$MH_IP" netns pids "$ns" 2>/dev/null)" ] && break; sleep 0.1; done
      pids="$("$MH_IP" netns pids "$ns" 2>/dev/null || true)"
      # shellcheck disable=SC2086
      [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    fi
    "$MH_IP" netns del "$ns"
    rm -rf "/etc/netns/$ns"
    count=$((count + 1))
  done
  "$MH_IP" link del "$MH_BRIDGE" 2>/dev/null || true
  ok "$count namespaces"
}

mh_start_gateway() {
  local org="$1" dir="$STATE/hosts/$1/gateway" ip port="$GATEWAY_PORT" msp reader i
  ip="$(mh_org_ip "$org")" msp="$(var "ORG_MSP_$org")" reader="$(var "READER_USER_$org")"
  mkdir -p "$dir"
  if is_running "gateway-$org"; then echo "gateway of $org already running"; return 0; fi
  step "Starting the gateway of $org on $ip:$port (gateway.$(mh_org_host "$org"))"
  if [ ! -f "$dir/secrets.env" ]; then
    (umask 077; printf 'WALLET_KEY=%s\nJWT_HS256_SECRET=%s\n' "$(openssl rand -hex 32)" "$(openssl rand -hex 32)" > "$dir/secrets.env")
  fi
  if [ ! -f "$dir/gateway.env" ]; then
    {
      echo "# Gateway settings of $org (gateway/README.md, Configuration), read at every start."
      echo "PUBLIC_READ_IDENTITY=$msp/$reader"
    } > "$dir/gateway.env"
  fi
  local WALLET_KEY JWT_HS256_SECRET
  # shellcheck disable=SC1091
  source "$dir/secrets.env"
  start_proc "gateway-$org" WALLET_KEY="$WALLET_KEY" JWT_HS256_SECRET="$JWT_HS256_SECRET" \
    FABRIC_ORGS_FILE="$dir/network.json" WALLET_IMPORT_USERS_DIR="$STATE/hosts/$org/users" \
    WALLET_DIR="$dir/wallet" GATEWAY_DB_PATH="$dir/gateway.db" ELECTION_KEYS_DIR="$dir/election-keys" \
    GATEWAY_HOST="$ip" GATEWAY_PORT="$port" LOG_LEVEL="${GATEWAY_LOG_LEVEL:-info}" NODE_ENV=development \
    RATE_LIMIT_MAX="${RATE_LIMIT_MAX:-1200}" \
    -- node --env-file="$dir/gateway.env" "$GOVLEDGER_ROOT/gateway/dist/server.js"
  for i in $(seq 1 300); do
    command curl -fsS "http://$ip:$port/livez" >/dev/null 2>&1 && break
    is_running "gateway-$org" || die "the gateway of $org exited during start-up" "$STATE/logs/gateway-$org.log"
    [ "$i" -lt 300 ] || die "the gateway of $org did not answer on $ip:$port" "$STATE/logs/gateway-$org.log"
    sleep 0.2
  done
  JWT_HS256_SECRET="$JWT_HS256_SECRET" node "$GOVLEDGER_ROOT/gateway/dist/cli/mint-token.js" --all --json \
    --users-dir "$STATE/hosts/$org/users" > "$dir/demo-tokens.json" 2>>"$STATE/logs/gateway-build.log" \
    || die "could not mint the demo tokens of $org" "$STATE/logs/gateway-build.log"
  chmod 600 "$dir/demo-tokens.json"
  ok
}

# network.sh bundle ORG DIR: what organisation ORG needs to run its part on a host of its own,
# as DIR/govledger-ORG/ and DIR/govledger-ORG.tar.gz: its folder (CA, MSP and keys, nodes with
# their ledgers, users, chaincode packages, gateway), the exchange folder (public), Fabric's
# configuration (config/), a run script per node (run/: as under supervision here, without the
# namespace, listening on every address of the host), its systemd units (systemd/, as
# `network.sh units` writes them) and README.txt. Paths are those of the host:
# $GOVLEDGER_BUNDLE_PREFIX/ORG for the folder (default /opt/govledger/ORG), and
# $GOVLEDGER_BUNDLE_PREFIX/app for the GovLedger software (this repository, built, with bin/).
cmd_bundle() {
  require_network
  mh_enabled || die "bundle: only a multi-host network keeps each organisation's files apart (network.sh up --multi-host)"
  [ "${#POSITIONAL[@]}" -eq 2 ] || die "usage: network.sh bundle ORG DIR"
  local want="${POSITIONAL[0]}" out="${POSITIONAL[1]}" org="" o
  for o in $(mh_all_orgs); do
    { [ "$o" = "$want" ] || { [ "$o" != "$ORDERER_ORG" ] && [ "$(var "ORG_MSP_$o")" = "$want" ]; }; } && org="$o"
  done
  [ -n "$org" ] && [ -d "$STATE/hosts/$org/org/msp" ] || die "bundle: no organisation '$want' with a folder in this network ($(ls "$STATE/hosts" | tr '\n' ' '))"
  local prefix="${GOVLEDGER_BUNDLE_PREFIX:-/opt/govledger}" home app b ip n names=() cc
  home="$prefix/$org" app="$prefix/app"
  mkdir -p "$out"
  b="$(cd "$out" && pwd)/govledger-$org"
  rm -rf "$b" "$b.tar.gz"
  step "Bundling $org for a host of its own ($home)"
  mkdir -p "$b"
  cp -a "$STATE/hosts/$org/." "$b/"
  rm -rf "$b/work"
  cp -a "$STATE/exchange" "$b/exchange"
  mkdir -p "$b/run" "$b/systemd" "$b/logs" "$b/config"
  cp "$FABRIC_SAMPLECONFIG"/*.yaml "$b/config/"
  ip="$(mh_org_ip "$org")"
  for n in $(all_procs); do
    [ "$(mh_node_org "$n" || true)" = "$org" ] || continue
    names+=("$n")
    sed -e "s#^exec $MH_IP netns exec $(mh_ns "$org") env #exec env #" -e "s#$ip#0.0.0.0#g" "$STATE/run/$n.sh" > "$b/run/$n.sh"
    chmod 700 "$b/run/$n.sh"
  done
  [ "${#names[@]}" -gt 0 ] || die "bundle: $org runs no node in this network"
  # the paths of this machine's state folder and software as the host's
  local pairs=()
  pairs+=("$STATE/hosts/$org" "$home" "$STATE/orgs/$org" "$home/org" "$STATE/ca-admin/$org" "$home/ca-admin"
    "$STATE/ca/$org" "$home/ca" "$STATE/nodes/" "$home/nodes/" "$STATE/users/" "$home/users/")
  for cc in "${CHAINCODES[@]}"; do pairs+=("$STATE/chaincode/$cc/$org" "$home/chaincode/$cc"); done
  pairs+=("$STATE/channel" "$home/exchange/channel" "$STATE/exchange" "$home/exchange" "$STATE/logs" "$home/logs"
    "$STATE/run" "$home/run" "$STATE/systemd" "$home/systemd" "$STATE" "$home"
    "$FABRIC_SAMPLECONFIG" "$home/config" "$FABRIC_BIN" "$app/bin" "$GOVLEDGER_ROOT" "$app")
  local files=()
  mapfile -t files < <(grep -rlI -e "$STATE" -e "$GOVLEDGER_ROOT" -e "$FABRIC_SAMPLECONFIG" "$b" || true)
  if [ "${#files[@]}" -gt 0 ]; then
    MH_PAIRS="$(printf '%s\t%s\n' "${pairs[@]}")" perl -pi -e \
      'BEGIN { @p = map { [split /\t/] } split /\n/, $ENV{MH_PAIRS} } for my $x (@p) { my ($f, $t) = @$x; s/\Q$f\E/$t/g }' \
      "${files[@]}"
  fi
  for n in "${names[@]}"; do
    node "$HERE/lib/supervision.js" unit "$b/systemd/govledger-$n.service" "$n" "$home" "$app/bin:/usr/local/bin:/usr/bin:/bin" \
      || die "cannot write the unit of $n"
  done
  node "$HERE/lib/supervision.js" target "$b/systemd/govledger.target" "$home" "${names[@]}" || die "cannot write govledger.target"
  {
    echo "GovLedger: what $org needs to run its part of the network on a host of its own"
    echo
    echo "Nodes: ${names[*]}"
    echo "Folder: this bundle unpacked as $home (its CA, MSP and keys, nodes, users, gateway: $org's alone)"
    echo "Software: the GovLedger repository, built (npm ci, npm run build, bin/ from install-fabric.sh), as $app"
    echo "exchange/: only what the organisations exchange (public MSP folders, TLS CA certificates, channel blocks,"
    echo "  signed channel updates, approvals) and exchange/hosts, the host names every node is reached by"
    echo
    echo "1. DNS (or /etc/hosts): the names of exchange/hosts, with the real address of each organisation's host."
    echo "2. tar -xzf govledger-$org.tar.gz && mv govledger-$org $home"
    echo "3. cp $home/systemd/* /etc/systemd/system/ && systemctl daemon-reload && systemctl enable --now govledger.target"
    echo "Peer CLI as $org's admin: FABRIC_CFG_PATH=$home/config CORE_PEER_LOCALMSPID=$( [ "$org" = "$ORDERER_ORG" ] && echo "$ORDERER_MSP" || var "ORG_MSP_$org")"
    echo "  CORE_PEER_MSPCONFIGPATH=$home/org/admin/msp CORE_PEER_TLS_ENABLED=true ..."
  } > "$b/README.txt"
  tar -C "$(dirname "$b")" -czf "$b.tar.gz" "govledger-$org"
  ok "$b.tar.gz (${#names[@]} nodes)"
}

# cmd_env (multi-host): the peer CLI environment with the peer and orderer by host name, the
# orderers' TLS CA from the exchange, and how to get a shell on the organisation's host.
if [ -f "$STATE/multi-host.env" ]; then
  eval "mh_orig_$(declare -f cmd_env)"
  cmd_env() {
    require_network
    local line k v org=""
    while IFS= read -r line; do
      if [[ "$line" =~ ^export\ (CORE_PEER_ADDRESS|ORDERER_ADDRESS)=(.*)$ ]]; then
        k="${BASH_REMATCH[1]}" v="${BASH_REMATCH[2]}"
        line="export $k=$(mh_addr "$v")"
      elif [[ "$line" =~ ^export\ CORE_PEER_LOCALMSPID=(.*)$ ]]; then
        org="$(mh_org_of_msp "${BASH_REMATCH[1]}")"
      fi
      printf '%s\n' "$line"
    done < <(mh_orig_cmd_env)
    [ -z "$org" ] || printf '# multi-host network: run the peer CLI on %s'"'"'s host, e.g. ip netns exec %s bash\n' "$org" "$(mh_ns "$org")"
  }
fi

# summary (multi-host): every node by host name and address, each organisation's namespace.
if [ -f "$STATE/multi-host.env" ] || [ "${MULTI_HOST_FLAG:-0}" = 1 ]; then
  summary() {
    local o org
    echo "  channel      $CHANNEL ($CONSENSUS), every organisation on a host of its own (bridge $MH_BRIDGE, $MH_NET.0/24)"
    for o in "${ORDERERS[@]}"; do
      echo "  $o     $(mh_addr "127.0.0.1:$(var "ORDERER_PORT_$o")") ($(mh_org_ip "$ORDERER_ORG"), namespace $(mh_ns "$ORDERER_ORG"))"
    done
    for org in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
      [ -d "$STATE/nodes/peer0.$org" ] || continue
      echo "  peer0.$org  $(mh_addr "127.0.0.1:$(var "PEER_PORT_$org")")  $(var "ORG_MSP_$org") ($(mh_org_ip "$org"), namespace $(mh_ns "$org"))"
    done
    echo "  folders      $STATE/hosts/<Org> (each organisation's own), $STATE/exchange (what they exchange)"
  }
fi
