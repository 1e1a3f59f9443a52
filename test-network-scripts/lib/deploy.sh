# network.sh deploy: build a chaincode, package it as a service for each
# organisation, install, start its chaincode servers, approve, commit.
# Sourced by network.sh.

# joined_orgs: the peer organisations whose peer is part of the channel.
joined_orgs() {
  local org
  for org in "${PEER_ORGS[@]}" "${ADD_ORGS[@]}"; do
    [ -f "$STATE/nodes/peer0.$org/joined" ] && echo "$org"
  done
  return 0
}

cc_var() { echo "${1//-/_}"; }

cc_port() {
  local cc="$1" org="$2" index
  index="$(var "CC_INDEX_$(cc_var "$cc")")"
  echo $(( CC_PORT_FIRST + CC_PORT_STRIDE * index + $(var "ORG_INDEX_$org") ))
}

# cc_version NAME: content hash of what the chaincode runs and how it is defined.
cc_version() {
  local cc="$1"
  (
    cd "$GOVLEDGER_ROOT"
    find "packages/wire/dist" "chaincode/common/dist" "chaincode/$cc/dist" -type f -name '*.js' | LC_ALL=C sort | xargs cat
    cat "chaincode/$cc/package.json" "network/chaincodes/$cc/chaincode.json"
    echo "endorsementPolicy=$(cc_policy "$cc")"
    local coll; coll="$(cc_collections "$cc")"
    [ -z "$coll" ] || cat "$coll"
  ) | sha256sum | cut -c1-12
}

# cc_policy NAME: the chaincode-level endorsement policy to commit: chaincode.json's
# endorsementPolicy, unless this network is a COMPARISON network deployed with
# `network.sh deploy --endorsement-policy P` (e.g. the bench's `--policy old`, which measures the
# pre-issue-12 "OR('CityAMSP.peer','CityBMSP.peer')"). The override is remembered in
# $STATE/endorsement-policy, so later deploys and addorg of that network keep it, until
# `--endorsement-policy default` forgets it. It is never the default and must not be used for a
# real network (one organisation alone could then write). It is part of cc_version's hash, so
# setting or clearing it commits a new definition.
cc_policy() {
  if [ -n "${CC_POLICY_CACHED+set}" ]; then printf '%s\n' "$CC_POLICY_CACHED"; return 0; fi
  if [ -s "$STATE/endorsement-policy" ]; then cat "$STATE/endorsement-policy"; echo; else cc_def "$1" endorsementPolicy; fi
}

# cc_collections NAME: writes the collection config to commit for NAME (chaincode.json's
# collections file, its templates expanded for the organisations that have joined the channel,
# e.g. e-licence's licencePrivate_<MSP> for every joined organisation with "licensing": true in
# network/consortium.json; each collection's blockToLive computed from its privateDataRetention)
# and prints its path; prints nothing when NAME has no collections. The generated file is part of
# cc_version's content hash, so a newly joined licensing city makes the next deploy commit a new
# sequence with its collection.
cc_collections() {
  if [ -n "${CC_COLLECTIONS_CACHED+set}" ]; then [ -z "$CC_COLLECTIONS_CACHED" ] || echo "$CC_COLLECTIONS_CACHED"; return 0; fi
  local file out members o; file="$(cc_def "$1" collections)"
  [ -n "$file" ] || return 0
  out="$STATE/chaincode/$1/collections.json"
  mkdir -p "$(dirname "$out")"
  members="$(for o in $(joined_orgs); do var "ORG_MSP_$o"; echo; done | paste -sd, -)"
  nettool collections-config "$GOVLEDGER_ROOT/network/consortium.json" \
    "$GOVLEDGER_ROOT/network/chaincodes/$1/$file" "$out" --members "$members" \
    || die "cannot write the collection config of $1"
  echo "$out"
}

# cc_def NAME FIELD: a field of network/chaincodes/NAME/chaincode.json ('' when null).
cc_def() {
  nettool json-field "$GOVLEDGER_ROOT/network/chaincodes/$1/chaincode.json" "$2"
}

# cc_package NAME ORG LABEL: writes the CCaaS package for ORG and prints its path.
cc_package() {
  local cc="$1" org="$2" label="$3" dir="$STATE/chaincode/$1/$2"
  rm -rf "$dir/pkg" && mkdir -p "$dir/pkg/code"
  nettool ccaas-connection "$dir/pkg/code/connection.json" "127.0.0.1:$(cc_port "$cc" "$org")" \
    "$STATE/nodes/peer0.$org/tls/server.key" "$STATE/nodes/peer0.$org/tls/server.crt" \
    "$STATE/orgs/$org/ccserver/tls/ca.crt"
  printf '{"type":"ccaas","label":"%s"}\n' "$label" > "$dir/pkg/metadata.json"
  tar -C "$dir/pkg/code" -czf "$dir/pkg/code.tar.gz" connection.json
  tar -C "$dir/pkg" -czf "$dir/$label.tar.gz" metadata.json code.tar.gz
  echo "$dir/$label.tar.gz"
}

# installed_package_id ORG LABEL: package id of LABEL installed on ORG's peer ('' when none).
installed_package_id() {
  ( as_admin "$1"; peer lifecycle chaincode queryinstalled -O json 2>/dev/null || echo '{}' ) \
    | nettool installed-package-id "$2"
}

# committed_field NAME FIELD: sequence or version of the committed definition ('' when none).
committed_field() {
  ( as_admin "$(joined_orgs | sed -n 1p)"; peer lifecycle chaincode querycommitted -C "$CHANNEL" -n "$1" -O json 2>/dev/null || echo '{}' ) \
    | nettool json-field - "$2"
}

# start_cc_server NAME ORG PACKAGE_ID
# The server gets its peer's MSP ID as CORE_PEER_LOCALMSPID: fabric-shim's stub.getMspID() (the
# endorsing peer's organisation, which e-licence checks before touching a private data collection)
# reads it from the chaincode process's environment, and a chaincode-as-a-service process does not
# inherit the peer's. A running server started without it is restarted.
# The server also gets the consortium facts every honest chaincode must agree on: the channel's
# peer organisations (GOVLEDGER_PEER_ORGS, for key-level "owner and one other" policies) and the
# organisations designated as auditors of the others (GOVLEDGER_AUDIT_ORGS, consortium.json's
# auditsOthers). A running server started with other values is restarted.
start_cc_server() {
  local cc="$1" org="$2" id="$3" proc="cc-$1-$2" tls="$STATE/orgs/$2/ccserver/tls" msp peers o
  msp="$(var "ORG_MSP_$org")"
  peers="$(for o in $(joined_orgs); do var "ORG_MSP_$o"; echo; done | paste -sd, -)"
  if is_running "$proc" && grep -qF -- "$id" "$STATE/run/$proc.sh" 2>/dev/null \
    && grep -qF -- "CORE_PEER_LOCALMSPID=$msp " "$STATE/run/$proc.sh" 2>/dev/null \
    && grep -qF -- "$(printf '%q' "GOVLEDGER_PEER_ORGS=$peers") " "$STATE/run/$proc.sh" 2>/dev/null; then
    return 0
  fi
  stop_proc "$proc"
  local port; port="$(cc_port "$cc" "$org")"
  port_open "$port" && die "port $port for $proc is already in use by another process"
  start_proc "$proc" CORE_CHAINCODE_LOGGING_LEVEL=info NODE_ENV=production CORE_PEER_LOCALMSPID="$msp" \
    GOVLEDGER_PEER_ORGS="$peers" GOVLEDGER_AUDIT_ORGS="$AUDIT_ORG_MSPS" -- \
    node "$GOVLEDGER_ROOT/node_modules/fabric-shim/cli.js" server \
    --chaincode-address "127.0.0.1:$(cc_port "$cc" "$org")" --chaincode-id "$id" \
    --chaincode-tls-cert-file "$tls/server.crt" --chaincode-tls-key-file "$tls/server.key" \
    --chaincode-tls-client-cacert-file "$tls/ca.crt" --module-path "$GOVLEDGER_ROOT/chaincode/$cc"
  [ -n "${CC_SERVER_NO_WAIT:-}" ] || wait_port "$proc" "$(cc_port "$cc" "$org")" 30
}

# has_approved ORG NAME SEQUENCE: true when ORG approved that sequence of the chaincode.
has_approved() {
  ( as_admin "$1"; peer lifecycle chaincode queryapproved -C "$CHANNEL" -n "$2" --sequence "$3" -O json >/dev/null 2>&1 )
}

# cc_policy_args NAME: sets POLICY_ARGS to the peer lifecycle flags for chaincode.json's
# endorsementPolicy: a channel policy reference such as "/Channel/Application/Endorsement" gives
# --channel-config-policy (the consortium's rule, MAJORITY of the application organisations'
# Endorsement policies in the generated configtx, which follows the channel's members: once the
# Audit Office joins, any 2 of 3, without a redeploy); anything else is a signature policy such
# as "AND('CityAMSP.peer','CityBMSP.peer')" and gives --signature-policy. Null gives no flag
# (Fabric's default, the same /Channel/Application/Endorsement). The policy is part of
# cc_version's content hash, so changing it makes a new definition at the next sequence.
cc_policy_args() {
  local policy; policy="$(cc_policy "$1")"
  POLICY_ARGS=()
  case "$policy" in
    '') ;;
    /Channel/*) POLICY_ARGS=(--channel-config-policy "$policy") ;;
    /*) die "network/chaincodes/$1/chaincode.json: endorsementPolicy '$policy' is neither a /Channel/... policy reference nor a signature policy" ;;
    *) POLICY_ARGS=(--signature-policy "$policy") ;;
  esac
}

# approve_for_org NAME ORG VERSION SEQUENCE PACKAGE_ID
approve_for_org() {
  local cc="$1" org="$2" version="$3" seq="$4" id="$5" coll args=()
  cc_policy_args "$cc"
  coll="$(cc_collections "$cc")"
  args=(--channelID "$CHANNEL" --name "$cc" --version "$version" --package-id "$id" --sequence "$seq" "${POLICY_ARGS[@]}")
  [ -z "$coll" ] || args+=(--collections-config "$coll")
  # shellcheck disable=SC2046
  ( as_admin "$org"; run "${DEPLOY_LOG:-$STATE/logs/deploy.log}" peer lifecycle chaincode approveformyorg $(orderer_flags) "${args[@]}" )
}

# commit_definition ORG LOG COMMIT-ARGS...: commits a chaincode definition as ORG's admin. approveformyorg
# waits for its block on the approving organisation's own peer only, and approvals made concurrently land
# in different blocks, so another organisation's peer may still be a block behind when the commit is
# endorsed: the peers' simulations then differ ("ProposalResponsePayloads do not match") and the CLI
# sends nothing to the orderer. That answer is tried again every 0.5 s, up to 20 times (the lagging peer
# commits the block meanwhile); any other failure fails at once, with the log tail.
commit_definition() {
  local org="$1" log="$2" n out
  shift 2
  for n in $(seq 1 20); do
    printf '\n$ peer lifecycle chaincode commit %s (attempt %s)\n' "$*" "$n" >> "$log"
    # shellcheck disable=SC2046
    if out="$( as_admin "$org"; peer lifecycle chaincode commit $(orderer_flags) "$@" 2>&1 )"; then
      printf '%s\n' "$out" >> "$log"
      return 0
    fi
    printf '%s\n' "$out" >> "$log"
    grep -q 'ProposalResponsePayloads do not match' <<<"$out" || die "command failed: peer lifecycle chaincode commit" "$log"
    sleep 0.5
  done
  die "command failed: peer lifecycle chaincode commit (the peers' simulations differed 20 times)" "$log"
}

# deploy_one NAME: build, package, install, serve, approve and commit one chaincode. Each
# organisation's package, install, chaincode server and approval run concurrently (approvals of
# different organisations, and of different chaincodes, write different keys of _lifecycle); the
# commit waits for all of them. The chaincode's server starts as soon as its package id is known
# (Fabric's package id is LABEL:sha256 of the package file), while the peer installs and the
# organisation approves; it only has to listen before the first transaction, and deploy_one waits
# for it before it returns.
deploy_one() {
  local cc="$1" t0 org
  t0=$(date +%s%N)
  step "Deploying $cc"
  local version label committed_version committed_seq seq
  # the policy and collections once for the version, every approval and the commit (each is a node process)
  local CC_POLICY_CACHED CC_COLLECTIONS_CACHED
  CC_POLICY_CACHED="$(cc_policy "$cc")"
  CC_COLLECTIONS_CACHED="$(cc_collections "$cc")"
  version="$(cc_version "$cc")"
  label="${cc}_${version}"
  committed_version="$(committed_field "$cc" version)"
  committed_seq="$(committed_field "$cc" sequence)"
  if [ "$committed_version" = "$version" ]; then
    seq="$committed_seq"
  else
    seq=$(( ${committed_seq:-0} + 1 ))
  fi
  # the policy and collections once for every approval and the commit (each is a node process)
  ok "version $version, sequence $seq"

  local group="deploy-$cc"
  par_begin "$group"
  for org in $(joined_orgs); do
    par_job "$group" "$cc@$org" deploy_for_org "$cc" "$org" "$label" "$version" "$seq" "$committed_version"
  done
  par_wait "$group" "deploying $cc (package, install, chaincode server, approve)"

  if [ "$committed_version" = "$version" ]; then
    step "Committing $cc"; ok "already committed at sequence $seq, nothing to do"
  else
    step "Committing $cc (sequence $seq)"
    local coll args=() peers=()
    cc_policy_args "$cc"
    coll="$(cc_collections "$cc")"
    args=(--channelID "$CHANNEL" --name "$cc" --version "$version" --sequence "$seq" "${POLICY_ARGS[@]}")
    [ -z "$coll" ] || args+=(--collections-config "$coll")
    for org in $(joined_orgs); do
      peers+=(--peerAddresses "127.0.0.1:$(var "PEER_PORT_$org")" --tlsRootCertFiles "$STATE/nodes/peer0.$org/tls/ca.crt")
    done
    commit_definition "$(joined_orgs | sed -n 1p)" "${DEPLOY_LOG:-$STATE/logs/deploy.log}" "${args[@]}" "${peers[@]}"
    ok
  fi
  for org in $(joined_orgs); do wait_port "cc-$cc-$org" "$(cc_port "$cc" "$org")" 30; done
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "    $cc deployed in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
}

# deploy_for_org NAME ORG LABEL VERSION SEQUENCE COMMITTED_VERSION: one organisation's part of
# deploy_one (run as a parallel job): package (unless that label is installed), install, start the
# chaincode server without waiting for it to listen, approve (unless already approved).
deploy_for_org() {
  local cc="$1" org="$2" label="$3" version="$4" seq="$5" committed_version="$6" id
  local DEPLOY_LOG="$STATE/logs/deploy-$cc-$org.log"
  step "Deploying $cc for $org: package, install, chaincode server, approve"
  id="$(installed_package_id "$org" "$label")"
  if [ -z "$id" ]; then
    local pkg
    pkg="$(cc_package "$cc" "$org" "$label")"
    id="$label:$(sha256sum "$pkg" | cut -d' ' -f1)"
    ( as_admin "$org"; run "${DEPLOY_LOG:-$STATE/logs/deploy.log}" peer lifecycle chaincode install "$pkg" )
  fi
  CC_SERVER_NO_WAIT=1 start_cc_server "$cc" "$org" "$id"
  if [ "$committed_version" = "$version" ] && has_approved "$org" "$cc" "$seq"; then
    ok "$id (already approved)"
  else
    approve_for_org "$cc" "$org" "$version" "$seq" "$id"
    ok "$id"
  fi
}

# deploy_one_logged NAME: deploy_one with its peer commands logged to logs/deploy-NAME.log.
deploy_one_logged() {
  local DEPLOY_LOG="$STATE/logs/deploy-$1.log"
  : > "$DEPLOY_LOG"
  deploy_one "$1"
}

cmd_deploy() {
  require_network
  local target="${POSITIONAL[0]:-all}" names=() cc
  if [ "$target" = all ]; then
    for cc in "${CHAINCODES[@]}"; do
      [ -f "$GOVLEDGER_ROOT/chaincode/$cc/src/index.ts" ] && names+=("$cc")
    done
    [ ${#names[@]} -gt 0 ] || die "no chaincode with src/index.ts under chaincode/"
  else
    local known=" ${CHAINCODES[*]} "
    [[ "$known" == *" $target "* ]] || die "no chaincode named '$target' (known: ${CHAINCODES[*]})"
    [ -f "$GOVLEDGER_ROOT/chaincode/$target/src/index.ts" ] || die "chaincode '$target' has no src/index.ts yet"
    names=("$target")
  fi
  for org in $(joined_orgs); do is_running "peer0.$org" || die "peer0.$org is not running (npm run status)"; done
  case "${ENDORSEMENT_POLICY_OVERRIDE:-}" in
    '') ;;
    default) rm -f "$STATE/endorsement-policy" ;;
    *) printf '%s' "$ENDORSEMENT_POLICY_OVERRIDE" > "$STATE/endorsement-policy"
       info "COMPARISON network: every chaincode is committed with $ENDORSEMENT_POLICY_OVERRIDE, not chaincode.json's policy" ;;
  esac
  : > "$STATE/logs/deploy.log"
  trap cleanup_failed_start EXIT
  local t0; t0=$(date +%s%N)
  step "Building packages/wire, chaincode/common and ${names[*]} (incremental: unchanged packages are skipped)"
  local projects=("$GOVLEDGER_ROOT/packages/wire/tsconfig.build.json" "$GOVLEDGER_ROOT/chaincode/common/tsconfig.build.json")
  for cc in "${names[@]}"; do projects+=("$GOVLEDGER_ROOT/chaincode/$cc/tsconfig.build.json"); done
  run "$STATE/logs/deploy.log" node "$GOVLEDGER_ROOT/node_modules/typescript/bin/tsc" -b "${projects[@]}"
  ok
  if [ ${#names[@]} -eq 1 ]; then
    deploy_one "${names[0]}"
  else
    # independent chaincodes concurrently (different _lifecycle keys); each one's steps print as
    # one block when it is done; the logs of its peer commands: logs/deploy-NAME[-ORG].log
    info "deploying ${names[*]} concurrently"
    par_begin deploy
    for cc in "${names[@]}"; do par_job deploy "$cc" deploy_one_logged "$cc"; done
    par_wait deploy "deploy"
  fi
  wait_gossip 60
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  trap - EXIT
  echo "Deployed ${names[*]} in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
}

# wait_gossip SECONDS: waits until every joined peer knows the peers of all the other joined
# organisations (its gossip_membership_total_peers_known metric on the operations port). A
# transaction needs the majority of the organisations to endorse, and a peer's gateway plans
# endorsements from what gossip discovered: right after `up`, a peer may not yet know the others.
wait_gossip() {
  local secs="$1" orgs org want known i missing
  orgs=($(joined_orgs))
  want=$(( ${#orgs[@]} - 1 ))
  [ "$want" -gt 0 ] || return 0
  step "Waiting for the peers to discover each other (gossip)"
  for i in $(seq 1 $((secs * 5))); do
    missing=""
    for org in "${orgs[@]}"; do
      known="$(curl -fsS "http://127.0.0.1:$(var "PEER_OPS_PORT_$org")/metrics" 2>/dev/null \
        | sed -n "s/^gossip_membership_total_peers_known{channel=\"$CHANNEL\"} \([0-9]*\).*/\1/p")"
      [ "${known:-0}" -ge "$want" ] || missing+=" peer0.$org(${known:-0}/$want)"
    done
    if [ -z "$missing" ]; then ok; return 0; fi
    sleep 0.2
  done
  die "the peers did not discover each other within ${secs}s:$missing" "$STATE/logs/peer0.${orgs[0]}.log"
}
