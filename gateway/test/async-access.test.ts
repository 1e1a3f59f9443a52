/**
 * Who reads an asynchronous write's stored result (issue 14): its submitter whole, a certified
 * admin of the submitter's organisation without the result, anyone else only what the ledger
 * says of any transaction id (status and block; 404 while unknown).
 */
import request from 'supertest';
import { LedgerError } from '../src/fabric/ledger';
import { adminView, asyncAccess, type AsyncTransactionRecord } from '../src/writes/async-transactions';
import { ADMIN_A, ADMIN_B, ALICE, makeHarness, OFFICER_A, type Harness } from './harness';
import { testRoutes } from './test-routes';

let h: Harness;

beforeEach(async () => {
  h = await makeHarness({ extraRoutes: testRoutes });
  h.ledger.on('e-licence', 'CreateThing', (req) => ({ created: req }));
  await h.wallet.put({ mspId: 'CityAMSP', label: 'admin-a', ...ADMIN_A });
  await h.wallet.put({ mspId: 'CityBMSP', label: 'admin-b', ...ADMIN_B });
  // claims role admin in its token, but its certificate does not carry gov.role admin
  await h.wallet.put({ mspId: 'CityAMSP', label: 'officer-a', ...OFFICER_A });
});
afterEach(() => h.close());

const PID = 'a1'.repeat(16);

/** An asynchronous write by alice (CityAMSP, with a pid), committed; returns its status URL. */
async function asyncWrite(): Promise<string> {
  const alice = await h.bearer({ sub: 'alice', roles: ['issuer'], pid: PID });
  const res = await request(h.gateway.app)
    .post('/api/v1/test/things/T1')
    .set('Authorization', alice)
    .set('Prefer', 'respond-async')
    .send({ name: 'n', count: 1 })
    .expect(202);
  await h.gateway.drain();
  return res.body.statusUrl as string;
}

/** GETs a status URL as the caller of `claims`, expecting `status`. */
const statusAs = async (url: string, claims: Parameters<Harness['bearer']>[0], status: number) =>
  request(h.gateway.app)
    .get(url)
    .set('Authorization', await h.bearer(claims))
    .expect(status);

describe('asynchronous results', () => {
  it('are read whole by their submitter (same organisation, subject and pid)', async () => {
    const url = await asyncWrite();
    const own = await statusAs(url, { sub: 'alice', roles: ['issuer'], pid: PID }, 200);
    expect(own.body).toMatchObject({ status: 'committed', result: { created: { thingId: 'T1' } } });
  });

  it("show anyone else only the ledger's view (status and block), never the stored record", async () => {
    const url = await asyncWrite();
    const txId = url.split('/').pop() as string;
    const own = await statusAs(url, { sub: 'alice', roles: ['issuer'], pid: PID }, 200);
    // every caller below has an identity in the wallet (the ledger is asked under it)
    await h.wallet.put({ mspId: 'CityAMSP', label: 'carol', ...ALICE });
    const others: Parameters<Harness['bearer']>[0][] = [
      { sub: 'bob', org: 'CityBMSP', roles: [] }, // another organisation
      { sub: 'carol', roles: ['issuer'] }, // the same organisation, another subject
      { sub: 'alice', roles: ['issuer'], pid: 'b2'.repeat(16) }, // the same subject, another pid
      { sub: 'alice', roles: ['issuer'] }, // the same subject without the pid
      { sub: 'admin-b', org: 'CityBMSP', roles: ['admin'] }, // a certified admin of another organisation
      { sub: 'officer-a', roles: ['admin'] }, // admin by token claim only
    ];
    for (const claims of others) {
      const res = await statusAs(url, claims, 200);
      // exactly what the ledger says of any transaction id: no result, attempts, chaincode, problem
      expect(res.body).toEqual({
        transactionId: txId,
        status: 'committed',
        blockNumber: own.body.blockNumber,
      });
    }
  });

  it('are 404 to anyone else while the ledger does not know them yet, as an unknown id is', async () => {
    h.ledger.commitDelayMs = -1; // never commits in this test
    const alice = await h.bearer({ sub: 'alice', roles: ['issuer'], pid: PID });
    const res = await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', alice)
      .set('Prefer', 'respond-async')
      .send({ name: 'n', count: 1 })
      .expect(202);
    const own = await statusAs(res.body.statusUrl, { sub: 'alice', roles: ['issuer'], pid: PID }, 200);
    expect(own.body.status).toBe('submitted');
    const stranger = { sub: 'bob', org: 'CityBMSP', roles: [] };
    const pending = await statusAs(res.body.statusUrl, stranger, 404);
    const unknown = await statusAs(`/api/v1/transactions/${'0'.repeat(64)}`, stranger, 404);
    expect(pending.body.code).toBe('TRANSACTION_NOT_FOUND');
    expect(pending.body.code).toBe(unknown.body.code);
    expect(pending.body.detail.replace(res.body.transactionId, 'X')).toBe(
      unknown.body.detail.replace('0'.repeat(64), 'X'),
    );
  });

  it("show a certified admin of the submitter's organisation the status, never the result", async () => {
    const url = await asyncWrite();
    const admin = await statusAs(url, { sub: 'admin-a', roles: ['admin'] }, 200);
    expect(admin.body).toMatchObject({ status: 'committed', attempts: 1 });
    expect(admin.body.result).toBeUndefined();
  });

  it("show that admin only a failure's status and code", async () => {
    h.ledger.commitFailure = new LedgerError('commit', 'invalid', 'conflict', {
      validationCode: 'MVCC_READ_CONFLICT',
    });
    const url = await asyncWrite();
    const admin = await statusAs(url, { sub: 'admin-a', roles: ['admin'] }, 200);
    expect(admin.body).toMatchObject({
      status: 'failed',
      problem: { status: 409, code: 'TRANSACTION_CONFLICT' },
    });
    expect(Object.keys(admin.body.problem).sort()).toEqual(['code', 'status']);
    const own = await statusAs(url, { sub: 'alice', roles: ['issuer'], pid: PID }, 200);
    expect(own.body.problem.detail).toEqual(expect.any(String));
  });
});

describe('asyncAccess', () => {
  const rec = {
    transactionId: 't',
    currentTransactionId: 't',
    status: 'committed',
    attempts: 1,
    chaincode: 'c',
    transaction: 'T',
    result: { secret: 1 },
    caller: 'CityAMSP/alice',
    identityMsp: 'CityAMSP',
    identityLabel: 'alice',
    createdAt: 0,
    updatedAt: 0,
  } satisfies AsyncTransactionRecord;
  const reader = { key: 'CityAMSP/alice', org: 'CityAMSP', certifiedAdmin: false };

  it('decides submitter, org-admin or none', () => {
    expect(asyncAccess(rec, reader)).toBe('submitter');
    // a record without a pid is its subject's, whatever pid the reader has now
    expect(asyncAccess(rec, { ...reader, pid: 'ab'.repeat(16) })).toBe('submitter');
    expect(asyncAccess({ ...rec, callerPid: 'ab'.repeat(16) }, reader)).toBe('none');
    expect(asyncAccess(rec, { ...reader, key: 'CityAMSP/bob' })).toBe('none');
    expect(asyncAccess(rec, { ...reader, key: 'CityAMSP/admin-a', certifiedAdmin: true })).toBe('org-admin');
    expect(asyncAccess(rec, { key: 'CityBMSP/admin-b', org: 'CityBMSP', certifiedAdmin: true })).toBe('none');
    // an organisation whose name starts like the submitter's is another organisation
    expect(asyncAccess(rec, { key: 'CityA/admin', org: 'CityA', certifiedAdmin: true })).toBe('none');
    expect(adminView(rec)).not.toHaveProperty('result');
  });
});
