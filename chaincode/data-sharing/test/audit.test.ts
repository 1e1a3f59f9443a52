import './quiet';
import type { AccessRecord, AccessResult, PageResult } from '../src';
import {
  CITIZEN,
  Harness,
  ID,
  accessRequest,
  approvedLegalBasis,
  consentRequest,
  withCatalogue,
} from './helpers';

type Page = PageResult<AccessRecord>;

/**
 * A1 consents to City B housing; City B housing accesses (granted), City B finance
 * tries (refused), the consent is revoked and City B housing is refused; A2's data
 * is accessed once on a legal basis.
 */
async function history(): Promise<Harness> {
  const h = await withCatalogue();
  await h.submit(ID.citizenA1, 'GrantConsent', consentRequest({ consentId: 'C-1' }));
  await approvedLegalBasis(h, { legalBasisId: 'LB-A2', citizen: CITIZEN.a2 });
  await h.submit<AccessResult>(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'A-1' }));
  await h.submit<AccessResult>(ID.financeB, 'RequestAccess', accessRequest({ accessId: 'A-2' }));
  await h.submit(ID.citizenA1, 'RevokeConsent', { consentId: 'C-1' });
  await h.submit<AccessResult>(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'A-3' }));
  await h.submit<AccessResult>(
    ID.housingB,
    'RequestAccess',
    accessRequest({ accessId: 'A-4', citizen: CITIZEN.a2 }),
  );
  return h;
}

describe('ListCitizenAccesses', () => {
  it('shows the citizen every access to their data, granted and refused, newest first, by whom and why', async () => {
    const h = await history();
    const p = await h.evaluate<Page>(ID.citizenA1, 'ListCitizenAccesses', {});
    expect(p.records.map((e) => [e.accessId, e.granted, e.code, e.requester.dept])).toEqual([
      ['A-3', false, 'CONSENT_REVOKED', 'housing'],
      ['A-2', false, 'NO_CONSENT_OR_LEGAL_BASIS', 'finance'],
      ['A-1', true, null, 'housing'],
    ]);
    expect(p.records[2]).toMatchObject({ purpose: 'HOUSING_SUBSIDY', basis: { kind: 'consent', id: 'C-1' } });
    expect(p.records[0]?.reason).toContain('revoked');
    expect(p.bookmark).toBe('');
  });

  it('pages with bookmarks without skipping or repeating', async () => {
    const h = await withCatalogue();
    for (let i = 0; i < 7; i++) {
      await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: `A-${i}` }));
    }
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const p: Page = await h.evaluate<Page>(ID.citizenA1, 'ListCitizenAccesses', { pageSize: 3, bookmark });
      seen.push(...p.records.map((e) => e.accessId));
      bookmark = p.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 10);
    expect(seen).toEqual(['A-6', 'A-5', 'A-4', 'A-3', 'A-2', 'A-1', 'A-0']);
    expect(pages).toBe(3);
  });

  it('orders entries of the same millisecond deterministically and still newest first across times', async () => {
    const h = await withCatalogue();
    const t = '2026-01-02T00:00:00Z';
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'B' }), { time: t });
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'A' }), { time: t });
    await h.submit(ID.housingB, 'RequestAccess', accessRequest({ accessId: 'C' }), {
      time: '2026-01-02T00:00:00.001Z',
    });
    const p = await h.evaluate<Page>(ID.citizenA1, 'ListCitizenAccesses', {});
    expect(p.records.map((e) => e.accessId)).toEqual(['C', 'A', 'B']);
  });

  it('refuses a citizen reading someone else’s log (403 NOT_OWN_DATA); auditors name any citizen', async () => {
    const h = await history();
    expect(
      await h.refusedEvaluate(ID.citizenA2, 'ListCitizenAccesses', { citizen: CITIZEN.a1 }),
    ).toMatchObject({
      code: 'NOT_OWN_DATA',
      status: 403,
    });
    const own = await h.evaluate<Page>(ID.citizenA2, 'ListCitizenAccesses', {});
    expect(own.records.map((e) => e.accessId)).toEqual(['A-4']);
    for (const who of [ID.auditorA, ID.auditorOffice]) {
      const p = await h.evaluate<Page>(who, 'ListCitizenAccesses', { citizen: CITIZEN.a1 });
      expect(p.records).toHaveLength(3);
    }
    expect(await h.refusedEvaluate(ID.auditorA, 'ListCitizenAccesses', {})).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    for (const who of [ID.housingB, ID.financeA, ID.adminA]) {
      expect(await h.refusedEvaluate(who, 'ListCitizenAccesses', { citizen: CITIZEN.a1 })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('emits one AccessLogged event per attempt, with the citizen’s pid, granted or refused', async () => {
    const h = await history();
    const logged = h.ledger.events.filter((e) => e.name === 'AccessLogged');
    expect(logged.map((e) => e.payload)).toEqual([
      expect.objectContaining({ accessId: 'A-1', citizen: CITIZEN.a1, granted: true }),
      expect.objectContaining({ accessId: 'A-2', citizen: CITIZEN.a1, granted: false }),
      expect.objectContaining({
        accessId: 'A-3',
        citizen: CITIZEN.a1,
        granted: false,
        code: 'CONSENT_REVOKED',
      }),
      expect.objectContaining({ accessId: 'A-4', citizen: CITIZEN.a2, granted: true, auditFlag: true }),
    ]);
  });
});

describe('ListDepartmentAccesses', () => {
  it('lists the accesses the caller’s department made, newest first', async () => {
    const h = await history();
    const p = await h.evaluate<Page>(ID.housingB, 'ListDepartmentAccesses', {});
    expect(p.records.map((e) => e.accessId)).toEqual(['A-4', 'A-3', 'A-1']);
    const same = await h.evaluate<Page>(ID.legalB, 'ListDepartmentAccesses', {
      mspId: 'CityBMSP',
      dept: 'housing',
    });
    expect(same.records).toHaveLength(3);
    const finance = await h.evaluate<Page>(ID.financeB, 'ListDepartmentAccesses', {});
    expect(finance.records.map((e) => e.accessId)).toEqual(['A-2']);
  });

  it('refuses a department acting for another department (403 DEPT_MISMATCH)', async () => {
    const h = await history();
    for (const req of [{ dept: 'housing' }, { mspId: 'CityAMSP', dept: 'finance' }, { mspId: 'CityAMSP' }]) {
      expect(await h.refusedEvaluate(ID.financeB, 'ListDepartmentAccesses', req)).toMatchObject({
        code: 'DEPT_MISMATCH',
        status: 403,
      });
    }
    expect(await h.refusedEvaluate(ID.citizenA1, 'ListDepartmentAccesses', {})).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });

  it('lets an auditor list any department, naming it (400 otherwise)', async () => {
    const h = await history();
    const p = await h.evaluate<Page>(ID.auditorOffice, 'ListDepartmentAccesses', {
      mspId: 'CityBMSP',
      dept: 'housing',
    });
    expect(p.records.map((e) => e.accessId)).toEqual(['A-4', 'A-3', 'A-1']);
    expect(await h.refusedEvaluate(ID.auditorA, 'ListDepartmentAccesses', { dept: 'housing' })).toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
        status: 400,
      },
    );
  });
});

describe('ListAllAccesses and GetAccess', () => {
  it('lets auditors read every access, or those flagged for audit', async () => {
    const h = await history();
    const all = await h.evaluate<Page>(ID.auditorA, 'ListAllAccesses', {});
    expect(all.records.map((e) => e.accessId)).toEqual(['A-4', 'A-3', 'A-2', 'A-1']);
    const flagged = await h.evaluate<Page>(ID.auditorOffice, 'ListAllAccesses', { flaggedOnly: true });
    expect(flagged.records.map((e) => [e.accessId, e.basis?.kind])).toEqual([['A-4', 'legal']]);
    for (const who of [ID.housingB, ID.citizenA1, ID.legalB]) {
      expect(await h.refusedEvaluate(who, 'ListAllAccesses', {})).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('lets the citizen, the requesting and holding departments and auditors read one entry', async () => {
    const h = await history();
    for (const who of [ID.citizenA1, ID.housingB, ID.financeA, ID.auditorA]) {
      expect((await h.evaluate<AccessRecord>(who, 'GetAccess', { accessId: 'A-1' })).accessId).toBe('A-1');
    }
    expect(await h.refusedEvaluate(ID.citizenA2, 'GetAccess', { accessId: 'A-1' })).toMatchObject({
      code: 'NOT_OWN_DATA',
      status: 403,
    });
    for (const who of [ID.financeB, ID.socialA]) {
      expect(await h.refusedEvaluate(who, 'GetAccess', { accessId: 'A-1' })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    expect(await h.refusedEvaluate(ID.auditorA, 'GetAccess', { accessId: 'A-9' })).toMatchObject({
      code: 'ACCESS_NOT_FOUND',
      status: 404,
    });
  });
});
