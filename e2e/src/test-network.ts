/**
 * The end-to-end harness: brings a real network up on free ports in its own state
 * folder, deploys every chaincode, and tears it down again, even when a test or
 * the set-up itself fails.
 */
import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { createServer } from 'net';
import path from 'path';

/** The project root. */
export const ROOT = path.resolve(__dirname, '..', '..');
const NETWORK_SH = path.join(ROOT, 'test-network-scripts', 'network.sh');

/** How many consecutive ports a network uses from its base (network/consortium.json). */
export const PORT_SPAN = 110;

/** Connection facts a running network writes to <state>/network.json. */
export interface NetworkInfo {
  channel: string;
  consensus: string;
  portBase: number;
  gatewayPort: number;
  orderers: { name: string; endpoint: string }[];
  organisations: {
    name: string;
    mspId: string;
    label: string;
    peerEndpoint: string;
    peerHostOverride: string;
    tlsRootCert: string;
    caUrl: string;
    caTlsCert: string;
    adminMsp: string;
  }[];
  usersDir: string;
}

/** Runs network.sh with the given arguments, streaming its progress; throws when it fails. */
export function networkSh(args: string[], options: { quiet?: boolean } = {}): string {
  const result = spawnSync('bash', [NETWORK_SH, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60 * 1000,
  });
  if (result.status !== 0) {
    const detail = options.quiet ? `\n${result.stdout ?? ''}${result.stderr ?? ''}` : '';
    throw new Error(`network.sh ${args.join(' ')} failed with exit code ${result.status}${detail}`);
  }
  return result.stdout ?? '';
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Finds a port base whose whole span is free on 127.0.0.1. */
/**
 * The lowest port the kernel hands out to outgoing connections (Linux: 32768 by default).
 * A network's ports must lie below it: a chaincode server or peer bound later than the
 * free-port check could otherwise find its port taken by some client's outgoing connection.
 */
export function ephemeralPortsStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32768;
  } catch {
    return 32768;
  }
}

/**
 * A base port with PORT_SPAN free ports above it, from 20000 up to the start of the
 * ephemeral range, in steps of 100 chosen at random (so parallel runs rarely collide).
 */
export async function findFreePortBase(): Promise<number> {
  const top = ephemeralPortsStart() - PORT_SPAN;
  const slots = Math.floor((top - 20000) / 100) + 1;
  if (slots < 1) throw new Error(`no room for ${PORT_SPAN} ports between 20000 and the ephemeral port range`);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * slots) * 100;
    let free = true;
    for (let p = base; p < base + PORT_SPAN && free; p++) free = await portFree(p);
    if (free) return base;
  }
  throw new Error(`no free range of ${PORT_SPAN} ports found between 20000 and ${top + PORT_SPAN}`);
}

/** Reads the connection facts of the network in a state folder. */
export function readNetworkInfo(stateDir: string): NetworkInfo {
  const file = path.join(stateDir, 'network.json');
  if (!existsSync(file)) throw new Error(`no network.json in ${stateDir}: is the network up?`);
  return JSON.parse(readFileSync(file, 'utf8')) as NetworkInfo;
}

/** The Fabric build a network runs, as its network.env records it (README "Fabric version"). */
export interface FabricBuild {
  /** `release` (Fabric v2.5.0) or `snapshot` (the main-branch build with SmartBFT). */
  build: string;
  /** The folder of the build's programs (peer, orderer, osnadmin, fabric-ca-client, ...). */
  bin: string;
  /** FABRIC_CFG_PATH of the build's peer CLI: its sample configuration in the Go module cache. */
  cfgPath: string;
}

/** Reads which Fabric build the network in a state folder runs (FABRIC_BUILD, FABRIC_BIN, FABRIC_CFG_PATH). */
export function readFabricBuild(stateDir: string): FabricBuild {
  const file = path.join(stateDir, 'network.env');
  if (!existsSync(file)) throw new Error(`no network.env in ${stateDir}: is the network up?`);
  const text = readFileSync(file, 'utf8');
  // network.sh writes the values with printf %q: unquote a '...' or $'...' word, else take it as it is
  const value = (name: string): string | undefined => {
    const raw = new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1];
    return raw?.replace(/^\$?'(.*)'$/, '$1').replace(/\\(.)/g, '$1');
  };
  const bin = value('FABRIC_BIN');
  const cfgPath = value('FABRIC_CFG_PATH');
  if (!bin || !cfgPath) throw new Error(`${file} lacks FABRIC_BIN or FABRIC_CFG_PATH`);
  return { build: value('FABRIC_BUILD') ?? 'release', bin, cfgPath };
}

/**
 * The `network.sh up` options of the Fabric build the run asks for: E2E_FABRIC=snapshot runs the
 * shared network (and the suites' own Raft networks) on the snapshot build, for comparison;
 * unset or `release`, the default (Fabric v2.5.0).
 */
export function fabricUpArgs(): string[] {
  const build = process.env.E2E_FABRIC ?? '';
  if (build === '' || build === 'release') return [];
  if (build !== 'snapshot') throw new Error(`E2E_FABRIC must be release or snapshot, not ${build}`);
  return ['--fabric', build];
}

let ownStateDir: string | undefined;

/**
 * Makes this test file's helpers (users, heights, stopping nodes) act on the network in DIR
 * instead of the shared one: for a suite that brings up a network of its own. Module state is
 * per test file, so other suites keep the shared network.
 */
export function useStateDir(dir: string | undefined): void {
  ownStateDir = dir;
}

/** The state folder of the network the tests run against (set by the global set-up). */
export function stateDir(): string {
  const dir = ownStateDir ?? process.env.E2E_STATE_DIR;
  if (!dir) throw new Error('E2E_STATE_DIR is not set: run the tests with npm run test:e2e');
  return dir;
}
