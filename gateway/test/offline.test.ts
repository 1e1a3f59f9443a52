import { signers } from '@hyperledger/fabric-gateway';
import crypto from 'node:crypto';
import request from 'supertest';
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
