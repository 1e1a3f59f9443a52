/**
 * Who can read the channel (issue 14; README, "Who can read the channel").
 *
 * Each organisation's Readers policy names its admins, its peers and its staff (certificates
 * with the OU of the CA affiliation network/consortium.json channelReaders.staffAffiliation);
 * the channel's ACLs send Deliver, filtered Deliver, qscc's block and transaction queries and
 * the peer gateway's chaincode events to Readers, commit status and the channel height to
 * Writers. So:
 *
 * - a citizen's or an enterprise's own certificate, talking straight to a peer (or an
 *   orderer), is refused every block, event and transaction read;
 * - a staff certificate of the same organisation makes the same calls successfully;
 * - a citizen still submits through the REST gateway and gets the commit (and can still
 *   submit straight to its peer and ask the commit status there);
 * - no citizen's or enterprise's certificate on the ledger carries its login name as CN:
 *   every block, read as staff, is searched.
 */
import * as grpc from '@grpc/grpc-js';
import { dataSharing } from '@govledger/fixtures';
import { connect, hash, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { spawnSync } from 'child_process';
import { createPrivateKey, X509Certificate } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { http } from '../src/gateway-client';
import { ROOT, readFabricBuild, readNetworkInfo, stateDir, type NetworkInfo } from '../src/test-network';

const run = Date.now().toString(36);
const API = '/api/v1';
const SHA256 = /^[0-9a-f]{64}$/;
const CONSORTIUM = JSON.parse(readFileSync(path.join(ROOT, 'network', 'consortium.json'), 'utf8')) as {
  channelReaders: { staffAffiliation: string };
  peerOrgs: ConsortiumOrg[];
  addOrg: ConsortiumOrg;
};
interface ConsortiumOrg {
  name: string;
  mspId: string;
  users: { name: string; attrs: Record<string, string>; pseudonymous?: boolean }[];
}
const STAFF_OU = CONSORTIUM.channelReaders.staffAffiliation;
const ALL_USERS = [...CONSORTIUM.peerOrgs, CONSORTIUM.addOrg].flatMap((o) => o.users);
const PSEUDONYMOUS = ALL_USERS.filter((u) => u.pseudonymous).map((u) => u.name);
const STAFF = ALL_USERS.filter((u) => !u.pseudonymous).map((u) => u.name);

// ---------------------------------------------------------------- direct connections

let info: NetworkInfo;
const clients = new Map<string, grpc.Client>();
const gateways: Gateway[] = [];

function grpcClient(mspId: string): grpc.Client {
  const cached = clients.get(mspId);
  if (cached) return cached;
  const org = info.organisations.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`organisation ${mspId} is not part of the network`);
  const client = new grpc.Client(
    org.peerEndpoint,
    grpc.credentials.createSsl(readFileSync(org.tlsRootCert)),
    {
      'grpc.ssl_target_name_override': org.peerHostOverride,
    },
  );
  clients.set(mspId, client);
  return client;
}

/** A demo user's MSP folder and organisation. */
function userMsp(user: string): { mspId: string; mspDir: string } {
  const dir = path.join(info.usersDir, user);
  return { mspId: readFileSync(path.join(dir, 'mspid'), 'utf8').trim(), mspDir: path.join(dir, 'msp') };
}

/** The channel as the holder of an MSP folder sees it straight from its organisation's peer. */
function direct(mspId: string, mspDir: string): Network {
  const gateway = connect({
    client: grpcClient(mspId),
    identity: { mspId, credentials: readFileSync(path.join(mspDir, 'signcerts', 'cert.pem')) },
    signer: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(mspDir, 'keystore', 'key.pem'))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    blockEventsOptions: () => ({ deadline: Date.now() + 20_000 }),
    chaincodeEventsOptions: () => ({ deadline: Date.now() + 20_000 }),
  });
  gateways.push(gateway);
  return gateway.getNetwork(info.channel);
}

const asUser = (user: string) => {
  const { mspId, mspDir } = userMsp(user);
  return direct(mspId, mspDir);
};

/** Every message of an error and its details (gRPC errors of the gateway carry the peer's in details). */
function messages(err: unknown): string {
  const out: string[] = [];
  const collect = (e: unknown) => {
    if (!e || typeof e !== 'object') return;
    const o = e as { message?: unknown; details?: unknown; code?: unknown };
    if (typeof o.message === 'string') out.push(o.message);
    if (typeof o.code === 'number') out.push(`grpc code ${o.code}`);
    if (Array.isArray(o.details)) for (const d of o.details) collect(d);
  };
  collect(err);
  return out.join(' | ');
}

/** The refusal a peer gives for a read its ACL denies, or undefined when the call succeeded. */
async function refusal(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (err) {
    return messages(err);
  }
}
// Deliver answers status FORBIDDEN (403); the gateway's ChaincodeEvents PERMISSION_DENIED (7);
// qscc "access denied" (a 500 answer of the system chaincode, wrapped by the gateway)
const DENIED = /Unexpected status response: 403|grpc code 7|PERMISSION_DENIED|access denied/i;

/** Reads the first element of an event stream (closing it). */
async function firstOf<T>(opening: Promise<AsyncIterable<T> & { close(): void }>): Promise<T> {
  const events = await opening;
  try {
    for await (const e of events) return e;
    throw new Error('the stream ended without an element');
  } finally {
    events.close();
  }
}

/** Every read of block content a peer offers, each as a call that resolves when the peer answers. */
function blockReads(
  network: Network,
  txId: string,
  blockHash: Uint8Array,
): [string, () => Promise<unknown>][] {
  const qscc = network.getContract('qscc');
  return [
    ['Deliver (event/Block)', () => firstOf(network.getBlockEvents({ startBlock: 0n }))],
    [
      'filtered Deliver (event/FilteredBlock)',
      () => firstOf(network.getFilteredBlockEvents({ startBlock: 0n })),
    ],
    [
      'Deliver with private data (event/Block)',
      () => firstOf(network.getBlockAndPrivateDataEvents({ startBlock: 0n })),
    ],
    [
      'chaincode events (gateway/ChaincodeEvents)',
      () => firstOf(network.getChaincodeEvents('data-sharing', { startBlock: 0n })),
    ],
    ['qscc/GetBlockByNumber', () => qscc.evaluateTransaction('GetBlockByNumber', info.channel, '0')],
    [
      'qscc/GetBlockByHash',
      () => qscc.evaluate('GetBlockByHash', { arguments: [Buffer.from(info.channel), blockHash] }),
    ],
    ['qscc/GetTransactionByID', () => qscc.evaluateTransaction('GetTransactionByID', info.channel, txId)],
    ['qscc/GetBlockByTxID', () => qscc.evaluateTransaction('GetBlockByTxID', info.channel, txId)],
  ];
}

/** `peer channel fetch 0` from the first orderer as the holder of an MSP folder: the CLI's exit and output. */
function fetchFromOrderer(mspId: string, mspDir: string): { status: number | null; output: string } {
  const dir = stateDir();
  const fabric = readFabricBuild(dir);
  const org = info.organisations.find((o) => o.mspId === mspId);
  if (!org) throw new Error('cannot find the peer CLI settings');
  const r = spawnSync(
    path.join(fabric.bin, 'peer'),
    [
      'channel',
      'fetch',
      '0',
      path.join(dir, `channel-privacy-${run}-${mspId}.block`),
      '-c',
      info.channel,
      '-o',
      info.orderers[0].endpoint,
      '--tls',
      '--cafile',
      path.join(dir, 'orgs', 'Orderer', 'msp', 'tlscacerts', 'ca.pem'),
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        FABRIC_CFG_PATH: fabric.cfgPath,
        CORE_PEER_TLS_ENABLED: 'true',
        CORE_PEER_LOCALMSPID: mspId,
        CORE_PEER_MSPCONFIGPATH: mspDir,
        CORE_PEER_ADDRESS: org.peerEndpoint,
        CORE_PEER_TLS_ROOTCERT_FILE: org.tlsRootCert,
      },
    },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

// ---------------------------------------------------------------- certificates in blocks

/** Fabric CA's attribute extension ({"attrs":{...}}) of a certificate, read from its DER. */
function caAttrs(der: Buffer): Record<string, string> {
  const text = der.toString('latin1');
  const start = text.indexOf('{"attrs":');
  if (start < 0) return {};
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) {
      return (JSON.parse(text.slice(start, i + 1)) as { attrs: Record<string, string> }).attrs;
    }
  }
  return {};
}

interface LedgerCertificate {
  block: bigint;
  mspId: string;
  cn: string;
  ous: string[];
  attrs: Record<string, string>;
}

function certificateOf(block: bigint, serialized: Uint8Array): LedgerCertificate | undefined {
  const id = msp.SerializedIdentity.deserializeBinary(serialized);
  const pem = Buffer.from(id.getIdBytes_asU8()).toString('utf8');
  if (!pem.includes('BEGIN CERTIFICATE')) return undefined;
  const cert = new X509Certificate(pem);
  const fields = cert.subject.split('\n');
  const cn = fields.find((f) => f.startsWith('CN='))?.slice(3) ?? '';
  const ous = fields // a multi-valued RDN reads "OU=staff + OU=client"
    .filter((f) => f.startsWith('OU='))
    .flatMap((f) => f.split('+').map((ou) => ou.trim().replace(/^OU=/, '')));
  return { block, mspId: id.getMspid(), cn, ous, attrs: caAttrs(Buffer.from(cert.raw)) };
}

/** Creators and endorsers of every transaction of a block. */
function certificatesIn(block: common.Block): LedgerCertificate[] {
  const n = BigInt(block.getHeader()?.getNumber() ?? 0);
  const out: LedgerCertificate[] = [];
  const add = (bytes: Uint8Array | undefined) => {
    if (!bytes || bytes.length === 0) return;
    const c = certificateOf(n, bytes);
    if (c) out.push(c);
  };
  for (const envBytes of block.getData()?.getDataList_asU8() ?? []) {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envBytes).getPayload_asU8(),
    );
    const header = payload.getHeader();
    if (!header) continue;
    add(common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) continue;
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of tx.getActionsList()) {
      add(common.SignatureHeader.deserializeBinary(action.getHeader_asU8()).getCreator_asU8());
      const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      for (const e of cap.getAction()?.getEndorsementsList() ?? []) add(e.getEndorser_asU8());
    }
  }
  return out;
}

/** Every block of the channel, read as `network` (a staff reader), up to the current height. */
async function allBlocks(network: Network): Promise<common.Block[]> {
  const chain = common.BlockchainInfo.deserializeBinary(
    await network.getContract('qscc').evaluateTransaction('GetChainInfo', info.channel),
  );
  const last = BigInt(chain.getHeight()) - 1n;
  const blocks: common.Block[] = [];
  const events = await network.getBlockEvents({ startBlock: 0n });
  try {
    for await (const block of events) {
      blocks.push(block);
      if (BigInt(block.getHeader()?.getNumber() ?? 0) >= last) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}

// ---------------------------------------------------------------- the suite

/** A committed transaction of citizen-a1's (through the REST gateway), for the transaction reads. */
let citizenTx: { txId: string; blockNumber: bigint };
let blockHash: Uint8Array;

beforeAll(() => {
  info = readNetworkInfo(stateDir());
});

afterAll(() => {
  for (const g of gateways.splice(0)) g.close();
  for (const c of clients.values()) c.close();
  clients.clear();
});

describe('channel reads: staff and peers only', () => {
  it('a citizen submits through the REST gateway and gets its commit; the transaction status is theirs to ask', async () => {
    const category = `CP-SOCINS-${run}`;
    const registered = await http<{ transactionId: string }>(
      'officer-social-a',
      'POST',
      `${API}/data-categories`,
      dataSharing.socialInsuranceCategory(category, ['monthlyBase', dataSharing.CONTRIBUTION_STATUS]),
    );
    expect(registered.status).toBe(201);
    const consent = await http<{
      transactionId: string;
      blockNumber: string;
      result: { consentId: string; state: string };
    }>(
      'citizen-a1',
      'POST',
      `${API}/consents`,
      dataSharing.consent({
        consentId: `CP-CNS-${run}`,
        grantee: dataSharing.CITY_B_HOUSING,
        categoryCode: category,
        fields: [dataSharing.CONTRIBUTION_STATUS],
        now: Date.now(),
      }),
    );
    expect(consent.status).toBe(201);
    expect(consent.body.transactionId).toMatch(SHA256);
    expect(consent.body.blockNumber).toMatch(/^[1-9][0-9]*$/);
    expect(consent.body.result).toMatchObject({ consentId: `CP-CNS-${run}`, state: 'active' });
    citizenTx = { txId: consent.body.transactionId, blockNumber: BigInt(consent.body.blockNumber) };

    // the gateway asks the peer for the commit status as the citizen (gateway/CommitStatus: Writers)
    const status = await http<{ status: string; blockNumber: string }>(
      'citizen-a1',
      'GET',
      `${API}/transactions/${citizenTx.txId}`,
    );
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ status: 'committed', blockNumber: consent.body.blockNumber });
  });

  it("a staff certificate reads blocks, events and transactions straight from its organisation's peer", async () => {
    for (const staff of ['issuer-a', 'officer-housing-b']) {
      const network = asUser(staff);
      const block = common.Block.deserializeBinary(
        await network.getContract('qscc').evaluateTransaction('GetBlockByNumber', info.channel, '1'),
      );
      expect(block.getHeader()?.getNumber()).toBe(1);
      blockHash = block.getHeader()?.getPreviousHash_asU8() ?? new Uint8Array();
      for (const [name, call] of blockReads(network, citizenTx.txId, blockHash)) {
        expect({ staff, name, refused: await refusal(call) }).toEqual({ staff, name, refused: undefined });
      }
      const tx = peer.ProcessedTransaction.deserializeBinary(
        await network
          .getContract('qscc')
          .evaluateTransaction('GetTransactionByID', info.channel, citizenTx.txId),
      );
      expect(tx.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    }
    // and so does an organisation's admin (the peer CLI identity of network.sh)
    const cityA = info.organisations.find((o) => o.name === 'CityA');
    if (!cityA) throw new Error('no City A');
    const admin = direct(cityA.mspId, cityA.adminMsp);
    expect(await refusal(() => firstOf(admin.getBlockEvents({ startBlock: 0n })))).toBeUndefined();
  });

  it("a citizen's and an enterprise's own certificates are refused every block, event and transaction read", async () => {
    for (const user of ['citizen-a1', 'citizen-b1', 'enterprise-a1', 'enterprise-b1']) {
      const network = asUser(user);
      for (const [name, call] of blockReads(network, citizenTx.txId, blockHash)) {
        const refused = await refusal(call);
        expect({ user, name, refused: refused !== undefined && DENIED.test(refused) }).toEqual({
          user,
          name,
          refused: true,
        });
      }
    }
  });

  it('the orderers refuse a citizen the blocks and serve staff', () => {
    const citizen = userMsp('citizen-a1');
    const refused = fetchFromOrderer(citizen.mspId, citizen.mspDir);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(/FORBIDDEN/);
    const staff = userMsp('issuer-a');
    const served = fetchFromOrderer(staff.mspId, staff.mspDir);
    expect({ status: served.status, output: served.output }).toMatchObject({ status: 0 });
    expect(served.output).toMatch(/Received block: 0/);
  });

  it('a citizen still submits straight to its peer, asks the commit status and the channel height there', async () => {
    const network = asUser('citizen-a1');
    const height = common.BlockchainInfo.deserializeBinary(
      await network.getContract('qscc').evaluateTransaction('GetChainInfo', info.channel),
    ).getHeight();
    expect(height).toBeGreaterThan(Number(citizenTx.blockNumber));
    const proposal = network.getContract('data-sharing').newProposal('RevokeConsent', {
      arguments: [JSON.stringify({ consentId: `CP-CNS-${run}` })],
    });
    const submitted = await (await proposal.endorse()).submit();
    const status = await submitted.getStatus();
    expect(status.successful).toBe(true);
  });

  it("every organisation's Readers policy names admins, peers and staff, never clients or members", async () => {
    const staff = asUser('issuer-a');
    const config = common.Config.deserializeBinary(
      await staff.getContract('cscc').evaluateTransaction('GetChannelConfig', info.channel),
    );
    const application = config.getChannelGroup()?.getGroupsMap().get('Application');
    if (!application) throw new Error('no Application group');
    const orgs: Record<string, string[]> = {};
    application.getGroupsMap().forEach((group: common.ConfigGroup, name: string) => {
      const policy = group.getPoliciesMap().get('Readers')?.getPolicy();
      if (!policy) throw new Error(`${name} has no Readers policy`);
      const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
      orgs[name] = envelope.getIdentitiesList().map((p) => {
        if (p.getPrincipalClassification() === msp.MSPPrincipal.Classification.ORGANIZATION_UNIT) {
          return `OU=${msp.OrganizationUnit.deserializeBinary(p.getPrincipal_asU8()).getOrganizationalUnitIdentifier()}`;
        }
        const role = msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getRole();
        return Object.entries(msp.MSPRole.MSPRoleType).find(([, v]) => v === role)?.[0] ?? String(role);
      });
    });
    // the founding organisations, and the Audit Office when add-organisation ran before
    expect(Object.keys(orgs)).toEqual(expect.arrayContaining(CONSORTIUM.peerOrgs.map((o) => o.mspId)));
    for (const name of Object.keys(orgs)) expect(orgs[name]).toEqual(['ADMIN', 'PEER', `OU=${STAFF_OU}`]);
  });

  it("no citizen's or enterprise's certificate on the ledger carries a login name; staff certificates carry the staff OU", async () => {
    const certs = (await allBlocks(asUser('issuer-a'))).flatMap(certificatesIn);
    const pseudonymous = certs.filter((c) => c.attrs['gov.pid'] !== undefined);
    // the citizen's consent of the first test is on the ledger, under its opaque CN
    expect(pseudonymous.length).toBeGreaterThan(0);
    const logins = new Set(PSEUDONYMOUS);
    for (const c of pseudonymous) {
      expect({ block: c.block, cn: c.cn, isLogin: logins.has(c.cn) }).toEqual({
        block: c.block,
        cn: c.cn,
        isLogin: false,
      });
      expect(c.ous).not.toContain(STAFF_OU);
      // the CN is the opaque enrolment id, whoever registered the user (network.sh or the gateway)
      expect({ cn: c.cn, pid: c.attrs['gov.pid'] }).toEqual({
        cn: c.attrs['gov.pid'].slice(0, 32),
        pid: c.attrs['gov.pid'],
      });
    }
    // no certificate at all names a citizen's or enterprise's login
    expect(certs.filter((c) => logins.has(c.cn))).toEqual([]);
    // citizen-a1's certificate is there with its enrolment id (the organisation's own mapping)
    const enrolmentId = readFileSync(path.join(info.usersDir, 'citizen-a1', 'enrolment-id'), 'utf8').trim();
    const pid = readFileSync(path.join(info.usersDir, 'citizen-a1', 'pid'), 'utf8').trim();
    expect(enrolmentId).toBe(pid.slice(0, 32));
    expect(pseudonymous.some((c) => c.cn === enrolmentId && c.attrs['gov.pid'] === pid)).toBe(true);
    // the demo staff users' certificates carry the staff OU (it is what lets them read the channel)
    const staffCerts = certs.filter((c) => STAFF.includes(c.cn));
    expect(staffCerts.length).toBeGreaterThan(0);
    for (const c of staffCerts)
      expect({ cn: c.cn, ous: c.ous }).toEqual({ cn: c.cn, ous: expect.arrayContaining([STAFF_OU]) });
  });
});
