/**
 * Reading the network's own state in tests: block heights of orderers and peers,
 * and stopping/starting single nodes through network.sh.
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { ROOT, networkSh, readNetworkInfo, stateDir } from './test-network';

const BIN = path.join(ROOT, 'bin');

/** The block height of the channel on an orderer, through its admin endpoint (osnadmin channel list). */
export function ordererHeight(orderer: string): number {
  const dir = stateDir();
  const info = readNetworkInfo(dir);
  const index = Number(orderer.replace('orderer', ''));
  const adminPort = info.portBase + 50 + 3 * (index - 1) + 1;
  const tls = path.join(dir, 'orgs', 'Orderer', 'admin', 'tls');
  const r = spawnSync(
    path.join(BIN, 'osnadmin'),
    [
      'channel',
      'list',
      '--channelID',
      info.channel,
      '-o',
      `127.0.0.1:${adminPort}`,
      '--ca-file',
      path.join(dir, 'orgs', 'Orderer', 'msp', 'tlscacerts', 'ca.pem'),
      '--client-cert',
      path.join(tls, 'server.crt'),
      '--client-key',
      path.join(tls, 'server.key'),
    ],
    { encoding: 'utf8' },
  );
  const m = /"height":\s*(\d+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m)
    throw new Error(`osnadmin channel info on ${orderer} failed: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

/** The block height of the channel on an organisation's peer (as that organisation's admin). */
export function peerHeight(org: string): number {
  const dir = stateDir();
  const info = readNetworkInfo(dir);
  const o = info.organisations.find((x) => x.name === org);
  if (!o) throw new Error(`no organisation ${org}`);
  const r = spawnSync(path.join(BIN, 'peer'), ['channel', 'getinfo', '-c', info.channel], {
    encoding: 'utf8',
    env: {
      ...process.env,
      FABRIC_CFG_PATH: sampleConfig(),
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_LOCALMSPID: o.mspId,
      CORE_PEER_MSPCONFIGPATH: o.adminMsp,
      CORE_PEER_ADDRESS: o.peerEndpoint,
      CORE_PEER_TLS_ROOTCERT_FILE: o.tlsRootCert,
    },
  });
  const m = /"height":(\d+)/.exec(r.stdout ?? '');
  if (r.status !== 0 || !m) throw new Error(`peer channel getinfo on ${org} failed: ${r.stdout}${r.stderr}`);
  return Number(m[1]);
}

function sampleConfig(): string {
  const mod = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  const gomod = spawnSync(
    'awk',
    [
      '$1=="require" && $2=="github.com/hyperledger/fabric"{print $3}',
      path.join(ROOT, 'test-network-scripts/fabric-tools/fabric/go.mod'),
    ],
    {
      encoding: 'utf8',
    },
  ).stdout.trim();
  return path.join(mod, `github.com/hyperledger/fabric@${gomod}`, 'sampleconfig');
}

/** Stops one node of the test network (by the pid network.sh recorded). */
export function stopNode(node: string): void {
  networkSh(['stop-node', node, '--state-dir', stateDir()], { quiet: true });
}

/** Starts a stopped node again. */
export function startNode(node: string): void {
  networkSh(['start-node', node, '--state-dir', stateDir()], { quiet: true });
}

/** Waits until a condition holds, polling; throws with the description on timeout. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let okNow = false;
    try {
      okNow = check();
    } catch {
      okNow = false;
    }
    if (okNow) return;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
