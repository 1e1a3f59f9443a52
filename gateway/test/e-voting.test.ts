/**
 * Secret elections through the gateway with real RFC 9474 blind signatures from
 * two authorities: each city's election admin has the gateway make and seal that
 * city's key (apart from the other's) and registers it under its own identity;
 * a voter's token request is recorded under the voter's identity and each
 * authority issues under its own organisation before it signs; the anonymous
 * ballot box checks ballots and casts them in shuffled batches of a minimum size,
 * flushing before the close, without logging client addresses.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import crypto, { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { eVoting } from '@govledger/wire';
import { shuffle } from '../src/elections/ballot-box';
import { chaincodeRefusal } from './fake-ledger';
import { BOB, WALLET_KEY, makeHarness, type Harness } from './harness';

jest.setTimeout(90_000);

const suite = RSABSSA.SHA384.PSS.Randomized();
const MIN_BATCH = 3;
const LEAD_MS = 1_000;
let h: Harness;
let adminA: string;
let adminB: string;
let pidNow = 'f0'.repeat(32);
let keysDir: string;

interface StoredAuthority {
  mspId: string;
  key: { jwk: webcrypto.JsonWebKey; fingerprint: string; modulusBits: number; publicKeyPem: string };
}
let elections: Record<string, { election: Record<string, unknown>; authorities: StoredAuthority[] }>;
let batches: { electionId: string; ballots: eVoting.SecretBallot[]; castBy: string }[];

beforeEach(async () => {
  keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'election-keys-'));
  h = await makeHarness({
    chaincodeRouteDeps: {
      electionKeysDir: keysDir,
      walletKey: WALLET_KEY,
      electionAuthorities: { CityAMSP: 'admin-a', CityBMSP: 'admin-b' },
      ballotBoxSettings: { minBatch: MIN_BATCH, closeLeadMs: LEAD_MS, sweepMs: 100 },
    },
  });
  const alice = (await h.wallet.get('CityAMSP', 'alice'))!;
  await h.wallet.put({ ...alice, label: 'ballot-box-a' });
  await h.wallet.put({ ...alice, label: 'admin-a' });
  await h.wallet.put({ mspId: 'CityBMSP', label: 'admin-b', ...BOB });
  adminA = await h.bearer({ sub: 'admin-a', roles: ['election-admin'], dept: 'civil' });
  adminB = await h.bearer({ sub: 'admin-b', org: 'CityBMSP', roles: ['election-admin'], dept: 'civil' });
  elections = {};
  batches = [];
  h.ledger.on('e-voting', 'CreateElection', (req) => {
    const r = req as { electionId: string; mode: { authorities: { mspId: string }[]; threshold: number } };
    // stored as the chaincode stores it: authorities by MSP id
    const mode = { ...r.mode, authorities: r.mode.authorities.map((a) => a.mspId) };
    elections[r.electionId] = { election: { ...r, mode }, authorities: [] };
    return { ...r, mode };
  });
  h.ledger.on('e-voting', 'GetElection', (req) => {
    const e = elections[(req as { electionId: string }).electionId]!;
    return { election: e.election, phase: 'open', authorities: e.authorities };
  });
  h.ledger.on('e-voting', 'RegisterAuthorityKey', (req, identity) => {
    const r = req as { electionId: string; publicKey: { pem: string } };
    const key = crypto.createPublicKey(r.publicKey.pem);
    const record = {
      mspId: identity.mspId,
      key: {
        jwk: key.export({ format: 'jwk' }),
        fingerprint: crypto
          .createHash('sha256')
          .update(key.export({ type: 'spki', format: 'der' }))
          .digest('hex'),
        modulusBits: 2048,
        publicKeyPem: r.publicKey.pem,
      },
    };
    elections[r.electionId]!.authorities.push(record);
    return record;
  });
  h.ledger.on('e-voting', 'RequestToken', (req, identity) => ({
    electionId: (req as { electionId: string }).electionId,
    voter: { mspId: identity.mspId, pid: pidNow },
    txId: 'tx-req',
  }));
  h.ledger.on('e-voting', 'IssueToken', (req, identity) => ({
    ...(req as object),
    authority: identity.mspId,
    txId: `tx-${identity.mspId}`,
  }));
  h.ledger.on('e-voting', 'CastSecretBallots', (req, identity) => {
    const r = req as { electionId: string; ballots: eVoting.SecretBallot[] };
    batches.push({ ...r, castBy: identity.label });
    return { electionId: r.electionId, receipts: [], txId: 'tx-batch' };
  });
});
afterEach(() => h.close());

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

function secretElection(electionId: string, closesAt = Date.now() + 60_000) {
  return {
    electionId,
    title: 'Build the library?',
    ballot: { kind: 'yesNoAbstain' },
    opensAt: iso(Date.now() - 60_000),
    closesAt: iso(closesAt),
    eligibility: { kind: 'roll' },
    quorum: { kind: 'none' },
    passThresholdPerMille: 500,
    mode: { kind: 'secret', authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }], threshold: 2 },
  };
}

/** Creates the election (schedule checks are the chaincode's) and has both cities register their keys. */
async function setUp(electionId = 'E-SECRET', closesAt?: number): Promise<void> {
  await request(h.gateway.app)
    .post('/api/v1/elections')
    .set('Authorization', adminA)
    .send(secretElection(electionId, closesAt))
    .expect(201);
  for (const admin of [adminA, adminB]) {
    await request(h.gateway.app)
      .post(`/api/v1/elections/${electionId}/authority-keys`)
      .set('Authorization', admin)
      .send({})
      .expect(201);
  }
}

async function importKey(a: StoredAuthority) {
  return (await webcrypto.subtle.importKey('jwk', a.key.jwk, { name: 'RSA-PSS', hash: 'SHA-384' }, true, [
    'verify',
  ])) as Parameters<typeof suite.blind>[0];
}

/** The voter's app: one token, blinded per authority, sent to /tokens, finalized. */
async function vote(electionId: string, pid: string): Promise<eVoting.SecretBallot & { receipt: string }> {
  pidNow = pid;
  const voter = await h.bearer({ sub: 'alice', roles: ['citizen'], pid });
  const prepared = suite.prepare(
    new TextEncoder().encode(eVoting.tokenMessage(electionId, crypto.randomBytes(32).toString('hex'))),
  );
  const keys = await Promise.all(
    elections[electionId]!.authorities.map(async (a) => ({ mspId: a.mspId, key: await importKey(a) })),
  );
  const blinds = await Promise.all(
    keys.map(async (k) => ({ ...k, ...(await suite.blind(k.key, prepared)) })),
  );
  const res = await request(h.gateway.app)
    .post(`/api/v1/elections/${electionId}/tokens`)
    .set('Authorization', voter)
    .send({
      blinded: blinds.map((b) => ({
        mspId: b.mspId,
        blindedMsg: Buffer.from(b.blindedMsg).toString('base64url'),
      })),
    })
    .expect(200);
  const signatures = [];
  for (const b of blinds) {
    const sig = (res.body.signatures as { mspId: string; blindSig: string }[]).find(
      (s) => s.mspId === b.mspId,
    )!;
    const final = await suite.finalize(b.key, prepared, Buffer.from(sig.blindSig, 'base64url'), b.inv);
    signatures.push({ mspId: b.mspId, signature: Buffer.from(final).toString('base64url') });
  }
  return {
    choices: ['yes'],
    token: Buffer.from(prepared).toString('base64url'),
    signatures,
    receipt: crypto.createHash('sha256').update(prepared).digest('hex'),
  };
}

const drop = (electionId: string, ballot: object) =>
  request(h.gateway.app).post(`/api/v1/ballot-box/elections/${electionId}/ballots`).send(ballot);

/** A ballot as the box takes it (without the receipt the app keeps). */
const body = (b: eVoting.SecretBallot) => ({ choices: b.choices, token: b.token, signatures: b.signatures });

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ok()).toBe(true);
};

describe('authority keys', () => {
  it("makes each city's key apart, sealed for that city, and registers it under the city's own admin", async () => {
    await setUp();
    const calls = h.ledger.calls.filter((c) => c.invocation.transaction === 'RegisterAuthorityKey');
    expect(calls.map((c) => [c.identity.mspId, c.identity.label])).toEqual([
      ['CityAMSP', 'admin-a'],
      ['CityBMSP', 'admin-b'],
    ]);
    expect(JSON.stringify(calls.map((c) => c.request))).not.toContain('PRIVATE');
    const files = ['CityAMSP', 'CityBMSP'].map((msp) =>
      fs.readFileSync(path.join(keysDir, msp, 'E-SECRET.key.json'), 'utf8'),
    );
    for (const f of files) expect(f).not.toContain('PRIVATE KEY');
    const [a, b] = elections['E-SECRET']!.authorities;
    expect(a!.key.fingerprint).not.toBe(b!.key.fingerprint);
    // City B's sealed key does not open as City A's (each is sealed under its own organisation's key)
    fs.copyFileSync(
      path.join(keysDir, 'CityBMSP', 'E-SECRET.key.json'),
      path.join(keysDir, 'CityAMSP', 'E-X.key.json'),
    );
    const { ElectionKeys } = await import('../src/election-keys');
    await expect(new ElectionKeys(keysDir, WALLET_KEY).forOrg('CityAMSP').get('E-X')).rejects.toThrow();
    // a retried registration reuses the key
    await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/authority-keys')
      .set('Authorization', adminA)
      .send({})
      .expect(201);
    const again = h.ledger.calls.filter((c) => c.invocation.transaction === 'RegisterAuthorityKey').at(-1)!;
    expect((again.request as { publicKey: { pem: string } }).publicKey.pem).toBe(a!.key.publicKeyPem);
  });
});

describe('token issuance', () => {
  it('records the request under the voter, each authority issues under its own organisation, and both signatures verify', async () => {
    await setUp();
    const ballot = await vote('E-SECRET', 'a1'.repeat(32));
    const order = h.ledger.calls
      .filter((c) => ['RequestToken', 'IssueToken'].includes(c.invocation.transaction))
      .map((c) => `${c.invocation.transaction}:${c.identity.label}`);
    expect(order).toEqual(['RequestToken:alice', 'IssueToken:admin-a', 'IssueToken:admin-b']);
    const req = h.ledger.calls.find((c) => c.invocation.transaction === 'RequestToken')!.request as {
      blinded: unknown[];
    };
    expect(req.blinded).toHaveLength(2);
    expect(JSON.stringify(req)).not.toContain(ballot.token);
    for (const a of elections['E-SECRET']!.authorities) {
      const sig = ballot.signatures.find((s) => s.mspId === a.mspId)!;
      expect(
        await suite.verify(
          await importKey(a),
          Buffer.from(sig.signature, 'base64url'),
          Buffer.from(ballot.token, 'base64url'),
        ),
      ).toBe(true);
    }
  });

  it('signs nothing when the chaincode refuses the token request', async () => {
    await setUp();
    h.ledger.on('e-voting', 'RequestToken', () =>
      chaincodeRefusal('INELIGIBLE_VOTER', 403, 'not on the roll'),
    );
    const res = await request(h.gateway.app)
      .post('/api/v1/elections/E-SECRET/tokens')
      .set('Authorization', await h.bearer({ sub: 'alice', roles: ['citizen'], pid: pidNow }))
      .send({
        blinded: ['CityAMSP', 'CityBMSP'].map((mspId) => ({
          mspId,
          blindedMsg: Buffer.alloc(256, 1).toString('base64url'),
        })),
      })
      .expect(403);
    expect(res.body.code).toBe('INELIGIBLE_VOTER');
    expect(h.ledger.calls.filter((c) => c.invocation.transaction === 'IssueToken')).toHaveLength(0);
  });

  it('validates election shapes and roles', async () => {
    const bad = await request(h.gateway.app)
      .post('/api/v1/elections')
      .set('Authorization', adminA)
      .send({
        ...secretElection('E-BAD'),
        mode: { kind: 'secret', authorities: [{ mspId: 'CityAMSP' }], threshold: 2 },
      })
      .expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['mode.threshold']);
    await request(h.gateway.app)
      .post('/api/v1/elections')
      .set('Authorization', await h.bearer({ sub: 'alice', roles: ['citizen'], pid: pidNow }))
      .send(secretElection('E-X'))
      .expect(403);
  });
});

describe('the anonymous ballot box', () => {
  it('checks ballots, casts in batches of the minimum size under the ballot-box identity, and logs no address', async () => {
    await setUp();
    const ballots: Awaited<ReturnType<typeof vote>>[] = [];
    for (let i = 0; i < MIN_BATCH + 1; i++) ballots.push(await vote('E-SECRET', `${i}`.repeat(64)));
    const [first, ...rest] = ballots;
    // refused before anything is kept: one authority alone, a bad signature, a foreign token
    const one = { ...body(first!), signatures: first!.signatures.slice(0, 1) };
    expect((await drop('E-SECRET', one).expect(400)).body.code).toBe('INSUFFICIENT_SIGNATURES');
    const swapped = {
      ...body(first!),
      signatures: [
        first!.signatures[0]!,
        { ...first!.signatures[1]!, signature: first!.signatures[0]!.signature },
      ],
    };
    expect((await drop('E-SECRET', swapped).expect(400)).body.code).toBe('BAD_SIGNATURE');
    expect((await drop('E-SECRET', { ...body(first!), token: rest[0]!.token }).expect(400)).body.code).toBe(
      'BAD_SIGNATURE',
    );
    const accepted = await drop('E-SECRET', body(first!)).expect(202);
    expect(accepted.body).toEqual({ electionId: 'E-SECRET', receipt: first!.receipt, state: 'queued' });
    expect((await drop('E-SECRET', body(first!)).expect(409)).body.code).toBe('TOKEN_ALREADY_USED');
    for (const b of rest.slice(0, MIN_BATCH - 2)) await drop('E-SECRET', body(b)).expect(202);
    expect(batches).toHaveLength(0); // below the minimum: nothing submitted
    await drop('E-SECRET', body(rest[MIN_BATCH - 2]!)).expect(202);
    await until(() => batches.length === 1);
    expect(batches[0]!.castBy).toBe('ballot-box-a');
    expect(batches[0]!.ballots.map((b) => b.token).sort()).toEqual(
      ballots
        .slice(0, MIN_BATCH)
        .map((b) => b.token)
        .sort(),
    );
    const stateOf = () =>
      request(h.gateway.app)
        .get(`/api/v1/ballot-box/elections/E-SECRET/ballots/${first!.receipt}`)
        .expect(200);
    for (let i = 0; i < 100 && (await stateOf()).body.state !== 'cast'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const state = await stateOf();
    expect(state.body).toEqual({
      electionId: 'E-SECRET',
      receipt: first!.receipt,
      state: 'cast',
      txId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const logs = h.logs.join('');
    expect(logs).not.toMatch(/127\.0\.0\.1|::1|remoteAddress|"ip"/);
    expect(logs).not.toContain(first!.signatures[0]!.signature);
  });

  it('flushes what it holds, even below the minimum, before the close, then refuses ballots', async () => {
    await setUp('E-CLOSE', Date.now() + LEAD_MS + 12_000);
    const b = await vote('E-CLOSE', 'c1'.repeat(32));
    const late = await vote('E-CLOSE', 'c2'.repeat(32));
    await drop('E-CLOSE', { choices: b.choices, token: b.token, signatures: b.signatures }).expect(202);
    expect(batches).toHaveLength(0);
    await until(() => batches.length === 1);
    expect(batches[0]!.ballots).toHaveLength(1);
    expect(
      (
        await drop('E-CLOSE', {
          choices: late.choices,
          token: late.token,
          signatures: late.signatures,
        }).expect(409)
      ).body.code,
    ).toBe('BALLOT_BOX_CLOSED');
  });

  it('sets aside the one ballot the chaincode refuses and casts the rest', async () => {
    await setUp();
    const ballots: Awaited<ReturnType<typeof vote>>[] = [];
    for (let i = 0; i < MIN_BATCH; i++) ballots.push(await vote('E-SECRET', `${i + 4}`.repeat(64)));
    let refused = false;
    h.ledger.on('e-voting', 'CastSecretBallots', (req, identity) => {
      const r = req as { electionId: string; ballots: eVoting.SecretBallot[] };
      const at = r.ballots.findIndex((x) => x.token === ballots[1]!.token);
      if (at >= 0) {
        refused = true;
        chaincodeRefusal(
          'TOKEN_ALREADY_USED',
          409,
          `ballot ${at}: a ballot with this token was cast already`,
        );
      }
      batches.push({ ...r, castBy: identity.label });
      return { receipts: [], txId: 'tx-rest' };
    });
    for (const b of ballots) await drop('E-SECRET', body(b)).expect(202);
    await until(() => refused);
    const state = () =>
      request(h.gateway.app).get(`/api/v1/ballot-box/elections/E-SECRET/ballots/${ballots[1]!.receipt}`);
    for (let i = 0; i < 100 && (await state()).body.state !== 'rejected'; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await state()).body).toMatchObject({ state: 'rejected', reason: 'TOKEN_ALREADY_USED' });
    // the rest wait for the minimum again: one more ballot makes a batch
    expect(batches).toHaveLength(0);
    const more = await vote('E-SECRET', '9'.repeat(64));
    await drop('E-SECRET', body(more)).expect(202);
    await until(() => batches.length === 1);
    expect(batches[0]!.ballots.map((b) => b.token).sort()).toEqual(
      [ballots[0]!, ballots[2]!, more].map((b) => b.token).sort(),
    );
  });

  it('keeps a batch queued when the whole batch is refused for a reason that may pass (a lagging peer)', async () => {
    await setUp();
    const ballots: Awaited<ReturnType<typeof vote>>[] = [];
    for (let i = 0; i < MIN_BATCH; i++)
      ballots.push(await vote('E-SECRET', `${i + 1}`.repeat(64).slice(0, 64)));
    let refusals = 0;
    h.ledger.on('e-voting', 'CastSecretBallots', (req, identity) => {
      if (refusals++ === 0) chaincodeRefusal('BALLOTS_EXCEED_ISSUED', 409, 'a lagging peer');
      const r = req as { electionId: string; ballots: eVoting.SecretBallot[] };
      batches.push({ ...r, castBy: identity.label });
      return { receipts: [], txId: 'tx-later' };
    });
    for (const b of ballots) await drop('E-SECRET', body(b)).expect(202);
    await until(() => batches.length === 1);
    expect(refusals).toBe(2);
    expect(batches[0]!.ballots).toHaveLength(MIN_BATCH);
  });

  it('shuffles with crypto randomness: arrival order does not survive', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const orders = new Set(Array.from({ length: 50 }, () => shuffle(items).join()));
    expect(orders.size).toBeGreaterThan(10);
    expect(shuffle(items).sort()).toEqual(items);
  });

  it('validates ballots and needs no token', async () => {
    const res = await drop('E-SECRET', { choices: ['yes'], token: 'not base64url!', signatures: [] }).expect(
      400,
    );
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('token');
    expect(h.ledger.calls).toHaveLength(0);
  });
});
