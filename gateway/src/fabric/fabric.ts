/**
 * The {@link Ledger} on @hyperledger/fabric-gateway. One gRPC connection per peer
 * endpoint (TLS, keepalive, automatic reconnect after a peer restart), shared by
 * every identity; a light `connect()` per identity with its own signer; deadlines
 * per stage; MVCC / phantom-read conflicts retried with a new transaction a
 * bounded number of times; the offline-signing flow; chaincode events from a
 * checkpoint; readiness probes (peer reachable, chaincodes committed, heights).
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  GatewayError,
  hash,
  type ChaincodeEventsOptions,
  type Contract,
  type Gateway,
  type Status as CommitStatus,
  type SubmittedTransaction,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import { common, gateway as gatewayProto, msp, peer } from '@hyperledger/fabric-protos';
import crypto from 'node:crypto';
import type { Deadlines, OrgProfile } from '../config';
import { RETRYABLE_VALIDATION_CODES, toLedgerError, validationCodeName } from './fabric-errors';
import {
  CommitError,
  EvaluateError,
  LedgerError,
  SubmitError,
  type Committed,
  type EventStream,
  type FabricIdentity,
  type Invocation,
  type Ledger,
  type LedgerEvent,
  type OfflineSigning,
  type ReadinessCheck,
  type ReadinessReport,
  type SignableMessage,
  type Stage,
  type SubmitHooks,
  type Submitted,
  type TransactionLookup,
} from './ledger';
import { newSigning } from './signer';

/** Settings of the Fabric connection. */
export interface FabricOptions {
  channel: string;
  orgs: OrgProfile[];
  deadlines: Deadlines;
  /** How many times a conflicting transaction is tried again. */
  mvccRetries: number;
  /**
   * How long to wait for a submitted transaction's commit before sending the same signed envelope
   * to the ordering service again (0 = never). Fabric commits a transaction id at most once, so a
   * second copy of a transaction that did commit is only marked DUPLICATE_TXID; a copy of one a
   * dead Raft leader had taken but never ordered is ordered by the new leader.
   */
  rebroadcastMs: number;
  /** gRPC keepalive interval (the peer refuses pings more often than its keepalive.minInterval, 60 s by default). */
  keepaliveMs: number;
  /** Deployed chaincode names that readiness expects to be committed. */
  chaincodes: string[];
  /**
   * The staff identity of an organisation that reads the channel for the gateway: readiness
   * probes and chaincode events. Citizens' and enterprises' certificates may not read the
   * channel (README, Who can read the channel), so events are never read as the caller.
   */
  probeIdentity(org: OrgProfile): Promise<FabricIdentity | undefined>;
  /** Observer of stage latencies (metrics). */
  observe?(stage: Stage, chaincode: string, seconds: number, ok: boolean): void;
  /** Maximum height difference between peers for readiness. */
  maxHeightLag: number;
}

const MAX_CACHED_GATEWAYS = 1000;

/** One endorsed and submitted attempt of a write. */
interface Attempt {
  txId: string;
  result: Uint8Array;
  /** The signed transaction, kept to send the same envelope again. */
  tx: Transaction;
  submitted: SubmittedTransaction;
}

function digestOf(pem: string): string {
  return crypto.createHash('sha256').update(pem).digest('hex').slice(0, 16);
}

/** A {@link Ledger} on Fabric peers. */
export class FabricLedger implements Ledger {
  readonly #o: FabricOptions;
  readonly #clients = new Map<string, grpc.Client>();
  readonly #gateways = new Map<string, Gateway>();
  /** Each identity's certificate digest (wallet identities are the same objects from call to call). */
  readonly #digests = new WeakMap<FabricIdentity, string>();
  /** Each connection's contracts, by chaincode (fabric-gateway builds new ones at every getNetwork/getContract). */
  readonly #contracts = new WeakMap<Gateway, Map<string, Contract>>();
  readonly #orgs: Map<string, OrgProfile>;
  /** The offline-signing flow. */
  readonly offline: OfflineSigning;

  /** Creates the ledger; connections are opened lazily. */
  constructor(options: FabricOptions) {
    this.#o = options;
    this.#orgs = new Map(options.orgs.map((o) => [o.mspId, o]));
    this.offline = this.#offline();
  }

  #client(org: OrgProfile): grpc.Client {
    let client = this.#clients.get(org.peerEndpoint);
    if (!client) {
      const options: grpc.ChannelOptions = {
        'grpc.keepalive_time_ms': this.#o.keepaliveMs,
        'grpc.keepalive_timeout_ms': 20_000,
        'grpc.keepalive_permit_without_calls': 1,
        'grpc.initial_reconnect_backoff_ms': 250,
        'grpc.max_reconnect_backoff_ms': 5_000,
        // per-call bookkeeping nothing here reads (channelz statistics and call traces)
        'grpc.enable_channelz': 0,
      };
      if (org.peerHostOverride) options['grpc.ssl_target_name_override'] = org.peerHostOverride;
      client = new grpc.Client(org.peerEndpoint, grpc.credentials.createSsl(org.tlsRootCert), options);
      this.#clients.set(org.peerEndpoint, client);
    }
    return client;
  }

  #org(mspId: string): OrgProfile {
    const org = this.#orgs.get(mspId);
    if (!org) throw new EvaluateError('unavailable', `no peer is configured for ${mspId}`);
    return org;
  }

  #deadline(stage: Stage): grpc.CallOptions {
    const ms = {
      evaluate: this.#o.deadlines.evaluateMs,
      endorse: this.#o.deadlines.endorseMs,
      submit: this.#o.deadlines.submitMs,
      commit: this.#o.deadlines.commitStatusMs,
    }[stage];
    return { deadline: Date.now() + ms };
  }

  /**
   * The organisation whose peer gateway a call goes through: the identity's own, unless the
   * call is pinned to exactly one other organisation this gateway has a peer for. Then the
   * proposal goes straight to that organisation's peer, which endorses it: a private-only
   * transaction on another city's licence collection (an application to City B by a City A
   * enterprise) carries personal data as transient data, and Fabric hands transient data to
   * every peer a proposal passes through, so it must not pass through the home city's peer.
   */
  #entryOrg(identity: FabricIdentity, inv: Invocation): string {
    const pinned = inv.endorsingOrganizations;
    if (pinned?.length === 1 && pinned[0] !== identity.mspId && this.#orgs.has(pinned[0])) return pinned[0];
    return identity.mspId;
  }

  /**
   * A gateway connection acting as `identity` (signing with its key when it has one), through
   * the peer of `via` (default: the identity's organisation; see {@link #entryOrg}).
   */
  #gateway(identity: FabricIdentity, via: string = identity.mspId): Gateway {
    let digest = this.#digests.get(identity);
    if (digest === undefined) {
      digest = digestOf(identity.certificate);
      this.#digests.set(identity, digest);
    }
    const key = `${identity.mspId}/${identity.label}/${digest}/${identity.privateKey ? 'k' : 'offline'}/${via}`;
    const cached = this.#gateways.get(key);
    if (cached) return cached;
    // offline identities sign SHA-256 digests on the client's side
    const signing = identity.privateKey ? newSigning(identity.privateKey) : { hash: hash.sha256 };
    const gw = connect({
      client: this.#client(this.#org(via)),
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      ...signing,
      evaluateOptions: () => this.#deadline('evaluate'),
      endorseOptions: () => this.#deadline('endorse'),
      submitOptions: () => this.#deadline('submit'),
      commitStatusOptions: () => this.#deadline('commit'),
    });
    if (this.#gateways.size >= MAX_CACHED_GATEWAYS) {
      const oldest = this.#gateways.keys().next().value;
      if (oldest !== undefined) this.#gateways.delete(oldest);
    }
    this.#gateways.set(key, gw);
    return gw;
  }

  /** The contract of `chaincode` on the channel, through the identity's connection via `via`'s peer. */
  #contract(identity: FabricIdentity, via: string, chaincode: string): Contract {
    const gw = this.#gateway(identity, via);
    let contracts = this.#contracts.get(gw);
    if (!contracts) {
      contracts = new Map();
      this.#contracts.set(gw, contracts);
    }
    let contract = contracts.get(chaincode);
    if (!contract) {
      contract = gw.getNetwork(this.#o.channel).getContract(chaincode);
      contracts.set(chaincode, contract);
    }
    return contract;
  }

  async #stage<T>(
    stage: Stage,
    chaincode: string,
    txId: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const start = performance.now();
    let ok = false;
    try {
      const value = await fn();
      ok = true;
      return value;
    } catch (err) {
      throw toLedgerError(err, stage, txId);
    } finally {
      this.#o.observe?.(stage, chaincode, (performance.now() - start) / 1000, ok);
    }
  }

  #proposalOptions(inv: Invocation) {
    return {
      arguments: inv.args,
      ...(inv.transient ? { transientData: inv.transient } : {}),
      ...(inv.endorsingOrganizations ? { endorsingOrganizations: inv.endorsingOrganizations } : {}),
    };
  }

  /** {@inheritDoc Ledger.evaluate} */
  async evaluate(identity: FabricIdentity, inv: Invocation): Promise<Uint8Array> {
    const contract = this.#contract(identity, this.#entryOrg(identity, inv), inv.chaincode);
    const proposal = contract.newProposal(inv.transaction, this.#proposalOptions(inv));
    return this.#stage('evaluate', inv.chaincode, proposal.getTransactionId(), () =>
      proposal.evaluate(this.#deadline('evaluate')),
    );
  }

  /** {@inheritDoc Ledger.submit} */
  async submit(identity: FabricIdentity, inv: Invocation, hooks?: SubmitHooks): Promise<Submitted> {
    const contract = this.#contract(identity, this.#entryOrg(identity, inv), inv.chaincode);
    const attempt = async (n: number): Promise<Attempt> => {
      const proposal = contract.newProposal(inv.transaction, this.#proposalOptions(inv));
      const txId = proposal.getTransactionId();
      const tx = await this.#stage('endorse', inv.chaincode, txId, () =>
        proposal.endorse(this.#deadline('endorse')),
      );
      const result = tx.getResult();
      await hooks?.onEndorsed?.(txId, result, n);
      const submitted = await this.#broadcast(inv.chaincode, txId, tx, hooks);
      return { txId, result, tx, submitted };
    };
    const first = await attempt(1);
    const commit = (async (): Promise<Committed> => {
      let current = first;
      for (let n = 1; ; n++) {
        const status = await this.#commitStatus(inv.chaincode, current, hooks);
        if (status.successful)
          return { txId: current.txId, result: current.result, blockNumber: status.blockNumber, attempts: n };
        const name = validationCodeName(status.code);
        if (!RETRYABLE_VALIDATION_CODES.has(name) || n > this.#o.mvccRetries) {
          throw new CommitError(name, `transaction committed as invalid: ${name}`, { txId: current.txId });
        }
        current = await attempt(n + 1);
      }
    })();
    commit.catch(() => undefined); // a caller that answered 202 may never await it
    return { txId: first.txId, result: first.result, commit };
  }

  /**
   * Sends an endorsed transaction to the ordering service. While the ordering service does not
   * take it (no Raft leader yet, the orderer the peer chose is dead, the broadcast timed out), the
   * same signed envelope is sent again every `rebroadcastMs`, within the commit deadline: Fabric
   * commits a transaction id at most once, so a copy can never write twice. The error that ends
   * it says "not ordered" only if no copy may have reached an orderer.
   */
  async #broadcast(
    chaincode: string,
    txId: string,
    tx: Transaction,
    hooks?: SubmitHooks,
  ): Promise<SubmittedTransaction> {
    const every = this.#o.rebroadcastMs;
    const giveUpAt = Date.now() + this.#o.deadlines.commitStatusMs;
    let mayHaveArrived = false;
    for (let copies = 1; ; copies++) {
      try {
        return await this.#stage('submit', chaincode, txId, () => tx.submit(this.#deadline('submit')));
      } catch (err) {
        const e = err as LedgerError;
        if (!e.notOrdered) mayHaveArrived = true;
        const transient = e.failure === 'unavailable' || e.failure === 'deadline';
        if (every <= 0 || !transient || Date.now() + every > giveUpAt) {
          if (e.notOrdered && mayHaveArrived) {
            throw new SubmitError(e.failure === 'deadline' ? 'deadline' : 'unavailable', e.message, { txId });
          }
          throw e;
        }
        hooks?.onRebroadcast?.(txId, copies);
        // a refusal comes back at once (no leader yet): pause before the next copy
        if (e.failure === 'unavailable') await new Promise((r) => setTimeout(r, Math.min(every, 1000)));
      }
    }
  }

  /**
   * Waits for a submitted transaction's commit status. While it has not come after
   * `rebroadcastMs`, the same signed envelope is sent to the ordering service again (the peer's
   * gateway picks an orderer that answers), so a transaction that a crashed Raft leader accepted
   * but never ordered commits seconds after a new leader is elected, instead of the caller waiting
   * out the whole commit deadline. A refused re-broadcast (no leader yet) is simply tried again.
   */
  async #commitStatus(chaincode: string, current: Attempt, hooks?: SubmitHooks): Promise<CommitStatus> {
    const status = this.#stage('commit', chaincode, current.txId, () =>
      current.submitted.getStatus(this.#deadline('commit')),
    );
    status.catch(() => undefined); // awaited below; keeps a rejection during a re-broadcast handled
    const every = this.#o.rebroadcastMs;
    if (every <= 0) return status;
    for (let copies = 1; ; copies++) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), every);
      });
      const first = await Promise.race([status, waited]).finally(() => clearTimeout(timer));
      if (first !== undefined) return first;
      hooks?.onRebroadcast?.(current.txId, copies);
      try {
        await current.tx.submit(this.#deadline('submit'));
      } catch {
        // no orderer took the copy (e.g. no Raft leader yet): the next window tries again
      }
    }
  }

  /** {@inheritDoc Ledger.lookupTransaction} */
  async lookupTransaction(identity: FabricIdentity, txId: string): Promise<TransactionLookup> {
    if ((await this.#peerHas(identity, txId)) === false) return { state: 'unknown' };
    const gw = this.#gateway(identity);
    const serialized = new msp.SerializedIdentity();
    serialized.setMspid(identity.mspId);
    serialized.setIdBytes(Buffer.from(identity.certificate));
    const request = new gatewayProto.CommitStatusRequest();
    request.setTransactionId(txId);
    request.setChannelId(this.#o.channel);
    request.setIdentity(serialized.serializeBinary());
    const signed = new gatewayProto.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    const commit = gw.newCommit(signed.serializeBinary());
    try {
      const deadline = { deadline: Date.now() + Math.min(this.#o.deadlines.commitStatusMs, 10_000) };
      const status = await this.#stage('commit', 'lookup', txId, () => commit.getStatus(deadline));
      return {
        state: 'committed',
        valid: status.successful,
        code: validationCodeName(status.code),
        blockNumber: status.blockNumber,
      };
    } catch (err) {
      if (err instanceof LedgerError && err.failure === 'deadline') return { state: 'unknown' };
      throw err;
    }
  }

  /**
   * Asks the organisation's peer ledger (qscc GetTransactionByID, read with the organisation's
   * staff reader: citizens may not query blocks) whether it holds a transaction: false when the
   * peer answers that it does not, so a lookup of a lost transaction answers at once instead of
   * waiting on the commit-status deadline; undefined when the peer could not say.
   */
  async #peerHas(identity: FabricIdentity, txId: string): Promise<boolean | undefined> {
    const reader = (await this.#o.probeIdentity(this.#org(identity.mspId))) ?? identity;
    const qscc = this.#gateway(reader).getNetwork(this.#o.channel).getContract('qscc');
    try {
      await qscc.evaluate('GetTransactionByID', { arguments: [this.#o.channel, txId] });
      return true;
    } catch (err) {
      const texts =
        err instanceof GatewayError ? [err.message, ...err.details.map((d) => d.message)] : [String(err)];
      return texts.some((t) => /no such transaction ID/i.test(t)) ? false : undefined;
    }
  }

  /** {@inheritDoc Ledger.chaincodeEvents} */
  async chaincodeEvents(
    identity: FabricIdentity,
    chaincode: string,
    from: ChaincodeEventsOptions,
  ): Promise<EventStream> {
    // read with the organisation's staff reader; the caller's identity only names the organisation
    const reader = (await this.#o.probeIdentity(this.#org(identity.mspId))) ?? identity;
    const network = this.#gateway(reader).getNetwork(this.#o.channel);
    const options: ChaincodeEventsOptions = from.checkpoint
      ? { checkpoint: from.checkpoint }
      : from.startBlock !== undefined
        ? { startBlock: from.startBlock }
        : {};
    const events = await this.#stage('evaluate', chaincode, undefined, () =>
      network.getChaincodeEvents(chaincode, options),
    );
    const stream: EventStream = {
      close: () => events.close(),
      async *[Symbol.asyncIterator](): AsyncIterator<LedgerEvent> {
        for await (const e of events) {
          yield {
            chaincode: e.chaincodeName,
            eventName: e.eventName,
            txId: e.transactionId,
            blockNumber: e.blockNumber,
            payload: e.payload,
          };
        }
      },
    };
    return stream;
  }

  #offline(): OfflineSigning {
    const message = (m: {
      getTransactionId(): string;
      getBytes(): Uint8Array;
      getDigest(): Uint8Array;
    }): SignableMessage => ({
      txId: m.getTransactionId(),
      bytes: m.getBytes(),
      digest: m.getDigest(),
    });
    const publicOnly = (identity: FabricIdentity): FabricIdentity => ({
      mspId: identity.mspId,
      label: identity.label,
      certificate: identity.certificate,
    });
    return {
      prepare: (identity, inv) => {
        const contract = this.#gateway(publicOnly(identity))
          .getNetwork(this.#o.channel)
          .getContract(inv.chaincode);
        return message(contract.newProposal(inv.transaction, this.#proposalOptions(inv)));
      },
      endorse: async (identity, bytes, signature) => {
        const proposal = this.#gateway(publicOnly(identity)).newSignedProposal(bytes, signature);
        const txId = proposal.getTransactionId();
        const tx = await this.#stage('endorse', 'offline', txId, () =>
          proposal.endorse(this.#deadline('endorse')),
        );
        return { ...message(tx), result: tx.getResult() };
      },
      submit: async (identity, bytes, signature) => {
        const tx = this.#gateway(publicOnly(identity)).newSignedTransaction(bytes, signature);
        const submitted = await this.#stage('submit', 'offline', tx.getTransactionId(), () =>
          tx.submit(this.#deadline('submit')),
        );
        return message(submitted);
      },
      commitStatus: async (identity, bytes, signature) => {
        const commit = this.#gateway(publicOnly(identity)).newSignedCommit(bytes, signature);
        const status = await this.#stage('commit', 'offline', commit.getTransactionId(), () =>
          commit.getStatus(this.#deadline('commit')),
        );
        return {
          state: 'committed',
          valid: status.successful,
          code: validationCodeName(status.code),
          blockNumber: status.blockNumber,
        };
      },
    };
  }

  async #probeOrg(org: OrgProfile): Promise<{ checks: ReadinessCheck[]; height?: number }> {
    const checks: ReadinessCheck[] = [];
    const client = this.#client(org);
    const reachable = await new Promise<string | undefined>((resolve) => {
      client.waitForReady(Date.now() + this.#o.deadlines.evaluateMs, (err) =>
        resolve(err ? err.message : undefined),
      );
    });
    checks.push({
      name: `peer:${org.mspId}`,
      ok: reachable === undefined,
      ...(reachable ? { detail: `unreachable at ${org.peerEndpoint}` } : {}),
    });
    if (reachable !== undefined) return { checks };
    const identity = await this.#o.probeIdentity(org);
    if (!identity) {
      checks.push({
        name: `identity:${org.mspId}`,
        ok: false,
        detail: 'no identity in the wallet to probe with',
      });
      return { checks };
    }
    const network = this.#gateway(identity).getNetwork(this.#o.channel);
    let height: number | undefined;
    try {
      const info = await network
        .getContract('qscc')
        .evaluate('GetChainInfo', { arguments: [this.#o.channel] });
      height = common.BlockchainInfo.deserializeBinary(info).getHeight();
      checks.push({ name: `height:${org.mspId}`, ok: true, detail: String(height) });
    } catch {
      checks.push({ name: `height:${org.mspId}`, ok: false, detail: 'channel height unavailable' });
    }
    try {
      const args = new peer.lifecycle.QueryChaincodeDefinitionsArgs().serializeBinary();
      const bytes = await network
        .getContract('_lifecycle')
        .evaluate('QueryChaincodeDefinitions', { arguments: [args] });
      const committed = new Set(
        peer.lifecycle.QueryChaincodeDefinitionsResult.deserializeBinary(bytes)
          .getChaincodeDefinitionsList()
          .map((d) => d.getName()),
      );
      const missing = this.#o.chaincodes.filter((c) => !committed.has(c));
      checks.push({
        name: `chaincodes:${org.mspId}`,
        ok: missing.length === 0,
        ...(missing.length ? { detail: `not committed: ${missing.join(', ')}` } : {}),
      });
    } catch {
      checks.push({
        name: `chaincodes:${org.mspId}`,
        ok: false,
        detail: 'chaincode definitions unavailable',
      });
    }
    return height === undefined ? { checks } : { checks, height };
  }

  /** {@inheritDoc Ledger.readiness} */
  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(this.#o.orgs.map((o) => this.#probeOrg(o)));
    const checks = results.flatMap((r) => r.checks);
    const heights = results.map((r) => r.height).filter((h): h is number => h !== undefined);
    if (heights.length > 1) {
      const lag = Math.max(...heights) - Math.min(...heights);
      checks.push({
        name: 'height-lag',
        ok: lag <= this.#o.maxHeightLag,
        detail: `${lag} block(s) between peers`,
      });
    }
    return { ready: checks.every((c) => c.ok), checks };
  }

  /** {@inheritDoc Ledger.close} */
  close(): void {
    for (const gw of this.#gateways.values()) gw.close();
    this.#gateways.clear();
    for (const client of this.#clients.values()) client.close();
    this.#clients.clear();
  }
}
