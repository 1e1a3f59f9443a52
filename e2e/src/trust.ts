/**
 * Helpers of the trust suites (issue 12: no write commits with one organisation's endorsement):
 * the write transactions of every chaincode, enumerated from the `@govledger/wire` catalogues
 * (checked against the contracts' own metadata); users
 * connected to any organisation's peer; a proposal endorsed by chosen organisations only, with
 * its outcome (committed, invalidated at validation, or refused by a chaincode), proposed only once
 * every organisation's peer has the block of the last transaction; reads that wait until the
 * reading peer has it; the write set of a committed transaction, read from the ledger.
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Gateway,
  type Network,
  type Transaction,
} from '@hyperledger/fabric-gateway';
import { dataSharing, eLicence, eVoting, fundTracing } from '@govledger/wire';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { createPrivateKey } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { wireError, type WireError } from './fabric-client';
import { ROOT, readNetworkInfo, stateDir } from './test-network';

/** The chaincodes of the consortium (network/consortium.json). */
export const CHAINCODES = ['e-licence', 'data-sharing', 'fund-tracing', 'e-voting'] as const;
/** A chaincode name. */
export type ChaincodeName = (typeof CHAINCODES)[number];

/** A wire request schema, as far as the suites use it (zod's safeParse). */
export interface RequestSchema {
  safeParse(value: unknown): { success: boolean; error?: unknown };
}

/** One entry of a `@govledger/wire` transaction catalogue. */
interface CatalogueEntry {
  kind: 'submit' | 'evaluate';
  request: RequestSchema;
}

/** Each chaincode's transaction catalogue in `@govledger/wire` (its module's `transactions`). */
const CATALOGUES: Record<ChaincodeName, Readonly<Record<string, CatalogueEntry>>> = {
  'e-licence': eLicence.transactions,
  'data-sharing': dataSharing.transactions,
  'fund-tracing': fundTracing.transactions,
  'e-voting': eVoting.transactions,
};

/**
 * The private-only transactions of each chaincode (`@govledger/wire`): they write only keys of a
 * private data collection whose collection-level endorsement policy is its member organisation
 * alone (issue 12, trust design point 2), so one organisation's endorsement commits them BY
 * DESIGN. They write no public key; the public transaction that relies on them needs the majority.
 */
export const PRIVATE_ONLY: Record<ChaincodeName, readonly string[]> = {
  'e-licence': eLicence.PRIVATE_ONLY_TRANSACTIONS,
  'data-sharing': [],
  'fund-tracing': [],
  'e-voting': [],
};

/** One transaction as fabric-contract-api's `@Transaction` decorator records it. */
interface TransactionMetadata {
  name: string;
  tag: string[];
}

/**
 * Reflect's metadata API, which fabric-contract-api installs (through reflect-metadata) when a
 * chaincode package is loaded.
 */
const metadata = Reflect as unknown as { getMetadata(key: string, target: object): unknown };

/** A chaincode package's entry point: `contracts`, as fabric-chaincode-node loads it. */
interface ChaincodeModule {
  contracts: (new () => object)[];
}

/**
 * Every transaction of a chaincode with whether it commits, read from the built contract
 * classes (chaincode/<name>/dist, built by network.sh deploy): the 'fabric:transactions'
 * metadata that fabric-contract-api's decorators attach to each contract prototype.
 */
export function contractTransactions(chaincode: ChaincodeName): { name: string; submit: boolean }[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, 'chaincode', chaincode, 'dist', 'index.js')) as ChaincodeModule;
  return mod.contracts.flatMap((contract) =>
    (
      (metadata.getMetadata('fabric:transactions', contract.prototype) as
        TransactionMetadata[] | undefined) ?? []
    ).map((t) => ({ name: t.name, submit: t.tag.includes('submitTx') })),
  );
}

/**
 * The write transactions of a chaincode: every entry of its `@govledger/wire` catalogue with
 * kind 'submit'. This is the one place the trust suites enumerate writes;
 * {@link catalogueMismatches} checks the catalogue against the deployed contract's metadata.
 */
export function writeTransactions(chaincode: ChaincodeName): string[] {
  return Object.entries(CATALOGUES[chaincode])
    .filter(([, t]) => t.kind === 'submit')
    .map(([name]) => name);
}

/** The wire request schema of a chaincode's transaction (undefined for a name not in its catalogue). */
export function requestSchema(chaincode: ChaincodeName, fn: string): RequestSchema | undefined {
  return CATALOGUES[chaincode][fn]?.request;
}

/**
 * How a chaincode's `@govledger/wire` catalogue disagrees with its built contract's
 * fabric-contract-api metadata: transactions of the contract missing from the catalogue,
 * catalogue entries the contract does not have, and transactions whose kind differs (submit in
 * one, evaluate in the other). All three empty when the catalogue is exact.
 */
export function catalogueMismatches(chaincode: ChaincodeName): {
  missing: string[];
  extra: string[];
  wrongKind: string[];
} {
  const contract = new Map(contractTransactions(chaincode).map((t) => [t.name, t.submit]));
  const catalogue = CATALOGUES[chaincode];
  return {
    missing: [...contract.keys()].filter((n) => !(n in catalogue)),
    extra: Object.keys(catalogue).filter((n) => !contract.has(n)),
    wrongKind: Object.entries(catalogue)
      .filter(([n, t]) => contract.has(n) && contract.get(n) !== (t.kind === 'submit'))
      .map(([n]) => n),
  };
}

// ---- users at any organisation's peer -------------------------------------------------------

/** What became of a proposal. */
export type Outcome =
  | { kind: 'committed'; txId: string; block: bigint; result: unknown }
  | { kind: 'invalid'; txId: string; block: bigint; code: number; codeName: string }
  | { kind: 'refused'; error: WireError }
  /** Endorsement failed without a chaincode error (e.g. the peer gateway found too few endorsers). */
  | { kind: 'unendorsed'; message: string };

/** Options of a submission. */
export interface SubmitOptions {
  /** Transient data: each value is sent as its JSON text. */
  transient?: Record<string, unknown>;
  /** The organisations whose peers endorse; the peer gateway's choice when absent. */
  endorsingOrganizations?: string[];
}

/** A demo user connected to one organisation's peer. */
export interface Actor {
  name: string;
  mspId: string;
  /** The user's pseudonymous id (citizens, enterprises), else undefined. */
  pid: string | undefined;
  /** The MSP ID of the peer this connection talks to. */
  peerMspId: string;
  network: Network;
  /** Submits with the endorsements the chaincode's policies need; throws unless it commits. */
  submit<T = unknown>(chaincode: string, fn: string, request: unknown, options?: SubmitOptions): Promise<T>;
  /** Submits and reports what became of it, never throwing for a refusal or an invalid transaction. */
  attempt(chaincode: string, fn: string, request: unknown, options?: SubmitOptions): Promise<Outcome>;
  /**
   * Evaluates on this connection's peer, once that peer has every block a submission of this
   * test file reached; a chaincode error comes back as `{ error: code }` so reads compare.
   */
  read(chaincode: string, fn: string, request: unknown): Promise<unknown>;
  /** The channel height on this connection's peer. */
  height(): Promise<bigint>;
  /** What a committed transaction wrote, read from this connection's peer's ledger (qscc). */
  writesOf(txId: string): Promise<TransactionWrites>;
}

/**
 * The write set of a transaction as the ledger holds it: public keys written (or deleted),
 * public keys whose metadata (key-level endorsement policy) was written, and private data
 * collection keys written, which the ledger holds only as hashes.
 */
export interface TransactionWrites {
  public: { namespace: string; key: string }[];
  publicMetadata: { namespace: string; key: string }[];
  private: { namespace: string; collection: string; keyHash: string }[];
}

/** Decodes a transaction envelope's read-write sets into what it wrote. */
function writesOfEnvelope(envelope: common.Envelope): TransactionWrites {
  const out: TransactionWrites = { public: [], publicMetadata: [], private: [] };
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of tx.getActionsList()) {
    const ccPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = ccPayload.getAction();
    if (!endorsed) continue;
    const prp = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    const ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(ccAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const namespace = ns.getNamespace();
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const w of kv.getWritesList()) out.public.push({ namespace, key: w.getKey() });
      for (const m of kv.getMetadataWritesList()) out.publicMetadata.push({ namespace, key: m.getKey() });
      for (const coll of ns.getCollectionHashedRwsetList()) {
        const hashed = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(coll.getHashedRwset_asU8());
        for (const w of hashed.getHashedWritesList())
          out.private.push({
            namespace,
            collection: coll.getCollectionName(),
            keyHash: Buffer.from(w.getKeyHash_asU8()).toString('hex'),
          });
      }
    }
  }
  return out;
}

const clients = new Map<string, grpc.Client>();
const gateways: Gateway[] = [];
/** The highest block a submission of this test file reached. */
let lastBlock = -1n;

function grpcClient(peerMspId: string): grpc.Client {
  const cached = clients.get(peerMspId);
  if (cached) return cached;
  const info = readNetworkInfo(stateDir());
  const org = info.organisations.find((o) => o.mspId === peerMspId);
  if (!org) throw new Error(`organisation ${peerMspId} is not part of the network`);
  const client = new grpc.Client(
    org.peerEndpoint,
    grpc.credentials.createSsl(readFileSync(org.tlsRootCert)),
    {
      'grpc.ssl_target_name_override': org.peerHostOverride,
    },
  );
  clients.set(peerMspId, client);
  return client;
}

const codeName = (code: number): string =>
  Object.entries(peer.TxValidationCode).find(([, v]) => v === code)?.[0] ?? String(code);

function decode(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/**
 * Connects demo user `name` (enrolled by network.sh up) to the peer of organisation
 * `peerMspId` (the user's own organisation's peer when absent).
 */
export function actor(name: string, peerMspId?: string): Actor {
  const info = readNetworkInfo(stateDir());
  const dir = path.join(info.usersDir, name);
  const mspId = readFileSync(path.join(dir, 'mspid'), 'utf8').trim();
  let pid: string | undefined;
  try {
    pid = readFileSync(path.join(dir, 'pid'), 'utf8').trim();
  } catch {
    pid = undefined;
  }
  const at = peerMspId ?? mspId;
  const identity = { mspId, credentials: readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem')) };
  const signer = signers.newPrivateKeySigner(
    createPrivateKey(readFileSync(path.join(dir, 'msp', 'keystore', 'key.pem'))),
  );
  /** This user's connection to the peer of organisation `peerOrg`. */
  const networkAt = (peerOrg: string): Network => {
    const gateway = connect({
      client: grpcClient(peerOrg),
      identity,
      signer,
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 15_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    gateways.push(gateway);
    return gateway.getNetwork(info.channel);
  };
  const network = networkAt(at);
  /** Connections to the other organisations' peers, opened on first use (channel heights only). */
  const probes = new Map<string, Network>([[at, network]]);

  async function heightOf(net: Network): Promise<bigint> {
    const bytes = await net.getContract('qscc').evaluateTransaction('GetChainInfo', info.channel);
    return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
  }

  /**
   * Waits until every organisation's peer has every block a submission of this test file
   * reached. The gateway reports a commit once ITS peer has the block; another organisation's
   * peer may still lack it, and an endorsement there would simulate on stale state (e.g. not yet
   * see a type just created, or the hash of a record just staged). Waiting makes each proposal
   * judged on the state the previous submissions committed.
   */
  async function peersCaughtUp(): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (const org of info.organisations) {
      let net = probes.get(org.mspId);
      if (!net) {
        net = networkAt(org.mspId);
        probes.set(org.mspId, net);
      }
      while ((await heightOf(net)) <= lastBlock) {
        if (Date.now() > deadline)
          throw new Error(`the peer of ${org.mspId} never reached block ${lastBlock}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function attempt(
    chaincode: string,
    fn: string,
    request: unknown,
    options: SubmitOptions = {},
  ): Promise<Outcome> {
    await peersCaughtUp();
    const transientData: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(options.transient ?? {}))
      transientData[k] = Buffer.from(JSON.stringify(v));
    const proposal = network.getContract(chaincode).newProposal(fn, {
      arguments: [JSON.stringify(request)],
      transientData,
      ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
    });
    let transaction: Transaction;
    try {
      transaction = await proposal.endorse();
    } catch (err) {
      const error = wireError(err);
      if (error) return { kind: 'refused', error };
      return { kind: 'unendorsed', message: err instanceof Error ? err.message : String(err) };
    }
    const submitted = await transaction.submit();
    const status = await submitted.getStatus();
    if (status.blockNumber > lastBlock) lastBlock = status.blockNumber;
    if (status.successful) {
      return {
        kind: 'committed',
        txId: status.transactionId,
        block: status.blockNumber,
        result: decode(submitted.getResult()),
      };
    }
    return {
      kind: 'invalid',
      txId: status.transactionId,
      block: status.blockNumber,
      code: status.code,
      codeName: codeName(status.code),
    };
  }

  async function height(): Promise<bigint> {
    return heightOf(network);
  }

  async function writesOf(txId: string): Promise<TransactionWrites> {
    const bytes = await network
      .getContract('qscc')
      .evaluateTransaction('GetTransactionByID', info.channel, txId);
    const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
    const envelope = processed.getTransactionenvelope();
    if (!envelope) throw new Error(`transaction ${txId} has no envelope`);
    return writesOfEnvelope(envelope);
  }

  return {
    name,
    mspId,
    pid,
    peerMspId: at,
    network,
    attempt,
    height,
    writesOf,
    async submit<T>(
      chaincode: string,
      fn: string,
      request: unknown,
      options: SubmitOptions = {},
    ): Promise<T> {
      const outcome = await attempt(chaincode, fn, request, options);
      if (outcome.kind === 'committed') return outcome.result as T;
      throw new Error(
        `${name}: ${chaincode} ${fn} did not commit: ${JSON.stringify(outcome, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
      );
    },
    async read(chaincode: string, fn: string, request: unknown): Promise<unknown> {
      const deadline = Date.now() + 20_000;
      while ((await height()) <= lastBlock) {
        if (Date.now() > deadline) throw new Error(`the peer of ${at} never reached block ${lastBlock}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      try {
        return decode(
          await network.getContract(chaincode).evaluate(fn, {
            arguments: [JSON.stringify(request)],
            endorsingOrganizations: [at],
          }),
        );
      } catch (err) {
        const error = wireError(err);
        if (error) return { error: error.code };
        throw err;
      }
    },
  };
}

const actors = new Map<string, Actor>();

/** {@link actor}, one connection per user and peer for the whole test file. */
export function session(name: string, peerMspId?: string): Actor {
  const key = `${name}@${peerMspId ?? ''}`;
  let s = actors.get(key);
  if (!s) {
    s = actor(name, peerMspId);
    actors.set(key, s);
  }
  return s;
}

/** Closes every connection this test file opened. */
export function closeActors(): void {
  actors.clear();
  for (const g of gateways.splice(0)) g.close();
  for (const c of clients.values()) c.close();
  clients.clear();
}

/** The validation code of a transaction endorsed by too few organisations. */
export const ENDORSEMENT_POLICY_FAILURE = peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE;
