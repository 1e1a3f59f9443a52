/**
 * `npm run demo` without a network: its command line, how it reads the state
 * folder (gateway port, demo tokens and their expiry), the small formatters,
 * and that a refused step ends the run with exit code 1, naming the step, the
 * HTTP status and the problem+json (against a stub gateway).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO_CAST, DemoSetupError, loadContext } from '../src/cli/demo/context';
import { tokenMessage } from '../src/cli/demo/e-voting';
import { traceLines } from '../src/cli/demo/fund-tracing';
import { main, parseArgs } from '../src/cli/demo/main';
import { Printer, yuan } from '../src/cli/demo/printer';
import { Runner } from '../src/cli/demo/runner';
import { eLicence, eVoting as votingBodies } from '@govledger/fixtures';
import { eVoting } from '@govledger/wire';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const PID = 'ab'.repeat(32);

/** An unsigned JWT-shaped token with the given claims (the demo never checks signatures). */
function fakeToken(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2ln`;
}

/** A state folder with network.json and demo-tokens.json for every demo user. */
function stateDir(opts: { port?: number; expSec?: number; drop?: string } = {}): string {
  const dir = tempDir('gw-demo-');
  fs.writeFileSync(
    path.join(dir, 'network.json'),
    JSON.stringify({
      gatewayPort: opts.port ?? 17090,
      organisations: [
        { mspId: 'CityAMSP', label: 'City A' },
        { mspId: 'CityBMSP', label: 'City B' },
      ],
    }),
  );
  fs.mkdirSync(path.join(dir, 'gateway'));
  const tokens: Record<string, unknown> = {};
  for (const name of DEMO_CAST) {
    if (name === opts.drop) continue;
    const org = name.endsWith('-b') || /-b\d$/.test(name) ? 'CityBMSP' : 'CityAMSP';
    const claims: Record<string, unknown> = {
      sub: name,
      org,
      roles: ['x'],
      exp: opts.expSec ?? NOW / 1000 + 3600,
    };
    if (/^(citizen|enterprise)-/.test(name)) claims.pid = PID;
    tokens[name] = { name, org, roles: ['x'], token: fakeToken(claims) };
  }
  fs.writeFileSync(path.join(dir, 'gateway', 'demo-tokens.json'), JSON.stringify(tokens));
  return dir;
}

describe('demo command line', () => {
  it('defaults the state folder to <repo>/.network', () => {
    expect(parseArgs([], '/repo')).toEqual({ stateDir: '/repo/.network', help: false });
  });

  it('takes --state-dir DIR and --state-dir=DIR, and --help', () => {
    expect(parseArgs(['--state-dir', '/tmp/net'], '/repo').stateDir).toBe('/tmp/net');
    expect(parseArgs(['--state-dir=/tmp/other'], '/repo').stateDir).toBe('/tmp/other');
    expect(parseArgs(['-h'], '/repo').help).toBe(true);
  });

  it('refuses unknown arguments and a missing folder', () => {
    expect(() => parseArgs(['--fast'], '/repo')).toThrow(
      new DemoSetupError('unknown argument "--fast" (try --help)'),
    );
    expect(() => parseArgs(['--state-dir'], '/repo')).toThrow('--state-dir needs a folder');
    expect(() => parseArgs(['--state-dir', '--help'], '/repo')).toThrow('--state-dir needs a folder');
  });
});

describe('reading the state folder', () => {
  it('finds the gateway port, organisation labels, tokens and pids', () => {
    const ctx = loadContext(stateDir({ port: 18090 }), NOW);
    expect(ctx.baseUrl).toBe('http://127.0.0.1:18090');
    expect(ctx.orgLabels.get('CityBMSP')).toBe('City B');
    expect(ctx.users.get('citizen-b1')).toMatchObject({ org: 'CityBMSP', pid: PID });
    expect(ctx.users.get('admin-a')?.pid).toBeUndefined();
  });

  it('knows which organisations the gateway serves (the Audit Office only once it joined)', () => {
    const r = new Runner(loadContext(stateDir(), NOW), new Printer({ write: () => true }), 'R');
    expect(r.serves('CityAMSP')).toBe(true);
    expect(r.serves('AuditMSP')).toBe(false);
  });

  it('says how to start the network when there is no state', () => {
    const dir = tempDir('gw-demo-empty-');
    expect(() => loadContext(dir, NOW)).toThrow(/no network state at .*network\.json: .*npm run up/);
  });

  it('refuses expired or soon expiring tokens and names the command that mints new ones', () => {
    const dir = stateDir({ expSec: NOW / 1000 + 60 });
    expect(() => loadContext(dir, NOW)).toThrow(/expires at .*mint-token\.js --all --json --users-dir/s);
    expect(() => loadContext(stateDir({ expSec: NOW / 1000 - 1 }), NOW)).toThrow(/expired at/);
  });

  it('refuses a token file without a user the journeys need', () => {
    expect(() => loadContext(stateDir({ drop: 'auditor-audit' }), NOW)).toThrow(/no token for auditor-audit/);
  });
});

describe('formatting', () => {
  it('shows fen as yuan with thousands separators', () => {
    expect(yuan('100000000')).toBe('¥1,000,000.00');
    expect(yuan('300005')).toBe('¥3,000.05');
    expect(yuan('7')).toBe('¥0.07');
  });

  it('draws the trace from the program down to the spend', () => {
    const node = (kind: string, amount: string, extra: object, children: object[] = []) => ({
      kind,
      id: `${kind}-1`,
      amount,
      alertIds: kind === 'spend' ? ['tx.0'] : [],
      record: { category: 'entertainment' },
      children,
      ...extra,
    });
    const root = node('program', '1000', { committed: '400', remaining: '600' }, [
      node('allocation', '400', { committed: '300', remaining: '100' }, [node('spend', '300', {})]),
    ]);
    expect(traceLines(root as Parameters<typeof traceLines>[0])).toEqual([
      'program program-1: ¥10.00, passed on ¥4.00, left ¥6.00',
      '└─ allocation allocation-1: ¥4.00, passed on ¥3.00, left ¥1.00',
      '   └─ spend spend-1: ¥3.00 for entertainment  ⚠ 1 alert',
    ]);
  });

  it('makes ballot tokens in the format the e-voting chaincode checks', () => {
    const nonce = 'cd'.repeat(32);
    expect(Buffer.from(tokenMessage('E-1', nonce)).toString('utf8')).toBe(`GOVLEDGER-EVOTE-1|E-1|${nonce}`);
  });
});

describe('the e-voting bodies the demo sends (@govledger/fixtures)', () => {
  it('are the ones the wire schemas accept today', () => {
    const election = votingBodies.secretRollElection({
      electionId: 'E-LIBRARY-1',
      title: 'Build the new riverside library?',
      opensAt: '2026-11-22T12:00:20.000Z',
      closesAt: '2026-11-22T12:00:45.000Z',
    });
    const parsed = eVoting.CreateElectionRequest.safeParse(election);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.mode).toMatchObject({
      kind: 'secret',
      authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
      threshold: 2,
    });
    const roll = votingBodies.rollBatch('roll-1', [
      { mspId: 'CityAMSP', pid: PID },
      { mspId: 'CityBMSP', pid: PID },
    ]);
    expect(eVoting.RegisterVotersRequest.safeParse({ electionId: 'E-LIBRARY-1', ...roll }).success).toBe(
      true,
    );
    const ballot = votingBodies.ballot(['yes'], eVoting.Examples.token, [
      { mspId: 'CityAMSP', signature: eVoting.Examples.signatureA },
      { mspId: 'CityBMSP', signature: eVoting.Examples.signatureB },
    ]);
    expect(eVoting.SecretBallot.safeParse(ballot).error?.issues).toBeUndefined();
    expect(
      eVoting.TallyElectionRequest.safeParse({ electionId: 'E-LIBRARY-1', ...votingBodies.tally() }).success,
    ).toBe(true);
    expect(
      eVoting.VerifyTallyRequest.safeParse({
        electionId: 'E-LIBRARY-1',
        ...votingBodies.tallyVerification(true),
      }).success,
    ).toBe(true);
    // the old single-authority shapes are refused
    expect(
      eVoting.CreateElectionRequest.safeParse({ ...election, mode: { kind: 'secret', authority: {} } })
        .success,
    ).toBe(false);
    expect(
      eVoting.SecretBallot.safeParse({
        choices: ['yes'],
        token: ballot.token,
        signature: eVoting.Examples.signatureA,
      }).success,
    ).toBe(false);
  });
});

describe('a failing step', () => {
  let server: http.Server;
  let port: number;
  const problem = {
    type: 'urn:govledger:problem:ledger-unavailable',
    title: 'Service Unavailable',
    status: 503,
    detail: 'peer CityBMSP is unreachable',
    code: 'LEDGER_UNAVAILABLE',
  };

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify(problem));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('exits 1 naming the step, the HTTP status and the problem+json', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const dir = stateDir({ port, expSec: Date.now() / 1000 + 3600 });
    const code = await main(
      ['--state-dir', dir],
      { write: (t: string) => out.push(t) },
      { write: (t: string) => err.push(t) },
    );
    expect(code).toBe(1);
    const text = err.join('');
    expect(text).toContain('✖ demo failed at step 1.');
    expect(text).toContain('GET /readyz → 503: the gateway answered 503 Service Unavailable');
    expect(text).toContain('"code": "LEDGER_UNAVAILABLE"');
    expect(out.join('')).toContain('GovLedger demo — run');
  });

  it('exits 2 with one line when the state is unusable', async () => {
    const err: string[] = [];
    const code = await main(
      ['--state-dir', '/nonexistent/state'],
      { write: () => true },
      {
        write: (t: string) => err.push(t),
      },
    );
    expect(code).toBe(2);
    expect(err.join('')).toMatch(/^demo: no network state at \/nonexistent\/state\/network\.json/);
  });
});

describe('a gateway restart in the middle of a write', () => {
  it('waits for the gateway and sends the write again with the same Idempotency-Key', async () => {
    const keys: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      if (req.url === '/readyz' || req.url === '/livez') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ ready: true, checks: [{ name: 'height:CityAMSP', ok: true, detail: '9' }] }),
        );
        return;
      }
      keys.push(req.headers['idempotency-key'] as string | undefined);
      if (keys.length === 1) {
        req.socket.destroy(); // the connection drops before any answer
        return;
      }
      res.writeHead(409, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 409, code: 'LICENCE_TYPE_EXISTS', detail: 'stop here' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(
        ['--state-dir', stateDir({ port, expSec: Date.now() / 1000 + 3600 })],
        { write: (t: string) => out.push(t) },
        { write: (t: string) => err.push(t) },
      );
      expect(code).toBe(1);
      expect(out.join('')).toContain('connection lost');
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatch(/^demo-[0-9A-Z]+-2-1$/);
      expect(keys[1]).toBe(keys[0]);
      expect(err.join('')).toContain('POST /api/v1/licence-types → 409');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('steps sent with the SDK (@govledger/client)', () => {
  it("send the user's token, give writes an Idempotency-Key, settle a 404, and return the typed result", async () => {
    const seen: { method: string; url: string; auth?: string; key?: string }[] = [];
    let meCalls = 0;
    const server = http.createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        auth: req.headers.authorization,
        key: req.headers['idempotency-key'] as string | undefined,
      });
      req.resume();
      req.on('end', () => {
        if (req.url === '/api/v1/me' && ++meCalls === 1) {
          res.writeHead(404, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ status: 404, code: 'NOT_FOUND', detail: 'not yet' }));
          return;
        }
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            req.method === 'POST'
              ? {
                  transactionId: 'ab'.repeat(32),
                  blockNumber: '7',
                  result: { code: 'T-1', ownerMsp: 'CityAMSP' },
                }
              : { org: 'CityAMSP', pid: PID },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const ctx = loadContext(stateDir({ port, expSec: Date.now() / 1000 + 3600 }));
      const out: string[] = [];
      const r = new Runner(ctx, new Printer({ write: (t: string) => out.push(t) }), 'RUN1');
      const written = await r.write({
        who: 'admin-a',
        what: 'defines a type',
        call: (api) =>
          api.POST('/api/v1/licence-types', {
            body: eLicence.foodBusinessLicenceType('T-1', ['companyName']),
          }),
        show: (t) => `type ${t.code}`,
      });
      expect(written).toMatchObject({ code: 'T-1', ownerMsp: 'CityAMSP' });
      const me = await r.read({
        who: 'enterprise-a1',
        what: 'asks who they are',
        settle: true,
        call: (api) => api.GET('/api/v1/me'),
        show: (m) => `pid ${m.pid}`,
      });
      expect(me.pid).toBe(PID);

      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'POST /api/v1/licence-types',
        'GET /api/v1/me',
        'GET /api/v1/me',
      ]);
      expect(seen[0]?.auth).toBe(`Bearer ${ctx.users.get('admin-a')?.token}`);
      expect(seen[0]?.key).toBe('demo-RUN1-1-1');
      expect(seen[1]?.auth).toBe(`Bearer ${ctx.users.get('enterprise-a1')?.token}`);
      expect(seen[1]?.key).toBeUndefined();
      expect(r.commits).toBe(1);
      const text = out.join('');
      expect(text).toContain('POST /api/v1/licence-types  201 Created  block 7');
      expect(text).toContain('GET /api/v1/me  200 OK');
      expect(text).toContain(`pid ${PID}`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
