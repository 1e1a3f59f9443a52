import './quiet';
import { keyPolicy, sha256Hex, stableStringify } from '@govledger/chaincode-common';
import { legalBasisHash, type LegalBasisTerms, type LegalBasisView, type PageResult } from '../src';
import { CITIZEN, Harness, ID, PID, legalBasisRequest, readableKey, withCatalogue } from './helpers';

async function recorded(
  h: Harness,
  over: Record<string, unknown> = {},
  who = ID.legalB,
): Promise<LegalBasisView> {
  return h.submit<LegalBasisView>(who, 'RecordLegalBasis', legalBasisRequest(over));
}

describe('RecordLegalBasis', () => {
  it('records a statutory duty of the legal officer’s own department, with a hash over its terms', async () => {
    const h = await withCatalogue();
    const b = await recorded(h, { description: 'Subsidy eligibility check' });
    expect(b.legalBasisId).toMatch(/^LB-[0-9a-f]{64}$/);
    expect(b).toMatchObject({
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: 'HOUSING_FUND',
      holder: { mspId: 'CityAMSP', dept: 'finance' },
      fields: ['balance', 'monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      statuteReference: 'Housing Security Act §12(3)',
      description: 'Subsidy eligibility check',
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: null,
      citizen: null,
      status: 'active',
      // over City A's data: pending until City A's holding department approves it
      approval: { status: 'pending', decidedBy: null, decidedAt: null, note: null },
      state: 'pending',
      withdrawnAt: null,
    });
    const {
      hash,
      status: _s,
      state: _st,
      approval: _a,
      recordedBy,
      withdrawnAt: _w,
      withdrawReason: _r,
      ...terms
    } = b;
    expect(recordedBy).toContain('legal-officer-b');
    expect(hash).toBe(sha256Hex(stableStringify(terms)));
    expect(hash).toBe(legalBasisHash(terms as LegalBasisTerms));
    expect(h.lastEvent()).toMatchObject({
      name: 'LegalBasisRecorded',
      payload: {
        legalBasisId: b.legalBasisId,
        statuteReference: 'Housing Security Act §12(3)',
        citizen: null,
      },
    });
  });

  it('writes the record (protected: its own org AND one other), a match index and a department index', async () => {
    const h = await withCatalogue();
    const d = await h.diff(() => recorded(h, { legalBasisId: 'LB-1', citizen: CITIZEN.a1 }));
    expect(d.added.map(readableKey).sort()).toEqual([
      'legal/LB-1',
      'legal~dept/CityBMSP/housing/LB-1',
      `legal~match/CityBMSP/housing/HOUSING_FUND/CityAMSP/${PID.a1}/LB-1`,
    ]);
    const key = d.added.find((k) => readableKey(k) === 'legal/LB-1') as string;
    expect(await h.ledger.evaluate(ID.legalB, (ctx) => keyPolicy(ctx, key))).toEqual({
      owner: 'CityBMSP',
      orgs: ['CityBMSP', 'CityAMSP'],
    });
  });

  it('refuses callers without the legal-officer role (403)', async () => {
    const h = await withCatalogue();
    for (const who of [ID.housingB, ID.citizenA1, ID.auditorA, ID.adminA]) {
      expect(await h.refusedSubmit(who, 'RecordLegalBasis', legalBasisRequest())).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an unknown category (404), unknown fields (400), a past end (400 INVALID_VALIDITY), a duplicate id (409)', async () => {
    const h = await withCatalogue();
    expect(
      await h.refusedSubmit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ categoryCode: 'X' })),
    ).toMatchObject({ code: 'CATEGORY_NOT_FOUND', status: 404 });
    expect(
      await h.refusedSubmit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ fields: ['dna'] })),
    ).toMatchObject({
      code: 'FIELD_NOT_IN_CATEGORY',
      status: 400,
    });
    expect(
      await h.refusedSubmit(
        ID.legalB,
        'RecordLegalBasis',
        legalBasisRequest({ validFrom: '2025-01-01T00:00:00Z', validUntil: '2025-12-31T00:00:00Z' }),
      ),
    ).toMatchObject({ code: 'INVALID_VALIDITY', status: 400 });
    await recorded(h, { legalBasisId: 'LB-1' });
    expect(
      await h.refusedSubmit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ legalBasisId: 'LB-1' })),
    ).toMatchObject({ code: 'LEGAL_BASIS_EXISTS', status: 409 });
  });

  it.each([
    ['no statute reference', { statuteReference: undefined }, 'statuteReference'],
    ['end before start', { validUntil: '2025-12-31T00:00:00Z' }, 'validUntil'],
    ['grantee in the request', { grantee: { mspId: 'CityAMSP', dept: 'finance' } }, ''],
    ['bad citizen pid', { citizen: { mspId: 'CityAMSP', pid: 'xyz' } }, 'citizen.pid'],
    ['a citizen without home MSP', { citizen: { pid: PID.a1 } }, 'citizen.mspId'],
    ['unknown purpose', { purpose: 'ANYTHING' }, 'purpose'],
  ])('refuses bad input: %s (400)', async (_n, over, field) => {
    const h = await withCatalogue();
    const r = await h.refusedSubmit(ID.legalB, 'RecordLegalBasis', legalBasisRequest(over));
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    if (field) expect(r.message).toContain(`${field}:`);
  });

  it('bounds live bases per department, category and scope (409 TOO_MANY_LEGAL_BASES); expired ones make room', async () => {
    const h = await withCatalogue();
    for (let i = 1; i <= 19; i++) await recorded(h, { legalBasisId: `LB-${i}` });
    await recorded(h, { legalBasisId: 'LB-SHORT', validUntil: '2026-02-01T00:00:00Z' });
    expect(
      await h.refusedSubmit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ legalBasisId: 'LB-21' })),
    ).toMatchObject({ code: 'TOO_MANY_LEGAL_BASES', status: 409 });
    // a citizen-scoped basis has its own bound
    await recorded(h, { legalBasisId: 'LB-P', citizen: CITIZEN.a1 });
    const later = { time: '2026-02-01T00:00:00Z' };
    const d = await h.diff(() =>
      h.submit(ID.legalB, 'RecordLegalBasis', legalBasisRequest({ legalBasisId: 'LB-21' }), later),
    );
    expect(d.removed.map(readableKey)).toEqual(['legal~match/CityBMSP/housing/HOUSING_FUND/*/LB-SHORT']);
  });
});

describe('WithdrawLegalBasis', () => {
  it('withdraws at once, keeps the record, removes it from matching, emits LegalBasisWithdrawn', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1' });
    const d = await h.diff(() =>
      h.submit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-1', reason: 'statute repealed' }),
    );
    expect(d.changed.map(readableKey)).toEqual(['legal/LB-1']);
    expect(d.removed.map(readableKey)).toEqual(['legal~match/CityBMSP/housing/HOUSING_FUND/*/LB-1']);
    const b = await h.evaluate<LegalBasisView>(ID.citizenA1, 'GetLegalBasis', { legalBasisId: 'LB-1' });
    expect(b).toMatchObject({ status: 'withdrawn', state: 'withdrawn', withdrawReason: 'statute repealed' });
    expect(h.lastEvent()).toMatchObject({ name: 'LegalBasisWithdrawn', payload: { legalBasisId: 'LB-1' } });
  });

  it('refuses twice (409), another department’s legal officer (403 DEPT_MISMATCH), non-legal officers (403), unknown ids (404)', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1' });
    const req = { legalBasisId: 'LB-1', reason: 'x' };
    expect(await h.refusedSubmit(ID.legalFinanceB, 'WithdrawLegalBasis', req)).toMatchObject({
      code: 'DEPT_MISMATCH',
      status: 403,
    });
    expect(await h.refusedSubmit(ID.housingB, 'WithdrawLegalBasis', req)).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(
      await h.refusedSubmit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-9', reason: 'x' }),
    ).toMatchObject({ code: 'LEGAL_BASIS_NOT_FOUND', status: 404 });
    expect(await h.refusedSubmit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-1' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    await h.submit(ID.legalB, 'WithdrawLegalBasis', req);
    expect(await h.refusedSubmit(ID.legalB, 'WithdrawLegalBasis', req)).toMatchObject({
      code: 'LEGAL_BASIS_WITHDRAWN',
      status: 409,
    });
  });
});

describe('DecideLegalBasis (the data holder approves access to its data)', () => {
  const decide = (decision: string, note?: string) => ({ legalBasisId: 'LB-1', decision, note });

  it('records the holder officer’s approval with who and when; the basis becomes active', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1' });
    const d = await h.diff(() =>
      h.submit(ID.financeA, 'DecideLegalBasis', decide('approve', 'duty confirmed'), {
        time: '2026-01-05T00:00:00Z',
      }),
    );
    expect(d.changed.map(readableKey)).toEqual(['legal/LB-1']);
    const b = await h.evaluate<LegalBasisView>(ID.citizenA1, 'GetLegalBasis', { legalBasisId: 'LB-1' });
    expect(b).toMatchObject({
      state: 'active',
      approval: {
        status: 'approved',
        decidedBy: { mspId: 'CityAMSP', dept: 'finance', id: expect.stringContaining('finance-a') },
        decidedAt: '2026-01-05T00:00:00.000Z',
        note: 'duty confirmed',
      },
    });
    expect(h.lastEvent()).toMatchObject({
      name: 'LegalBasisApproved',
      payload: { legalBasisId: 'LB-1', decidedBy: { mspId: 'CityAMSP', dept: 'finance' } },
    });
  });

  it('records a refusal the same way; the basis is refused for good and leaves matching', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1' });
    const d = await h.diff(() => h.submit(ID.financeA, 'DecideLegalBasis', decide('refuse', 'no duty')));
    expect(d.removed.map(readableKey)).toEqual(['legal~match/CityBMSP/housing/HOUSING_FUND/*/LB-1']);
    const b = await h.evaluate<LegalBasisView>(ID.citizenA1, 'GetLegalBasis', { legalBasisId: 'LB-1' });
    expect(b).toMatchObject({ state: 'refused', approval: { status: 'refused', note: 'no duty' } });
    expect(h.lastEvent()).toMatchObject({ name: 'LegalBasisRefused' });
    expect(await h.refusedSubmit(ID.financeA, 'DecideLegalBasis', decide('approve'))).toMatchObject({
      code: 'LEGAL_BASIS_NOT_PENDING',
      status: 409,
    });
  });

  it('is decided only by an officer of the holding department (403), once (409), on a live basis', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1' });
    for (const who of [ID.housingB, ID.housingA, ID.financeB]) {
      expect(await h.refusedSubmit(who, 'DecideLegalBasis', decide('approve'))).toMatchObject({
        code: 'NOT_CATEGORY_HOLDER',
        status: 403,
      });
    }
    for (const who of [ID.legalB, ID.citizenA1, ID.auditorA]) {
      expect(await h.refusedSubmit(who, 'DecideLegalBasis', decide('approve'))).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    expect(
      await h.refusedSubmit(ID.financeA, 'DecideLegalBasis', { legalBasisId: 'NOPE', decision: 'approve' }),
    ).toMatchObject({ code: 'LEGAL_BASIS_NOT_FOUND', status: 404 });
    expect(await h.refusedSubmit(ID.financeA, 'DecideLegalBasis', decide('maybe'))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    await h.submit(ID.financeA, 'DecideLegalBasis', decide('approve'));
    expect(await h.refusedSubmit(ID.financeA, 'DecideLegalBasis', decide('refuse'))).toMatchObject({
      code: 'LEGAL_BASIS_NOT_PENDING',
      status: 409,
    });
    await recorded(h, { legalBasisId: 'LB-W' });
    await h.submit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-W', reason: 'x' });
    expect(
      await h.refusedSubmit(ID.financeA, 'DecideLegalBasis', { legalBasisId: 'LB-W', decision: 'approve' }),
    ).toMatchObject({ code: 'LEGAL_BASIS_WITHDRAWN', status: 409 });
  });

  it('needs no approval within the holder’s own organisation', async () => {
    const h = await withCatalogue();
    const legalA = {
      mspId: 'CityAMSP',
      name: 'legal-a',
      attrs: { 'gov.dept': 'housing', 'gov.role': 'legal-officer' },
    };
    const b = await recorded(h, { legalBasisId: 'LB-1' }, legalA);
    expect(b).toMatchObject({ state: 'active', approval: { status: 'not-required' } });
    expect(await h.refusedSubmit(ID.financeA, 'DecideLegalBasis', decide('approve'))).toMatchObject({
      code: 'LEGAL_BASIS_NOT_PENDING',
    });
  });
});

describe('reading legal bases', () => {
  it('lets any member read a basis, with its state computed from the tx time', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1', validUntil: '2026-06-01T00:00:00Z' });
    await h.submit(ID.financeA, 'DecideLegalBasis', { legalBasisId: 'LB-1', decision: 'approve' });
    for (const who of [ID.citizenA1, ID.financeA, ID.auditorOffice]) {
      expect((await h.evaluate<LegalBasisView>(who, 'GetLegalBasis', { legalBasisId: 'LB-1' })).state).toBe(
        'active',
      );
    }
    const later = await h.evaluate<LegalBasisView>(
      ID.citizenA1,
      'GetLegalBasis',
      { legalBasisId: 'LB-1' },
      {
        time: '2026-06-01T00:00:00Z',
      },
    );
    expect(later.state).toBe('expired');
    expect(await h.refusedEvaluate(ID.citizenA1, 'GetLegalBasis', { legalBasisId: 'NOPE' })).toMatchObject({
      code: 'LEGAL_BASIS_NOT_FOUND',
      status: 404,
    });
  });

  it('lists the caller’s department’s bases by default, or a named department’s, withdrawn ones included', async () => {
    const h = await withCatalogue();
    await recorded(h, { legalBasisId: 'LB-1' });
    await recorded(h, { legalBasisId: 'LB-2' });
    await recorded(h, { legalBasisId: 'LB-F' }, ID.legalFinanceB);
    await h.submit(ID.financeA, 'DecideLegalBasis', { legalBasisId: 'LB-1', decision: 'approve' });
    await h.submit(ID.legalB, 'WithdrawLegalBasis', { legalBasisId: 'LB-2', reason: 'x' });
    const own = await h.evaluate<PageResult<LegalBasisView>>(ID.housingB, 'ListLegalBases', {});
    expect(own.records.map((b) => [b.legalBasisId, b.state])).toEqual([
      ['LB-1', 'active'],
      ['LB-2', 'withdrawn'],
    ]);
    const named = await h.evaluate<PageResult<LegalBasisView>>(ID.citizenA1, 'ListLegalBases', {
      mspId: 'CityBMSP',
      dept: 'finance',
    });
    expect(named.records.map((b) => b.legalBasisId)).toEqual(['LB-F']);
    expect(await h.refusedEvaluate(ID.housingB, 'ListLegalBases', { mspId: 'CityBMSP' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      status: 400,
    });
    expect(await h.refusedEvaluate(ID.citizenA1, 'ListLegalBases', {})).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });
});
