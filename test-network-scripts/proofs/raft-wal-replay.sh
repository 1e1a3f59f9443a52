#!/usr/bin/env bash
# Proof (manual, README "Fabric version"): the orderer's WAL-replay deadlock, the reason for
# raftSnapshotIntervalSize 20 KB in network/consortium.json. Brings up a network from a copy of the
# network scripts and consortium with raftSnapshotIntervalSize 100 MB (no Raft snapshot is taken) and
# preferredMaxBytes PREF (default 4 KB; Fabric uses it as etcd raft's MaxSizePerMsg, so the replay
# after a restart comes in several Ready batches, the first holding the bootstrap membership
# entries), deploys e-licence, restarts orderer2, deploys two more chaincodes and prints the three
# orderers' heights. A deadlocked orderer2 stays at its height before the restart, its log ending
# with "Applied config change to add node 1". Usage (under the e2e lock, a free port range):
#   BASE=26100 [FABRIC=snapshot] bash test-network-scripts/proofs/raft-wal-replay.sh
set -uo pipefail
W="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
R="$(mktemp -d)/root"; S="$(mktemp -d)/state"; BASE=${BASE:-26100}
mkdir -p "$R"
cp -r "$W/test-network-scripts" "$W/network" "$R/"
for f in bin node_modules packages chaincode gateway clients e2e package.json tsconfig.base.json; do ln -s "$W/$f" "$R/$f"; done
node -e '
const fs=require("fs"); const p=process.argv[1]; const c=JSON.parse(fs.readFileSync(p));
c.orderer.raftSnapshotIntervalSize="100 MB"; c.orderer.preferredMaxBytes=process.env.PREF||"4 KB";
fs.writeFileSync(p, JSON.stringify(c,null,2));' "$R/network/consortium.json"
N="$R/test-network-scripts/network.sh"
height() { local o=$1; local port=$((BASE+50+3*(o-1)+1)); local t="$S/orgs/Orderer/admin/tls";
  "$(bash -c "source \"$S/network.env\"; echo \$FABRIC_BIN")/osnadmin" channel list --channelID govchannel -o 127.0.0.1:$port --ca-file "$S/orgs/Orderer/msp/tlscacerts/ca.pem" \
    --client-cert "$t/server.crt" --client-key "$t/server.key" 2>/dev/null | sed -n 's/.*"height": *\([0-9]*\).*/\1/p'; }
bash "$N" up --state-dir "$S" --port-base "$BASE" --fabric "${FABRIC:-release}" || exit 1
bash "$N" deploy e-licence --state-dir "$S" || { bash "$N" down --state-dir "$S"; exit 1; }
echo "heights before restart: $(height 1) $(height 2) $(height 3)"
bash "$N" stop-node orderer2 --state-dir "$S"
bash "$N" start-node orderer2 --state-dir "$S"
sleep 5
bash "$N" deploy data-sharing --state-dir "$S"
bash "$N" deploy fund-tracing --state-dir "$S"
sleep 15
echo "heights after restart and two deploys: orderer1 $(height 1) orderer2 $(height 2) orderer3 $(height 3)"
grep -c "Applied config change\|applied config change" "$S/logs/orderer2.log" || true
grep -n "Restarting raft node\|Applied config change\|Raft leader changed\|became follower\|is starting a new election" "$S/logs/orderer2.log" | tail -12
bash "$N" down --state-dir "$S"
rm -rf "$(dirname "$R")" "$(dirname "$S")"
