import './quiet';
import { keyPolicy, sha256Hex, stableStringify } from '@govledger/chaincode-common';
import { consentHash, type ConsentTerms, type ConsentView, type PageResult } from '../src';
import {
  CITIZEN,
  HOUSING_FUND,
  Harness,
  ID,
  PID,
  consentRequest,
  readableKey,
  withCatalogue,
} from './helpers';

async function granted(
  h: Harness,
  over: Record<string, unknown> = {},
  who = ID.citizenA1,
): Promise<ConsentView> {
  return h.submit<ConsentView>(who, 'GrantConsent', consentRequest(over));
}

describe('GrantConsent', () => {
  it('records a consent under the caller’s pseudonymous id, with an id derived from the tx id and a hash', async () => {
    const h = await withCatalogue();
    const c = await granted(h, { fields: ['monthsPaid', 'balance'], maxUses: 3 });
    expect(c.consentId).toMatch(/^CNS-[0-9a-f]{64}$/);
    expect(c).toMatchObject({
      citizen: CITIZEN.a1,
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: 'HOUSING_FUND',
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      fields: ['balance', 'monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2026-12-31T00:00:00Z',
      maxUses: 3,
      grantedAt: '2026-01-01T00:00:01.000Z',
      status: 'active',
      state: 'active',
      revokedAt: null,
      usesCount: 0,
      usesLeft: 3,
    });
    const terms: ConsentTerms = {
      consentId: c.consentId,
      citizen: c.citizen,
      grantee: c.grantee,
      categoryCode: c.categoryCode,
      holder: c.holder,
      fields: c.fields,
      purpose: c.purpose,
      validFrom: c.validFrom,
      validUntil: c.validUntil,
      maxUses: c.maxUses,
      grantedAt: c.grantedAt,
    };
    expect(c.hash).toBe(sha256Hex(stableStringify(terms)));
    expect(c.hash).toBe(consentHash(terms));
  });

  it('writes the consent, a per-citizen index and a match index; emits ConsentGranted', async () => {
    const h = await withCatalogue();
    const d = await h.diff(() => granted(h, { consentId: 'C-1' }));
    expect(d.added.map(readableKey).sort()).toEqual(
      [
        'consent/C-1',
        `consent~citizen/CityAMSP/${PID.a1}/${String(9_999_999_999_999 - Date.parse('2026-01-01T00:00:01Z')).padStart(13, '0')}/C-1`,
        `consent~match/CityAMSP/${PID.a1}/CityBMSP/housing/HOUSING_FUND/C-1`,
      ].sort(),
    );
    expect(d.changed).toEqual([]);
    const e = h.lastEvent();
    expect(e.name).toBe('ConsentGranted');
    expect(e.payload).toMatchObject({
      consentId: 'C-1',
      citizen: CITIZEN.a1,
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: 'HOUSING_FUND',
      purpose: 'HOUSING_SUBSIDY',
      state: 'active',
    });
  });

  it('protects the consent: changes need the citizen’s home organisation AND one other (key-level endorsement)', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    await granted(h, { consentId: 'C-B' }, ID.citizenB1);
    const key = (id: string): string =>
      h.ledger.keys().find((k) => readableKey(k) === `consent/${id}`) as string;
    expect(await h.ledger.evaluate(ID.citizenA1, (ctx) => keyPolicy(ctx, key('C-1')))).toEqual({
      owner: 'CityAMSP',
      orgs: ['CityAMSP', 'CityBMSP'],
    });
    expect(await h.ledger.evaluate(ID.citizenB1, (ctx) => keyPolicy(ctx, key('C-B')))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'CityAMSP'],
    });
  });

  it('takes the citizen from the certificate: a request cannot name a citizen (400)', async () => {
    const h = await withCatalogue();
    const r = await h.refusedSubmit(ID.citizenA1, 'GrantConsent', consentRequest({ citizen: CITIZEN.a2 }));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
  });

  it('refuses callers who are not citizens or carry no pseudonymous id (403)', async () => {
    const h = await withCatalogue();
    for (const who of [ID.housingB, ID.financeA, ID.auditorA, ID.enterpriseA1, ID.citizenNoPid]) {
      expect(await h.refusedSubmit(who, 'GrantConsent', consentRequest())).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an unknown category (404) and a field the category does not have (400)', async () => {
    const h = await withCatalogue();
    expect(
      await h.refusedSubmit(ID.citizenA1, 'GrantConsent', consentRequest({ categoryCode: 'TAX' })),
    ).toMatchObject({ code: 'CATEGORY_NOT_FOUND', status: 404 });
    const r = await h.refusedSubmit(
      ID.citizenA1,
      'GrantConsent',
      consentRequest({ fields: ['balance', 'salary'] }),
    );
    expect(r).toMatchObject({ code: 'FIELD_NOT_IN_CATEGORY', status: 400 });
    expect(r.message).toContain('salary');
  });

  it.each([
    ['unknown purpose', { purpose: 'MARKETING' }, 'purpose'],
    ['validUntil not after validFrom', { validUntil: '2026-01-01T00:00:00Z' }, 'validUntil'],
    ['date outside 1900-2200', { validFrom: '9999-01-01T00:00:00Z' }, 'validFrom'],
    ['maxUses 0', { maxUses: 0 }, 'maxUses'],
    ['maxUses above the limit', { maxUses: 1001 }, 'maxUses'],
    ['fractional maxUses', { maxUses: 1.5 }, 'maxUses'],
    ['grantee without dept', { grantee: { mspId: 'CityBMSP' } }, 'grantee.dept'],
    ['bad consent id', { consentId: 'has space' }, 'consentId'],
    ['empty fields', { fields: [] }, 'fields'],
  ])('refuses bad input: %s (400 INVALID_ARGUMENT)', async (_n, over, field) => {
    const h = await withCatalogue();
    const r = await h.refusedSubmit(ID.citizenA1, 'GrantConsent', consentRequest(over));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    expect(r.message).toContain(`${field}:`);
  });

  it('refuses a validity that has already ended (400 INVALID_VALIDITY), judged by the tx time', async () => {
    const h = await withCatalogue();
    const req = consentRequest({ validFrom: '2025-01-01T00:00:00Z', validUntil: '2025-06-01T00:00:00Z' });
    expect(await h.refusedSubmit(ID.citizenA1, 'GrantConsent', req)).toMatchObject({
      code: 'INVALID_VALIDITY',
      status: 400,
    });
    await h.submit(ID.citizenA1, 'GrantConsent', req, { time: '2025-05-31T00:00:00Z' });
  });

  it('refuses a consent id that exists already (409 CONSENT_EXISTS), also for another citizen', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    for (const who of [ID.citizenA1, ID.citizenA2]) {
      expect(await h.refusedSubmit(who, 'GrantConsent', consentRequest({ consentId: 'C-1' }))).toMatchObject({
        code: 'CONSENT_EXISTS',
        status: 409,
      });
    }
  });
});

describe('consent lifecycle: pause, resume, revoke', () => {
  it('pauses, resumes and revokes at once, each emitting its event', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    const p = await h.submit<ConsentView>(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' });
    expect(p).toMatchObject({ status: 'paused', state: 'paused' });
    expect(h.lastEvent()).toMatchObject({
      name: 'ConsentPaused',
      payload: { consentId: 'C-1', state: 'paused' },
    });
    const r = await h.submit<ConsentView>(ID.citizenA1, 'ResumeConsent', { consentId: 'C-1' });
    expect(r).toMatchObject({ status: 'active', state: 'active' });
    expect(h.lastEvent()).toMatchObject({
      name: 'ConsentResumed',
      payload: { citizen: CITIZEN.a1, state: 'active' },
    });
    const v = await h.submit<ConsentView>(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    expect(v).toMatchObject({ status: 'revoked', state: 'revoked', revokedAt: '2026-01-01T00:00:04.000Z' });
    expect(h.lastEvent()).toMatchObject({ name: 'ConsentRevoked', payload: { state: 'revoked' } });
  });

  it('keeps the consent hash over status changes (the hash covers the terms)', async () => {
    const h = await withCatalogue();
    const c = await granted(h, { consentId: 'C-1' });
    const v = await h.submit<ConsentView>(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    expect(v.hash).toBe(c.hash);
  });

  it('writes only the consent key on a status change', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    const d = await h.diff(() => h.submit(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' }));
    expect(d.added).toEqual([]);
    expect(d.changed.map(readableKey)).toEqual(['consent/C-1']);
  });

  it('refuses illegal changes with 409 and the state’s code, nothing written', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    expect(await h.refusedSubmit(ID.citizenA1, 'ResumeConsent', { consentId: 'C-1' })).toMatchObject({
      code: 'CONSENT_NOT_PAUSED',
      status: 409,
    });
    await h.submit(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' });
    expect(await h.refusedSubmit(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' })).toMatchObject({
      code: 'CONSENT_PAUSED',
      status: 409,
    });
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    for (const tx of ['PauseConsent', 'ResumeConsent', 'RevokeConsent'] as const) {
      expect(await h.refusedSubmit(ID.citizenA1, tx, { consentId: 'C-1' })).toMatchObject({
        code: 'CONSENT_REVOKED',
        status: 409,
      });
    }
  });

  it('computes expired from the transaction time: no pause or resume after validUntil, revoke still allowed', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    await granted(h, { consentId: 'C-2' });
    await h.submit(ID.citizenA1, 'PauseConsent', { consentId: 'C-2' });
    const later = { time: '2026-12-31T00:00:00Z' };
    const seen = await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' }, later);
    expect(seen).toMatchObject({ status: 'active', state: 'expired' });
    expect(await h.refusedSubmit(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' }, later)).toMatchObject({
      code: 'CONSENT_EXPIRED',
      status: 409,
    });
    expect(await h.refusedSubmit(ID.citizenA1, 'ResumeConsent', { consentId: 'C-2' }, later)).toMatchObject({
      code: 'CONSENT_EXPIRED',
      status: 409,
    });
    const v = await h.submit<ConsentView>(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' }, later);
    expect(v.state).toBe('revoked');
    // one millisecond earlier the consent was still active
    const before = await h.evaluate<ConsentView>(
      ID.citizenA1,
      'GetConsent',
      { consentId: 'C-2' },
      {
        time: '2026-12-30T23:59:59.999Z',
      },
    );
    expect(before.state).toBe('paused');
  });

  it('refuses a citizen acting on someone else’s consent (403 NOT_CONSENT_OWNER) and non-citizens (403)', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    for (const tx of ['PauseConsent', 'ResumeConsent', 'RevokeConsent'] as const) {
      expect(await h.refusedSubmit(ID.citizenA2, tx, { consentId: 'C-1' })).toMatchObject({
        code: 'NOT_CONSENT_OWNER',
        status: 403,
      });
      expect(await h.refusedSubmit(ID.housingB, tx, { consentId: 'C-1' })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an unknown consent (404 CONSENT_NOT_FOUND) and a bad id (400)', async () => {
    const h = await withCatalogue();
    expect(await h.refusedSubmit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-9' })).toMatchObject({
      code: 'CONSENT_NOT_FOUND',
      status: 404,
    });
    expect(await h.refusedSubmit(ID.citizenA1, 'RevokeConsent', { id: 'C-9' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
  });
});

describe('reading consents', () => {
  it('lets the citizen, the grantee department, the holder department and auditors read a consent', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    for (const who of [ID.citizenA1, ID.housingB, ID.legalB, ID.financeA, ID.auditorA, ID.auditorOffice]) {
      expect((await h.evaluate<ConsentView>(who, 'GetConsent', { consentId: 'C-1' })).consentId).toBe('C-1');
    }
    expect(await h.refusedEvaluate(ID.citizenA2, 'GetConsent', { consentId: 'C-1' })).toMatchObject({
      code: 'NOT_CONSENT_OWNER',
      status: 403,
    });
    for (const who of [ID.financeB, ID.housingA, ID.adminA]) {
      expect(await h.refusedEvaluate(who, 'GetConsent', { consentId: 'C-1' })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('lists a citizen’s own consents, newest first, page by page', async () => {
    const h = await withCatalogue();
    for (let i = 1; i <= 5; i++) await granted(h, { consentId: `C-${i}` });
    await granted(h, { consentId: 'OTHER' }, ID.citizenA2);
    const p1 = await h.evaluate<PageResult<ConsentView>>(ID.citizenA1, 'ListConsents', { pageSize: 2 });
    expect(p1.records.map((c) => c.consentId)).toEqual(['C-5', 'C-4']);
    const p2 = await h.evaluate<PageResult<ConsentView>>(ID.citizenA1, 'ListConsents', {
      pageSize: 2,
      bookmark: p1.bookmark,
    });
    expect(p2.records.map((c) => c.consentId)).toEqual(['C-3', 'C-2']);
    const p3 = await h.evaluate<PageResult<ConsentView>>(ID.citizenA1, 'ListConsents', {
      pageSize: 2,
      bookmark: p2.bookmark,
    });
    expect(p3.records.map((c) => c.consentId)).toEqual(['C-1']);
    expect(p3.bookmark).toBe('');
    expect(p3.records[0]).toMatchObject({ state: 'active', usesCount: null, usesLeft: null });
  });

  it('refuses a citizen listing someone else’s consents (403 NOT_OWN_DATA); auditors name the citizen', async () => {
    const h = await withCatalogue();
    await granted(h, { consentId: 'C-1' });
    expect(await h.refusedEvaluate(ID.citizenA2, 'ListConsents', { citizen: CITIZEN.a1 })).toMatchObject({
      code: 'NOT_OWN_DATA',
      status: 403,
    });
    const own = await h.evaluate<PageResult<ConsentView>>(ID.citizenA1, 'ListConsents', {
      citizen: CITIZEN.a1,
    });
    expect(own.records).toHaveLength(1);
    const audited = await h.evaluate<PageResult<ConsentView>>(ID.auditorOffice, 'ListConsents', {
      citizen: CITIZEN.a1,
    });
    expect(audited.records.map((c) => c.consentId)).toEqual(['C-1']);
    expect(await h.refusedEvaluate(ID.auditorA, 'ListConsents', {})).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    expect(await h.refusedEvaluate(ID.housingB, 'ListConsents', { citizen: CITIZEN.a1 })).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });
});

describe('bounded consents per grantee and category', () => {
  it('allows 20 live consents per grantee department and category, refuses the 21st (409 TOO_MANY_CONSENTS)', async () => {
    const h = await withCatalogue();
    for (let i = 1; i <= 20; i++) await granted(h, { consentId: `C-${i}` });
    expect(
      await h.refusedSubmit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-21' })),
    ).toMatchObject({ code: 'TOO_MANY_CONSENTS', status: 409 });
    // another grantee department, another category or another citizen is not affected
    await granted(h, { consentId: 'D-1', grantee: { mspId: 'CityBMSP', dept: 'finance' } });
    await granted(h, { consentId: 'D-2' }, ID.citizenA2);
  });

  it('drops revoked and expired consents from the match index to make room', async () => {
    const h = await withCatalogue();
    for (let i = 1; i <= 19; i++) await granted(h, { consentId: `C-${i}` });
    await granted(h, { consentId: 'SHORT', validUntil: '2026-02-01T00:00:00Z' });
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-3' });
    const d = await h.diff(() => granted(h, { consentId: 'C-21' }, ID.citizenA1));
    expect(d.removed.map(readableKey)).toEqual([
      `consent~match/CityAMSP/${PID.a1}/CityBMSP/housing/HOUSING_FUND/C-3`,
    ]);
    // after SHORT expired there is room again
    const later = { time: '2026-03-01T00:00:00Z' };
    const d2 = await h.diff(() =>
      h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-22' }), later),
    );
    expect(d2.removed.map(readableKey)).toEqual([
      `consent~match/CityAMSP/${PID.a1}/CityBMSP/housing/HOUSING_FUND/SHORT`,
    ]);
    expect(
      await h.refusedSubmit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-23' }), later),
    ).toMatchObject({ code: 'TOO_MANY_CONSENTS' });
    // the records themselves stay readable
    expect((await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-3' })).state).toBe(
      'revoked',
    );
  });

  it('is keyed by the catalogue code: a category of the same fields but another code does not share the bound', async () => {
    const h = await withCatalogue();
    await h.submit(ID.financeA, 'RegisterCategory', { ...HOUSING_FUND, code: 'HF2' });
    for (let i = 1; i <= 20; i++) await granted(h, { consentId: `C-${i}` });
    await granted(h, { consentId: 'X', categoryCode: 'HF2' });
  });
});
