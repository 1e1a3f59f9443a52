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
    // the organisations addorg adds by name (City C) have demo users too
    expect(users.find((u) => u.name === 'admin-c')).toEqual({
      name: 'admin-c',
      org: 'CityCMSP',
      roles: ['admin'],
    });
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

describe('token lifetime rules', () => {
  const key = new TextEncoder().encode(SECRET);
  const now = () => Math.floor(Date.now() / 1000);
  /** A token with exactly the time claims given (undefined: left out). */
  const timed = (iat: number | undefined, exp: number | undefined) => {
    const jwt = new SignJWT({ org: 'CityAMSP', roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuer(JWT.issuer)
      .setAudience(JWT.audience);
    if (iat !== undefined) jwt.setIssuedAt(iat);
    if (exp !== undefined) jwt.setExpirationTime(exp);
    return jwt.sign(key);
  };
  const verifier = createTokenVerifier({
    mode: 'hs256',
    secret: key,
    ...JWT,
    clockToleranceSec: 5,
    maxTokenAgeSec: 3600,
  });
  const code = async (t: Promise<string>) => {
    const p = await refusal(verifier.verify(await t));
    expect(p.status).toBe(401);
    return p.code;
  };

  it('accepts a token issued now for at most the maximum age', async () => {
    await expect(verifier.verify(await timed(now(), now() + 3600))).resolves.toMatchObject({ subject: 'a' });
    // a few seconds of clock skew between issuer and gateway are tolerated
    await expect(verifier.verify(await timed(now() + 3, now() + 600))).resolves.toMatchObject({
      subject: 'a',
    });
  });

  it('refuses a token without exp, one without iat, and an expired one', async () => {
    expect(await code(timed(now(), undefined))).toBe('TOKEN_EXPIRY_REQUIRED');
    expect(await code(timed(undefined, now() + 60))).toBe('TOKEN_ISSUED_AT_REQUIRED');
    expect(await code(timed(now() - 120, now() - 60))).toBe('TOKEN_EXPIRED');
  });

  it('refuses a token issued in the future (ten years, or beyond the clock tolerance)', async () => {
    const tenYears = 10 * 365 * 86400;
    expect(await code(timed(now() + tenYears, now() + tenYears + 60))).toBe('TOKEN_ISSUED_IN_FUTURE');
    expect(await code(timed(now() + 60, now() + 600))).toBe('TOKEN_ISSUED_IN_FUTURE');
  });

  it('refuses a token valid for longer than the maximum age, and one older than it', async () => {
    expect(await code(timed(now(), now() + 3601))).toBe('TOKEN_LIFETIME_TOO_LONG');
    expect(await code(timed(now(), now() + 10 * 365 * 86400))).toBe('TOKEN_LIFETIME_TOO_LONG');
    // not expired (its exp is ahead) but issued more than the maximum age ago
    expect(await code(timed(now() - 3700, now() + 60))).toBe('TOKEN_TOO_OLD');
  });

  it('applies 12 hours as the maximum age when none is configured', async () => {
    expect((await refusal(hs.verify(await timed(now(), now() + 12 * 3600 + 1)))).code).toBe(
      'TOKEN_LIFETIME_TOO_LONG',
    );
    await expect(hs.verify(await timed(now(), now() + 12 * 3600))).resolves.toMatchObject({ subject: 'a' });
  });

  it('mint-token sets iat and exp, and refuses a lifetime the gateway would refuse', async () => {
    const user = { name: 'issuer-a', org: 'CityAMSP', roles: ['issuer'] };
    const t = await mintFor(user, { JWT_HS256_SECRET: SECRET }, 600);
    const payload = JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString('utf8')) as {
      iat: number;
      exp: number;
    };
    expect(payload.exp - payload.iat).toBe(600);
    await expect(mintFor(user, { JWT_HS256_SECRET: SECRET }, 12 * 3600 + 1)).rejects.toThrow(
      /JWT_MAX_TOKEN_AGE_S/,
    );
    await expect(
      mintFor(user, { JWT_HS256_SECRET: SECRET, JWT_MAX_TOKEN_AGE_S: '300' }, 600),
    ).rejects.toThrow(/1\.\.300/);
  });
});

describe('verified-token cache', () => {
  // the clock of both the cache and jose (Date.now and new Date)
  const advance = (ms: number) => {
    const now = Date.now();
    jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.setSystemTime(now + ms);
  };
  afterEach(() => jest.useRealTimers());

  it('checks exp again on every use of a remembered token', async () => {
    const verifier = createTokenVerifier({
      mode: 'hs256',
      secret: new TextEncoder().encode(SECRET),
      ...JWT,
      clockToleranceSec: 0,
    });
    const t = await token({ sub: 'issuer-a', roles: ['issuer'] }, 30);
    const first = await verifier.verify(t);
    expect(first.subject).toBe('issuer-a');
    first.roles.push('admin'); // a caller handed out is a copy: changing it changes nothing remembered
    expect((await verifier.verify(t)).roles).toEqual(['issuer']);
    advance(31_000);
    expect((await refusal(verifier.verify(t))).code).toBe('TOKEN_EXPIRED');
  });

  it('checks the maximum age again on every use of a remembered token', async () => {
    const verifier = createTokenVerifier({
      mode: 'hs256',
      secret: new TextEncoder().encode(SECRET),
      ...JWT,
      clockToleranceSec: 0,
      maxTokenAgeSec: 60,
    });
    const t = await token({ sub: 'issuer-a' }, 60);
    await expect(verifier.verify(t)).resolves.toMatchObject({ subject: 'issuer-a' });
    // now - iat = 61 > 60: refused, though remembered (exp - iat = 60, so exp has passed as well)
    advance(61_000);
    expect(['TOKEN_TOO_OLD', 'TOKEN_EXPIRED']).toContain((await refusal(verifier.verify(t))).code);
  });

  it('never remembers a refused token', async () => {
    const verifier = createTokenVerifier({
      mode: 'hs256',
      secret: new TextEncoder().encode(SECRET),
      ...JWT,
      clockToleranceSec: 0,
    });
    const foreign = await token({ sub: 'a' }, 60, 'another-secret-that-is-long-enough-xx');
    expect((await refusal(verifier.verify(foreign))).code).toBe('INVALID_TOKEN');
    expect((await refusal(verifier.verify(foreign))).code).toBe('INVALID_TOKEN');
  });
});
