import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import request from 'supertest';
import { isApiPath } from '../src/http/api-pipeline';
import { readRequestLine } from '../src/http/exchange';
import { makeHarness, type Harness } from './harness';
import { testRoutes } from './test-routes';

let h: Harness;
let issuer: string;

beforeEach(async () => {
  h = await makeHarness({ extraRoutes: testRoutes });
  issuer = await h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['issuer'], dept: 'market' });
  h.ledger.on('e-licence', 'GetThing', (req) => ({ thing: req }));
});
afterEach(() => h.close());

/** A request as Node's server hands it over, from `address`, with `url` and `headers`. */
function incoming(url: string, headers: Record<string, string>, address = '192.0.2.1'): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: address });
  const req = new IncomingMessage(socket);
  req.url = url;
  req.headers = headers;
  return req;
}

describe('the request line', () => {
  it('splits path and query; a repeated name gives an array, no query an empty object', () => {
    const req = readRequestLine(incoming('/api/v1/x?a=1&b=2&b=3&c=%20d', {}), false);
    expect(req.path).toBe('/api/v1/x');
    expect(req.query).toEqual({ a: '1', b: ['2', '3'], c: ' d' });
    expect(readRequestLine(incoming('/api/v1/x', {}), false).query).toEqual({});
  });

  it('reads X-Forwarded-For and X-Forwarded-Proto only behind a trusted proxy', () => {
    const headers = { 'x-forwarded-for': '203.0.113.7, 10.0.0.1', 'x-forwarded-proto': 'https' };
    const direct = readRequestLine(incoming('/api', headers), false);
    expect(direct.ip).toBe('192.0.2.1');
    expect(direct.protocol).toBe('http');
    const proxied = readRequestLine(incoming('/api', headers), true);
    expect(proxied.ip).toBe('203.0.113.7');
    expect(proxied.protocol).toBe('https');
  });

  it('sends /api and below, in any case, to the API pipeline, and nothing else', () => {
    for (const url of ['/api', '/api/', '/API/v1/x', '/api?x=1']) expect(isApiPath(url)).toBe(true);
    for (const url of ['/apix', '/docs', '/livez', '/', undefined]) expect(isApiPath(url)).toBe(false);
  });
});

describe('the API pipeline', () => {
  it('answers HEAD on a read like GET, without a body', async () => {
    const get = await request(h.gateway.app).get('/api/v1/test/things/T1').set('Authorization', issuer);
    const head = await request(h.gateway.app).head('/api/v1/test/things/T1').set('Authorization', issuer);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('tells nothing about paths before authentication: unknown and malformed paths are 401 without a token', async () => {
    await request(h.gateway.app).get('/api/v1/no/such/thing').expect(401);
    await request(h.gateway.app).get('/api/v1/test/things/%E0%A4%A').expect(401);
    const missing = await request(h.gateway.app).get('/api/v1/no/such/thing').set('Authorization', issuer);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
    const malformed = await request(h.gateway.app)
      .get('/api/v1/test/things/%E0%A4%A')
      .set('Authorization', issuer);
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('BAD_REQUEST');
    expect(malformed.headers['content-type']).toMatch(/^application\/problem\+json; charset=utf-8/);
  });

  it('decodes path parameters once', async () => {
    const res = await request(h.gateway.app).get('/api/v1/test/things/T%2D1').set('Authorization', issuer);
    expect(res.status).toBe(200);
    expect(h.ledger.calls.at(-1)?.request).toEqual({ thingId: 'T-1' });
  });

  it('answers paths outside /api from the operator endpoints, 404 as a problem without a token', async () => {
    const res = await request(h.gateway.app).get('/nothing-here').expect(404);
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('counts failed authentications by the socket address when it does not trust a proxy', async () => {
    const strict = await makeHarness({ authFailureLimit: { windowMs: 60_000, max: 2 } });
    const alice = await strict.bearer({ sub: 'alice', org: 'CityAMSP', roles: [] });
    // each refusal claims another X-Forwarded-For; without GATEWAY_TRUST_PROXY they are one client
    for (const ip of ['203.0.113.1', '203.0.113.2']) {
      await request(strict.gateway.app)
        .get('/api/v1/me')
        .set('Authorization', 'Bearer not.a.token')
        .set('X-Forwarded-For', ip)
        .expect(401);
    }
    const limited = await request(strict.gateway.app)
      .get('/api/v1/me')
      .set('Authorization', alice)
      .set('X-Forwarded-For', '203.0.113.3');
    strict.close();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('AUTH_RATE_LIMITED');
  });
});
