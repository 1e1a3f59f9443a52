/**
 * The network's own ceiling for a write: Hyperledger Tape sends signed proposals
 * straight to a peer's endorser, the endorsed transactions straight to an orderer,
 * and counts blocks as they commit; no client SDK, no gateway service, no REST.
 *
 * Tape is open loop past endorsement: `concurrency` goroutines endorse, and every
 * endorsed transaction is broadcast without waiting for the previous one to
 * commit. It stops after a number of committed transactions, and counts every
 * transaction in a block, valid or not; the benchmark therefore counts validity
 * itself, from the committing peer's filtered blocks, and reports only valid
 * transactions per second.
 */
import type { Network } from '@hyperledger/fabric-gateway';
import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { performance } from 'perf_hooks';
import type { NetworkInfo } from '../src/test-network';
import { validationCodeName } from './clients';

/** A write as Tape sends it: one JSON argument in which every `uuid` becomes a fresh UUID. */
export interface TapeSpec {
  user: string;
  fn: string;
  /**
   * The chaincode's single JSON argument. Tape replaces every `uuid`,
   * `randomString<n>` and `randomNumber<min>_<max>` in it, per transaction.
   */
  argument: string;
}

/** The result of one Tape run. */
export interface TapeRun {
  /** Transactions Tape was asked to commit. */
  requested: number;
  /** Seconds from Tape's first proposal to its last committed block (Tape's own figure). */
  elapsedS: number;
  valid: number;
  /** Invalid transactions by validation code name (MVCC_READ_CONFLICT, ...). */
  invalid: Record<string, number>;
  /** Proposals the peer refused (Tape drops them), from Tape's log. */
  endorsementErrors: number;
  /** The first refusal messages, to explain errors. */
  sampleErrors: string[];
  /** True when Tape had to be stopped at the time limit before committing `requested`. */
  timedOut: boolean;
}

/** Builds Tape into <repo>/bin/tape when it is missing (idempotent, pinned version). */
export function ensureTape(root: string): string {
  const result = spawnSync('bash', [path.join(root, 'test-network-scripts', 'install-tape.sh')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60 * 1000,
  });
  if (result.status !== 0) throw new Error(`install-tape.sh failed with exit code ${result.status}`);
  return path.join(root, 'bin', 'tape');
}

/** Parses a Go time.Duration as printed by fmt ("1m2.5s", "850.2ms", "4.1s"). */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0) return undefined;
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit], 0);
}

/**
 * The organisations whose peers Tape asks to endorse, the user's own first: `own` for a
 * comparison network with the old policy (one endorsement from either city), `majority` for the
 * consortium's MAJORITY policy (the user's organisation and as many others, in the network's
 * order, as make more than half: both cities today, 2 of 3 once the Audit Office has joined).
 */
export function endorsingOrganisations(
  info: NetworkInfo,
  mspId: string,
  endorsers: 'own' | 'majority',
): string[] {
  if (!info.organisations.some((o) => o.mspId === mspId))
    throw new Error(`organisation ${mspId} is not part of the network`);
  if (endorsers === 'own') return [mspId];
  const needed = Math.floor(info.organisations.length / 2) + 1;
  const others = info.organisations.map((o) => o.mspId).filter((m) => m !== mspId);
  return [mspId, ...others].slice(0, needed);
}

/** Tape's policy file: a transaction is assembled once every one of `mspIds` has endorsed it. */
export function tapePolicy(mspIds: string[]): string {
  return `package tape\n\ndefault allow = false\n\nallow {\n${mspIds.map((m) => `  input[_] == "${m}"\n`).join('')}}\n`;
}

/**
 * Tape's configuration for one write, acting as `spec.user`: proposals go to the peers of
 * `endorsingMspIds` (the user's own first), validity is read on the user's own peer.
 */
export function tapeConfig(
  info: NetworkInfo,
  spec: TapeSpec,
  mspId: string,
  chaincode: string,
  concurrency: number,
  policyFile: string,
  endorsingMspIds: string[] = [mspId],
): Record<string, unknown> {
  const userDir = path.join(info.usersDir, spec.user);
  const stateDir = path.dirname(info.usersDir);
  const peerOf = (m: string) => {
    const org = info.organisations.find((o) => o.mspId === m);
    if (!org) throw new Error(`organisation ${m} is not part of the network`);
    return {
      addr: org.peerEndpoint,
      ssl_target_name_override: org.peerHostOverride,
      org: m,
      tls_ca_cert: org.tlsRootCert,
    };
  };
  const own = peerOf(mspId);
  const orderer = info.orderers[0];
  return {
    endorsers: endorsingMspIds.map(peerOf),
    committers: [own],
    commitThreshold: 1,
    orderer: {
      addr: orderer.endpoint,
      ssl_target_name_override: 'localhost',
      org: 'orderer',
      tls_ca_cert: path.join(stateDir, 'nodes', orderer.name, 'tls', 'ca.crt'),
    },
    policyFile,
    channel: info.channel,
    chaincode,
    args: [spec.fn, spec.argument],
    mspid: mspId,
    private_key: path.join(userDir, 'msp', 'keystore', 'key.pem'),
    sign_cert: path.join(userDir, 'msp', 'signcerts', 'cert.pem'),
    num_of_conn: 1,
    client_per_conn: concurrency,
  };
}

/** Counts valid and invalid transactions of the blocks a peer commits, from `startBlock` until stopped. */
async function countBlocks(network: Network, startBlock: bigint) {
  const events = await network.getFilteredBlockEvents({ startBlock });
  const counts = { valid: 0, invalid: {} as Record<string, number>, lastBlock: startBlock - 1n };
  const done = (async () => {
    try {
      for await (const block of events) {
        counts.lastBlock = BigInt(block.getNumber());
        for (const tx of block.getFilteredTransactionsList()) {
          const code = tx.getTxValidationCode();
          if (code === 0) counts.valid++;
          else {
            const name = validationCodeName(code);
            counts.invalid[name] = (counts.invalid[name] ?? 0) + 1;
          }
        }
      }
    } catch {
      // the stream ends when it is closed
    }
  })();
  return {
    counts,
    /** Closes the stream (again: harmless) and returns the counts. */
    stop: async () => {
      events.close();
      await done;
      return counts;
    },
  };
}

/**
 * Runs Tape for `requested` committed transactions (or until `timeoutMs`), counting
 * validity on `network` (the user's peer) from block `startBlock` on.
 */
export async function runTape(options: {
  tape: string;
  info: NetworkInfo;
  chaincode: string;
  spec: TapeSpec;
  concurrency: number;
  requested: number;
  timeoutMs: number;
  network: Network;
  startBlock: bigint;
  /** Told Tape's pid once it runs (to sample its CPU and memory). */
  onSpawn?: (pid: number) => void;
  /** Whose endorsements a transaction needs: see endorsingOrganisations. */
  endorsers: 'own' | 'majority';
}): Promise<TapeRun> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govledger-tape-'));
  let counter: Awaited<ReturnType<typeof countBlocks>> | undefined;
  try {
    const mspId = readFileSync(path.join(options.info.usersDir, options.spec.user, 'mspid'), 'utf8').trim();
    const policyFile = path.join(dir, 'policy.rego');
    const endorsing = endorsingOrganisations(options.info, mspId, options.endorsers);
    writeFileSync(policyFile, tapePolicy(endorsing));
    const configFile = path.join(dir, 'config.yaml');
    // YAML is a superset of JSON
    const config = tapeConfig(
      options.info,
      options.spec,
      mspId,
      options.chaincode,
      options.concurrency,
      policyFile,
      endorsing,
    );
    writeFileSync(configFile, JSON.stringify(config, null, 2));

    counter = await countBlocks(options.network, options.startBlock);
    const started = performance.now();
    const child = spawn(options.tape, ['-c', configFile, '-n', String(options.requested)], {
      cwd: dir, // Tape writes Tape.log into its working directory
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TAPE_LOGLEVEL: 'warn' },
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      // Tape prints every argument it generates; keep only its summary lines (whole lines:
      // a chunk may end mid-line)
      const lines = (partial + d.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (/^(tx:|Time |From Orderer)/.test(line)) stdout += `${line}\n`;
    });
    child.stdout.on('end', () => {
      if (/^(tx:|Time |From Orderer)/.test(partial)) stdout += `${partial}\n`;
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutMs);
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const wallS = (performance.now() - started) / 1000;
    if (!timedOut && exitCode !== 0)
      throw new Error(`tape exited with ${exitCode}: ${stderr.slice(-500) || stdout.slice(-500)}`);

    // the peer may deliver Tape's last block to this listener a moment after Tape saw it
    const lastTapeBlock = [...stdout.matchAll(/Block\s+(\d+)/g)].map((m) => BigInt(m[1])).pop();
    const waitUntil = performance.now() + 5_000;
    while (
      lastTapeBlock !== undefined &&
      counter.counts.lastBlock < lastTapeBlock &&
      performance.now() < waitUntil
    )
      await new Promise((r) => setTimeout(r, 100));
    const counted = await counter.stop();
    const summary = /tx: (\d+), duration: (\S+), tps/.exec(stdout);
    const elapsedS = (summary && parseGoDuration(summary[2])) ?? wallS;
    let log = '';
    try {
      log = readFileSync(path.join(dir, 'Tape.log'), 'utf8');
    } catch {
      // no errors logged
    }
    const errors = log.split('\n').filter((l) => l.includes('Err processing proposal'));
    return {
      requested: options.requested,
      elapsedS: Math.round(elapsedS * 1000) / 1000,
      valid: counted.valid,
      invalid: counted.invalid,
      endorsementErrors: errors.length,
      sampleErrors: errors.slice(0, 3).map((l) => l.slice(0, 300)),
      timedOut,
    };
  } finally {
    await counter?.stop(); // closes the block stream when Tape failed, too
    rmSync(dir, { recursive: true, force: true });
  }
}
