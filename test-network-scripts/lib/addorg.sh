# network.sh addorg [ORG] [--licensing]: add an organisation of network/consortium.json (the
# Audit Office by default, or ORG, e.g. CityC) to the running channel by a channel configuration
# update signed by the member organisations' admins, start its CA and peer, join it, and approve
# the committed chaincodes for it. A licensing city ("licensing": true; --licensing asserts it)
# then gets its licence collection: e-licence is upgraded (deploy_one) with the collections
# regenerated for the joined organisations, at the next sequence, approved by every organisation
# and committed. No code changes: the chaincode counts a city as licensing once the committed
# definition has its collection.
# Sourced by network.sh.

# ctl ARGS...: configtxlator, logged.
ctl() { run "$STATE/logs/addorg.log" configtxlator "$@"; }
# chancfg SUBCOMMAND ARGS...: a channel configuration step (lib/channel-config.js), logged.
chancfg() { run "$STATE/logs/addorg.log" node "$HERE/lib/channel-config.js" "$@"; }

# addable_org NAME|MSP: the name of the addable organisation NAME (or with MSP id MSP); dies otherwise.
addable_org() {
  local want="$1" o
  for o in "${ADD_ORGS[@]}"; do
    { [ "$o" = "$want" ] || [ "$(var "ORG_MSP_$o")" = "$want" ]; } && { echo "$o"; return 0; }
  done
  die "addorg: '$want' is not an organisation network/consortium.json lets addorg add (${ADD_ORGS[*]})"
}

cmd_addorg() {
  require_network
  [ "${#POSITIONAL[@]}" -le 1 ] || die "usage: network.sh addorg [ORG] [--licensing]"
  local org msp first t0 work="$STATE/channel/addorg" members=()
  org="$(addable_org "${POSITIONAL[0]:-$ADD_ORG}")"
  msp="$(var "ORG_MSP_$org")"
  first="${PEER_ORGS[0]}"
  if [ "$LICENSING_FLAG" = 1 ] && [ "$(var "LICENSING_$org")" != 1 ]; then
    die "addorg --licensing: $org is not a licensing city in network/consortium.json (set \"licensing\": true)"
  fi
  [ -f "$STATE/nodes/peer0.$org/joined" ] && die "$org ($msp) is already part of $CHANNEL"
  mapfile -t members < <(joined_orgs)
  local o; for o in "${PEER_ORGS[@]}"; do is_running "peer0.$o" || die "peer0.$o is not running (npm run status)"; done
  t0=$(date +%s%N)
  : > "$STATE/logs/addorg.log"
  rm -rf "$work" && mkdir -p "$work"
  trap cleanup_failed_start EXIT

  step "Starting the CA of $(var "ORG_LABEL_$org") and enrolling its identities"
  port_open "$(var "CA_PORT_$org")" && die "port $(var "CA_PORT_$org") is already in use"
  port_open "$(var "PEER_PORT_$org")" && die "port $(var "PEER_PORT_$org") is already in use"
  mh_hook org-layout "$org"
  start_ca "$org"
  wait_ca "$org"
  enrol_peer_org "$org"
  ok

  step "Proposing $msp to $CHANNEL (config update)"
  node "$HERE/lib/consortium.js" configtx "$STATE" "$PORT_BASE" "$CONSENSUS" "$STATE/channel/configtx.yaml"
  mh_hook configtx "$STATE/channel/configtx.yaml"
  local configtxgen_out
  configtxgen_out="$(env FABRIC_CFG_PATH="$STATE/channel" configtxgen -printOrg "$msp" 2>>"$STATE/logs/addorg.log")" \
    || die "configtxgen -printOrg $msp failed" "$STATE/logs/addorg.log"
  printf '%s\n' "$configtxgen_out" > "$work/org.json"
  # shellcheck disable=SC2046
  ( as_admin "$first"; run "$STATE/logs/addorg.log" peer channel fetch config "$work/config_block.pb" -c "$CHANNEL" $(orderer_flags) )
  # The new organisation with its anchor peer, encoded as protobuf inside a configuration that
  # holds nothing else (configtxlator needs the Application path to know how to encode its values).
  chancfg org-with-anchor "$work/org.json" "$msp" 127.0.0.1 "$(var "PEER_PORT_$org")" "$work/org-only.json"
  ctl proto_encode --input "$work/org-only.json" --type common.Config --output "$work/org-only.pb"
  # its Readers as for the founding organisations: admins, peers and staff (README, Who can read the channel)
  run "$STATE/logs/addorg.log" node "$HERE/lib/channel-readers.js" config "$work/org-only.pb" "$work/org-only.pb"
  # The channel configuration and its modified copy are handled as protobuf, never as configtxlator
  # JSON (lib/channel-config.js says why): config.pb as fetched, modified.pb with the new organisation.
  chancfg add-org "$work/config_block.pb" "$work/org-only.pb" "$msp" "$work/config.pb" "$work/modified.pb"
  ctl compute_update --channel_id "$CHANNEL" --original "$work/config.pb" --updated "$work/modified.pb" --output "$work/update.pb"
  chancfg update-envelope "$work/update.pb" "$CHANNEL" "$work/envelope.pb"
  ok

  # every member organisation's admin signs (the channel's Admins policy is MAJORITY Admins of its members)
  step "Signing the update by every member's admin (${members[*]}) and submitting it"
  local n=${#members[@]} i
  for (( i = 0; i < n - 1; i++ )); do
    ( as_admin "${members[$i]}"; run "$STATE/logs/addorg.log" peer channel signconfigtx -f "$work/envelope.pb" )
  done
  # shellcheck disable=SC2046
  ( as_admin "${members[$((n - 1))]}"; run "$STATE/logs/addorg.log" peer channel update -f "$work/envelope.pb" -c "$CHANNEL" $(orderer_flags) )
  ok

  step "Starting peer0.$org and joining it to $CHANNEL"
  start_peer "$org"
  wait_port "peer0.$org" "$(var "PEER_PORT_$org")" 30
  ( as_admin "$org"; run "$STATE/logs/addorg.log" peer channel join -b "$STATE/channel/genesis.block" )
  touch "$STATE/nodes/peer0.$org/joined"
  local height
  height="$(peer_height "$first")"
  wait_height "$org" "$height" 60
  ok "height $(peer_height "$org") (channel height $height)"

  local cc version seq label upgrade=()
  for cc in "${CHAINCODES[@]}"; do
    version="$(committed_field "$cc" version)"
    [ -n "$version" ] || continue
    # A licensing city changes the definition of a chaincode with per-city collections (e-licence:
    # its licencePrivate_<MSP> is generated now that it has joined): the committed definition can
    # no longer be approved as it is (Fabric refuses "Collections do not match"), so that chaincode
    # is upgraded below instead, for every organisation at once.
    if [ "$(var "LICENSING_$org")" = 1 ] && [ "$(cc_version "$cc")" != "$version" ]; then
      upgrade+=("$cc")
      continue
    fi
    seq="$(committed_field "$cc" sequence)"
    label="${cc}_${version}"
    step "Approving $cc (version $version, sequence $seq) for $msp"
    local pkg id
    pkg="$(cc_package "$cc" "$org" "$label")"
    ( as_admin "$org"; run "$STATE/logs/addorg.log" peer lifecycle chaincode install "$pkg" )
    id="$(installed_package_id "$org" "$label")"
    start_cc_server "$cc" "$org" "$id"
    approve_for_org "$cc" "$org" "$version" "$seq" "$id"
    ok
    # The other organisations' servers learn the new member (GOVLEDGER_PEER_ORGS), so that every
    # honest endorser writes the same key-level policies.
    local o
    for o in $(joined_orgs); do
      [ "$o" = "$org" ] || start_cc_server "$cc" "$o" "$(installed_package_id "$o" "$label")"
    done
  done
  if [ "${#upgrade[@]}" -gt 0 ]; then
    # the new licensing city's collection: the next sequence, with the collections regenerated
    # for the joined organisations (cc_collections), installed, approved by every organisation
    # and committed (deploy.sh deploy_one)
    wait_gossip 60
    for cc in "${upgrade[@]}"; do deploy_one "$cc"; done
  fi
  wait_gossip 60
  network_json
  if is_running gateway; then
    step "Restarting the gateway so that it serves $msp"
    stop_proc gateway
    launch_proc gateway
    wait_port gateway "$GATEWAY_PORT" 60
    ok
    gateway_tokens "$STATE/gateway" "$GATEWAY_PORT" > /dev/null
  fi
  if [ -n "$(running_replicas)" ]; then
    step "Restarting the gateway replicas one at a time so that they serve $msp"
    restart_replicas > /dev/null
    ok
  fi
  trap - EXIT
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "$(var "ORG_LABEL_$org") ($msp) joined $CHANNEL in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
}
