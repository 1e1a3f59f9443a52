import * as grpc from '@grpc/grpc-js';
import { connect, signers } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import crypto from 'node:crypto';
import request from 'supertest';
import { signedBytesOf } from '../src/fabric/offline-signing';
import { ALICE, BOB, makeHarness, type Harness } from './harness';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
  h.ledger.on('data-sharing', 'GrantConsent', (req) => ({
    consentId: (req as { consentId: string }).consentId,
    state: 'active',
  }));
});
afterEach(() => h.close());

const sign = async (keyPem: string, digestB64: string) =>
  Buffer.from(
    await signers.newPrivateKeySigner(crypto.createPrivateKey(keyPem))(Buffer.from(digestB64, 'base64')),
  ).toString('base64');

describe('offline signing', () => {
  it('prepares, endorses, submits and reports the commit with the caller signing each digest', async () => {
    // a citizen whose key never reaches the gateway: only the certificate is sent
    const citizen = await h.bearer({ sub: 'citizen-x', org: 'CityBMSP', roles: ['citizen'] });
    const prep = await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', citizen)
      .send({
        chaincode: 'data-sharing',
        transaction: 'GrantConsent',
        request: { consentId: 'C1' },
        certificate: BOB.certificate,
      })
      .expect(201);
    expect(prep.body).toMatchObject({ stage: 'proposal', digest: expect.any(String) });
    const txId = prep.body.transactionId;
    const url = `/api/v1/offline/transactions/${txId}/signatures`;
    const endorsed = await request(h.gateway.app)
      .post(url)
      .set('Authorization', citizen)
      .send({ stage: 'proposal', signature: await sign(BOB.privateKey, prep.body.digest) })
      .expect(200);
    expect(endorsed.body).toMatchObject({
      stage: 'transaction',
      result: { consentId: 'C1', state: 'active' },
    });
    const submitted = await request(h.gateway.app)
      .post(url)
      .set('Authorization', citizen)
      .send({ stage: 'transaction', signature: await sign(BOB.privateKey, endorsed.body.digest) })
      .expect(200);
    expect(submitted.body.stage).toBe('commit');
    const status = await request(h.gateway.app)
      .get(`/api/v1/offline/transactions/${txId}`)
      .set('Authorization', citizen)
      .expect(200);
    expect(status.body).toMatchObject({ stage: 'commit', digest: submitted.body.digest });
    const done = await request(h.gateway.app)
      .post(url)
      .set('Authorization', citizen)
      .send({ stage: 'commit', signature: await sign(BOB.privateKey, submitted.body.digest) })
      .expect(200);
    expect(done.body).toMatchObject({
      stage: 'done',
      status: 'committed',
      result: { consentId: 'C1', state: 'active' },
    });
    expect(h.ledger.calls[0].identity).toEqual({
      mspId: 'CityBMSP',
      label: 'CityBMSP/citizen-x',
      certificate: BOB.certificate,
    });
  });

  it('uses the enrolled certificate when none is given, and refuses a wrong signature or stage', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    const prep = await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .send({ chaincode: 'data-sharing', transaction: 'GrantConsent', request: { consentId: 'C2' } })
      .expect(201);
    const url = `/api/v1/offline/transactions/${prep.body.transactionId}/signatures`;
    const wrongKey = await request(h.gateway.app)
      .post(url)
      .set('Authorization', alice)
      .send({ stage: 'proposal', signature: await sign(BOB.privateKey, prep.body.digest) })
      .expect(400);
    // checked against the certificate before anything reaches Fabric
    expect(wrongKey.body).toMatchObject({
      code: 'INVALID_SIGNATURE',
      stage: 'proposal',
      transactionId: prep.body.transactionId,
    });
    const wrongStage = await request(h.gateway.app)
      .post(url)
      .set('Authorization', alice)
      .send({ stage: 'commit', signature: await sign(ALICE.privateKey, prep.body.digest) })
      .expect(409);
    expect(wrongStage.body.code).toBe('OFFLINE_STAGE_MISMATCH');
    await request(h.gateway.app)
      .post(url)
      .set('Authorization', alice)
      .send({ stage: 'proposal', signature: await sign(ALICE.privateKey, prep.body.digest) })
      .expect(200);
  });

  it('keeps sessions private to their caller and refuses bad input', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    const prep = await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .send({ chaincode: 'data-sharing', transaction: 'GrantConsent', request: {} })
      .expect(201);
    const bob = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: [] });
    await request(h.gateway.app)
      .get(`/api/v1/offline/transactions/${prep.body.transactionId}`)
      .set('Authorization', bob)
      .expect(404);
    await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .send({ chaincode: 'nope', transaction: 'X', request: {} })
      .expect(400);
    const badCert = await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .send({ chaincode: 'e-licence', transaction: 'X', request: {}, certificate: 'not a cert' })
      .expect(400);
    expect(badCert.body.errors[0].path).toBe('certificate');
    const nobody = await h.bearer({ sub: 'nobody', roles: [] });
    await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', nobody)
      .send({ chaincode: 'e-licence', transaction: 'X', request: {} })
      .expect(403);
  });

  it("pins e-licence transactions on a licence collection to the certificate's organisation", async () => {
    // seven sessions for alice: above the default cap of open sessions per caller
    h.close();
    h = await makeHarness({ offline: { maxOpenPerCaller: 10 } });
    const prepare = jest.spyOn(h.ledger.offline, 'prepare');
    const prepared = async (auth: string, body: Record<string, unknown>) => {
      await request(h.gateway.app)
        .post('/api/v1/offline/transactions')
        .set('Authorization', auth)
        .send({ request: {}, ...body })
        .expect(201);
      return prepare.mock.calls.at(-1)![1].endorsingOrganizations;
    };
    const bob = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: [] });
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    expect(
      await prepared(bob, {
        chaincode: 'e-licence',
        transaction: 'StageLicencePrivateData',
        transient: { licencePrivate: {} },
      }),
    ).toEqual(['CityBMSP']);
    expect(
      await prepared(alice, { chaincode: 'e-licence', transaction: 'StageApplicationPrivateData' }),
    ).toEqual(['CityAMSP']);
    // the public step of verify-by-hash carries no personal data: the majority endorses it
    expect(await prepared(alice, { chaincode: 'e-licence', transaction: 'IssueLicence' })).toBeUndefined();
    expect(
      await prepared(alice, { chaincode: 'e-licence', transaction: 'ApproveApplication' }),
    ).toBeUndefined();
    // other transactions leave the choice to the peer gateway; a caller may pin any of them
    expect(await prepared(alice, { chaincode: 'e-licence', transaction: 'SuspendLicence' })).toBeUndefined();
    expect(await prepared(alice, { chaincode: 'data-sharing', transaction: 'GrantConsent' })).toBeUndefined();
    expect(
      await prepared(alice, {
        chaincode: 'data-sharing',
        transaction: 'GrantConsent',
        endorsingOrganizations: ['CityAMSP', 'CityBMSP'],
      }),
    ).toEqual(['CityAMSP', 'CityBMSP']);
  });
});

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest();

/** Rows of the offline-session table. */
const storedSessions = (db: Harness['db']) =>
  (db.prepare('SELECT COUNT(*) AS n FROM offline_tx').get() as { n: number }).n;

describe('what the client signs', () => {
  it('is handed at every stage: the bytes whose SHA-256 is the digest', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    const prep = await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .send({ chaincode: 'data-sharing', transaction: 'GrantConsent', request: { consentId: 'C9' } })
      .expect(201);
    const check = (view: { digest: string; message: string }) =>
      expect(sha256(Buffer.from(view.message, 'base64')).toString('base64')).toBe(view.digest);
    check(prep.body);
    // the fake ledger's proposal names the call: the client can see what it signs
    const shown = Buffer.from(prep.body.message, 'base64').toString('utf8');
    expect(shown).toContain('GrantConsent');
    expect(shown).toContain('C9');
    expect(Date.parse(prep.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
    const url = `/api/v1/offline/transactions/${prep.body.transactionId}/signatures`;
    const endorsed = await request(h.gateway.app)
      .post(url)
      .set('Authorization', alice)
      .send({ stage: 'proposal', signature: await sign(ALICE.privateKey, prep.body.digest) })
      .expect(200);
    check(endorsed.body);
    const submitted = await request(h.gateway.app)
      .post(url)
      .set('Authorization', alice)
      .send({ stage: 'transaction', signature: await sign(ALICE.privateKey, endorsed.body.digest) })
      .expect(200);
    check(submitted.body);
    const seen = await request(h.gateway.app)
      .get(`/api/v1/offline/transactions/${prep.body.transactionId}`)
      .set('Authorization', alice)
      .expect(200);
    expect(seen.body.message).toBe(submitted.body.message);
    await request(h.gateway.app)
      .post(url)
      .set('Authorization', alice)
      .send({ stage: 'commit', signature: await sign(ALICE.privateKey, submitted.body.digest) })
      .expect(200);
    // once done nothing is left to sign, and the stored message is dropped
    const row = h.db.prepare('SELECT length(bytes) AS n FROM offline_tx').get() as { n: number };
    expect(row.n).toBe(0);
  });

  it('is the proposal inside a real fabric-gateway proposal, decodable to the call', () => {
    const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure());
    const gw = connect({
      client,
      identity: { mspId: 'CityAMSP', credentials: Buffer.from(ALICE.certificate) },
    });
    try {
      const proposal = gw
        .getNetwork('govchannel')
        .getContract('data-sharing')
        .newProposal('GrantConsent', { arguments: ['{"consentId":"C1"}'] });
      const bytes = proposal.getBytes();
      const digest = proposal.getDigest();
      // the stored message is not itself what is signed
      expect(sha256(Buffer.from(bytes)).equals(Buffer.from(digest))).toBe(false);
      const signed = signedBytesOf('proposal', bytes, digest);
      expect(signed).toBeDefined();
      expect(sha256(Buffer.from(signed as Uint8Array)).equals(Buffer.from(digest))).toBe(true);
      const decoded = peer.Proposal.deserializeBinary(signed as Uint8Array);
      const payload = peer.ChaincodeProposalPayload.deserializeBinary(decoded.getPayload_asU8());
      const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec();
      expect(spec?.getChaincodeId()?.getName()).toBe('data-sharing');
      expect(
        spec
          ?.getInput()
          ?.getArgsList_asU8()
          .map((a) => Buffer.from(a).toString('utf8')),
      ).toEqual(['GrantConsent', '{"consentId":"C1"}']);
      // bytes that hash to nothing stored are never shown
      expect(signedBytesOf('proposal', bytes, Buffer.alloc(32))).toBeUndefined();
    } finally {
      gw.close();
      client.close();
    }
  });
});

describe('offline session lifetime and cap', () => {
  const prepare = (auth: string, consentId = 'C1') =>
    request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', auth)
      .send({ chaincode: 'data-sharing', transaction: 'GrantConsent', request: { consentId } });

  afterEach(() => jest.restoreAllMocks());

  it('refuses an expired session (410 once, then 404) and deletes it with its bytes', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    const prep = await prepare(alice).expect(201);
    const other = await prepare(alice, 'C2').expect(201);
    const url = `/api/v1/offline/transactions/${prep.body.transactionId}`;
    await request(h.gateway.app).get(url).set('Authorization', alice).expect(200);
    const start = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(start + 15 * 60_000 + 1000);
    const gone = await request(h.gateway.app).get(url).set('Authorization', alice).expect(410);
    expect(gone.body.code).toBe('OFFLINE_SESSION_EXPIRED');
    // the access purged every expired session, the other one too
    expect(storedSessions(h.db)).toBe(0);
    await request(h.gateway.app).get(url).set('Authorization', alice).expect(404);
    const late = await request(h.gateway.app)
      .post(`/api/v1/offline/transactions/${other.body.transactionId}/signatures`)
      .set('Authorization', alice)
      .send({ stage: 'proposal', signature: await sign(ALICE.privateKey, other.body.digest) })
      .expect(404);
    expect(late.body.code).toBe('OFFLINE_TRANSACTION_NOT_FOUND');
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('purges expired sessions on a timer, without any access', async () => {
    h.close();
    h = await makeHarness({ offline: { ttlMs: 100, purgeIntervalMs: 20 } });
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    await prepare(alice).expect(201);
    await prepare(alice, 'C2').expect(201);
    expect(storedSessions(h.db)).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(storedSessions(h.db)).toBe(0);
    await h.gateway.drain();
  });

  it('caps the open sessions of a caller (429 with Retry-After), not those of others', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    const first = await prepare(alice).expect(201);
    for (let i = 2; i <= 5; i++) await prepare(alice, `C${i}`).expect(201);
    const refused = await prepare(alice, 'C6').expect(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('OFFLINE_SESSION_LIMIT');
    // the oldest session frees its place when it expires, 15 minutes from now
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(h.ledger.calls).toHaveLength(0);
    // another caller is not affected
    await prepare(await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: [] })).expect(201);
    // a finished session no longer counts
    const url = `/api/v1/offline/transactions/${first.body.transactionId}/signatures`;
    let digest = first.body.digest as string;
    for (const stage of ['proposal', 'transaction', 'commit']) {
      const res = await request(h.gateway.app)
        .post(url)
        .set('Authorization', alice)
        .send({ stage, signature: await sign(ALICE.privateKey, digest) })
        .expect(200);
      digest = res.body.digest;
    }
    await prepare(alice, 'C7').expect(201);
    await prepare(alice, 'C8').expect(429);
    // nor does an expired one
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 16 * 60_000);
    await prepare(alice, 'C9').expect(201);
  });
});
