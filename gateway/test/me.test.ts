import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { makeHarness, OFFICER_A, type Harness } from './harness';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
/** gov.role citizen, gov.pid c1c1... (fixtures/make-attr-certs.sh). */
const CITIZEN_A = { certificate: fixture('citizen-a.cert.pem'), privateKey: fixture('citizen-a.key.pem') };
const CITIZEN_PID = 'c1'.repeat(16);

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
  await h.wallet.put({ mspId: 'CityAMSP', label: 'citizen-a', ...CITIZEN_A });
  await h.wallet.put({ mspId: 'CityAMSP', label: 'officer-a', ...OFFICER_A });
});
afterEach(() => h.close());

describe('GET /api/v1/me', () => {
  it('tells a citizen their own pid, organisation and roles from their certificate', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/me')
      .set('Authorization', await h.bearer({ sub: 'citizen-a', roles: ['citizen'] }))
      .expect(200);
    expect(res.body).toEqual({
      subject: 'citizen-a',
      org: 'CityAMSP',
      roles: ['citizen'],
      dept: null,
      pid: CITIZEN_PID,
      token: { roles: ['citizen'], dept: null, pid: null },
    });
    expect(h.ledger.calls).toHaveLength(0);
  });

  it("gives an officer's department and every certificate role, with the token's claims beside them", async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/me')
      .set('Authorization', await h.bearer({ sub: 'officer-a', roles: ['officer'], dept: 'fire' }))
      .expect(200);
    expect(res.body).toMatchObject({
      org: 'CityAMSP',
      roles: ['officer', 'approver'],
      dept: 'fire',
      pid: null,
      token: { roles: ['officer'], dept: 'fire', pid: null },
    });
  });

  it('answers from the certificate, not from what the token claims', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/me')
      .set('Authorization', await h.bearer({ sub: 'alice', roles: ['admin'], pid: 'ab'.repeat(16) }))
      .expect(200);
    // alice's certificate carries no gov.* attributes
    expect(res.body).toMatchObject({
      roles: [],
      dept: null,
      pid: null,
      token: { roles: ['admin'], pid: 'ab'.repeat(16) },
    });
  });

  it('serves the organisation of the caller (bob of City B)', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/me')
      .set('Authorization', await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: [] }))
      .expect(200);
    expect(res.body).toMatchObject({ subject: 'bob', org: 'CityBMSP' });
  });

  it('refuses a caller without a token (401) or without a wallet identity (403 IDENTITY_NOT_ENROLLED)', async () => {
    const anonymous = await request(h.gateway.app).get('/api/v1/me').expect(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    const stranger = await request(h.gateway.app)
      .get('/api/v1/me')
      .set('Authorization', await h.bearer({ sub: 'nobody', roles: ['citizen'] }))
      .expect(403);
    expect(stranger.body.code).toBe('IDENTITY_NOT_ENROLLED');
  });

  it('takes no query parameters', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/me?pid=x')
      .set('Authorization', await h.bearer({ sub: 'citizen-a', roles: ['citizen'] }))
      .expect(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
  });

  it('is declared in the OpenAPI document with its response schema', async () => {
    const doc = (await request(h.gateway.app).get('/openapi.json').expect(200)).body;
    const op = doc.paths['/api/v1/me'].get;
    expect(op.operationId).toBe('getMe');
    expect(op.security).toEqual([{ bearer: [] }]);
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Me');
    const me = doc.components.schemas.Me;
    expect(Object.keys(me.properties).sort()).toEqual(['dept', 'org', 'pid', 'roles', 'subject', 'token']);
    expect(me.required).toEqual(expect.arrayContaining(['subject', 'org', 'roles', 'dept', 'pid', 'token']));
    expect(me.properties.pid.type).toEqual(['string', 'null']);
    expect(me.properties.dept.type).toEqual(['string', 'null']);
  });
});
