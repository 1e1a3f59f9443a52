/**
 * Limits on what clients send (issue 14): JSON depth, failed authentications per client,
 * Retry-After agreeing with the RateLimit headers, and oversized headers answered as problems by
 * a real HTTP server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { jsonTooDeep, rawProblemResponse, answerClientErrors } from '../src/request-limits';
import { makeHarness, type Harness } from './harness';
import { testRoutes } from './test-routes';

const nested = (levels: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
/** The JSON text of `levels` nested objects, built as text (JSON.stringify would overflow). */
const deepText = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** The `reset` seconds of a draft-7 RateLimit header. */
const resetOf = (header: string | undefined) => Number(/reset=(\d+)/.exec(header ?? '')?.[1]);

describe('jsonTooDeep', () => {
  it('measures objects and arrays without recursion', () => {
    expect(jsonTooDeep(1, 0)).toBe(false);
    expect(jsonTooDeep({}, 1)).toBe(false);
    expect(jsonTooDeep({}, 0)).toBe(true);
    expect(jsonTooDeep(nested(32), 32)).toBe(false);
    expect(jsonTooDeep(nested(33), 32)).toBe(true);
    expect(jsonTooDeep({ shallow: [1, 2], deep: nested(40) }, 32)).toBe(true);
    expect(jsonTooDeep(JSON.parse(deepText(100_000)), 32)).toBe(true);
  });
});

describe('the JSON depth limit', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness({ extraRoutes: testRoutes });
    h.ledger.on('e-licence', 'CreateThing', (req) => ({ created: req }));
  });
  afterEach(() => h.close());

  it('answers 400 JSON_TOO_DEEP, not 500, to a body nested 5,000 levels, on every kind of route', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: ['issuer'] });
    const targets = [
      { url: '/api/v1/offline/transactions', auth: alice },
      { url: '/api/v1/test/things/T1', auth: alice },
      { url: '/api/v1/ballot-box/elections/E1/ballots', auth: undefined }, // public route
    ];
    for (const t of targets) {
      const r = request(h.gateway.app).post(t.url).set('Content-Type', 'application/json');
      if (t.auth) r.set('Authorization', t.auth);
      const res = await r.send(deepText(5000)).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code: 'JSON_TOO_DEEP' });
    }
    // the free-form field of an offline transaction, deep inside a valid body
    const body = `{"chaincode":"data-sharing","transaction":"GrantConsent","request":${deepText(5000)}}`;
    const res = await request(h.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(400);
    expect(res.body.code).toBe('JSON_TOO_DEEP');
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('lets a body within the limit through to validation and the chaincode', async () => {
    const alice = await h.bearer({ sub: 'alice', roles: ['issuer'] });
    await request(h.gateway.app)
      .post('/api/v1/test/things/T1')
      .set('Authorization', alice)
      .send({ name: 'n', count: 1 })
      .expect(201);
    const limited = await makeHarness({ extraRoutes: testRoutes, jsonMaxDepth: 3 });
    const post = (body: object) =>
      request(limited.gateway.app).post('/api/v1/test/things/T1').set('Authorization', alice).send(body);
    // three levels pass the limit of 3 and reach validation; four do not
    expect((await post({ name: { a: { b: 1 } }, count: 1 }).expect(400)).body.code).toBe('INVALID_REQUEST');
    expect((await post({ name: { a: { b: { c: 1 } } }, count: 1 }).expect(400)).body.code).toBe(
      'JSON_TOO_DEEP',
    );
    limited.close();
  });
});

describe('failed authentications', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness({ trustProxy: true, authFailureLimit: { windowMs: 60_000, max: 3 } });
  });
  afterEach(() => h.close());

  const get = (auth: string, ip = '203.0.113.7') =>
    request(h.gateway.app).get('/api/v1/me').set('Authorization', auth).set('X-Forwarded-For', ip);

  it('are counted per client IP and refused with 429 once over the limit, even with a valid token', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await get('Bearer not.a.token').expect(401);
      remaining.push(/remaining=(\d+)/.exec(res.headers.ratelimit ?? '')?.[1] ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const valid = await h.bearer({ sub: 'alice', roles: [] });
    const limited = await get(valid).expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, code: 'AUTH_RATE_LIMITED' });
    // Retry-After says what the RateLimit header says
    expect(Number(limited.headers['retry-after'])).toBe(resetOf(limited.headers.ratelimit));
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // another client is not affected
    await get(valid, '198.51.100.9').expect(200);
  });

  it('never count successful authentications', async () => {
    const valid = await h.bearer({ sub: 'alice', roles: [] });
    for (let i = 0; i < 10; i++) await get(valid).expect(200);
    await get('Bearer not.a.token').expect(401);
  });
});

describe('the per-caller rate limit', () => {
  it('sends a Retry-After equal to the reset of its RateLimit header', async () => {
    const h = await makeHarness({ rateLimit: { windowMs: 30_000, max: 2 } });
    const alice = await h.bearer({ sub: 'alice', roles: [] });
    await request(h.gateway.app).get('/api/v1/me').set('Authorization', alice).expect(200);
    await request(h.gateway.app).get('/api/v1/me').set('Authorization', alice).expect(200);
    const res = await request(h.gateway.app).get('/api/v1/me').set('Authorization', alice).expect(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBe(resetOf(res.headers.ratelimit));
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(1);
    h.close();
  });
});

describe('oversized headers on a real HTTP server', () => {
  let h: Harness;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    h = await makeHarness();
    server = http.createServer({ maxHeaderSize: 16_384 }, h.gateway.app);
    answerClientErrors(server, 16_384);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    h.close();
  });

  const withToken = (size: number) =>
    fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${'a'.repeat(size)}` } });

  it('answers a 12 KB token like any bad token (it fits in 16 KB of headers)', async () => {
    const res = await withToken(12 * 1024);
    expect(res.status).toBe(401);
  });

  it('answers 20 KB, 64 KB and 1 MB tokens with a 431 problem, not a bare 431 or a reset', async () => {
    for (const size of [20 * 1024, 64 * 1024, 1024 * 1024]) {
      const res = await withToken(size);
      expect(res.status).toBe(431);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        title: 'Request Header Fields Too Large',
      });
    }
    // the server still serves the next client
    expect((await fetch(`${base}/livez`)).status).toBe(200);
  });

  it('answers a request that is not HTTP with a 400 problem', async () => {
    const net = await import('node:net');
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write('NOT HTTP AT ALL\r\n\r\n');
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('writes problem documents with their length', () => {
    const raw = rawProblemResponse(431, 'HEADERS_TOO_LARGE', 'too large');
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    expect(raw).toContain(`Content-Length: ${Buffer.byteLength(body)}\r\n`);
    expect(JSON.parse(body)).toMatchObject({ type: 'urn:govledger:problem:headers-too-large', status: 431 });
  });
});
