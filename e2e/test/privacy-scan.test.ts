/**
 * Privacy scan (issue 14): after every journey has run, an organisation's admin fetches every
 * block of the channel and searches it for every personal value the demo and the tests use.
 *
 * - The personal values are ONE list, `PersonalValues` of @govledger/fixtures (names, ID
 *   numbers, addresses, phone numbers, bank account numbers, citizens' and enterprises' login
 *   names); each is the fixed part of a value, so every run's value contains it.
 * - Each block is searched as raw bytes, as decoded JSON (every protobuf layer down to the
 *   read-write sets, chaincode arguments, responses and events, with base64 strings inside
 *   decoded too), and for the base64 and hex forms of each value at every alignment. A bank
 *   account's plain SHA-256 (what a reader could enumerate) must not be there either.
 * - The suite runs its own journeys first, so it means something alone: `npm run demo` (the
 *   four chaincodes' journeys) and an e-licence application that is rejected. Inside the full
 *   run the sequencer runs it after every journey suite (and before orderer-fault).
 * - The rejected application's private record is purged: on the member peer (City A's), read
 *   by a staff certificate with Deliver-with-private-data, the staging block still carried the
 *   record before the rejection and carries no trace of it after; the rejection's block holds
 *   a purge (not a delete) of the key's hash.
 */
import {
  PersonalValues,
  allPersonalValues,
  eLicence,
  enterpriseHolder,
  randomSalt,
  sha256hex,
} from '@govledger/fixtures';
import { connect, hash, signers, type Gateway, type Network } from '@hyperledger/fabric-gateway';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import * as grpc from '@grpc/grpc-js';
import { spawnSync } from 'child_process';
import { createHash, createPrivateKey } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { http } from '../src/gateway-client';
import { eventually, peerHeight } from '../src/network-ops';
import { ROOT, networkSh, readNetworkInfo, stateDir, type NetworkInfo } from '../src/test-network';

const run = Date.now().toString(36);
const API = '/api/v1';
const CHAINCODE = 'e-licence';
const COLLECTION = 'licencePrivate_CityAMSP';

let info: NetworkInfo;
const gateways: Gateway[] = [];
const clients: grpc.Client[] = [];

/** The channel as an MSP folder's holder sees it straight from its organisation's peer. */
function direct(mspId: string, mspDir: string): Network {
  const org = info.organisations.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`organisation ${mspId} is not part of the network`);
  const client = new grpc.Client(
    org.peerEndpoint,
    grpc.credentials.createSsl(readFileSync(org.tlsRootCert)),
    {
      'grpc.ssl_target_name_override': org.peerHostOverride,
    },
  );
  clients.push(client);
  const gateway = connect({
    client,
    identity: { mspId, credentials: readFileSync(path.join(mspDir, 'signcerts', 'cert.pem')) },
    signer: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(mspDir, 'keystore', 'key.pem'))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    blockEventsOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  gateways.push(gateway);
  return gateway.getNetwork(info.channel);
}

/** City A's admin (the peer CLI identity of network.sh), a staff reader of its own peer. */
function cityAAdmin(): Network {
  const cityA = info.organisations.find((o) => o.name === 'CityA');
  if (!cityA) throw new Error('no City A');
  return direct(cityA.mspId, cityA.adminMsp);
}

/** A demo user's own certificate, talking straight to its organisation's peer. */
function asUser(user: string): Network {
  const dir = path.join(info.usersDir, user);
  return direct(readFileSync(path.join(dir, 'mspid'), 'utf8').trim(), path.join(dir, 'msp'));
}

async function height(network: Network): Promise<bigint> {
  const chain = common.BlockchainInfo.deserializeBinary(
    await network.getContract('qscc').evaluateTransaction('GetChainInfo', info.channel),
  );
  return BigInt(chain.getHeight());
}

/** Blocks `from`..`to` (inclusive) with the private data the reader's organisation may see. */
async function blocksWithPrivateData(
  network: Network,
  from: bigint,
  to: bigint,
): Promise<peer.BlockAndPrivateData[]> {
  const out: peer.BlockAndPrivateData[] = [];
  const events = await network.getBlockAndPrivateDataEvents({ startBlock: from });
  try {
    for await (const b of events) {
      out.push(b);
      if (BigInt(b.getBlock()?.getHeader()?.getNumber() ?? 0) >= to) break;
    }
  } finally {
    events.close();
  }
  return out;
}

// ---------------------------------------------------------------- decoding

const utf8 = (b: Uint8Array | string) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));

/** Bytes as text, parsed as JSON when they are JSON. */
function textOrJson(b: Uint8Array | string): unknown {
  const text = utf8(b);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function decodeRwset(rwset: ledger.rwset.TxReadWriteSet): unknown[] {
  return rwset.getNsRwsetList().map((ns) => {
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map((r) => r.getKey()),
      writes: kv
        .getWritesList()
        .map((w) => ({ key: w.getKey(), delete: w.getIsDelete(), value: textOrJson(w.getValue_asU8()) })),
      metadata: kv.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        entries: m.getEntriesList().map((e) => ({ name: e.getName(), value: utf8(e.getValue_asU8()) })),
      })),
      collections: ns.getCollectionHashedRwsetList().map((c) => {
        const hashed = ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(c.getHashedRwset_asU8());
        return {
          collection: c.getCollectionName(),
          writes: hashed.getHashedWritesList().map((w) => ({
            keyHash: Buffer.from(w.getKeyHash_asU8()).toString('hex'),
            valueHash: Buffer.from(w.getValueHash_asU8()).toString('hex'),
            delete: w.getIsDelete(),
            purge: w.getIsPurge(),
          })),
        };
      }),
    };
  });
}

/** A block decoded layer by layer into plain JSON: headers, creators, arguments, responses, write sets, events. */
function decodeBlock(block: common.Block): unknown {
  return (block.getData()?.getDataList_asU8() ?? []).map((envBytes) => {
    try {
      return decodeEnvelope(envBytes);
    } catch {
      return { undecodable: utf8(envBytes) };
    }
  });
}

function decodeEnvelope(envBytes: Uint8Array): unknown {
  {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envBytes).getPayload_asU8(),
    );
    const header = payload.getHeader();
    if (!header) return { raw: utf8(payload.getData_asU8()) };
    const ch = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const creator = utf8(
      common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8(),
    );
    if (ch.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
      return { type: ch.getType(), txId: ch.getTxId(), creator, data: utf8(payload.getData_asU8()) };
    }
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    return {
      type: ch.getType(),
      txId: ch.getTxId(),
      creator,
      actions: tx.getActionsList().map((action) => {
        const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
        const proposal = peer.ChaincodeProposalPayload.deserializeBinary(
          cap.getChaincodeProposalPayload_asU8(),
        );
        const spec = peer.ChaincodeInvocationSpec.deserializeBinary(
          proposal.getInput_asU8(),
        ).getChaincodeSpec();
        const endorsed = cap.getAction();
        const prp = peer.ProposalResponsePayload.deserializeBinary(
          endorsed?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
        );
        const cca = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
        const event =
          cca.getEvents_asU8().length > 0
            ? peer.ChaincodeEvent.deserializeBinary(cca.getEvents_asU8())
            : undefined;
        return {
          chaincode: spec?.getChaincodeId()?.getName(),
          args: (spec?.getInput()?.getArgsList_asU8() ?? []).map(textOrJson),
          transientKeys: [...proposal.getTransientmapMap().keys()],
          endorsers: (endorsed?.getEndorsementsList() ?? []).map((e) => utf8(e.getEndorser_asU8())),
          response: {
            status: cca.getResponse()?.getStatus(),
            message: cca.getResponse()?.getMessage(),
            payload: textOrJson(cca.getResponse()?.getPayload_asU8() ?? new Uint8Array()),
          },
          rwset: decodeRwset(ledger.rwset.TxReadWriteSet.deserializeBinary(cca.getResults_asU8())),
          event: event && { name: event.getEventName(), payload: textOrJson(event.getPayload_asU8()) },
        };
      }),
    };
  }
}

/** Every string leaf of a JSON value, and the decoding of those that are base64. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (value.length >= 8 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
      out.push(Buffer.from(value, 'base64').toString('utf8'));
    }
  } else if (Array.isArray(value)) {
    for (const v of value) leaves(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      leaves(v, out);
    }
  }
  return out;
}

/** The base64 forms of `value` inside any base64 text, at each of the three alignments. */
function base64Forms(value: string): string[] {
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from(`${'\u0000'.repeat(shift)}${value}`, 'utf8').toString('base64');
    // drop the characters that mix in the padding bytes before, and the partial group after
    const start = Math.ceil((shift * 4) / 3);
    const end = Math.floor(((shift + Buffer.byteLength(value)) * 4) / 3);
    forms.push(encoded.slice(start, end));
  }
  return forms;
}

interface Finding {
  block: number;
  kind: string;
  value: string;
  form: string;
}

/** Searches one block for every needle, in every form. */
function scanBlock(block: common.Block, needles: { kind: string; value: string }[]): Finding[] {
  const n = Number(block.getHeader()?.getNumber() ?? 0);
  const raw = Buffer.from(block.serializeBinary());
  const rawText = raw.toString('latin1');
  const rawLower = raw.toString('utf8').toLowerCase();
  const decoded = decodeBlock(block);
  const json = JSON.stringify(decoded).toLowerCase();
  const texts = leaves(decoded).map((s) => s.toLowerCase());
  const findings: Finding[] = [];
  for (const { kind, value } of needles) {
    const lower = value.toLowerCase();
    const hit = (form: string) => findings.push({ block: n, kind, value, form });
    if (raw.includes(Buffer.from(value, 'utf8'))) hit('raw bytes');
    else if (rawLower.includes(lower)) hit('raw bytes (any case)');
    if (json.includes(lower) || texts.some((t) => t.includes(lower))) hit('decoded JSON');
    for (const form of base64Forms(value))
      if (rawText.includes(form) || json.includes(form.toLowerCase())) hit(`base64 ${form}`);
    const hex = Buffer.from(value, 'utf8').toString('hex');
    if (rawLower.includes(hex) || json.includes(hex)) hit('hex');
  }
  return findings;
}

// ---------------------------------------------------------------- the suite

beforeAll(() => {
  info = readNetworkInfo(stateDir());
});

afterAll(() => {
  for (const g of gateways.splice(0)) g.close();
  for (const c of clients.splice(0)) c.close();
});

describe('privacy scan: no personal value on the ledger', () => {
  const typeCode = `PSCAN-${run}`;
  const appId = `PSCAN-APP-${run}`;
  const holder = enterpriseHolder(2, run);
  const licencePrivate = {
    holder: { ...holder } as Record<string, string>,
    claims: { companyName: { value: `${PersonalValues.names[4]} ${run}`, salt: randomSalt() } },
    salt: randomSalt(),
  };
  let submitBlock: bigint;
  let stagingBlock: bigint;
  let stagingKey: string;

  it('the Audit Office is part of the channel (alone, the suite adds it, as add-organisation does in the full run)', async () => {
    if (!info.organisations.some((o) => o.mspId === 'AuditMSP')) {
      networkSh(['addorg', '--state-dir', stateDir()]);
      info = readNetworkInfo(stateDir());
      const target = peerHeight('CityA');
      await eventually(`peer0.Audit reaches height ${target}`, () => peerHeight('Audit') >= target);
    }
    expect(info.organisations.map((o) => o.mspId)).toContain('AuditMSP');
  }, 300_000);

  it('runs the demo journeys of the four chaincodes', () => {
    const r = spawnSync(
      'node',
      [path.join(ROOT, 'gateway', 'dist', 'cli', 'demo', 'main.js'), '--state-dir', stateDir()],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 290_000,
      },
    );
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`demo exited with ${r.status}:\n${out.slice(-3000)}`);
    expect(out).toMatch(/5 journeys, \d+ HTTP calls, \d+ transactions committed/);
  }, 300_000);

  it("an enterprise applies; the member peer holds its personal data in the staging block's private data", async () => {
    const type = await http(
      'admin-a',
      'POST',
      `${API}/licence-types`,
      eLicence.foodBusinessLicenceType(typeCode, ['companyName'], ['market']),
    );
    expect(type.status).toBe(201);
    const submitted = await http<{ blockNumber: string; result: { status: string } }>(
      'enterprise-a1',
      'POST',
      `${API}/applications`,
      eLicence.application(appId, typeCode, licencePrivate),
    );
    expect({ status: submitted.status, body: submitted.body }).toMatchObject({
      status: 201,
      body: { result: { status: 'pending' } },
    });
    submitBlock = BigInt(submitted.body.blockNumber);
    const blocks = await blocksWithPrivateData(
      cityAAdmin(),
      submitBlock > 20n ? submitBlock - 20n : 0n,
      submitBlock,
    );
    const staging = blocks.filter((b) => privateWritesOf(b, appId).length > 0);
    expect(staging).toHaveLength(1);
    stagingBlock = BigInt(staging[0].getBlock()?.getHeader()?.getNumber() ?? 0);
    stagingKey = privateWritesOf(staging[0], appId)[0].key;
    const values = privateWritesOf(staging[0], appId)
      .map((w) => w.value)
      .join('\n');
    expect(values).toContain(holder.legalName);
    expect(values).toContain(holder.phone);
  });

  it('a rejection purges it: the staging block carries no trace of it on the member peer, the rejection block holds a purge', async () => {
    const rejected = await http<{ blockNumber: string; result: { status: string } }>(
      'approver-market-a',
      'POST',
      `${API}/applications/${appId}/rejections`,
      { reasonCode: 'INCOMPLETE', reason: 'the hygiene certificate is missing' },
    );
    expect([200, 201]).toContain(rejected.status);
    expect(rejected.body.result.status).toBe('rejected');
    const rejectionBlock = BigInt(rejected.body.blockNumber);
    const admin = cityAAdmin();
    // the member peer may commit the block a moment after the gateway's peer
    const deadline = Date.now() + 30_000;
    while ((await height(admin)) <= rejectionBlock && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    const [staging] = await blocksWithPrivateData(admin, stagingBlock, stagingBlock);
    expect(privateWritesOf(staging, appId)).toEqual([]);
    const allPrivate = JSON.stringify(staging.toObject());
    expect(allPrivate).not.toContain(Buffer.from(holder.legalName).toString('base64').slice(0, 12));
    // the rejection wrote a purge of the key's hash (DelPrivateData would leave isPurge false)
    const [block] = await blocksWithPrivateData(admin, rejectionBlock, rejectionBlock);
    const writes = hashedWritesOf(block.getBlock() as common.Block).filter(
      (w) => w.keyHash === keyHash(stagingKey),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({ purge: true });
    // and no later block of the member peer holds the record either
    const after = await blocksWithPrivateData(admin, stagingBlock, rejectionBlock);
    for (const b of after) expect(privateWritesOf(b, appId)).toEqual([]);
  });

  it('every block, read by an admin, holds none of the personal values in any form', async () => {
    // the ledger before this scan: its blocks are fetched once, every one of them
    const admin = cityAAdmin();
    const last = (await height(admin)) - 1n;
    const blocks = (await blocksWithPrivateData(admin, 0n, last)).map((b) => b.getBlock() as common.Block);
    expect(blocks).toHaveLength(Number(last) + 1);
    expect(blocks.map((b) => Number(b.getHeader()?.getNumber()))).toEqual([
      ...Array(Number(last) + 1).keys(),
    ]);
    const needles = [
      ...allPersonalValues(),
      // what a reader could enumerate: the plain SHA-256 of an account number
      ...PersonalValues.bankAccounts.map((a) => ({ kind: 'plain account hash', value: sha256hex(a) })),
    ];
    // the scan finds what it looks for: a block with a value planted in it is caught
    const planted = common.Block.deserializeBinary(blocks[blocks.length - 1].serializeBinary());
    planted.getData()?.addData(Buffer.from(`planted ${holder.address}`, 'utf8'));
    expect(
      scanBlock(planted, [{ kind: 'addresses', value: PersonalValues.addresses[2] }]).length,
    ).toBeGreaterThan(0);
    const findings = blocks.flatMap((b) => scanBlock(b, needles));
    expect(findings).toEqual([]);
  });

  it("a citizen's own certificate still cannot read the blocks the scan read", async () => {
    const citizen = asUser('citizen-a1');
    await expect(blocksWithPrivateData(citizen, 0n, 0n)).rejects.toThrow();
  });
});

/** The private writes of a block (with private data) to the scan's application key in City A's collection. */
function privateWritesOf(b: peer.BlockAndPrivateData, appId: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  b.getPrivateDataMapMap().forEach((tx: ledger.rwset.TxPvtReadWriteSet) => {
    for (const ns of tx.getNsPvtRwsetList()) {
      if (ns.getNamespace() !== CHAINCODE) continue;
      for (const coll of ns.getCollectionPvtRwsetList()) {
        if (coll.getCollectionName() !== COLLECTION) continue;
        const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(coll.getRwset_asU8());
        for (const w of kv.getWritesList())
          if (w.getKey().includes(appId)) out.push({ key: w.getKey(), value: utf8(w.getValue_asU8()) });
      }
    }
  });
  return out;
}

/** The hashed writes to City A's licence collection in a block's valid and invalid transactions. */
function hashedWritesOf(block: common.Block): { keyHash: string; delete: boolean; purge: boolean }[] {
  const out: { keyHash: string; delete: boolean; purge: boolean }[] = [];
  for (const envBytes of block.getData()?.getDataList_asU8() ?? []) {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(envBytes).getPayload_asU8(),
    );
    const ch = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (ch.getType() !== common.HeaderType.ENDORSER_TRANSACTION) continue;
    for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
      const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const prp = peer.ProposalResponsePayload.deserializeBinary(
        cap.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array(),
      );
      const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(
        peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8()).getResults_asU8(),
      );
      for (const ns of rwset.getNsRwsetList()) {
        if (ns.getNamespace() !== CHAINCODE) continue;
        for (const c of ns.getCollectionHashedRwsetList()) {
          if (c.getCollectionName() !== COLLECTION) continue;
          for (const w of ledger.rwset.kvrwset.HashedRWSet.deserializeBinary(
            c.getHashedRwset_asU8(),
          ).getHashedWritesList())
            out.push({
              keyHash: Buffer.from(w.getKeyHash_asU8()).toString('hex'),
              delete: w.getIsDelete(),
              purge: w.getIsPurge(),
            });
        }
      }
    }
  }
  return out;
}

/** SHA-256 of a private key, as the hashed write sets name it. */
function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
