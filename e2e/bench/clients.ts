/**
 * The two client paths the benchmark compares, both acting as the same demo user:
 * - `gateway`: the REST gateway over HTTP (keep-alive, bearer token);
 * - `direct`: @hyperledger/fabric-gateway to the user's own peer, as an application
 *   embedding the Fabric client would do (endorse, submit, wait for the commit status).
 */
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { createPrivateKey } from 'crypto';
import { readFileSync } from 'fs';
import http from 'http';
import path from 'path';
import { wireError } from '../src/fabric-client';
import { readNetworkInfo, type NetworkInfo } from '../src/test-network';
import { OperationError } from './load';

/** The ways a request reaches the ledger: the REST gateway, fabric-gateway directly, or Tape (writes only). */
export type PathName = 'gateway' | 'direct' | 'tape';
export const PATHS: PathName[] = ['gateway', 'direct', 'tape'];
/** The paths that answer each request (closed loop), as opposed to Tape. */
export type ClientPathName = Exclude<PathName, 'tape'>;

/** One chaincode call, described for both paths. */
export interface Call {
  user: string;
  chaincode: string;
  fn: string;
  mode: 'submit' | 'evaluate';
  request: unknown;
  transient?: Record<string, unknown>;
  /**
   * A private-only transaction submitted first on the caller's own organisation's peers (the
   * direct path's half of e-licence's verify-by-hash); its result's fields are added to `request`.
   * The REST gateway does both steps itself for one HTTP call.
   */
  stage?: { fn: string; request: unknown; transient: Record<string, unknown> };
  http: { method: 'GET' | 'POST'; path: string; body?: unknown };
}

export interface Client {
  /** Sends the call and returns the chaincode's JSON result; throws OperationError on failure. */
  call<T>(c: Call): Promise<T>;
  close(): void;
}

// ---------------------------------------------------------------- REST gateway

interface WriteEnvelope {
  transactionId: string;
  blockNumber: string;
  result: unknown;
}

/**
 * The REST path's client: node:http with a keep-alive agent (one connection per worker, reused).
 * Node's fetch (undici) cost the load generator about 4x the CPU per request (0.55-0.72 ms against
 * 0.13-0.17 ms, measured on this machine), CPU the peers and the gateway share on a small host.
 */
export class RestClient implements Client {
  private readonly tokens: Record<string, { token: string }>;
  private readonly url: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  constructor(baseUrl: string, stateDir: string) {
    this.url = new URL(baseUrl);
    this.tokens = JSON.parse(
      readFileSync(path.join(stateDir, 'gateway', 'demo-tokens.json'), 'utf8'),
    ) as Record<string, { token: string }>;
  }

  /** One HTTP exchange: status and body text. */
  private send(method: string, urlPath: string, headers: Record<string, string>, body?: string) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: urlPath,
          method,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async call<T>(c: Call): Promise<T> {
    const token = this.tokens[c.user]?.token;
    if (!token) throw new Error(`no demo token for ${c.user}`);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (c.http.body !== undefined) headers['content-type'] = 'application/json';
    const { status, text } = await this.send(
      c.http.method,
      c.http.path,
      headers,
      c.http.body === undefined ? undefined : JSON.stringify(c.http.body),
    );
    if (status !== 200 && status !== 201) {
      let code = '';
      try {
        code = String((JSON.parse(text) as { code?: unknown }).code ?? '');
      } catch {
        // not JSON
      }
      throw new OperationError(
        `http-${status}${code ? ` ${code}` : ''}`,
        `${c.http.path}: ${text.slice(0, 300)}`,
      );
    }
    const body = JSON.parse(text) as unknown;
    return (c.mode === 'submit' ? (body as WriteEnvelope).result : body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------- direct fabric-gateway

const CODE_NAMES = new Map<number, string>(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]),
);

/** The name of a Fabric transaction validation code (peer.TxValidationCode), e.g. MVCC_READ_CONFLICT. */
export function validationCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? `code-${code}`;
}

export class DirectClient implements Client {
  private readonly info: NetworkInfo;
  private readonly grpcClients = new Map<string, grpc.Client>();
  private readonly gateways = new Map<string, { gateway: Gateway; network: Network }>();

  constructor(stateDir: string) {
    this.info = readNetworkInfo(stateDir);
  }

  private grpcClient(mspId: string): grpc.Client {
    const cached = this.grpcClients.get(mspId);
    if (cached) return cached;
    const org = this.info.organisations.find((o) => o.mspId === mspId);
    if (!org) throw new Error(`organisation ${mspId} is not part of the network`);
    const client = new grpc.Client(
      org.peerEndpoint,
      grpc.credentials.createSsl(readFileSync(org.tlsRootCert)),
      {
        'grpc.ssl_target_name_override': org.peerHostOverride,
        'grpc.keepalive_time_ms': 60_000,
      },
    );
    this.grpcClients.set(mspId, client);
    return client;
  }

  private session(user: string): { gateway: Gateway; network: Network } {
    const cached = this.gateways.get(user);
    if (cached) return cached;
    const dir = path.join(this.info.usersDir, user);
    const mspId = readFileSync(path.join(dir, 'mspid'), 'utf8').trim();
    const gateway = connect({
      client: this.grpcClient(mspId),
      identity: { mspId, credentials: readFileSync(path.join(dir, 'msp', 'signcerts', 'cert.pem')) },
      signer: signers.newPrivateKeySigner(
        createPrivateKey(readFileSync(path.join(dir, 'msp', 'keystore', 'key.pem'))),
      ),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 10_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    const s = { gateway, network: gateway.getNetwork(this.info.channel) };
    this.gateways.set(user, s);
    return s;
  }

  /** The channel as `user` sees it through their own organisation's peer. */
  network(user: string): Network {
    return this.session(user).network;
  }

  /** The block height of `user`'s peer (the number of the next block it will commit). */
  async height(user: string): Promise<bigint> {
    const bytes = await this.network(user)
      .getContract('qscc')
      .evaluateTransaction('GetChainInfo', this.info.channel);
    return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
  }

  async call<T>(c: Call): Promise<T> {
    const contract = this.session(c.user).network.getContract(c.chaincode);
    let bytes: Uint8Array;
    try {
      if (c.mode === 'evaluate') {
        bytes = await contract.evaluate(c.fn, { arguments: [JSON.stringify(c.request)] });
      } else {
        let request = c.request;
        if (c.stage) {
          const mspId = readFileSync(path.join(this.info.usersDir, c.user, 'mspid'), 'utf8').trim();
          const staged = await this.submit(contract, c.stage.fn, c.stage.request, c.stage.transient, [mspId]);
          const record = JSON.parse(Buffer.from(staged).toString('utf8')) as {
            privateDataHash: string;
            claimHashes: Record<string, string>;
          };
          request = {
            ...(c.request as object),
            privateDataHash: record.privateDataHash,
            claimHashes: record.claimHashes,
          };
        }
        bytes = await this.submit(contract, c.fn, request, c.transient);
      }
    } catch (err) {
      if (err instanceof OperationError) throw err;
      const wire = wireError(err);
      if (wire) throw new OperationError(`cc-${wire.status} ${wire.code}`, wire.message);
      throw err;
    }
    const text = Buffer.from(bytes).toString('utf8');
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Endorses (by the given organisations, else the peer gateway's choice), submits and waits for a valid commit. */
  private async submit(
    contract: ReturnType<Network['getContract']>,
    fn: string,
    request: unknown,
    transient: Record<string, unknown> | undefined,
    endorsingOrganizations?: string[],
  ): Promise<Uint8Array> {
    const transientData: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(transient ?? {})) transientData[k] = Buffer.from(JSON.stringify(v));
    const proposal = contract.newProposal(fn, {
      arguments: [JSON.stringify(request)],
      transientData,
      ...(endorsingOrganizations ? { endorsingOrganizations } : {}),
    });
    const submitted = await (await proposal.endorse()).submit();
    const status = await submitted.getStatus();
    if (!status.successful) {
      const reason = validationCodeName(status.code);
      throw new OperationError(reason, `${fn} ${status.transactionId} invalid (${reason})`);
    }
    return submitted.getResult();
  }

  close(): void {
    for (const s of this.gateways.values()) s.gateway.close();
    for (const c of this.grpcClients.values()) c.close();
    this.gateways.clear();
    this.grpcClients.clear();
  }
}

/** The pseudonymous id of a demo citizen or enterprise. */
export function pidOf(stateDir: string, user: string): string {
  return readFileSync(path.join(stateDir, 'users', user, 'pid'), 'utf8').trim();
}
