import fs from 'node:fs';
import path from 'node:path';
import { saltedHash, sha256Hex, toBytes } from '@govledger/chaincode-common';
import { licenceJourney } from '../examples/licence-journey';
import { createGovLedgerClient } from '../src/client';
import type { components } from '../src/generated/schema';

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  idempotencyKey: string | null;
  body: unknown;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

/** Replaces the global fetch with a scripted gateway for one test. */
function fakeGateway(answer: (seen: Seen) => Response) {
  const seen: Seen[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const text = await req.text();
    const s: Seen = {
      method: req.method,
      path: new URL(req.url).pathname,
      authorization: req.headers.get('authorization'),
      idempotencyKey: req.headers.get('idempotency-key'),
      body: text ? JSON.parse(text) : undefined,
    };
    seen.push(s);
    return answer(s);
  };
  return { seen, restore: () => (globalThis.fetch = original) };
}

const ME: components['schemas']['Me'] = {
  subject: 'enterprise-a1',
  org: 'CityAMSP',
  roles: ['enterprise'],
  dept: null,
  pid: 'c1'.repeat(16),
  token: { roles: ['enterprise'], dept: null, pid: null },
};

describe('the typed client', () => {
  it('sends the bearer token, types the answer and reads problems', async () => {
    const g = fakeGateway((s) =>
      s.path === '/api/v1/me'
        ? json(200, ME)
        : json(404, {
            type: 'about:blank',
            title: 'Not Found',
            status: 404,
            detail: 'no licence L-9',
            code: 'LICENCE_NOT_FOUND',
          }),
    );
    try {
      const gl = createGovLedgerClient({ baseUrl: 'https://gw.example/', token: async () => 'T1' });
      const me = await gl.GET('/api/v1/me');
      const pid: string | null | undefined = me.data?.pid;
      expect(pid).toBe(ME.pid);
      const missing = await gl.GET('/api/v1/licences/{licenceId}', {
        params: { path: { licenceId: 'L-9' } },
      });
      expect(missing.data).toBeUndefined();
      expect(missing.error?.code).toBe('LICENCE_NOT_FOUND');
      expect(g.seen.map((s) => [s.method, s.path, s.authorization, s.idempotencyKey])).toEqual([
        ['GET', '/api/v1/me', 'Bearer T1', null],
        ['GET', '/api/v1/licences/L-9', 'Bearer T1', null],
      ]);
    } finally {
      g.restore();
    }
  });

  it('gives writes an Idempotency-Key and resends the same key after a 503; `retry: false` sends once', async () => {
    let calls = 0;
    const g = fakeGateway(() =>
      ++calls === 1
        ? json(
            503,
            { code: 'FABRIC_UNAVAILABLE', status: 503, detail: 'peer down', title: 'x', type: 'x' },
            { 'Retry-After': '0' },
          )
        : json(200, { transactionId: 'tx', blockNumber: '5', result: {} }),
    );
    try {
      const gl = createGovLedgerClient({ baseUrl: 'https://gw.example', token: 'T' });
      const res = await gl.POST('/api/v1/consents/{consentId}/pause', {
        params: { path: { consentId: 'C-1' } },
      });
      expect(res.response.status).toBe(200);
      expect(g.seen).toHaveLength(2);
      expect(g.seen[0].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(g.seen[1].idempotencyKey).toBe(g.seen[0].idempotencyKey);

      calls = 0;
      const once = createGovLedgerClient({ baseUrl: 'https://gw.example', token: 'T', retry: false });
      const refused = await once.POST('/api/v1/consents/{consentId}/pause', {
        params: { path: { consentId: 'C-1' } },
      });
      expect(refused.response.status).toBe(503);
      expect(g.seen).toHaveLength(3);
      expect(g.seen[2].idempotencyKey).toBeNull();
    } finally {
      g.restore();
    }
  });
});

describe('the README journey (examples/licence-journey.ts)', () => {
  it('applies with the hashes the chaincode computes, approves under each identity and verifies a disclosed claim', async () => {
    let privateDataHash = '';
    let claimHashes: Record<string, string> = {};
    const g = fakeGateway((s) => {
      if (s.path === '/api/v1/me') return json(200, ME);
      if (s.path === '/api/v1/applications') {
        // what the e-licence chaincode does with the transient record (src/private-data.ts seal)
        const r = (s.body as { licencePrivate: { claims: Record<string, { value: string; salt: string }> } })
          .licencePrivate;
        privateDataHash = sha256Hex(toBytes(r));
        claimHashes = Object.fromEntries(
          Object.entries(r.claims).map(([n, c]) => [n, saltedHash(c.salt, c.value)]),
        );
        return json(201, { transactionId: 't1', blockNumber: '1', result: {} });
      }
      if (s.path.endsWith('/approvals'))
        return json(200, { transactionId: 't2', blockNumber: '2', result: {} });
      const body = s.body as {
        privateDataHash: string;
        claims: { name: string; value: string; salt: string }[];
      };
      return json(200, {
        found: true,
        valid: body.privateDataHash === privateDataHash,
        claims: body.claims.map((c) => ({
          name: c.name,
          known: true,
          match: saltedHash(c.salt, c.value) === claimHashes[c.name],
        })),
      });
    });
    try {
      const ok = await licenceJourney('https://gw.example', {
        applicant: 'A',
        approvers: ['F', 'E', 'M'],
        verifier: 'B',
      });
      expect(ok).toBe(true);
      expect(g.seen.map((s) => `${s.method} ${s.path} ${s.authorization}`)).toEqual([
        'GET /api/v1/me Bearer A',
        'POST /api/v1/applications Bearer A',
        expect.stringMatching(/^POST \/api\/v1\/applications\/APP-FOOD-\d+\/approvals Bearer F$/),
        expect.stringMatching(/approvals Bearer E$/),
        expect.stringMatching(/approvals Bearer M$/),
        expect.stringMatching(/^POST \/api\/v1\/licences\/APP-FOOD-\d+\/verification Bearer B$/),
      ]);
      expect(g.seen.slice(1, 5).every((s) => s.idempotencyKey)).toBe(true);
      const disclosed = (g.seen[5].body as { claims: { name: string }[] }).claims.map((c) => c.name);
      expect(disclosed).toEqual(['registeredCapital']);
    } finally {
      g.restore();
    }
  });

  it('is the code the README shows', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const example = fs.readFileSync(path.join(__dirname, '..', 'examples', 'licence-journey.ts'), 'utf8');
    expect(readme).toContain(example.trim());
  });
});
