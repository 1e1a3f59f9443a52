import './quiet';
import { sha256Hex, stableStringify } from '@govledger/chaincode-common';
import type { AccessRecord, AccessResult, ConsentView, TicketTerms } from '../src';
import { ticketHash } from '../src';
import {
  CITIZEN,
  approvedLegalBasis,
  HEALTH_RECORD,
  HOUSING_FUND,
  Harness,
  ID,
  PID,
  accessRequest,
  consentRequest,
  legalBasisRequest,
  readableKey,
  withCatalogue,
} from './helpers';

type Granted = Extract<AccessResult, { granted: true }>;
type Refused = Extract<AccessResult, { granted: false }>;

async function withConsent(over: Record<string, unknown> = {}): Promise<Harness> {
  const h = await withCatalogue();
  await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1', ...over }));
  return h;
}

function access(
  h: Harness,
  over: Record<string, unknown> = {},
  who = ID.housingB,
  time?: string,
): Promise<AccessResult> {
  return h.submit<AccessResult>(who, 'RequestAccess', accessRequest(over), time ? { time } : undefined);
}

async function entry(h: Harness, accessId: string): Promise<AccessRecord> {
  return h.evaluate<AccessRecord>(ID.auditorA, 'GetAccess', { accessId });
}

/** Asserts a refusal was logged: only the access entry and its indexes were written. */
async function refusedAndLogged(
  h: Harness,
  over: Record<string, unknown>,
  code: string,
  who = ID.housingB,
  time?: string,
): Promise<Refused> {
  let result: AccessResult | undefined;
  const d = await h.diff(async () => {
    result = await access(h, over, who, time);
  });
  expect(result).toMatchObject({ granted: false, code });
  const r = result as Refused;
  const kinds = d.added.map((k) => readableKey(k).split('/')[0]).sort();
  expect(kinds.filter((k) => k !== 'access~flagged')).toEqual([
    'access',
    'access~all',
    'access~citizen',
    'access~dept',
  ]);
  expect(d.changed).toEqual([]);
  expect(d.removed).toEqual([]);
  const logged = await entry(h, r.accessId);
  expect(logged).toMatchObject({ granted: false, code, reason: r.reason, ticket: null });
  expect(h.lastEvent()).toMatchObject({
    name: 'AccessLogged',
    payload: { accessId: r.accessId, granted: false, code },
  });
  return r;
}

describe('RequestAccess granted on a consent', () => {
  it('returns a ticket (id, hash, expiry) and logs who, org, dept, citizen, category, fields, purpose, time, consent', async () => {
    const h = await withConsent();
    const r = (await access(h)) as Granted;
    expect(r.granted).toBe(true);
    expect(r.accessId).toMatch(/^ACC-[0-9a-f]{64}$/);
    expect(r.ticket.ticketId).toBe(r.accessId);
    expect(r.ticket.expiresAt).toBe('2026-01-01T00:15:02.000Z'); // tx time + 900 s
    expect(r.basis).toEqual({ kind: 'consent', id: 'C-1' });
    expect(r.auditFlag).toBe(false);

    const e = await entry(h, r.accessId);
    const consent = await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' });
    expect(e).toMatchObject({
      accessId: r.accessId,
      time: '2026-01-01T00:00:02.000Z',
      granted: true,
      code: null,
      reason: null,
      requester: { mspId: 'CityBMSP', dept: 'housing' },
      citizen: CITIZEN.a1,
      categoryCode: 'HOUSING_FUND',
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      fields: ['monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      basis: { kind: 'consent', id: 'C-1', hash: consent.hash },
      auditFlag: false,
    });
    expect(e.requester.id).toContain('officer-housing-b');
    const terms: TicketTerms = {
      ticketId: r.accessId,
      citizen: CITIZEN.a1,
      categoryCode: 'HOUSING_FUND',
      fields: ['monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      basis: { kind: 'consent', id: 'C-1' },
      issuedAt: '2026-01-01T00:00:02.000Z',
      expiresAt: '2026-01-01T00:15:02.000Z',
    };
    expect(e.ticket).toEqual({ ...terms, hash: r.ticket.hash });
    expect(r.ticket.hash).toBe(sha256Hex(stableStringify(terms)));
    expect(r.ticket.hash).toBe(ticketHash(terms));
  });

  it('writes the entry, its citizen, department and global indexes and one use key; never the consent', async () => {
    const h = await withConsent();
    let r: AccessResult | undefined;
    const d = await h.diff(async () => {
      r = await access(h, { accessId: 'A-1' });
    });
    expect(r?.accessId).toBe('A-1');
    const nf = String(9_999_999_999_999 - Date.parse('2026-01-01T00:00:02Z')).padStart(13, '0');
    expect(d.added.map(readableKey).sort()).toEqual(
      [
        'access/A-1',
        `access~all/${nf}/A-1`,
        `access~citizen/CityAMSP/${PID.a1}/${nf}/A-1`,
        `access~dept/CityBMSP/housing/${nf}/A-1`,
        'consent~use/C-1/A-1',
      ].sort(),
    );
    expect(d.changed).toEqual([]);
  });

  it('emits one AccessLogged event carrying the citizen’s pid for the portal', async () => {
    const h = await withConsent();
    const r = (await access(h)) as Granted;
    expect(h.lastEvent()).toEqual({
      name: 'AccessLogged',
      payload: {
        accessId: r.accessId,
        citizen: CITIZEN.a1,
        granted: true,
        code: null,
        requester: { mspId: 'CityBMSP', dept: 'housing' },
        categoryCode: 'HOUSING_FUND',
        holder: { mspId: 'CityAMSP', dept: 'finance' },
        fields: ['monthsPaid'],
        purpose: 'HOUSING_SUBSIDY',
        basis: { kind: 'consent', id: 'C-1' },
        auditFlag: false,
        time: '2026-01-01T00:00:02.000Z',
      },
    });
  });

  it('honours a ticket lifetime and caps the expiry at the consent’s end', async () => {
    const h = await withConsent({ validUntil: '2026-01-01T00:05:00Z' });
    const short = (await access(h, { ticketTtlSeconds: 60 })) as Granted;
    expect(short.ticket.expiresAt).toBe('2026-01-01T00:01:02.000Z');
    const capped = (await access(h, { ticketTtlSeconds: 3600 })) as Granted;
    expect(capped.ticket.expiresAt).toBe('2026-01-01T00:05:00.000Z');
    for (const ttl of [59, 86_401, 1.5]) {
      expect(
        await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest({ ticketTtlSeconds: ttl })),
      ).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    }
  });

  it('grants a subset of the consented fields and sorts them', async () => {
    const h = await withConsent({ fields: ['monthsPaid', 'balance', 'employer'] });
    const r = (await access(h, { fields: ['employer', 'balance'] })) as Granted;
    expect(r.granted).toBe(true);
    expect((await entry(h, r.accessId)).fields).toEqual(['balance', 'employer']);
  });

  it('counts uses down exactly once per granted access; the next one is refused CONSENT_USED_UP', async () => {
    const h = await withConsent({ maxUses: 2 });
    expect((await access(h)).granted).toBe(true);
    expect((await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' })).usesLeft).toBe(
      1,
    );
    // a refused attempt (wrong purpose) uses nothing
    await refusedAndLogged(h, { purpose: 'PENSION' }, 'CONSENT_PURPOSE_MISMATCH');
    expect((await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' })).usesLeft).toBe(
      1,
    );
    expect((await access(h)).granted).toBe(true);
    const v = await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' });
    expect(v).toMatchObject({ usesCount: 2, usesLeft: 0, state: 'active' });
    const r = await refusedAndLogged(h, {}, 'CONSENT_USED_UP');
    expect(r.reason).toContain('2 uses');
    expect(h.ledger.keys().filter((k) => readableKey(k).startsWith('consent~use/C-1/'))).toHaveLength(2);
  });

  it('an idempotent retry with the same accessId is refused (409 ACCESS_EXISTS) and uses nothing more', async () => {
    const h = await withConsent({ maxUses: 5 });
    await access(h, { accessId: 'REQ-7' });
    expect(
      await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'REQ-7' })),
    ).toMatchObject({
      code: 'ACCESS_EXISTS',
      status: 409,
    });
    expect((await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' })).usesCount).toBe(
      1,
    );
  });

  it('picks the valid consent that ends first, and moves on when one is used up', async () => {
    const h = await withCatalogue();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'LONG' }));
    await h.submit(
      ID.citizenA1,
      'GrantConsent',
      consentRequest({ consentId: 'SHORT', validUntil: '2026-06-01T00:00:00Z', maxUses: 1 }),
    );
    expect(((await access(h)) as Granted).basis.id).toBe('SHORT');
    expect(((await access(h)) as Granted).basis.id).toBe('LONG');
  });

  it('uses the consent named in the request', async () => {
    const h = await withCatalogue();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'LONG' }));
    await h.submit(
      ID.citizenA1,
      'GrantConsent',
      consentRequest({ consentId: 'SHORT', validUntil: '2026-06-01T00:00:00Z' }),
    );
    expect(((await access(h, { consentId: 'LONG' })) as Granted).basis.id).toBe('LONG');
  });

  it('flags every access to a special category for audit, even on consent', async () => {
    const h = await withCatalogue();
    await h.submit(ID.socialA, 'RegisterCategory', HEALTH_RECORD);
    await h.submit(
      ID.citizenA1,
      'GrantConsent',
      consentRequest({
        consentId: 'H-1',
        categoryCode: HEALTH_RECORD.code,
        fields: ['level'],
        purpose: 'SOCIAL_ASSISTANCE',
      }),
    );
    let r: AccessResult | undefined;
    const d = await h.diff(async () => {
      r = await access(h, {
        categoryCode: HEALTH_RECORD.code,
        fields: ['level'],
        purpose: 'SOCIAL_ASSISTANCE',
      });
    });
    expect(r).toMatchObject({ granted: true, auditFlag: true });
    expect(d.added.some((k) => readableKey(k).startsWith('access~flagged/'))).toBe(true);
  });
});

describe('RequestAccess refused on a consent: logged, only the refusal entry written', () => {
  it('no consent and no legal basis → NO_CONSENT_OR_LEGAL_BASIS', async () => {
    const h = await withCatalogue();
    const r = await refusedAndLogged(h, {}, 'NO_CONSENT_OR_LEGAL_BASIS');
    expect(r.auditFlag).toBe(false);
    expect((await entry(h, r.accessId)).basis).toBeNull();
  });

  it('another purpose → CONSENT_PURPOSE_MISMATCH', async () => {
    const h = await withConsent();
    const r = await refusedAndLogged(h, { purpose: 'TAX_ASSESSMENT' }, 'CONSENT_PURPOSE_MISMATCH');
    expect(r.reason).toContain('HOUSING_SUBSIDY');
    expect((await entry(h, r.accessId)).basis).toMatchObject({ kind: 'consent', id: 'C-1' });
  });

  it('a field the consent does not cover → CONSENT_FIELDS_NOT_COVERED', async () => {
    const h = await withConsent();
    await refusedAndLogged(h, { fields: ['monthsPaid', 'employer'] }, 'CONSENT_FIELDS_NOT_COVERED');
  });

  it('revocation takes effect for the next request → CONSENT_REVOKED', async () => {
    const h = await withConsent();
    expect((await access(h)).granted).toBe(true);
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    const r = await refusedAndLogged(h, {}, 'CONSENT_REVOKED');
    expect(r.reason).toContain('revoked');
  });

  it('after validUntil → CONSENT_EXPIRED; before validFrom → CONSENT_NOT_YET_VALID', async () => {
    const h = await withConsent({ validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z' });
    await refusedAndLogged(h, {}, 'CONSENT_NOT_YET_VALID');
    expect((await access(h, {}, ID.housingB, '2026-03-01T00:00:00Z')).granted).toBe(true);
    expect((await access(h, {}, ID.housingB, '2026-03-31T23:59:59.999Z')).granted).toBe(true);
    await refusedAndLogged(h, {}, 'CONSENT_EXPIRED', ID.housingB, '2026-04-01T00:00:00Z');
  });

  it('paused → CONSENT_PAUSED; resumed → granted again', async () => {
    const h = await withConsent();
    await h.submit(ID.citizenA1, 'PauseConsent', { consentId: 'C-1' });
    await refusedAndLogged(h, {}, 'CONSENT_PAUSED');
    await h.submit(ID.citizenA1, 'ResumeConsent', { consentId: 'C-1' });
    expect((await access(h)).granted).toBe(true);
  });

  it('a consent to one department cannot be used by another department of the same org', async () => {
    const h = await withConsent();
    await refusedAndLogged(h, {}, 'NO_CONSENT_OR_LEGAL_BASIS', ID.financeB);
    const r = await refusedAndLogged(h, { consentId: 'C-1' }, 'CONSENT_MISMATCH', ID.financeB);
    expect((await entry(h, r.accessId)).basis).toBeNull();
  });

  it('a named consent of another citizen → CONSENT_MISMATCH, logged for the requested citizen only', async () => {
    const h = await withConsent();
    const r = await refusedAndLogged(h, { citizen: CITIZEN.a2, consentId: 'C-1' }, 'CONSENT_MISMATCH');
    const e = await entry(h, r.accessId);
    expect(e).toMatchObject({ citizen: CITIZEN.a2, basis: null });
  });

  it('reports the candidate that came closest (revoked beats purpose mismatch)', async () => {
    const h = await withConsent();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-2', purpose: 'PENSION' }));
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    const r = await refusedAndLogged(h, {}, 'CONSENT_REVOKED');
    expect((await entry(h, r.accessId)).basis).toMatchObject({ kind: 'consent', id: 'C-1' });
  });
});

describe('RequestAccess on a legal basis', () => {
  async function withBasis(over: Record<string, unknown> = {}): Promise<Harness> {
    const h = await withCatalogue();
    await approvedLegalBasis(h, { legalBasisId: 'LB-1', ...over });
    return h;
  }

  it('over another organisation’s data, applies only once the holder approved it (LEGAL_BASIS_PENDING before)', async () => {
    const h = await withCatalogue();
    await h.submit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ legalBasisId: 'LB-1' }));
    const r = await refusedAndLogged(h, {}, 'LEGAL_BASIS_PENDING');
    expect(r.auditFlag).toBe(true);
    await refusedAndLogged(h, { legalBasisId: 'LB-1' }, 'LEGAL_BASIS_PENDING');
    await h.submit(ID.financeA, 'DecideLegalBasis', { legalBasisId: 'LB-1', decision: 'approve' });
    expect(await access(h)).toMatchObject({ granted: true, basis: { kind: 'legal', id: 'LB-1' } });
  });

  it('never applies once the holder refused it (LEGAL_BASIS_REFUSED when named)', async () => {
    const h = await withCatalogue();
    await h.submit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ legalBasisId: 'LB-1' }));
    await h.submit(ID.financeA, 'DecideLegalBasis', { legalBasisId: 'LB-1', decision: 'refuse', note: 'no' });
    await refusedAndLogged(h, {}, 'NO_CONSENT_OR_LEGAL_BASIS');
    await refusedAndLogged(h, { legalBasisId: 'LB-1' }, 'LEGAL_BASIS_REFUSED');
  });

  it('within the holder’s own organisation, applies without approval', async () => {
    const h = await withCatalogue();
    const legalA = {
      mspId: 'CityAMSP',
      name: 'legal-a',
      attrs: { 'gov.dept': 'housing', 'gov.role': 'legal-officer' },
    };
    await h.submit(legalA, 'RecordLegalBasis', legalBasisRequest({ legalBasisId: 'LB-A' }));
    expect(await access(h, {}, ID.housingA)).toMatchObject({
      granted: true,
      basis: { kind: 'legal', id: 'LB-A' },
    });
  });

  it('never matches a scoped citizen under another home MSP (same pid)', async () => {
    const h = await withBasis({ citizen: CITIZEN.a1 });
    await refusedAndLogged(h, { citizen: { mspId: 'CityBMSP', pid: PID.a1 } }, 'NO_CONSENT_OR_LEGAL_BASIS');
    await refusedAndLogged(
      h,
      { citizen: { mspId: 'CityBMSP', pid: PID.a1 }, legalBasisId: 'LB-1' },
      'LEGAL_BASIS_MISMATCH',
    );
  });

  it('is granted without consent, always flagged for audit, with the statute reference logged; no use key', async () => {
    const h = await withBasis();
    let r: AccessResult | undefined;
    const d = await h.diff(async () => {
      r = await access(h, { accessId: 'A-L' });
    });
    expect(r).toMatchObject({ granted: true, basis: { kind: 'legal', id: 'LB-1' }, auditFlag: true });
    const kinds = d.added.map((k) => readableKey(k).split('/')[0]).sort();
    expect(kinds).toEqual(['access', 'access~all', 'access~citizen', 'access~dept', 'access~flagged']);
    expect((await entry(h, 'A-L')).basis).toMatchObject({
      kind: 'legal',
      id: 'LB-1',
      statuteReference: 'Housing Security Act §12(3)',
    });
  });

  it('prefers a valid consent over a legal basis', async () => {
    const h = await withBasis();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
    expect(await access(h)).toMatchObject({
      granted: true,
      basis: { kind: 'consent', id: 'C-1' },
      auditFlag: false,
    });
  });

  it('falls back to a legal basis when the consent was revoked', async () => {
    const h = await withBasis();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
    await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
    expect(await access(h)).toMatchObject({ granted: true, basis: { kind: 'legal', id: 'LB-1' } });
  });

  it('caps the ticket at the basis’s end', async () => {
    const h = await withBasis({ validUntil: '2026-01-01T00:10:00Z' });
    expect(((await access(h)) as Granted).ticket.expiresAt).toBe('2026-01-01T00:10:00.000Z');
  });

  it('a basis scoped to one citizen applies to that citizen only', async () => {
    const h = await withBasis({ citizen: CITIZEN.a2 });
    await refusedAndLogged(h, {}, 'NO_CONSENT_OR_LEGAL_BASIS');
    expect(await access(h, { citizen: CITIZEN.a2 })).toMatchObject({ granted: true, basis: { id: 'LB-1' } });
    const r = await refusedAndLogged(h, { legalBasisId: 'LB-1' }, 'LEGAL_BASIS_MISMATCH');
    expect((await entry(h, r.accessId)).basis).toBeNull();
  });

  it('is for its own department only: another department gets no basis, and naming it is LEGAL_BASIS_MISMATCH', async () => {
    const h = await withBasis();
    await refusedAndLogged(h, {}, 'NO_CONSENT_OR_LEGAL_BASIS', ID.financeB);
    await refusedAndLogged(h, { legalBasisId: 'LB-1' }, 'LEGAL_BASIS_MISMATCH', ID.financeB);
  });

  it('purpose, fields, start and end are checked (flagged refusals)', async () => {
    const h = await withBasis({ validFrom: '2026-02-01T00:00:00Z', validUntil: '2026-03-01T00:00:00Z' });
    const p = await refusedAndLogged(h, { purpose: 'PENSION' }, 'LEGAL_BASIS_PURPOSE_MISMATCH');
    expect(p.auditFlag).toBe(true);
    await refusedAndLogged(h, { fields: ['employer'] }, 'LEGAL_BASIS_FIELDS_NOT_COVERED');
    await refusedAndLogged(h, {}, 'LEGAL_BASIS_NOT_YET_VALID');
    await refusedAndLogged(h, {}, 'LEGAL_BASIS_EXPIRED', ID.housingB, '2026-03-01T00:00:00Z');
  });

  it('a withdrawn basis no longer applies; naming it is LEGAL_BASIS_WITHDRAWN', async () => {
    const h = await withBasis();
    await h.submit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-1', reason: 'statute repealed' });
    await refusedAndLogged(h, {}, 'NO_CONSENT_OR_LEGAL_BASIS');
    await refusedAndLogged(h, { legalBasisId: 'LB-1' }, 'LEGAL_BASIS_WITHDRAWN');
  });

  it('uses no consent use: a limited consent keeps its uses when the legal basis is named', async () => {
    const h = await withBasis();
    await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1', maxUses: 1 }));
    expect(await access(h, { legalBasisId: 'LB-1' })).toMatchObject({
      granted: true,
      basis: { kind: 'legal' },
    });
    expect((await h.evaluate<ConsentView>(ID.citizenA1, 'GetConsent', { consentId: 'C-1' })).usesLeft).toBe(
      1,
    );
  });
});

describe('RequestAccess errors that are thrown (nothing written)', () => {
  it('refuses callers who are not department officers (403 FORBIDDEN)', async () => {
    const h = await withConsent();
    for (const who of [ID.citizenA1, ID.issuerA, ID.legalB, ID.auditorA, ID.adminA, ID.officerNoDept]) {
      expect(await h.refusedSubmit(who, 'RequestAccess', accessRequest())).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an unknown category (404), a withdrawn one (409) and a field it lacks (400)', async () => {
    const h = await withConsent();
    expect(
      await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest({ categoryCode: 'NOPE' })),
    ).toMatchObject({ code: 'CATEGORY_NOT_FOUND', status: 404 });
    expect(
      await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest({ fields: ['salary'] })),
    ).toMatchObject({
      code: 'FIELD_NOT_IN_CATEGORY',
      status: 400,
    });
    await h.submit(ID.financeA, 'UpdateCategory', { code: HOUSING_FUND.code, status: 'withdrawn' });
    expect(await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest())).toMatchObject({
      code: 'CATEGORY_WITHDRAWN',
      status: 409,
    });
  });

  it('refuses a named consent or legal basis that does not exist (404)', async () => {
    const h = await withConsent();
    expect(
      await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest({ consentId: 'C-9' })),
    ).toMatchObject({
      code: 'CONSENT_NOT_FOUND',
      status: 404,
    });
    expect(
      await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest({ legalBasisId: 'LB-9' })),
    ).toMatchObject({ code: 'LEGAL_BASIS_NOT_FOUND', status: 404 });
  });

  it.each([
    ['bad pid', { citizen: { mspId: 'CityAMSP', pid: 'Alice' } }, 'citizen.pid'],
    ['a bare pid', { citizen: undefined, citizenPid: PID.a1 }, 'citizen'],
    ['unknown purpose', { purpose: 'CURIOSITY' }, 'purpose'],
    ['no fields', { fields: [] }, 'fields'],
    ['both consent and legal basis', { consentId: 'C-1', legalBasisId: 'LB-1' }, 'legalBasisId'],
    ['a data value in the request', { values: { monthsPaid: 12 } }, ''],
  ])('refuses bad input: %s (400)', async (_n, over, field) => {
    const h = await withConsent();
    const r = await h.refusedSubmit(ID.housingB, 'RequestAccess', accessRequest(over));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    if (field) expect(r.message).toContain(`${field}:`);
  });
});

describe('no hot key, determinism', () => {
  it('two accesses under one consent write disjoint keys and neither writes the consent', async () => {
    const h = await withConsent();
    const d1 = await h.diff(() => access(h));
    const d2 = await h.diff(() => access(h));
    expect(d1.changed).toEqual([]);
    expect(d2.changed).toEqual([]);
    expect(d1.added.filter((k) => d2.added.includes(k))).toEqual([]);
    expect([...d1.added, ...d2.added].some((k) => readableKey(k) === 'consent/C-1')).toBe(false);
  });

  it('the same transactions give byte-identical state and events on two ledgers', async () => {
    async function run(): Promise<Harness> {
      const h = await withConsent({ maxUses: 2 });
      await h.submit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ purpose: 'PENSION' }));
      await access(h);
      await access(h, { purpose: 'PENSION' });
      await access(h, { purpose: 'TAX_ASSESSMENT' });
      await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
      await access(h);
      return h;
    }
    const a = await run();
    const b = await run();
    expect(a.ledger.snapshot()).toEqual(b.ledger.snapshot());
    expect(a.ledger.events).toEqual(b.ledger.events);
    expect(Object.keys(a.ledger.snapshot()).length).toBeGreaterThan(10);
  });

  it('stores no data values, only field names, codes, pseudonymous ids and hashes', async () => {
    const h = await withConsent();
    await access(h);
    const text = JSON.stringify(h.ledger.snapshot());
    expect(text).not.toMatch(/citizen-a1/);
    for (const v of Object.values(h.ledger.snapshot())) {
      if (!v.startsWith('{')) continue;
      const record = JSON.parse(v) as Record<string, unknown>;
      expect(Object.keys(record)).not.toContain('values');
      expect(Object.keys(record)).not.toContain('value');
    }
  });
});
