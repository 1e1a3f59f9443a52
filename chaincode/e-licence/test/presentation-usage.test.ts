/**
 * Issue 18 parts 3-4 in the chaincode: presentation keys registered by each organisation for
 * itself (protected records), departments' recorded checks, presentation checks recorded by a
 * gateway, and the holder's own usage trace (403 for anyone else, no personal data).
 */
import { generateKeyPairSync } from 'crypto';
import { keyEndorsers } from '@govledger/chaincode-common';
import { events, type eLicence } from '@govledger/wire';
import { Harness, ID, doc, holder } from './harness';

type Jwk = eLicence.PresentationPublicJwk;
type Usage = eLicence.LicenceUsage;

function newJwk(): Jwk {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const j = publicKey.export({ format: 'jwk' });
  return { kty: 'EC', crv: 'P-256', x: String(j.x), y: String(j.y) };
}

const officerLabourB = {
  mspId: 'CityBMSP',
  name: 'officer-labour-b',
  attrs: { 'gov.dept': 'labour', 'gov.role': 'officer' },
};
/** Options of a call on a day of March 2026. */
const at = (day: string) => ({ time: `2026-03-${day}T09:00:00Z` });
const publicReaderB = { mspId: 'CityBMSP', name: 'public-reader-b', attrs: {} };

describe('RegisterPresentationKey / ListPresentationKeys', () => {
  let h: Harness;
  beforeEach(() => {
    h = new Harness();
  });

  it("registers the caller's own organisation's key under its RFC 7638 thumbprint, protected for it", async () => {
    const jwk = newJwk();
    const key = await h.submit<eLicence.PresentationKey>(ID.adminA, 'RegisterPresentationKey', {
      publicKey: jwk,
    });
    expect(key.mspId).toBe('CityAMSP');
    expect(key.jwk).toEqual(jwk);
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = `\u0000presentationKey\u0000CityAMSP\u0000${key.kid}\u0000`;
    expect(h.ledger.get(stored)).toEqual(key);
    expect(await h.ledger.evaluate(ID.adminA, (ctx) => keyEndorsers(ctx, stored))).toEqual([
      'CityAMSP',
      'CityBMSP',
    ]);
    const list = await h.evaluate<eLicence.PresentationKeyList>(ID.citizenB1, 'ListPresentationKeys', {});
    expect(list.keys).toEqual([key]);
  });

  it('refuses a non-admin (403), a duplicate (409), an off-curve point and a private key (400)', async () => {
    const jwk = newJwk();
    expect(await h.refused(ID.issuerA, 'RegisterPresentationKey', { publicKey: jwk })).toMatchObject({
      status: 403,
    });
    await h.submit(ID.adminA, 'RegisterPresentationKey', { publicKey: jwk });
    expect(await h.refused(ID.adminA, 'RegisterPresentationKey', { publicKey: jwk })).toMatchObject({
      status: 409,
      code: 'PRESENTATION_KEY_EXISTS',
    });
    // the same key for another organisation is its own record (each org speaks for itself only)
    await h.submit(ID.adminB, 'RegisterPresentationKey', { publicKey: jwk });
    const offCurve = { ...jwk, y: jwk.x };
    expect(await h.refused(ID.adminA, 'RegisterPresentationKey', { publicKey: offCurve })).toMatchObject({
      status: 400,
      code: 'INVALID_ARGUMENT',
    });
    const withD = { ...newJwk(), d: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU' };
    expect(await h.refused(ID.adminA, 'RegisterPresentationKey', { publicKey: withD })).toMatchObject({
      status: 400,
    });
    const a = await h.evaluate<eLicence.PresentationKeyList>(ID.adminB, 'ListPresentationKeys', {
      mspId: 'CityAMSP',
    });
    expect(a.keys.map((k) => k.mspId)).toEqual(['CityAMSP']);
  });
});

describe('CheckLicence / RecordPresentationCheck / ListLicenceUsage', () => {
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.seedTypes();
    await h.issueBiz('L1', {}, { time: '2026-02-01T10:00:00Z' });
  });

  it("records a department's check (who, what, when, why) and answers the verification", async () => {
    const out = await h.submit<{ verification: eLicence.VerifyResult; usage: Usage }>(
      officerLabourB,
      'CheckLicence',
      { licenceId: 'L1', documentHash: doc('L1'), purpose: { code: 'EMPLOYMENT', text: 'pre-hire check' } },
      { time: '2026-03-01T09:00:00Z' },
    );
    expect(out.verification).toMatchObject({
      licenceId: 'L1',
      valid: true,
      status: 'valid',
      documentHashMatch: true,
    });
    expect(out.usage).toEqual({
      usageId: expect.stringMatching(/^[0-9a-f]{64}$/),
      licenceId: 'L1',
      typeCode: 'A-BIZ',
      holder: holder('enterprise-a1'),
      channel: 'department',
      verifier: { kind: 'department', mspId: 'CityBMSP', dept: 'labour', role: 'officer' },
      purpose: { code: 'EMPLOYMENT', text: 'pre-hire check' },
      disclosedClaims: [],
      valid: true,
      reason: null,
      checkedAt: '2026-03-01T09:00:00.000Z',
    });
    // no certificate id or name of the checker anywhere in the entry
    expect(JSON.stringify(out.usage)).not.toContain('officer-labour-b');
    // the event goes to the holder and the checking department only
    const ev = h.lastEvent();
    expect(ev.name).toBe('LicenceChecked');
    const scope = events['e-licence'].LicenceChecked.scope(
      events['e-licence'].LicenceChecked.payload.parse(ev.payload),
    );
    expect(scope).toEqual({
      subjects: [holder('enterprise-a1')],
      orgs: [{ mspId: 'CityBMSP', dept: 'labour' }],
    });
  });

  it('refuses a check by a caller without a department (403) and of an unknown licence (404), writing nothing', async () => {
    expect(
      await h.refused(ID.citizenB1, 'CheckLicence', { licenceId: 'L1', purpose: { code: 'OTHER' } }),
    ).toMatchObject({ status: 403 });
    expect(
      await h.refused(officerLabourB, 'CheckLicence', { licenceId: 'NOPE', purpose: { code: 'OTHER' } }),
    ).toMatchObject({ status: 404, code: 'LICENCE_NOT_FOUND' });
    expect(
      await h.refused(officerLabourB, 'CheckLicence', { licenceId: 'L1', purpose: { code: 'GOSSIP' } }),
    ).toMatchObject({ status: 400 });
  });

  it('records presentation checks: the gateway reason first, else the status at the transaction time', async () => {
    const ok = await h.submit<Usage>(
      publicReaderB,
      'RecordPresentationCheck',
      {
        licenceId: 'L1',
        kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        disclosedClaims: ['registeredCapital', 'companyName', 'companyName'],
        reason: null,
        purpose: { code: 'CONTRACTING' },
      },
      at('03'),
    );
    expect(ok).toMatchObject({
      channel: 'presentation',
      verifier: { kind: 'public', mspId: 'CityBMSP', dept: null, role: null },
      disclosedClaims: ['companyName', 'registeredCapital'],
      valid: true,
      reason: null,
    });
    const bad = await h.submit<Usage>(
      publicReaderB,
      'RecordPresentationCheck',
      {
        licenceId: 'L1',
        kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        disclosedClaims: [],
        reason: 'BAD_SIGNATURE',
      },
      at('04'),
    );
    expect(bad).toMatchObject({ valid: false, reason: 'BAD_SIGNATURE', purpose: null });
    await h.submit(ID.issuerA, 'SuspendLicence', { licenceId: 'L1', reasonCode: 'INVESTIGATION' }, at('05'));
    const suspended = await h.submit<Usage>(
      publicReaderB,
      'RecordPresentationCheck',
      {
        licenceId: 'L1',
        kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        disclosedClaims: [],
        reason: null,
      },
      at('06'),
    );
    expect(suspended).toMatchObject({ valid: false, reason: 'LICENCE_SUSPENDED' });
    await h.submit(ID.issuerA, 'RevokeLicence', { licenceId: 'L1', reasonCode: 'FRAUD' }, at('07'));
    const revoked = await h.submit<{ verification: eLicence.VerifyResult; usage: Usage }>(
      officerLabourB,
      'CheckLicence',
      { licenceId: 'L1', purpose: { code: 'INSPECTION' } },
      at('08'),
    );
    expect(revoked.usage).toMatchObject({ valid: false, reason: 'LICENCE_REVOKED' });
    const expiredLater = await h.submit<Usage>(
      publicReaderB,
      'RecordPresentationCheck',
      {
        licenceId: 'L1',
        kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        disclosedClaims: [],
        reason: null,
      },
      { time: '2040-01-01T00:00:00Z' },
    );
    expect(expiredLater.reason).toBe('LICENCE_REVOKED');
  });

  it('reports an expired licence as LICENCE_EXPIRED', async () => {
    const u = await h.submit<Usage>(
      publicReaderB,
      'RecordPresentationCheck',
      {
        licenceId: 'L1',
        kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        disclosedClaims: [],
        reason: null,
      },
      { time: '2040-01-01T00:00:00Z' },
    );
    expect(u).toMatchObject({ valid: false, reason: 'LICENCE_EXPIRED' });
  });

  it('lets the holder alone list the checks of their licences, paginated', async () => {
    await h.submit(
      officerLabourB,
      'CheckLicence',
      { licenceId: 'L1', purpose: { code: 'EMPLOYMENT' } },
      { time: '2026-03-01T09:00:00Z' },
    );
    await h.submit(
      publicReaderB,
      'RecordPresentationCheck',
      {
        licenceId: 'L1',
        kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
        disclosedClaims: ['companyName'],
        reason: null,
      },
      { time: '2026-03-02T09:00:00Z' },
    );
    const all = await h.evaluate<{ records: Usage[]; bookmark: string }>(
      ID.enterpriseA1,
      'ListLicenceUsage',
      {},
    );
    expect(all.records.map((r) => [r.channel, r.verifier.kind, r.checkedAt])).toEqual([
      ['department', 'department', '2026-03-01T09:00:00.000Z'],
      ['presentation', 'public', '2026-03-02T09:00:00.000Z'],
    ]);
    const first = await h.evaluate<{ records: Usage[]; bookmark: string }>(
      ID.enterpriseA1,
      'ListLicenceUsage',
      {
        licenceId: 'L1',
        pageSize: 1,
      },
    );
    expect(first.records).toHaveLength(1);
    expect(first.bookmark).not.toBe('');
    const second = await h.evaluate<{ records: Usage[]; bookmark: string }>(
      ID.enterpriseA1,
      'ListLicenceUsage',
      {
        licenceId: 'L1',
        pageSize: 1,
        bookmark: first.bookmark,
      },
    );
    expect(second.records[0]?.channel).toBe('presentation');
    // another enterprise sees nothing of it, and may not name the licence
    const other = await h.evaluate<{ records: Usage[] }>(ID.enterpriseA2, 'ListLicenceUsage', {});
    expect(other.records).toEqual([]);
    expect(await h.refusedQuery(ID.enterpriseA2, 'ListLicenceUsage', { licenceId: 'L1' })).toMatchObject({
      status: 403,
    });
    expect(await h.refusedQuery(ID.enterpriseA2, 'ListLicenceUsage', { licenceId: 'NOPE' })).toMatchObject({
      status: 403,
    });
    // staff, auditors and issuers are not holders
    for (const who of [ID.issuerA, ID.auditorA, officerLabourB]) {
      expect(await h.refusedQuery(who, 'ListLicenceUsage', {})).toMatchObject({ status: 403 });
    }
  });
});
