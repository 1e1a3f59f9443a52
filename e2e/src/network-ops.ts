/**
 * Reading the network's own state in tests: block heights of orderers and peers,
 * stopping/starting single nodes through network.sh, and crashing them (kill -9) for the supervision to
 * restart.
 */
import { execFile, spawnSync } from 'child_process';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import path from 'path';
import { gatewayUrl } from './gateway-client';
import { ROOT, networkSh, readFabricBuild, readNetworkInfo, stateDir } from './test-network';

const NETWORK_SH = path.join(ROOT, 'test-network-scripts', 'network.sh');

/** The folder of the Fabric programs of the network the tests act on (its recorded build). */
function bin(): string {
  return readFabricBuild(stateDir()).bin;
}

/** An orderer's admin and operations ports (network/consortium.json: listen, admin +1, operations +2). */
function ordererPorts(orderer: string): { admin: number; operations: number } {
  const info = readNetworkInfo(stateDir());
  const index = Number(orderer.replace('orderer', ''));
  if (!info.orderers.some((o) => o.name === orderer)) throw new Error(`no orderer ${orderer}`);
  const listen = info.portBase + 50 + 3 * (index - 1);
  return { admin: listen + 1, operations: listen + 2 };
}

/** The block height of the channel on an orderer, through its admin endpoint (osnadmin channel list). */
export function ordererHeight(orderer: string): number {
  const dir = stateDir();
  const info = readNetworkInfo(dir);
  const adminPort = ordererPorts(orderer).admin;
  const tls = path.join(dir, 'orgs', 'Orderer', 'admin', 'tls');
  const r = spawnSync(
    path.join(bin(), 'osnadmin'),
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
  const r = spawnSync(path.join(bin(), 'peer'), ['channel', 'getinfo', '-c', info.channel], {
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
  return readFabricBuild(stateDir()).cfgPath;
}

/** Stops one node of the test network (by the pid network.sh recorded). */
export function stopNode(node: string): void {
  networkSh(['stop-node', node, '--state-dir', stateDir()], { quiet: true });
}

/**
 * Kills one node of the test network with SIGKILL, as a crash would (no clean shutdown), by the
 * pid recorded in <state>/pids/<node>.pid. The network's supervisord restarts it by itself (see
 * `waitRestarted`); a deliberate stop goes through `stopNode`. Returns the killed pid.
 */
export function killNode(node: string): number {
  const pid = nodePid(node);
  if (!pid) throw new Error(`${node} is not running (no live pid in ${stateDir()}/pids/${node}.pid)`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** The live pid recorded for a node (kept current by the network's supervision), or 0. */
export function nodePid(node: string): number {
  try {
    const pid = Number(
      readFileSync(path.join(stateDir(), 'pids', `${node}.pid`), 'utf8')
        .trim()
        .split(/\s+/)[0],
    );
    if (!Number.isInteger(pid) || pid <= 1) return 0;
    process.kill(pid, 0);
    return pid;
  } catch {
    return 0;
  }
}

/** How many times the network's supervisord restarted a node by itself (after a crash or a failed start). */
export function restartCount(node: string): number {
  try {
    return Number(readFileSync(path.join(stateDir(), 'supervisor', 'restarts', node), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * Waits until supervision has restarted a killed node: a new live pid other than `killedPid` is
 * recorded and `ready()` (when given) holds. Returns the time it took from `since`, in ms.
 */
export async function waitRestarted(
  node: string,
  killedPid: number,
  since: number,
  ready: () => boolean | Promise<boolean> = () => true,
  timeoutMs = 60_000,
): Promise<number> {
  await eventually(
    `${node} is restarted by supervision`,
    async () => {
      const pid = nodePid(node);
      return pid !== 0 && pid !== killedPid && (await ready());
    },
    timeoutMs,
    100,
  );
  return Date.now() - since;
}

/** The orderer that leads the channel's Raft cluster now (its etcdraft `is_leader` gauge is 1). */
export async function raftLeader(): Promise<string> {
  const info = readNetworkInfo(stateDir());
  for (const { name } of info.orderers) {
    try {
      const res = await fetch(`http://127.0.0.1:${ordererPorts(name).operations}/metrics`);
      const text = await res.text();
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`consensus_etcdraft_is_leader{channel="${info.channel}"}`));
      if (line && Number(line.slice(line.lastIndexOf(' ') + 1)) === 1) return name;
    } catch {
      // a stopped orderer is not the leader
    }
  }
  throw new Error('no orderer reports itself as the Raft leader');
}

/** Starts a stopped node again. */
export function startNode(node: string): void {
  networkSh(['start-node', node, '--state-dir', stateDir()], { quiet: true });
}

/**
 * `network.sh stop-node` or `start-node` without blocking the event loop (for faults injected
 * while requests are in flight in the same process).
 */
export function nodeCommand(command: 'stop-node' | 'start-node', node: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [NETWORK_SH, command, node, '--state-dir', stateDir()],
      { cwd: ROOT, timeout: 120_000 },
      (err, stdout, stderr) =>
        err
          ? reject(new Error(`network.sh ${command} ${node} failed: ${err.message}\n${stdout}${stderr}`))
          : resolve(),
    );
  });
}

/**
 * A SmartBFT gauge of the channel on an orderer, read from its operations endpoint (Prometheus
 * /metrics): the leader's consenter id as this orderer sees it, the cluster size, its last block.
 */
export async function ordererBftGauge(
  orderer: string,
  gauge: 'leader_id' | 'cluster_size' | 'committed_block_number',
): Promise<number> {
  const info = readNetworkInfo(stateDir());
  const res = await fetch(`http://127.0.0.1:${ordererPorts(orderer).operations}/metrics`);
  if (!res.ok) throw new Error(`metrics of ${orderer}: HTTP ${res.status}`);
  const text = await res.text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`consensus_BFT_${gauge}{channel="${info.channel}"}`));
  if (!line) throw new Error(`${orderer} reports no consensus_BFT_${gauge} for ${info.channel}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Waits until a condition holds, polling; throws with the description on timeout. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  pollMs = 500,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let okNow = false;
    try {
      okNow = await check();
    } catch {
      okNow = false;
    }
    if (okNow) return;
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The network's gateway settings file as first read, before any test changed it (per state folder). */
const settingsBaseline = new Map<string, string>();

/**
 * Restarts the gateway with `extra` settings on top of the network's own (`<state>/gateway/gateway.env`,
 * which the gateway reads at every start): the file is rewritten as its original content plus
 * `extra`, then the gateway is stopped and started through supervision and this waits for
 * /readyz. `restartGateway({})` puts the original settings back. (Supervision restarts a node
 * with its recorded command, so a test's environment never reaches it.)
 */
export async function restartGateway(extra: Record<string, string>): Promise<void> {
  const file = path.join(stateDir(), 'gateway', 'gateway.env');
  if (!settingsBaseline.has(file))
    settingsBaseline.set(file, existsSync(file) ? readFileSync(file, 'utf8') : '');
  const lines = Object.entries(extra).map(([k, v]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(k) || /[\r\n]/.test(v)) throw new Error(`bad gateway setting ${k}`);
    return `${k}=${v}`;
  });
  const baseline = settingsBaseline.get(file) ?? '';
  writeFileSync(file, baseline + (lines.length ? `${lines.join('\n')}\n` : ''));
  networkSh(['stop-node', 'gateway', '--state-dir', stateDir()], { quiet: true });
  networkSh(['start-node', 'gateway', '--state-dir', stateDir()], { quiet: true });
  await eventually(
    'the gateway answers /readyz after its restart',
    async () => (await fetch(`${gatewayUrl()}/readyz`).catch(() => undefined))?.status === 200,
  );
}
