import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { createTokenVerifier } from '../src/auth';
import { demoUsers, mintFor } from '../src/cli/mint-token';
import { HttpProblem } from '../src/http/problem';
import { JWT, SECRET, token } from './harness';

const hs = createTokenVerifier({
  mode: 'hs256',
  secret: new TextEncoder().encode(SECRET),
  ...JWT,
  clockToleranceSec: 0,
});

async function refusal(p: Promise<unknown>): Promise<HttpProblem> {
  try {
    await p;
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('HS256 tokens', () => {
  it('yields the caller from sub, org, roles, dept and pid', async () => {
    const t = await token({
      sub: 'issuer-a',
      org: 'CityAMSP',
      roles: ['issuer'],
      dept: 'market',
      pid: 'ab'.repeat(16),
    });
    await expect(hs.verify(t)).resolves.toEqual({
      subject: 'issuer-a',
      org: 'CityAMSP',
      roles: ['issuer'],
      dept: 'market',
      pid: 'ab'.repeat(16),
    });
  });

  it('refuses expired, foreign-secret, wrong-audience and garbage tokens with 401', async () => {
    expect((await refusal(hs.verify(await token({ sub: 'a' }, -10)))).code).toBe('TOKEN_EXPIRED');
    expect(
      (await refusal(hs.verify(await token({ sub: 'a' }, 60, 'another-secret-that-is-long-enough-xx')))).code,
    ).toBe('INVALID_TOKEN');
    const wrongAud = await new SignJWT({ org: 'CityAMSP', roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer(JWT.issuer)
      .setAudience('someone-else')
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(SECRET));
    expect((await refusal(hs.verify(wrongAud))).status).toBe(401);
    expect((await refusal(hs.verify('not.a.jwt'))).status).toBe(401);
  });

  it('refuses tokens without the claims the gateway needs', async () => {
    const noOrg = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(SECRET));
    const p = await refusal(hs.verify(noOrg));
    expect([p.status, p.code]).toEqual([401, 'INVALID_TOKEN_CLAIMS']);
    expect((await refusal(hs.verify(await token({ sub: '../etc/passwd' })))).code).toBe(
      'INVALID_TOKEN_CLAIMS',
    );
  });

  it('refuses an RS256 token in HS256 mode (no algorithm confusion)', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const rs = await new SignJWT({ org: 'CityAMSP', roles: [] })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('a')
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    expect((await refusal(hs.verify(rs))).status).toBe(401);
  });
});

describe('RS256 tokens from a JWKS URL', () => {
  let server: http.Server;
  let url: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address() as { port: number };
    url = `http://127.0.0.1:${addr.port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('verifies a token signed by a key of the set', async () => {
    const verifier = createTokenVerifier({
      mode: 'rs256',
      jwksUrl: new URL(url),
      ...JWT,
      clockToleranceSec: 0,
    });
    const t = await new SignJWT({ org: 'CityBMSP', roles: ['auditor'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('auditor-b')
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    await expect(verifier.verify(t)).resolves.toMatchObject({
      subject: 'auditor-b',
      org: 'CityBMSP',
      roles: ['auditor'],
    });
    const hsToken = await token({ sub: 'x' });
    expect((await refusal(verifier.verify(hsToken))).status).toBe(401);
  });

  it('answers 503 when the key set cannot be fetched', async () => {
    const verifier = createTokenVerifier({
      mode: 'rs256',
      jwksUrl: new URL('http://127.0.0.1:1/jwks.json'),
      ...JWT,
      clockToleranceSec: 0,
    });
    const t = await new SignJWT({ org: 'CityBMSP', roles: [] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('a')
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey);
    expect((await refusal(verifier.verify(t))).status).toBe(503);
  });
});

describe('mint-token', () => {
  const consortium = path.resolve(__dirname, '..', '..', 'network', 'consortium.json');

  it('reads the demo users with their org, roles and department', () => {
    const users = demoUsers(consortium);
    expect(users.find((u) => u.name === 'issuer-a')).toEqual({
      name: 'issuer-a',
      org: 'CityAMSP',
      roles: ['issuer'],
      dept: 'market',
    });
    expect(users.find((u) => u.name === 'officer-housing-b')?.org).toBe('CityBMSP');
  });

  it('mints a token the gateway accepts, with the pid from the users folder', async () => {
    const usersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-users-'));
    fs.mkdirSync(path.join(usersDir, 'citizen-a1'));
    fs.writeFileSync(path.join(usersDir, 'citizen-a1', 'pid'), `${'c'.repeat(64)}\n`);
    const user = demoUsers(consortium).find((u) => u.name === 'citizen-a1');
    if (!user) throw new Error('citizen-a1 missing from consortium.json');
    const t = await mintFor(user, { JWT_HS256_SECRET: SECRET }, 60, usersDir);
    await expect(hs.verify(t)).resolves.toEqual({
      subject: 'citizen-a1',
      org: 'CityAMSP',
      roles: ['citizen'],
      pid: 'c'.repeat(64),
    });
    await expect(mintFor(user, {}, 60)).rejects.toThrow(/JWT_HS256_SECRET/);
  });
});
