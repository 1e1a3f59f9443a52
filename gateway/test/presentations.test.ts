/**
 * Holder presentations (issue 18 part 3) and the usage routes (part 4) against a fake ledger:
 * key registration, JWKS, a holder's presentation verified by anyone without a token, and every
 * way it must fail (tampered, expired, unknown key, revoked, suspended, expired licence, a ledger
 * hash that no longer matches), each with its stable reason; each verified check is recorded.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { CompactSign } from 'jose';
import type { eLicence } from '@govledger/wire';
import { ConfigError } from '../src/config';
import { thumbprint } from '../src/presentations/keys';
import { checkPresentation, encodeDisclosure, ledgerClaimHash } from '../src/presentations/sd-jwt';
import { loadPresentationSettings } from '../src/routes/public-presentations';
import { chaincodeRefusal } from './fake-ledger';
import { makeHarness, type Harness } from './harness';

const PID = 'ab'.repeat(32);
const SALTS = { companyName: 'a1'.repeat(16), registeredCapital: 'b2'.repeat(16) };
const VALUES = { companyName: 'Acme Trading Ltd', registeredCapital: '5000000.00' };
const TXID = 'c'.repeat(64);

let h: Harness;
let keys: eLicence.PresentationKey[];
let status: eLicence.EffectiveStatus;
let claimHashes: Record<string, string>;
let recorded: Record<string, unknown>[];

const licence = () => ({
  licenceId: 'L1',
  typeCode: 'A-BIZ',
  holder: { mspId: 'CityAMSP', pid: PID },
  holderKind: 'enterprise',
  issuerMsp: 'CityAMSP',
  issuerDept: 'market',
  issuedAt: '2026-01-01T00:00:00.000Z',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2031-01-01T00:00:00.000Z',
  status: status === 'revoked' || status === 'suspended' ? status : 'active',
  version: 1,
  documentHash: 'd'.repeat(64),
  claimHashes,
  privateDataHash: 'e'.repeat(64),
  privateCollection: 'licencePrivate_CityAMSP',
  applicationId: null,
  previousLicenceId: null,
  renewedBy: null,
  suspension: null,
  revocation: null,
  lastChange: { action: 'issued', at: '2026-01-01T00:00:00.000Z', by: 'x', reasonCode: null, note: null },
  updatedAt: '2026-01-01T00:00:00.000Z',
  effectiveStatus: status,
});

const STATUS_REASON: Partial<Record<eLicence.EffectiveStatus, string>> = {
  revoked: 'LICENCE_REVOKED',
  suspended: 'LICENCE_SUSPENDED',
  expired: 'LICENCE_EXPIRED',
};

beforeAll(async () => {
  h = await makeHarness({ publicFunds: { reader: { mspId: 'CityBMSP', label: 'bob' }, maxAgeSec: 30 } });
});
afterAll(() => h.close());
beforeEach(() => {
  jest.restoreAllMocks();
  keys = [];
  status = 'valid';
  recorded = [];
  claimHashes = {
    companyName: ledgerClaimHash(SALTS.companyName, VALUES.companyName),
    registeredCapital: ledgerClaimHash(SALTS.registeredCapital, VALUES.registeredCapital),
    businessScope: 'f'.repeat(64),
  };
  h.ledger.calls.length = 0;
  h.ledger.handlers.clear();
  h.ledger.on('e-licence', 'RegisterPresentationKey', (req, identity) => {
    const jwk = (req as eLicence.RegisterPresentationKeyRequest).publicKey;
    const key = {
      mspId: identity.mspId,
      kid: thumbprint(jwk),
      jwk,
      registeredAt: '2026-01-01T00:00:00.000Z',
      txId: TXID,
    };
    keys.push(key);
    return key;
  });
  h.ledger.on('e-licence', 'ListPresentationKeys', (req) => ({
    keys: keys.filter(
      (k) => !(req as { mspId?: string }).mspId || k.mspId === (req as { mspId?: string }).mspId,
    ),
  }));
  h.ledger.on('e-licence', 'GetLicence', (req) => {
    if ((req as { licenceId: string }).licenceId !== 'L1') {
      chaincodeRefusal('LICENCE_NOT_FOUND', 404, 'no such licence', 'evaluate');
    }
    return licence();
  });
  h.ledger.on('e-licence', 'GetLicencePrivateData', () => ({
    licenceId: 'L1',
    version: 1,
    privateDataHash: 'e'.repeat(64),
    record: {
      holder: { legalName: 'Zhang San' },
      claims: {
        companyName: { value: VALUES.companyName, salt: SALTS.companyName },
        registeredCapital: { value: VALUES.registeredCapital, salt: SALTS.registeredCapital },
        businessScope: { value: 'retail', salt: 'c3'.repeat(16) },
      },
      salt: 'd4'.repeat(16),
    },
    recordJson: '{}',
  }));
  h.ledger.on('e-licence', 'RecordPresentationCheck', (req, identity) => {
    const r = req as eLicence.RecordPresentationCheckRequest;
    recorded.push({ ...r, by: identity.mspId });
    const reason = r.reason ?? STATUS_REASON[status] ?? null;
    return {
      usageId: crypto.randomBytes(32).toString('hex'),
      licenceId: 'L1',
      typeCode: 'A-BIZ',
      holder: { mspId: 'CityAMSP', pid: PID },
      channel: 'presentation',
      verifier: { kind: 'public', mspId: identity.mspId, dept: null, role: null },
      purpose: r.purpose ?? null,
      disclosedClaims: r.disclosedClaims,
      valid: reason === null,
      reason,
      checkedAt: '2026-01-01T00:00:00.000Z',
    };
  });
});

const admin = () => h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['admin'] });
const holderToken = (pid = PID) => h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['enterprise'], pid });

async function registerKey(): Promise<void> {
  const res = await request(h.gateway.app)
    .post('/api/v1/presentation-keys')
    .set('Authorization', await admin());
  expect(res.status).toBe(201);
}

async function present(claims: string[] = ['companyName']): Promise<string> {
  const res = await request(h.gateway.app)
    .post('/api/v1/licences/L1/presentations')
    .set('Authorization', await holderToken())
    .send({ claims });
  expect(res.status).toBe(201);
  return (res.body as { presentation: string }).presentation;
}

async function verify(presentation: string) {
  const res = await request(h.gateway.app)
    .post('/api/v1/public/presentations/verify')
    .send({ presentation, purpose: { code: 'CONTRACTING', text: 'supplier check' } });
  expect(res.status).toBe(200);
  return res.body as {
    valid: boolean;
    reason: string | null;
    disclosed: { name: string; value: string }[];
    usageId: string | null;
  };
}

describe('presentation keys', () => {
  it('registers the organisation’s key (made and kept by the gateway) and publishes it as a JWKS', async () => {
    await registerKey();
    const call = h.ledger.calls.find((c) => c.invocation.transaction === 'RegisterPresentationKey');
    expect(call).toMatchObject({ kind: 'submit', identity: { mspId: 'CityAMSP' } });
    expect(JSON.stringify(call?.request)).not.toContain('"d"');
    const jwks = await request(h.gateway.app).get('/api/v1/public/presentation-keys');
    expect(jwks.status).toBe(200);
    expect(jwks.body).toEqual({
      keys: [{ ...keys[0]?.jwk, kid: keys[0]?.kid, alg: 'ES256', use: 'sig', mspId: 'CityAMSP' }],
    });
    // the same key again: the gateway keeps one key per organisation
    await registerKey();
    expect(keys[1]?.kid).toBe(keys[0]?.kid);
  });

  it('refuses registration by a non-admin', async () => {
    const res = await request(h.gateway.app)
      .post('/api/v1/presentation-keys')
      .set('Authorization', await holderToken());
    expect(res.status).toBe(403);
  });

  it('bounds the configured lifetime', () => {
    expect(loadPresentationSettings({})).toEqual({ ttlSec: 300 });
    expect(loadPresentationSettings({ PRESENTATION_TTL_S: '120' })).toEqual({ ttlSec: 120 });
    expect(() => loadPresentationSettings({ PRESENTATION_TTL_S: '86400' })).toThrow(ConfigError);
    expect(() => loadPresentationSettings({ PRESENTATION_TTL_S: '5' })).toThrow(ConfigError);
  });
});

describe('holder presentations', () => {
  it('discloses only the chosen claims, fits a QR code, and verifies without a token (recorded)', async () => {
    await registerKey();
    const token = await present(['companyName']);
    expect(token.length).toBeLessThan(1200);
    expect(token).not.toContain(Buffer.from(VALUES.registeredCapital).toString('base64url'));
    const out = await verify(token);
    expect(out).toMatchObject({
      valid: true,
      reason: null,
      licenceId: 'L1',
      issuerMsp: 'CityAMSP',
      status: 'valid',
      disclosed: [{ name: 'companyName', value: VALUES.companyName }],
      usageId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(recorded).toEqual([
      {
        licenceId: 'L1',
        kid: keys[0]?.kid,
        disclosedClaims: ['companyName'],
        reason: null,
        purpose: { code: 'CONTRACTING', text: 'supplier check' },
        by: 'CityBMSP',
      },
    ]);
    // the salts and values are read on the issuing organisation's peers only
    expect(h.ledger.calls.find((c) => c.invocation.transaction === 'GetLicencePrivateData')).toMatchObject({
      kind: 'evaluate',
      invocation: { endorsingOrganizations: ['CityAMSP'] },
    });
    // the disclosed value never goes to the ledger
    expect(JSON.stringify(h.ledger.calls.filter((c) => c.kind === 'submit'))).not.toContain(
      VALUES.companyName,
    );
  });

  it('refuses anyone but the holder, unknown claims, and an unregistered key', async () => {
    let res = await request(h.gateway.app)
      .post('/api/v1/licences/L1/presentations')
      .set('Authorization', await holderToken('cd'.repeat(32)))
      .send({ claims: [] });
    expect([res.status, res.body.code]).toEqual([403, 'NOT_LICENCE_HOLDER']);
    res = await request(h.gateway.app)
      .post('/api/v1/licences/L1/presentations')
      .set('Authorization', await h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['issuer'] }))
      .send({ claims: [] });
    expect(res.status).toBe(403);
    await registerKey();
    res = await request(h.gateway.app)
      .post('/api/v1/licences/L1/presentations')
      .set('Authorization', await holderToken())
      .send({ claims: ['shoeSize'] });
    expect([res.status, res.body.code]).toEqual([400, 'UNKNOWN_CLAIM']);
    keys.length = 0; // the ledger no longer lists the gateway's key
    res = await request(h.gateway.app)
      .post('/api/v1/licences/L1/presentations')
      .set('Authorization', await holderToken())
      .send({ claims: [] });
    expect([res.status, res.body.code]).toEqual([409, 'PRESENTATION_KEY_NOT_REGISTERED']);
  });

  it('refuses to present a revoked licence', async () => {
    await registerKey();
    status = 'revoked';
    const res = await request(h.gateway.app)
      .post('/api/v1/licences/L1/presentations')
      .set('Authorization', await holderToken())
      .send({ claims: [] });
    expect([res.status, res.body.code]).toEqual([409, 'LICENCE_REVOKED']);
  });

  it('fails a tampered presentation: changed value, changed payload, foreign signer, broken form', async () => {
    await registerKey();
    const token = await present(['companyName', 'registeredCapital']);
    const [jws = '', d1 = '', d2 = ''] = token.split('~');
    // a disclosure with another value (its digest is not in _sd)
    const forged = encodeDisclosure({ salt: SALTS.companyName, name: 'companyName', value: 'Evil Corp' });
    expect((await verify(`${jws}~${forged}~${d2}~`)).reason).toBe('DISCLOSURE_MISMATCH');
    // the same disclosure twice
    expect((await verify(`${jws}~${d1}~${d1}~`)).reason).toBe('DISCLOSURE_MISMATCH');
    // dropping a disclosure is allowed (the holder may show less)
    expect((await verify(`${jws}~${d1}~`)).valid).toBe(true);
    // a changed payload (longer validity) breaks the signature
    const [hdr = '', body = '', sig = ''] = jws.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { exp: number };
    const longer = Buffer.from(JSON.stringify({ ...payload, exp: payload.exp + 86400 })).toString(
      'base64url',
    );
    expect((await verify(`${hdr}.${longer}.${sig}~${d1}~`)).reason).toBe('BAD_SIGNATURE');
    // signed by another key claiming the registered kid
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = await new CompactSign(Buffer.from(body, 'base64url'))
      .setProtectedHeader(JSON.parse(Buffer.from(hdr, 'base64url').toString()) as { alg: string })
      .sign(privateKey);
    expect((await verify(`${foreign}~${d1}~`)).reason).toBe('BAD_SIGNATURE');
    expect((await verify('not a presentation')).reason).toBe('MALFORMED');
    expect((await verify(jws)).reason).toBe('MALFORMED');
    // nothing was recorded for an unverified signature or a malformed text
    expect(recorded.map((r) => r.reason)).toEqual(['DISCLOSURE_MISMATCH', 'DISCLOSURE_MISMATCH', null]);
  });

  it('fails with UNKNOWN_KEY once the key is no longer on the ledger', async () => {
    await registerKey();
    const token = await present();
    keys.length = 0;
    expect(await verify(token)).toMatchObject({ valid: false, reason: 'UNKNOWN_KEY', usageId: null });
  });

  it('expires after its lifetime', async () => {
    await registerKey();
    const token = await present();
    const later = Date.now() + 301_000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    expect(await verify(token)).toMatchObject({ valid: false, reason: 'PRESENTATION_EXPIRED' });
  });

  it.each([
    ['revoked', 'LICENCE_REVOKED'],
    ['suspended', 'LICENCE_SUSPENDED'],
    ['expired', 'LICENCE_EXPIRED'],
  ] as const)('fails when the licence is %s on the ledger now (%s)', async (now, reason) => {
    await registerKey();
    const token = await present();
    status = now;
    expect(await verify(token)).toMatchObject({ valid: false, reason, status: now });
  });

  it('fails with LICENCE_NOT_FOUND for a genuine presentation of a licence the ledger does not know', async () => {
    await registerKey();
    const token = await present();
    h.ledger.on('e-licence', 'GetLicence', () =>
      chaincodeRefusal('LICENCE_NOT_FOUND', 404, 'no such licence', 'evaluate'),
    );
    expect(await verify(token)).toMatchObject({ valid: false, reason: 'LICENCE_NOT_FOUND', usageId: null });
  });

  it('fails when the ledger hash of a disclosed claim changed (amended licence)', async () => {
    await registerKey();
    const token = await present();
    claimHashes.companyName = '0'.repeat(64);
    expect(await verify(token)).toMatchObject({ valid: false, reason: 'DISCLOSURE_MISMATCH', disclosed: [] });
  });

  it('checks offline with the published keys alone (no ledger)', async () => {
    await registerKey();
    const token = await present();
    const published = keys.map((k) => ({ kid: k.kid, mspId: k.mspId, jwk: k.jwk }));
    const nowSec = Math.floor(Date.now() / 1000);
    expect((await checkPresentation(token, published, nowSec)).ok).toBe(true);
    expect(await checkPresentation(token, published, nowSec + 3600)).toMatchObject({
      ok: false,
      reason: 'PRESENTATION_EXPIRED',
    });
    expect(await checkPresentation(token, [{ ...published[0]!, mspId: 'CityBMSP' }], nowSec)).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_KEY',
    });
  });
});

describe('usage routes', () => {
  it('records a department’s check and lists the holder’s own trace', async () => {
    h.ledger.on('e-licence', 'CheckLicence', (req) => ({ req }));
    h.ledger.on('e-licence', 'ListLicenceUsage', (req) => ({ records: [], bookmark: '', req }));
    const check = await request(h.gateway.app)
      .post('/api/v1/licences/L1/checks')
      .set(
        'Authorization',
        await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: ['officer'], dept: 'labour' }),
      )
      .send({ purpose: { code: 'EMPLOYMENT' } });
    expect(check.status).toBe(200);
    expect(h.ledger.calls.at(-1)).toMatchObject({
      kind: 'submit',
      request: { licenceId: 'L1', purpose: { code: 'EMPLOYMENT' } },
    });
    const list = await request(h.gateway.app)
      .get('/api/v1/me/licence-checks?licenceId=L1&pageSize=10')
      .set('Authorization', await holderToken());
    expect(list.status).toBe(200);
    expect(h.ledger.calls.at(-1)).toMatchObject({
      kind: 'evaluate',
      invocation: { transaction: 'ListLicenceUsage' },
      request: { licenceId: 'L1', pageSize: 10 },
    });
    const staff = await request(h.gateway.app)
      .get('/api/v1/me/licence-checks')
      .set('Authorization', await admin());
    expect(staff.status).toBe(403);
  });
});
