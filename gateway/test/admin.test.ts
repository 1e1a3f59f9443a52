import request from 'supertest';
import { ADMIN_A, makeHarness, type Harness } from './harness';

let h: Harness;
let admin: string;
beforeEach(async () => {
  h = await makeHarness();
  await h.wallet.put({ mspId: 'CityAMSP', label: 'admin-a', ...ADMIN_A });
  admin = await h.bearer({ sub: 'admin-a', roles: ['admin'] });
  h.ledger.on('fund-tracing', 'SweepUnspent', (req) => ({ swept: req }));
  h.ledger.on('fund-tracing', 'GetProgram', (req) => ({ program: req }));
});
afterEach(() => h.close());

describe('generic admin chaincode route', () => {
  it('submits any transaction with one JSON argument', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/admin/chaincodes/fund-tracing/transactions/SweepUnspent')
      .set('Authorization', admin)
      .send({ request: { programId: 'P1' } })
      .expect(200);
    expect(res.body).toMatchObject({
      result: { swept: { programId: 'P1' } },
      transactionId: expect.any(String),
    });
    expect(h.ledger.calls[0]).toMatchObject({
      kind: 'submit',
      invocation: { chaincode: 'fund-tracing', transaction: 'SweepUnspent', args: ['{"programId":"P1"}'] },
    });
  });

  it('evaluates with raw arguments', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/admin/chaincodes/fund-tracing/transactions/GetProgram')
      .set('Authorization', admin)
      .send({ mode: 'evaluate', args: ['{"programId":"P1"}'] })
      .expect(200);
    expect(res.body).toEqual({ result: { program: { programId: 'P1' } } });
  });

  it('is for admins only, and only for served chaincodes', async () => {
    const officer = await h.bearer({ sub: 'alice', roles: ['officer'] });
    await request(h.gateway.app)
      .post('/api/v1/admin/chaincodes/fund-tracing/transactions/SweepUnspent')
      .set('Authorization', officer)
      .send({ request: {} })
      .expect(403);
    const res = await request(h.gateway.app)
      .post('/api/v1/admin/chaincodes/lscc/transactions/Install')
      .set('Authorization', admin)
      .send({ request: {} })
      .expect(404);
    expect(res.body.code).toBe('CHAINCODE_NOT_SERVED');
    await request(h.gateway.app)
      .post('/api/v1/admin/chaincodes/fund-tracing/transactions/X')
      .set('Authorization', admin)
      .send({ request: {}, args: [] })
      .expect(400);
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('honours Idempotency-Key', async () => {
    const send = () =>
      request(h.gateway.app)
        .post('/api/v1/admin/chaincodes/fund-tracing/transactions/SweepUnspent')
        .set('Authorization', admin)
        .set('Idempotency-Key', 'sweep-1')
        .send({ request: {} });
    const a = await send().expect(200);
    const b = await send().expect(200);
    expect(b.body.transactionId).toBe(a.body.transactionId);
    expect(h.ledger.calls).toHaveLength(1);
  });
});

describe('identity administration', () => {
  it('registers and enrols a user with attributes at the admin organisation CA and stores it', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/admin/identities')
      .set('Authorization', admin)
      .send({ name: 'inspector-7', roles: ['officer', 'approver'], dept: 'fire' })
      .expect(201);
    expect(res.body).toEqual({
      name: 'inspector-7',
      mspId: 'CityAMSP',
      attributes: { 'gov.role': 'officer+approver', 'gov.dept': 'fire' },
    });
    expect(h.ca.requests[0]).toEqual({
      mspId: 'CityAMSP',
      request: {
        name: 'inspector-7',
        type: 'client',
        affiliation: '',
        attrs: { 'gov.role': 'officer+approver', 'gov.dept': 'fire' },
      },
    });
    expect(await h.wallet.get('CityAMSP', 'inspector-7')).toMatchObject({
      mspId: 'CityAMSP',
      attrs: { 'gov.dept': 'fire' },
    });
    const list = await request(h.gateway.app)
      .get('/api/v1/admin/identities')
      .set('Authorization', admin)
      .expect(200);
    expect(list.body.identities).toEqual(['admin-a', 'alice', 'inspector-7']);
    await request(h.gateway.app)
      .post('/api/v1/admin/identities')
      .set('Authorization', admin)
      .send({ name: 'inspector-7', roles: ['officer'] })
      .expect(409);
  });

  it('needs a pid for citizens, known roles, and the admin role', async () => {
    const noPid = await request(h.gateway.app)
      .post('/api/v1/admin/identities')
      .set('Authorization', admin)
      .send({ name: 'c1', roles: ['citizen'] })
      .expect(400);
    expect(noPid.body.errors[0].path).toBe('pid');
    await request(h.gateway.app)
      .post('/api/v1/admin/identities')
      .set('Authorization', admin)
      .send({ name: 'c1', roles: ['wizard'] })
      .expect(400);
    const issuer = await h.bearer({ sub: 'alice', roles: ['issuer'] });
    await request(h.gateway.app)
      .post('/api/v1/admin/identities')
      .set('Authorization', issuer)
      .send({ name: 'c1', roles: ['officer'] })
      .expect(403);
    expect(h.ca.requests).toHaveLength(0);
  });
});
