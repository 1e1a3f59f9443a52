import request from 'supertest';
import { chaincodeRefusal } from './fake-ledger';
import { makeHarness, token, type Harness } from './harness';
import { testRoutes } from './test-routes';
import { LedgerError } from '../src/fabric/ledger';

let h: Harness;
let issuer: string;

beforeEach(async () => {
  h = await makeHarness({ extraRoutes: testRoutes });
  issuer = await h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['issuer'], dept: 'market' });
  h.ledger.on('e-licence', 'CreateThing', (req) => ({ created: req }));
  h.ledger.on('e-licence', 'GetThing', (req) => ({ thing: req }));
  h.ledger.on('e-licence', 'DeptThing', () => ({ ok: true }));
});
afterEach(() => h.close());

describe('operations endpoints', () => {
  it('answers /livez and /readyz from the ledger probe', async () => {
    await request(h.gateway.app).get('/livez').expect(200, { status: 'ok' });
    await request(h.gateway.app).get('/readyz').expect(200);
    h.ledger.readinessReport = {
      ready: false,
      checks: [{ name: 'peer:CityBMSP', ok: false, detail: 'unreachable' }],
    };
    const res = await request(h.gateway.app).get('/readyz').expect(503);
    expect(res.body.checks[0]).toMatchObject({ name: 'peer:CityBMSP', ok: false });
  });

  it('fails readiness while draining', async () => {
    h.gateway.startDraining();
    const res = await request(h.gateway.app).get('/readyz').expect(503);
    expect(res.body.checks[0].name).toBe('shutdown');
    // keep-alive clients are told to go away, so the server can close
    expect(res.headers.connection).toBe('close');
    await request(h.gateway.app).get('/livez').expect(200).expect('Connection', 'close');
  });

  it('routes with the path case ignored and a trailing slash allowed; unknown paths 404', async () => {
    const plain = await request(h.gateway.app)
      .get('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .expect(200);
    for (const p of ['/API/V1/Test/things/T1', '/api/v1/test/things/T1/', '/api/v1/test/THINGS/T1']) {
      const res = await request(h.gateway.app).get(p).set('Authorization', issuer).expect(200);
      expect(res.body).toEqual(plain.body);
    }
    const missing = await request(h.gateway.app).get('/api/v1/test/nothing').set('Authorization', issuer);
    expect(missing.status).toBe(404);
    const elsewhere = await request(h.gateway.app)
      .get('/api/v1/no-such-bucket/T1')
      .set('Authorization', issuer);
    expect(elsewhere.status).toBe(404);
  });

  it('exposes Prometheus metrics: HTTP by route and status, Fabric, errors, in flight', async () => {
    await request(h.gateway.app).get('/api/v1/test/things/T1').set('Authorization', issuer).expect(200);
    await request(h.gateway.app).get('/api/v1/test/things/T1').expect(401);
    const res = await request(h.gateway.app).get('/metrics').expect(200);
    expect(res.text).toContain(
      'gateway_http_request_duration_seconds_count{method="GET",route="/api/v1/test/things/:thingId",status="200"} 1',
    );
    expect(res.text).toContain('gateway_errors_total{class="unauthenticated"} 1');
    expect(res.text).toContain('gateway_transactions_in_flight 0');
    expect(res.text).toContain('gateway_fabric_stage_duration_seconds');
  });

  it('serves the OpenAPI document and Swagger UI without a token', async () => {
    const doc = await request(h.gateway.app).get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/api/v1/test/things/{thingId}'].post.operationId).toBe('createThing');
    const ui = await request(h.gateway.app).get('/docs/').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('sets helmet headers and request ids', async () => {
    const res = await request(h.gateway.app).get('/livez').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toBe('abc-123');
    const other = await request(h.gateway.app).get('/livez').set('X-Request-Id', 'bad id with spaces');
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('authentication and authorisation', () => {
  it('refuses a missing or invalid token with 401 problem+json', async () => {
    const res = await request(h.gateway.app).get('/api/v1/test/things/T1').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      instance: '/api/v1/test/things/T1',
    });
    const bad = await request(h.gateway.app)
      .get('/api/v1/test/things/T1')
      .set('Authorization', 'Bearer nope')
      .expect(401);
    expect(bad.body.code).toBe('INVALID_TOKEN');
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('refuses an organisation the gateway does not serve', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/test/things/T1')
      .set('Authorization', await h.bearer({ sub: 'x', org: 'EvilMSP', roles: ['issuer'] }))
      .expect(403);
    expect(res.body.code).toBe('ORG_NOT_SERVED');
  });

  it('refuses a caller without the route role before Fabric is called', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', await h.bearer({ sub: 'alice', roles: ['citizen'] }))
      .send({ name: 'a', count: 1 })
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('refuses a department acting for another', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/test/departments/housing/things')
      .set('Authorization', issuer)
      .expect(403);
    expect(res.body.detail).toContain('market may not act for housing');
    await request(h.gateway.app)
      .post('/api/v1/test/departments/market/things')
      .set('Authorization', issuer)
      .expect(200);
  });

  it('refuses a caller with no enrolled identity', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/test/things/T1')
      .set('Authorization', await h.bearer({ sub: 'carol', roles: [] }))
      .expect(403);
    expect(res.body.code).toBe('IDENTITY_NOT_ENROLLED');
  });

  it('rate-limits per caller', async () => {
    const limited = await makeHarness({ extraRoutes: testRoutes, rateLimit: { windowMs: 60_000, max: 2 } });
    limited.ledger.on('e-licence', 'GetThing', () => ({}));
    const a = await limited.bearer({ sub: 'alice', roles: [] });
    const b = await limited.bearer({ sub: 'bob', org: 'CityBMSP', roles: [] });
    await request(limited.gateway.app).get('/api/v1/test/things/T').set('Authorization', a).expect(200);
    await request(limited.gateway.app).get('/api/v1/test/things/T').set('Authorization', a).expect(200);
    const res = await request(limited.gateway.app)
      .get('/api/v1/test/things/T')
      .set('Authorization', a)
      .expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    await request(limited.gateway.app).get('/api/v1/test/things/T').set('Authorization', b).expect(200);
    limited.close();
  });
});

describe('validation before Fabric', () => {
  const post = (body: string | object, type = 'application/json') =>
    request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .set('Content-Type', type)
      .send(body);

  it('refuses malformed JSON', async () => {
    const res = await post('{"name":', 'application/json').expect(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('refuses unknown fields, wrong types and bad path parameters, naming each', async () => {
    const res = await post({ name: 'a', count: 'one', extra: 1 }).expect(400);
    expect(res.body.code).toBe('INVALID_REQUEST');
    const paths = res.body.errors.map((e: { location: string; path: string }) => `${e.location}:${e.path}`);
    expect(paths).toEqual(expect.arrayContaining(['body:count', 'body:']));
    const badId = await request(h.gateway.app)
      .post('/api/v1/test/things/-bad')
      .set('Authorization', issuer)
      .send({ name: 'a', count: 1 })
      .expect(400);
    expect(badId.body.errors[0]).toMatchObject({ location: 'params', path: 'thingId' });
    const badQuery = await request(h.gateway.app)
      .get('/api/v1/test/things/T1?pageSize=0&x=1')
      .set('Authorization', issuer)
      .expect(400);
    expect(badQuery.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['', 'pageSize']);
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('refuses a non-JSON body and an oversized body', async () => {
    await post('name=a', 'application/x-www-form-urlencoded').expect(415);
    const big = await post({ name: 'a', count: 1, secret: 'x'.repeat(300_000) }).expect(413);
    expect(big.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers unknown paths with a 404 problem', async () => {
    const res = await request(h.gateway.app).get('/api/v1/nothing').set('Authorization', issuer).expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('chaincode calls', () => {
  it('evaluates reads and returns the chaincode result with coerced query values', async () => {
    const res = await request(h.gateway.app)
      .get('/api/v1/test/things/T1?pageSize=5')
      .set('Authorization', issuer)
      .expect(200);
    expect(res.body).toEqual({ thing: { thingId: 'T1', pageSize: 5 } });
    expect(h.ledger.calls[0]).toMatchObject({
      kind: 'evaluate',
      invocation: { chaincode: 'e-licence', transaction: 'GetThing' },
    });
    expect(h.ledger.calls[0].identity.label).toBe('alice');
  });

  it('submits writes under the caller identity with transient data and waits for commit', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .send({ name: 'n', count: 2, secret: 's' })
      .expect(201);
    expect(res.body).toMatchObject({ result: { created: { thingId: 'T1', name: 'n', count: 2 } } });
    expect(res.body.transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.blockNumber).toBe('11');
    expect(res.headers['x-transaction-id']).toBe(res.body.transactionId);
    const call = h.ledger.calls[0];
    expect(call.request).toEqual({ thingId: 'T1', name: 'n', count: 2 });
    expect(call.invocation.transient).toEqual({ secret: '{"value":"s"}' });
  });

  it('maps chaincode refusals to 4xx with the chaincode code and message', async () => {
    h.ledger.on('e-licence', 'GetThing', () =>
      chaincodeRefusal('THING_NOT_FOUND', 404, 'no thing T9', 'evaluate'),
    );
    const res = await request(h.gateway.app)
      .get('/api/v1/test/things/T9')
      .set('Authorization', issuer)
      .expect(404);
    expect(res.body).toMatchObject({
      code: 'THING_NOT_FOUND',
      detail: 'no thing T9',
      stage: 'evaluate',
      retrySafe: true,
    });
  });

  it('maps an unreachable peer to 503 with Retry-After and the stage', async () => {
    h.ledger.on('e-licence', 'CreateThing', () => {
      throw new LedgerError('endorse', 'unavailable', 'peer down', { txId: 'b'.repeat(64) });
    });
    const res = await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .send({ name: 'n', count: 1 })
      .expect(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({
      code: 'LEDGER_UNAVAILABLE',
      stage: 'endorse',
      transactionId: 'b'.repeat(64),
      retrySafe: true,
    });
  });

  it('maps a commit-status timeout to 504, unsafe to retry, with the status URL', async () => {
    h.ledger.commitFailure = new LedgerError('commit', 'deadline', 'slow');
    const res = await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .send({ name: 'n', count: 1 })
      .expect(504);
    expect(res.body).toMatchObject({ code: 'LEDGER_TIMEOUT', stage: 'commit', retrySafe: false });
    expect(res.body.statusUrl).toBe(`/api/v1/transactions/${res.body.transactionId}`);
  });

  it('never returns a stack trace or path for unexpected failures, and never logs tokens or keys', async () => {
    h.ledger.on('e-licence', 'GetThing', () => {
      throw new Error('boom at /work/main/gateway/src/secret.ts:1');
    });
    const res = await request(h.gateway.app)
      .get('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .expect(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL', detail: 'the gateway failed to handle the request' });
    expect(JSON.stringify(res.body)).not.toMatch(/\/work|secret\.ts|at /);
    const logs = h.logs.join('');
    expect(logs).toContain('"reqId"');
    const rawToken = issuer.slice('Bearer '.length);
    expect(logs).not.toContain(rawToken);
    expect(logs).not.toContain('PRIVATE KEY');
  });

  it('does not log request bodies or query strings', async () => {
    await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', issuer)
      .send({ name: 'n', count: 1, secret: 'personal-data-xyz' })
      .expect(201);
    await request(h.gateway.app)
      .get('/api/v1/test/things/T1?pageSize=7')
      .set('Authorization', `Bearer ${await token({ sub: 'alice' })}`)
      .expect(200);
    const logs = h.logs.join('');
    expect(logs).not.toContain('personal-data-xyz');
    expect(logs).not.toContain('pageSize=7');
  });
});
