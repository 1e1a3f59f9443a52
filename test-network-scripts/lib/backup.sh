# network.sh backup / restore / snapshot / restore-peer: back up what one organisation alone
# holds, restore it, and rebuild a peer's ledger from a ledger snapshot. Sourced by network.sh
# (needs its load_settings, as_admin, peer_height, wait_height, lib/procs.sh and lib/deploy.sh's
# wait_gossip).
#
# An organisation's backup (network.sh backup ORG DIR) is one archive,
# DIR/govledger-<ORG>-<UTC time>.tar.gz (0600, in a 0700 folder), holding:
#   manifest.json        format, organisation, MSP id, channel, time, peer height, file count
#   SHA256SUMS           sha256 of every other file of the archive; restore checks it first
#   state/ca/ORG         the CA's home: its signing key and certificate, TLS key, Idemix keys,
#                        configuration, bootstrap secret, and its SQLite database (registered
#                        identities, issued certificates, revocations) copied with SQLite's
#                        online backup API (lib/backup-tools.js), never as a raw file
#   state/ca-admin/ORG   the CA registrar's enrolment (it registers new identities)
#   state/orgs/ORG       the organisation's MSP, its admin's and chaincode servers' identities
#   state/nodes/peer0.ORG/{msp,tls}   the peer's identity (not its ledger: see snapshot)
#   state/users/NAME     the organisation's users' keys, certificates and pseudonym files
#   state/gateway/...    the REST gateway's database (online backup), its wallet, its secrets
#                        (WALLET_KEY decrypts the wallet) and election keys, when it ran; in this
#                        local network one gateway serves every organisation
#   snapshot/CHANNEL/N   a ledger snapshot of the organisation's peer (when it was running)
# Every file in the archive is 0600 (folders 0700) and tar keeps those modes on restore.

BACKUP_FORMAT=1
# how long a peer being rebuilt waits for private data it lacks before committing a block without it
REBUILD_PULL_RETRY="${REBUILD_PULL_RETRY:-3s}"
# pid of a peer being rebuilt outside supervision (wipe_and_start_peer -> end_rebuild)
REBUILD_PID=""

# backup_org WANT: prints the organisation named WANT (name or MSP id) or dies.
backup_org() {
  local want="$1" o known=()
  for o in "${PEER_ORGS[@]}" "$ADD_ORG"; do
    known+=("$o")
    if [ "$o" = "$want" ] || [ "$(var "ORG_MSP_$o")" = "$want" ]; then echo "$o"; return 0; fi
  done
  die "unknown organisation '$want' (organisations: ${known[*]})"
}

# backup_peer_org PEER: prints the organisation of peer0.ORG or dies.
backup_peer_org() {
  local peer="$1"
  [[ "$peer" == peer0.* ]] || die "'$peer' is not a peer (peers are named peer0.ORG, e.g. peer0.${PEER_ORGS[1]})"
  local org; org="$(backup_org "${peer#peer0.}")"
  [ -d "$STATE/nodes/peer0.$org" ] || die "$org has no peer in this network"
  echo "$org"
}

# sha256_of FILE: the hex sha256 of a file.
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# snapshot_field FILE KEY: a top-level string or number field of a snapshot metadata file.
snapshot_field() { nettool json-field --required "$1" "$2"; }

# verify_snapshot DIR: checks a completed ledger snapshot before anyone uses it: it is of this
# network's channel, every data file's sha256 is the one its signable metadata lists
# (snapshot_files_raw_hashes), and snapshot_hash is the sha256 of that metadata file (what Fabric
# checks again on join). Prints the snapshot's last block number.
verify_snapshot() {
  local dir="$1" signable="$1/_snapshot_signable_metadata.json" additional="$1/_snapshot_additional_metadata.json"
  [ -f "$signable" ] && [ -f "$additional" ] || die "$dir is not a completed ledger snapshot (no _snapshot_*_metadata.json)"
  local channel; channel="$(snapshot_field "$signable" channel_name)"
  [ "$channel" = "$CHANNEL" ] || die "the snapshot in $dir is of channel '$channel', not $CHANNEL"
  [ "$(sha256_of "$signable")" = "$(snapshot_field "$additional" snapshot_hash)" ] \
    || die "the snapshot in $dir is damaged: snapshot_hash is not the sha256 of its signable metadata"
  local name want listed=0
  while IFS=$'\t' read -r name want; do
    [ -n "$name" ] || continue
    listed=$((listed + 1))
    [[ "$name" != */* ]] && [ -f "$dir/$name" ] || die "the snapshot in $dir lacks its file $name"
    [ "$(sha256_of "$dir/$name")" = "$want" ] || die "the snapshot in $dir is damaged: $name does not match its hash"
  done < <(node -e '
    const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const [f, h] of Object.entries(m.snapshot_files_raw_hashes || {})) console.log(`${f}\t${h}`);
  ' "$signable")
  [ "$listed" -gt 0 ] || die "the snapshot in $dir lists no files"
  snapshot_field "$signable" last_block_number
}

# take_snapshot ORG [BLOCK]: asks ORG's peer for a ledger snapshot at BLOCK (default: its last
# committed block, which makes it at once) and waits until the peer wrote it (a future BLOCK is
# written once that block commits). Prints the completed snapshot's folder.
take_snapshot() {
  local org="$1" block="${2:-}" height
  height="$(peer_height "$org")"
  [ -n "$height" ] || die "peer0.$org does not answer (is it running and joined to $CHANNEL?)"
  [ -n "$block" ] || block=$((height - 1))
  [[ "$block" =~ ^[0-9]+$ ]] || die "the block number must be a number, not '$block'"
  [ "$block" -ge $((height - 1)) ] || die "peer0.$org is at block $((height - 1)): a snapshot cannot be taken at an earlier block ($block)"
  local dir="$STATE/nodes/peer0.$org/data/snapshots/completed/$CHANNEL/$block"
  if [ ! -f "$dir/_snapshot_additional_metadata.json" ]; then
    local out
    out="$( ( as_admin "$org"; peer snapshot submitrequest -c "$CHANNEL" -b "$block" \
      --peerAddress "$CORE_PEER_ADDRESS" --tlsRootCertFile "$CORE_PEER_TLS_ROOTCERT_FILE" ) 2>&1)" \
      || die "peer0.$org refused the snapshot request: $out"
    local i
    for i in $(seq 1 600); do
      [ -f "$dir/_snapshot_additional_metadata.json" ] && break
      sleep 0.2
    done
    [ -f "$dir/_snapshot_additional_metadata.json" ] \
      || die "peer0.$org wrote no snapshot at block $block within 120 s" "$STATE/logs/peer0.$org.log"
  fi
  echo "$dir"
}

# ---- network.sh snapshot PEER [BLOCK] ---------------------------------------------

cmd_snapshot() {
  require_network
  local peer="${POSITIONAL[0]:-}" block="${POSITIONAL[1]:-}"
  [ -n "$peer" ] && [ "${#POSITIONAL[@]}" -le 2 ] || die "usage: network.sh snapshot PEER [BLOCK] (e.g. network.sh snapshot peer0.${PEER_ORGS[1]})"
  local org; org="$(backup_peer_org "$peer")"
  is_running "peer0.$org" || die "peer0.$org is not running"
  step "Taking a ledger snapshot of $CHANNEL on peer0.$org${block:+ at block $block}"
  local dir last hash
  dir="$(take_snapshot "$org" "$block")"
  last="$(verify_snapshot "$dir")"
  hash="$(snapshot_field "$dir/_snapshot_additional_metadata.json" snapshot_hash)"
  ok "block $last"
  echo "snapshot      $dir"
  echo "last block    $last"
  echo "snapshot_hash $hash"
}

# ---- network.sh backup ORG DIR --------------------------------------------------------

# backup_copy SRC DEST: copies a file or folder into the staging area, SQLite databases through
# the online backup API, skipping their -wal/-shm/-journal files (the backup already holds them).
backup_copy() {
  local src="$1" dest="$2" f rel
  [ -e "$src" ] || return 0
  if [ -f "$src" ]; then
    mkdir -p "$(dirname "$dest")"
    case "$src" in
      *.db) node "$HERE/lib/backup-tools.js" sqlite-backup "$src" "$dest" >/dev/null \
              || die "cannot back up the database $src" ;;
      *-wal|*-shm|*-journal) ;;
      *) cp -p "$src" "$dest" ;;
    esac
    return 0
  fi
  while IFS= read -r -d '' f; do
    rel="${f#"$src"/}"
    backup_copy "$f" "$dest/$rel"
  done < <(find "$src" -type f -print0)
}

cmd_backup() {
  require_network
  local want="${POSITIONAL[0]:-}" out="${POSITIONAL[1]:-}"
  [ -n "$want" ] && [ -n "$out" ] && [ "${#POSITIONAL[@]}" -eq 2 ] \
    || die "usage: network.sh backup ORG DIR (e.g. network.sh backup ${PEER_ORGS[1]} /srv/backups)"
  local org msp
  org="$(backup_org "$want")"
  msp="$(var "ORG_MSP_$org")"
  [ -d "$STATE/ca/$org" ] || die "$org has no CA in this network"
  local t0; t0=$(date +%s%N)
  local stage; stage="$(umask 077; mktemp -d "${TMPDIR:-/tmp}/govledger-backup.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$stage'" EXIT

  step "Backing up $org: CA (online database backup), MSP, identities, users"
  local s="$stage/state" f name users=0
  backup_copy "$STATE/ca/$org" "$s/ca/$org"
  backup_copy "$STATE/ca-admin/$org" "$s/ca-admin/$org"
  backup_copy "$STATE/orgs/$org" "$s/orgs/$org"
  backup_copy "$STATE/nodes/peer0.$org/msp" "$s/nodes/peer0.$org/msp"
  backup_copy "$STATE/nodes/peer0.$org/tls" "$s/nodes/peer0.$org/tls"
  for f in "$STATE"/users/*/mspid; do
    [ -f "$f" ] && [ "$(cat "$f")" = "$msp" ] || continue
    name="$(basename "$(dirname "$f")")"
    backup_copy "$STATE/users/$name" "$s/users/$name"
    users=$((users + 1))
  done
  ok "$users users"

  local gateway=no
  if [ -d "$STATE/gateway" ]; then
    step "Backing up the gateway: database (online backup), wallet, secrets, election keys"
    backup_copy "$STATE/gateway/gateway.db" "$s/gateway/gateway.db"
    backup_copy "$STATE/gateway/wallet" "$s/gateway/wallet"
    backup_copy "$STATE/gateway/secrets.env" "$s/gateway/secrets.env"
    backup_copy "$STATE/gateway/election-keys" "$s/gateway/election-keys"
    gateway=yes
    ok
  fi

  local height="" snap="" last=""
  if is_running "peer0.$org" && [ -f "$STATE/nodes/peer0.$org/joined" ]; then
    step "Taking a ledger snapshot on peer0.$org"
    snap="$(take_snapshot "$org")"
    last="$(verify_snapshot "$snap")"
    height=$((last + 1))
    backup_copy "$snap" "$stage/snapshot/$CHANNEL/$last"
    ok "block $last"
  fi

  step "Writing the manifest and the archive"
  node "$HERE/lib/backup-tools.js" manifest "$stage/manifest.json" format="$BACKUP_FORMAT" organisation="$org" mspId="$msp" \
    channel="$CHANNEL" createdAt="$(date -u +%FT%TZ)" peerHeight="${height:-0}" gateway="$gateway" \
    snapshotBlock="${last:-}" || die "cannot write the backup manifest"
  # every file 0600 and every folder 0700: private keys and secrets stay private in the archive
  # and after a restore (tar keeps the modes)
  find "$stage" -type d -exec chmod 700 {} +
  find "$stage" -type f -exec chmod 600 {} +
  (cd "$stage" && find . -type f ! -name SHA256SUMS -printf '%P\0' | LC_ALL=C sort -z \
    | xargs -0 sha256sum > SHA256SUMS && chmod 600 SHA256SUMS)
  local count; count="$(wc -l < "$stage/SHA256SUMS")"
  (umask 077; mkdir -p "$out")
  local archive
  archive="$(cd "$out" && pwd)/govledger-$org-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
  (umask 077; tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$archive.part" . && mv "$archive.part" "$archive")
  ok "$count files"
  rm -rf "$stage"
  trap - EXIT
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "Backup of $org in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s: $archive"
  echo "  $(du -h "$archive" | cut -f1), $count files, sha256 $(sha256_of "$archive")"
}

# ---- network.sh restore ORG DIR -------------------------------------------------------

# backup_archive ORG PATH: PATH itself when it is a file, else the newest backup of ORG in the folder PATH.
backup_archive() {
  local org="$1" path="$2" newest
  if [ -f "$path" ]; then echo "$path"; return 0; fi
  [ -d "$path" ] || die "no backup at $path"
  newest="$(find "$path" -maxdepth 1 -type f -name "govledger-$org-*.tar.gz" | LC_ALL=C sort | tail -n 1)"
  [ -n "$newest" ] || die "no backup of $org (govledger-$org-*.tar.gz) in $path"
  echo "$newest"
}

# unpack_backup ORG ARCHIVE DIR: unpacks ARCHIVE into DIR and verifies it before anything is
# restored: only plain files and folders at relative paths, SHA256SUMS lists exactly the files
# the archive holds and every one matches, and the manifest is of ORG in this channel.
unpack_backup() {
  local org="$1" archive="$2" dir="$3" listing
  listing="$(tar -tvzf "$archive" 2>&1)" || die "$archive is not a readable archive: $listing"
  local bad
  bad="$(awk '{ t = substr($1, 1, 1); if (t != "-" && t != "d") print }' <<< "$listing")"
  [ -z "$bad" ] || die "$archive holds something other than files and folders: $bad"
  bad="$(tar -tzf "$archive" | grep -E '^/|(^|/)\.\.(/|$)' || true)"
  [ -z "$bad" ] || die "$archive holds paths outside its folder: $bad"
  tar -C "$dir" --no-same-owner -xpzf "$archive" || die "cannot unpack $archive"
  [ -f "$dir/SHA256SUMS" ] && [ -f "$dir/manifest.json" ] || die "$archive is not a GovLedger backup (no SHA256SUMS or manifest.json)"
  local failed
  failed="$(cd "$dir" && sha256sum --strict --quiet -c SHA256SUMS 2>&1)" \
    || die "$archive fails its manifest, nothing restored: $failed"
  local listed present
  listed="$(sed -E 's/^[0-9a-f]{64} [ *]//' "$dir/SHA256SUMS" | LC_ALL=C sort)"
  present="$(cd "$dir" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort)"
  [ "$listed" = "$present" ] || die "$archive holds files its manifest does not list (or lacks listed ones), nothing restored: $(diff <(echo "$listed") <(echo "$present") | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
  local morg mchannel mformat
  mformat="$(nettool json-field --required "$dir/manifest.json" format)"
  morg="$(nettool json-field --required "$dir/manifest.json" organisation)"
  mchannel="$(nettool json-field --required "$dir/manifest.json" channel)"
  [ "$mformat" = "$BACKUP_FORMAT" ] || die "$archive is a backup of format $mformat; this script reads format $BACKUP_FORMAT"
  [ "$morg" = "$org" ] || die "$archive is a backup of $morg, not of $org"
  [ "$mchannel" = "$CHANNEL" ] || die "$archive is a backup of channel $mchannel, not $CHANNEL"
}

# restore_tree SRC DEST: replaces DEST by SRC (modes kept).
restore_tree() {
  local src="$1" dest="$2"
  [ -e "$src" ] || return 0
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  cp -a "$src" "$dest"
}

# wait_port_closed PORT SECONDS: waits until nothing listens on PORT any more.
wait_port_closed() {
  local i
  for i in $(seq 1 $(($2 * 10))); do port_open "$1" || return 0; sleep 0.1; done
  return 1
}

# restart_node NAME PORT: starts a node again from its recorded command and waits for its port.
restart_node() {
  launch_proc "$1"
  wait_port "$1" "$2" 60
}

cmd_restore() {
  require_network
  local want="${POSITIONAL[0]:-}" from="${POSITIONAL[1]:-}"
  [ -n "$want" ] && [ -n "$from" ] && [ "${#POSITIONAL[@]}" -eq 2 ] \
    || die "usage: network.sh restore ORG DIR|ARCHIVE (e.g. network.sh restore ${PEER_ORGS[1]} /srv/backups)"
  local org archive
  org="$(backup_org "$want")"
  archive="$(backup_archive "$org" "$from")"
  local t0; t0=$(date +%s%N)
  local dir; dir="$(umask 077; mktemp -d "${TMPDIR:-/tmp}/govledger-restore.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$dir'" EXIT

  step "Verifying $(basename "$archive") against its manifest"
  unpack_backup "$org" "$archive" "$dir"
  ok "$(wc -l < "$dir/SHA256SUMS") files"

  local s="$dir/state" gateway_was_running=0
  step "Restoring $org's CA (database and keys), MSP, identities and users"
  is_running "ca-$org" && stop_proc "ca-$org"
  restore_tree "$s/ca/$org" "$STATE/ca/$org"
  restore_tree "$s/ca-admin/$org" "$STATE/ca-admin/$org"
  restore_tree "$s/orgs/$org" "$STATE/orgs/$org"
  restore_tree "$s/nodes/peer0.$org/msp" "$STATE/nodes/peer0.$org/msp"
  restore_tree "$s/nodes/peer0.$org/tls" "$STATE/nodes/peer0.$org/tls"
  local u users=0
  for u in "$s"/users/*; do
    [ -d "$u" ] || continue
    restore_tree "$u" "$STATE/users/$(basename "$u")"
    users=$((users + 1))
  done
  ok "$users users"
  if [ -f "$STATE/run/ca-$org.sh" ]; then
    step "Starting ca-$org from the restored home"
    restart_node "ca-$org" "$(var "CA_PORT_$org")"
    ok
  fi

  if [ -d "$s/gateway" ]; then
    step "Restoring the gateway's database, wallet, secrets and election keys"
    if is_running gateway; then gateway_was_running=1; stop_proc gateway; fi
    rm -f "$STATE/gateway/gateway.db" "$STATE/gateway/gateway.db-wal" "$STATE/gateway/gateway.db-shm" \
      "$STATE/gateway/gateway.db-journal"
    restore_tree "$s/gateway/gateway.db" "$STATE/gateway/gateway.db"
    restore_tree "$s/gateway/wallet" "$STATE/gateway/wallet"
    restore_tree "$s/gateway/secrets.env" "$STATE/gateway/secrets.env"
    restore_tree "$s/gateway/election-keys" "$STATE/gateway/election-keys"
    ok
    if [ "$gateway_was_running" = 1 ]; then
      step "Starting the gateway again"
      restart_node gateway "$GATEWAY_PORT"
      ok
    fi
  fi

  local snap="" kept=""
  snap="$(find "$dir/snapshot/$CHANNEL" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1 || true)"
  if [ -n "$snap" ]; then
    kept="$STATE/nodes/peer0.$org/restored-snapshots/$(basename "$snap")"
    restore_tree "$snap" "$kept"
  fi
  rm -rf "$dir"
  trap - EXIT
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "Restored $org from $(basename "$archive") in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
  if [ -n "$kept" ]; then
    echo "  the backup's ledger snapshot (block $(basename "$kept")) is in $kept"
    echo "  rebuild the peer's ledger from it: network.sh restore-peer peer0.$org --from-snapshot $kept"
  fi
}

# ---- network.sh restore-peer PEER --from-snapshot DIR | --from-genesis ------------------

# wipe_and_start_peer ORG: stops ORG's peer, removes its ledger (blocks, world state, private
# data, history, transient store; its installed chaincode packages stay) and starts it empty.
wipe_and_start_peer() {
  local org="$1" node="$STATE/nodes/peer0.$1"
  step "Removing peer0.$org's ledger (blocks, world state, private data, history)"
  # through supervision even when its pid file says it is not running: a crashed peer may have
  # been restarted by supervisord in the meantime
  stop_proc "peer0.$org"
  wait_port_closed "$(var "PEER_PORT_$org")" 30 || die "peer0.$org still listens after its stop"
  rm -rf "$node/data/ledgersData" "$node/data/transientstore" "$node/joined"
  ok
  step "Starting peer0.$org with an empty ledger (private data pull threshold $REBUILD_PULL_RETRY while it catches up)"
  # a block whose private data this peer is eligible for but lacks holds its commit for
  # peer.gossip.pvtData.pullRetryThreshold (60 s) while it asks the collection's other members;
  # for a collection of this organisation alone there are none, so while rebuilding it waits less
  # (the data stays marked missing for the reconciler); end_rebuild restarts it as recorded
  # The rebuild runs the peer OUTSIDE supervision, from its recorded run script with the short
  # threshold in its environment (supervisord starts a node with its recorded environment only);
  # end_rebuild stops it by its pid and starts it again under supervision.
  local port; port="$(var "PEER_PORT_$org")"
  CORE_PEER_GOSSIP_PVTDATA_PULLRETRYTHRESHOLD="$REBUILD_PULL_RETRY" \
    setsid bash "$STATE/run/peer0.$org.sh" < /dev/null > /dev/null 2>&1 &
  local pid=$!
  echo "$pid $(proc_starttime "$pid")" > "$STATE/pids/peer0.$org.pid"
  REBUILD_PID="$pid"
  wait_port "peer0.$org" "$port" 60
  ok
}

# end_rebuild ORG: restarts ORG's rebuilt peer with its recorded configuration.
end_rebuild() {
  local org="$1"
  step "Restarting peer0.$org with its own configuration"
  if [ -n "${REBUILD_PID:-}" ]; then
    # the rebuilding peer runs outside supervision (wipe_and_start_peer): stop it by its pid
    kill -TERM -- "-$REBUILD_PID" 2>/dev/null || kill -TERM "$REBUILD_PID" 2>/dev/null || true
    local j
    for j in $(seq 1 150); do kill -0 "$REBUILD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$REBUILD_PID" 2>/dev/null && { kill -KILL -- "-$REBUILD_PID" 2>/dev/null || kill -KILL "$REBUILD_PID" 2>/dev/null || true; }
    rm -f "$STATE/pids/peer0.$org.pid"
    REBUILD_PID=""
  else
    stop_proc "peer0.$org"
  fi
  wait_port_closed "$(var "PEER_PORT_$org")" 30 || die "peer0.$org still listens after its stop"
  restart_node "peer0.$org" "$(var "PEER_PORT_$org")"
  local i
  for i in $(seq 1 150); do [ -n "$(peer_height "$org")" ] && break; sleep 0.2; done
  [ -n "$(peer_height "$org")" ] || die "peer0.$org does not answer after its restart" "$STATE/logs/peer0.$org.log"
  ok
  # endorsements are planned from what gossip discovered: wait until the peers know each other again
  wait_gossip 60
}

# catch_up ORG FIRST: waits until ORG's peer reaches the height of the other joined peers (at
# least FIRST); prints nothing, dies on a timeout.
catch_up() {
  local org="$1" target="$2" o h
  for o in "${PEER_ORGS[@]}" "$ADD_ORG"; do
    [ "$o" != "$org" ] && [ -f "$STATE/nodes/peer0.$o/joined" ] && is_running "peer0.$o" || continue
    h="$(peer_height "$o")"
    [ -n "$h" ] && [ "$h" -gt "$target" ] && target="$h"
  done
  wait_height "$org" "$target" 180
}

cmd_restore_peer() {
  require_network
  local peer="${POSITIONAL[0]:-}" from="${FROM_SNAPSHOT:-}"
  [ -n "$peer" ] && [ "${#POSITIONAL[@]}" -eq 1 ] && { [ -n "$from" ] || [ "$FROM_GENESIS" = 1 ]; } \
    && ! { [ -n "$from" ] && [ "$FROM_GENESIS" = 1 ]; } \
    || die "usage: network.sh restore-peer PEER --from-snapshot DIR | --from-genesis (e.g. network.sh restore-peer peer0.${PEER_ORGS[1]} --from-snapshot DIR)"
  local org; org="$(backup_peer_org "$peer")"
  [[ "$REBUILD_PULL_RETRY" =~ ^[0-9]+(ms|s|m)$ ]] || die "REBUILD_PULL_RETRY must be a duration such as 3s, not '$REBUILD_PULL_RETRY'"
  local t0; t0=$(date +%s%N)
  local node="$STATE/nodes/peer0.$org"

  if [ "$FROM_GENESIS" = 1 ]; then
    [ -f "$STATE/channel/genesis.block" ] || die "no genesis block of $CHANNEL in $STATE/channel"
    wipe_and_start_peer "$org"
    step "Joining peer0.$org to $CHANNEL from the genesis block"
    ( as_admin "$org"; run "$STATE/logs/channel.log" peer channel join -b "$STATE/channel/genesis.block" )
    touch "$node/joined"
    ok
    step "Replaying the chain from the ordering service"
    catch_up "$org" 1
    ok "height $(peer_height "$org")"
    end_rebuild "$org"
    local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    echo "peer0.$org rebuilt from the genesis block in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
    echo "  its private data comes back only where another member of a collection holds it (reconciliation)"
    return 0
  fi

  [ -d "$from" ] || die "no snapshot folder $from"
  step "Verifying the snapshot in $from"
  local last; last="$(verify_snapshot "$from")"
  # the peer reads the snapshot while joining: keep a copy outside the ledger folder it rebuilds
  local copy="$node/restore-snapshot/$last"
  if [ "$(cd "$from" && pwd)" != "$copy" ]; then
    rm -rf "$copy"; mkdir -p "$(dirname "$copy")"; cp -a "$from" "$copy"
  fi
  ok "channel $CHANNEL, block $last, snapshot_hash $(snapshot_field "$copy/_snapshot_additional_metadata.json" snapshot_hash)"

  wipe_and_start_peer "$org"

  step "Joining peer0.$org to $CHANNEL from the snapshot (block $last)"
  local out i status=""
  out="$( (as_admin "$org"; peer channel joinbysnapshot --snapshotpath "$copy") 2>&1)" \
    || die "peer0.$org refused to join from the snapshot: $out" "$STATE/logs/peer0.$org.log"
  for i in $(seq 1 600); do
    # both Fabric builds (v2.5.0 and the snapshot: the same snapshot_data_importer.go) panic importing
    # a snapshot that holds private data hashes of a collection this organisation is not a member
    # of (README, Backup and restore: limits)
    is_running "peer0.$org" || die "peer0.$org exited while joining from the snapshot: a snapshot with private data hashes of a collection $org is not a member of crashes this Fabric build (README, Backup and restore); rebuild it with: network.sh restore-peer peer0.$org --from-genesis" "$STATE/logs/peer0.$org.log"
    status="$( (as_admin "$org"; peer channel joinbysnapshotstatus) 2>&1 || true)"
    grep -q 'No joinbysnapshot operation is in progress' <<< "$status" && break
    sleep 0.2
  done
  grep -q 'No joinbysnapshot operation is in progress' <<< "$status" \
    || die "peer0.$org did not finish joining from the snapshot within 120 s: $status" "$STATE/logs/peer0.$org.log"
  sleep 0.5
  is_running "peer0.$org" || die "peer0.$org exited after joining from the snapshot: a snapshot with private data hashes of a collection $org is not a member of crashes this Fabric build (README, Backup and restore); rebuild it with: network.sh restore-peer peer0.$org --from-genesis" "$STATE/logs/peer0.$org.log"
  touch "$node/joined"
  ok

  step "Catching up with the channel (blocks after $last from the ordering service)"
  catch_up "$org" $((last + 1))
  ok "height $(peer_height "$org")"
  end_rebuild "$org"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "peer0.$org rebuilt from the snapshot at block $last in $((ms / 1000)).$(printf '%03d' $((ms % 1000)))s"
  echo "  it holds no blocks before $((last + 1)) and none of its private data written before then,"
  echo "  except what the reconciler pulls from other members of a collection (README, Backup and restore)"
}
