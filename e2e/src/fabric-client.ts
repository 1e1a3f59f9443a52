/**
 * Acting as a demo user on the test network through @hyperledger/fabric-gateway:
 * the user's certificate and key come from <state>/users/<name>/msp, the
 * connection goes to the user's own organisation's peer.
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { findChaincodeErrorIn, type ChaincodeErrorBody } from '@govledger/wire';
import { common } from '@hyperledger/fabric-protos';
import { createPrivateKey } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { readNetworkInfo, stateDir, type NetworkInfo } from './test-network';

/** A chaincode error as it crosses the wire: {code, status, message, details?} (the wire contract's body). */
export type WireError = ChaincodeErrorBody;

/** Options of one call. */
export interface CallOptions {
  /**
   * Organisations whose peers must endorse (submit) or answer (evaluate), instead of the
   * peer gateway's choice. Transactions on an organisation's private data collection (e.g.
   * e-licence's licencePrivate_<MSP>) must name that organisation.
   */
  endorsingOrganizations?: string[];
}

/** A demo user connected to its organisation's peer. */
export interface UserSession {
  name: string;
  mspId: string;
  /** The user's pseudonymous id, when the user has one (citizens, enterprises). */
  pid: string | undefined;
  gateway: Gateway;
  contract(chaincode: string): Contract;
  /** Submits a transaction with one JSON argument and decodes its JSON result. */
  submit<T = unknown>(
    chaincode: string,
    fn: string,
    request: unknown,
    transient?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<T>;
  /** Evaluates a query with one JSON argument and decodes its JSON result. */
  evaluate<T = unknown>(chaincode: string, fn: string, request: unknown, options?: CallOptions): Promise<T>;
}

const clients = new Map<string, grpc.Client>();

/**
 * The highest block any submit of this test file has seen committed. A commit
 * status comes from the submitter's own peer; another organisation's peer may
 * not have that block yet, so reads wait until their peer has caught up
 * (read-your-writes across organisations, as a portal would expect).
 */
let committedUpTo = -1n;

async function caughtUp(network: Network, channel: string): Promise<void> {
  if (committedUpTo < 0n) return;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', channel);
    const height = BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
    if (height > committedUpTo) return;
    if (Date.now() > deadline)
      throw new Error(`peer stuck at height ${height}, below block ${committedUpTo}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const sessions: UserSession[] = [];

function grpcClient(info: NetworkInfo, mspId: string): grpc.Client {
  const cached = clients.get(mspId);
  if (cached) return cached;
  const org = info.organisations.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`organisation ${mspId} is not part of the network`);
  const credentials = grpc.credentials.createSsl(readFileSync(org.tlsRootCert));
  const client = new grpc.Client(org.peerEndpoint, credentials, {
    'grpc.ssl_target_name_override': org.peerHostOverride,
    'grpc.keepalive_time_ms': 60_000,
  });
  clients.set(mspId, client);
  return client;
}

/** Reads a demo user's pseudonymous id (undefined when the user has none). */
export function userPid(name: string): string | undefined {
  try {
    return readFileSync(path.join(readNetworkInfo(stateDir()).usersDir, name, 'pid'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Connects as a demo user enrolled by network.sh up. */
export function actAs(name: string): UserSession {
  const info = readNetworkInfo(stateDir());
  const dir = path.join(info.usersDir, name);
  const mspId = readFileSync(path.join(dir, 'mspid'), 'utf8').trim();
  const credentials = readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem'));
  const privateKey = createPrivateKey(readFileSync(path.join(dir, 'msp', 'keystore', 'key.pem')));
  const gateway = connect({
    client: grpcClient(info, mspId),
    identity: { mspId, credentials },
    signer: signers.newPrivateKeySigner(privateKey),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const network = gateway.getNetwork(info.channel);
  const session: UserSession = {
    name,
    mspId,
    pid: userPid(name),
    gateway,
    contract: (chaincode) => network.getContract(chaincode),
    async submit<T>(
      chaincode: string,
      fn: string,
      request: unknown,
      transient?: Record<string, unknown>,
      options: CallOptions = {},
    ): Promise<T> {
      const transientData: Record<string, Uint8Array> = {};
      for (const [k, v] of Object.entries(transient ?? {})) transientData[k] = Buffer.from(JSON.stringify(v));
      const proposal = network.getContract(chaincode).newProposal(fn, {
        arguments: [JSON.stringify(request)],
        transientData,
        ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
      });
      const submitted = await (await proposal.endorse()).submit();
      const status = await submitted.getStatus();
      if (!status.successful) {
        throw new Error(`transaction ${status.transactionId} committed with status ${status.code}`);
      }
      committedUpTo = status.blockNumber > committedUpTo ? status.blockNumber : committedUpTo;
      return decode<T>(submitted.getResult());
    },
    async evaluate<T>(
      chaincode: string,
      fn: string,
      request: unknown,
      options: CallOptions = {},
    ): Promise<T> {
      await caughtUp(network, info.channel);
      const bytes = await network.getContract(chaincode).evaluate(fn, {
        arguments: [JSON.stringify(request)],
        ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
      });
      return decode<T>(bytes);
    },
  };
  sessions.push(session);
  return session;
}

function decode<T>(bytes: Uint8Array): T {
  const text = Buffer.from(bytes).toString('utf8');
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Closes every session and gRPC connection opened by this test file. */
export function closeAll(): void {
  for (const s of sessions.splice(0)) s.gateway.close();
  for (const c of clients.values()) c.close();
  clients.clear();
}

/**
 * Extracts the chaincode's {code, status, message} from a Fabric client error (its message and the
 * per-peer details), read with the wire contract's one parser.
 */
export function wireError(err: unknown): WireError | undefined {
  const texts: string[] = [];
  const collect = (e: unknown) => {
    if (!e || typeof e !== 'object') return;
    const o = e as { message?: unknown; details?: unknown };
    if (typeof o.message === 'string') texts.push(o.message);
    if (Array.isArray(o.details)) for (const d of o.details) collect(d);
  };
  collect(err);
  return findChaincodeErrorIn(texts);
}

/** Awaits a promise that must fail with a chaincode error, and returns that error. */
export async function refused(promise: Promise<unknown>): Promise<WireError> {
  try {
    await promise;
  } catch (err) {
    const wire = wireError(err);
    if (wire) return wire;
    throw err;
  }
  throw new Error('expected the transaction to be refused, but it succeeded');
}
