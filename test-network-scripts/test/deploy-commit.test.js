// lib/deploy.sh commit_definition: the commit of a chaincode definition is tried again while the
// peers' simulations differ (a peer a block behind on another organisation's approval), and fails at
// once on any other refusal. The peer CLI is a stub that answers from a script of outcomes.
'use strict';

const { describe, expect, it } = require('@jest/globals');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const LIB = path.join(__dirname, '..', 'lib');

/** Runs commit_definition with `peer` answering `outcomes` in turn (ok, lag or refused). */
function commitWith(outcomes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govledger-commit-'));
  const log = path.join(dir, 'deploy.log');
  const script = `
    set -euo pipefail
    source "${LIB}/common.sh"
    source "${LIB}/deploy.sh"
    as_admin() { :; }
    orderer_flags() { echo -o orderer:7050; }
    outcomes=(${outcomes.join(' ')})
    calls="${dir}/calls"
    peer() {
      local n; n=$(( $(cat "$calls" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$calls"
      case "\${outcomes[$((n - 1))]}" in
        ok) echo "committed $*"; return 0 ;;
        lag) echo "Error: failed to create signed transaction: ProposalResponsePayloads do not match (base64): 'a' vs 'b'"; return 1 ;;
        *) echo "Error: chaincode definition not agreed to by this org (CityBMSP)"; return 1 ;;
      esac
    }
    sleep() { :; }
    commit_definition CityA "${log}" --channelID gov --name e-licence
  `;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  const calls = Number(fs.readFileSync(path.join(dir, 'calls'), 'utf8'));
  const logText = fs.readFileSync(log, 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, stderr: r.stderr, calls, log: logText };
}

describe('commit_definition', () => {
  it('commits at once when the peers agree', () => {
    const r = commitWith(['ok']);
    expect(r.status).toBe(0);
    expect(r.calls).toBe(1);
    expect(r.log).toContain(
      'committed lifecycle chaincode commit -o orderer:7050 --channelID gov --name e-licence',
    );
  });

  it('tries again while a peer is a block behind, then commits', () => {
    const r = commitWith(['lag', 'lag', 'ok']);
    expect(r.status).toBe(0);
    expect(r.calls).toBe(3);
    expect(r.log).toContain('(attempt 3)');
  });

  it('fails at once, naming the command and showing the log, on any other refusal', () => {
    const r = commitWith(['refused', 'ok']);
    expect(r.status).toBe(1);
    expect(r.calls).toBe(1);
    expect(r.stderr).toContain('command failed: peer lifecycle chaincode commit');
    expect(r.stderr).toContain('not agreed to by this org');
  });

  it('gives up after 20 disagreements', () => {
    const r = commitWith(Array(25).fill('lag'));
    expect(r.status).toBe(1);
    expect(r.calls).toBe(20);
    expect(r.stderr).toContain("the peers' simulations differed 20 times");
  });
});
