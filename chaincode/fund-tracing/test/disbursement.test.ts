import './support/quiet';
import {
  World,
  acct,
  disbursementRequest,
  pid,
  programRequest,
  spendRequest,
  who,
  type DisburseOut,
} from './support/world';

describe('Disburse', () => {
  it('pays a recipient below the co-signature threshold at once, linked to its parents', async () => {
    const w = new World();
    await w.setup();
    const out = await w.disburse('D1', '1500000');
    expect(out.alerts).toEqual([]);
    expect(out.disbursement).toMatchObject({
      disbursementId: 'D1',
      programId: 'P1',
      allocationId: 'A1',
      mspId: 'CityAMSP',
      dept: 'housing',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('e1'),
      recipientKind: 'enterprise',
      accountHash: acct(1),
      category: 'equipment',
      amount: '1500000',
      status: 'paid',
      coSignRequired: false,
      paidAt: '2026-02-01T00:00:04.000Z',
    });
    expect(w.lastEvent()).toEqual({
      name: 'DisbursementRecorded',
      payload: {
        programId: 'P1',
        allocationId: 'A1',
        disbursementId: 'D1',
        mspId: 'CityAMSP',
        dept: 'housing',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
        amount: '1500000',
        status: 'paid',
        alerts: [],
      },
    });
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '1500000',
      remaining: '8500000',
      disbursementCount: 1,
    });
    expect(await w.evaluate(who.enterpriseA1, 'GetDisbursement', { disbursementId: 'D1' })).toMatchObject({
      spent: '0',
      remaining: '1500000',
      spendCount: 0,
    });
  });

  it('pays to any approved account and exactly the co-signature threshold without co-signature', async () => {
    const w = new World();
    await w.setup();
    const out = await w.submit<DisburseOut>(
      who.housingA,
      'Disburse',
      disbursementRequest('D1', '2000000', { accountHash: acct(2), category: 'training' }),
    );
    expect(out.disbursement.status).toBe('paid');
  });

  it('never lets the disbursements exceed the allocation', async () => {
    const w = new World();
    await w.setup({ rules: { ...programRequest().rules, recipientCap: { mode: 'off', cap: '1' } } });
    await w.disburse('D1', '2000000');
    await w.disburse('D2', '2000000');
    await w.disburse('D3', '2000000');
    await w.disburse('D4', '2000000');
    const r = await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D5', '2000001'));
    expect(r).toMatchObject({ code: 'EXCEEDS_ALLOCATION', status: 409 });
    expect(r.message).toMatch(/allocation A1/);
    await w.disburse('D5', '2000000');
    expect(await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D6', '1'))).toMatchObject({
      code: 'EXCEEDS_ALLOCATION',
    });
  });

  it('refuses a payment to an account that is not approved, or no longer approved', async () => {
    const w = new World();
    await w.setup();
    const r = await w.recordedRefusal(
      who.housingA,
      'Disburse',
      disbursementRequest('D1', '10', { accountHash: acct(3) }),
    );
    expect(r).toMatchObject({ code: 'ACCOUNT_NOT_APPROVED', status: 409 });
    await w.submit(who.housingA, 'UpdateRecipientAccounts', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('e1'),
      remove: [acct(1)],
    });
    expect(await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D1', '10'))).toMatchObject({
      code: 'ACCOUNT_NOT_APPROVED',
    });
  });

  it('refuses a category the program does not fund', async () => {
    const w = new World();
    await w.setup();
    expect(
      await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '10', { category: 'travel' })),
    ).toMatchObject({
      code: 'CATEGORY_NOT_IN_PROGRAM',
      status: 409,
    });
  });

  it('refuses unknown allocations and recipients, and a duplicate id', async () => {
    const w = new World();
    await w.setup();
    expect(
      await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '10', { allocationId: 'A9' })),
    ).toMatchObject({
      code: 'ALLOCATION_NOT_FOUND',
      status: 404,
    });
    expect(
      await w.refused(
        who.housingA,
        'Disburse',
        disbursementRequest('D1', '10', { recipientMspId: 'CityAMSP', recipientPid: pid('c2') }),
      ),
    ).toMatchObject({ code: 'RECIPIENT_NOT_FOUND', status: 404 });
    await w.disburse('D1', '10');
    expect(await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '10'))).toMatchObject({
      code: 'DISBURSEMENT_EXISTS',
      status: 409,
    });
  });

  it('refuses a department acting for another one, and callers without the officer role', async () => {
    const w = new World();
    await w.setup();
    for (const identity of [who.socialA, who.housingB, who.financeA]) {
      expect(await w.refused(identity, 'Disburse', disbursementRequest('D1', '10'))).toMatchObject({
        code: 'DEPARTMENT_MISMATCH',
        status: 403,
      });
    }
    for (const identity of [who.enterpriseA1, who.auditorA, who.legalB]) {
      expect(await w.refused(identity, 'Disburse', disbursementRequest('D1', '10'))).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses a disbursement before the program starts', async () => {
    const w = new World('2025-11-01T00:00:00Z');
    await w.setup();
    expect(await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '10'))).toMatchObject({
      code: 'PROGRAM_NOT_STARTED',
      status: 409,
    });
  });

  it('refuses bad amounts and hashes with INVALID_ARGUMENT', async () => {
    const w = new World();
    await w.setup();
    for (const [extra, field] of [
      [{ amount: '-100' }, /amount/],
      [{ amount: '0' }, /amount/],
      [{ amount: '12.50' }, /amount/],
      [{ amount: '10000000000000000' }, /amount/],
      [{ documentsHash: 'ABC' }, /documentsHash/],
      [{ accountHash: acct(1).toUpperCase() }, /accountHash/],
      [{ extra: true }, /extra|Unrecognized/i],
    ] as const) {
      const r = await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '10', extra));
      expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      expect(r.message).toMatch(field);
    }
  });
});

describe('co-signature', () => {
  it('keeps a disbursement above the threshold pending, reserving its amount, until a second organisation co-signs', async () => {
    const w = new World();
    await w.setup();
    const out = await w.disburse('D1', '2000001');
    expect(out.disbursement).toMatchObject({ status: 'pending', coSignRequired: true });
    expect(out.disbursement.paidAt).toBeUndefined();
    expect(w.lastEvent().payload).toMatchObject({ status: 'pending' });

    // pending money is reserved in the allocation
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '2000001',
      remaining: '7999999',
    });
    // and cannot be spent yet
    expect(await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
      code: 'DISBURSEMENT_NOT_PAID',
      status: 409,
    });
    const pending = await w.evaluate<{ records: Array<{ disbursement: { disbursementId: string } }> }>(
      who.financeB,
      'ListPendingDisbursements',
      { programId: 'P1' },
    );
    expect(pending.records.map((r) => r.disbursement.disbursementId)).toEqual(['D1']);

    const signed = await w.submit<DisburseOut>(
      who.financeB,
      'CoSignDisbursement',
      { disbursementId: 'D1', note: 'documents checked' },
      { time: '2026-02-03T10:00:00Z' },
    );
    expect(signed.disbursement).toMatchObject({
      status: 'paid',
      paidAt: '2026-02-03T10:00:00.000Z',
      coSigned: { by: { mspId: 'CityBMSP', dept: 'finance' }, note: 'documents checked' },
    });
    expect(w.lastEvent()).toEqual({
      name: 'DisbursementCoSigned',
      payload: {
        programId: 'P1',
        allocationId: 'A1',
        disbursementId: 'D1',
        mspId: 'CityAMSP',
        dept: 'housing',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
        amount: '2000001',
        coSignedBy: { mspId: 'CityBMSP', dept: 'finance' },
        alerts: [],
      },
    });
    const after = await w.evaluate<{ records: unknown[] }>(who.financeB, 'ListPendingDisbursements', {
      programId: 'P1',
    });
    expect(after.records).toEqual([]);
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'));
    expect(await w.refused(who.financeB, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'DISBURSEMENT_NOT_PENDING',
      status: 409,
    });
  });

  it('refuses a co-signer of the disbursing organisation or of the wrong class', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '3000000');
    expect(await w.refused(who.financeA, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'CO_SIGNER_SAME_ORGANISATION',
      status: 403,
    });
    for (const identity of [who.auditorB, who.housingB, who.enterpriseB1]) {
      expect(await w.refused(identity, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
    expect(await w.refused(who.financeB, 'CoSignDisbursement', { disbursementId: 'D9' })).toMatchObject({
      code: 'DISBURSEMENT_NOT_FOUND',
      status: 404,
    });
  });

  it('lets an auditor of another organisation co-sign when the program says so', async () => {
    const w = new World();
    await w.setup({ coSign: { threshold: '1000', by: 'auditor' } });
    await w.disburse('D1', '1001');
    expect(await w.refused(who.financeB, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await w.refused(who.auditorA, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'CO_SIGNER_SAME_ORGANISATION',
    });
    const out = await w.submit<DisburseOut>(who.auditorOffice, 'CoSignDisbursement', {
      disbursementId: 'D1',
    });
    expect(out.disbursement.status).toBe('paid');
  });

  it('lets a co-signer reject, or the disbursing department withdraw, a pending disbursement; the money returns', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '2500000');
    await w.disburse('D2', '2100000');
    const rejected = await w.submit<DisburseOut>(who.financeB, 'RejectDisbursement', {
      disbursementId: 'D1',
      reason: 'invoice does not match',
    });
    expect(rejected.disbursement).toMatchObject({
      status: 'rejected',
      rejected: { reason: 'invoice does not match', by: { mspId: 'CityBMSP' } },
    });
    expect(w.lastEvent()).toEqual({
      name: 'DisbursementRejected',
      payload: {
        programId: 'P1',
        allocationId: 'A1',
        disbursementId: 'D1',
        mspId: 'CityAMSP',
        dept: 'housing',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
        amount: '2500000',
        rejectedBy: { mspId: 'CityBMSP', dept: 'finance' },
        withdrawn: false,
      },
    });
    await w.submit(who.housingA, 'RejectDisbursement', { disbursementId: 'D2', reason: 'typo' });
    expect(w.lastEvent().payload).toMatchObject({ withdrawn: true });
    expect(await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '0',
      remaining: '10000000',
      disbursementCount: 0,
    });
    // the released money can be paid again; the rejected one can neither be signed, rejected again nor spent
    await w.disburse('D3', '1000000');
    expect(await w.refused(who.financeB, 'CoSignDisbursement', { disbursementId: 'D1' })).toMatchObject({
      code: 'DISBURSEMENT_NOT_PENDING',
    });
    expect(
      await w.refused(who.financeB, 'RejectDisbursement', { disbursementId: 'D1', reason: 'x' }),
    ).toMatchObject({
      code: 'DISBURSEMENT_NOT_PENDING',
    });
    expect(await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
      code: 'DISBURSEMENT_NOT_PAID',
    });
  });

  it('refuses a rejection by anyone else and of a paid disbursement', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '3000000');
    await w.disburse('D2', '10');
    for (const identity of [who.socialA, who.auditorB, who.enterpriseA1]) {
      expect(
        await w.refused(identity, 'RejectDisbursement', { disbursementId: 'D1', reason: 'x' }),
      ).toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    expect(
      await w.refused(who.financeA, 'RejectDisbursement', { disbursementId: 'D1', reason: 'x' }),
    ).toMatchObject({
      code: 'CO_SIGNER_SAME_ORGANISATION',
    });
    expect(
      await w.refused(who.housingA, 'RejectDisbursement', { disbursementId: 'D2', reason: 'x' }),
    ).toMatchObject({
      code: 'DISBURSEMENT_NOT_PENDING',
    });
    expect(await w.refused(who.housingA, 'RejectDisbursement', { disbursementId: 'D2' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('GetDisbursement / ListDisbursements', () => {
  it('lists by allocation (staff) and by recipient (staff or the recipient)', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D2', '10');
    await w.disburse('D1', '20');
    await w.disburse('D3', '30');
    type Page = { records: Array<{ disbursement: { disbursementId: string } }>; bookmark: string };
    const ids = (p: Page): string[] => p.records.map((r) => r.disbursement.disbursementId);
    const byAlloc = await w.evaluate<Page>(who.auditorA, 'ListDisbursements', {
      allocationId: 'A1',
      pageSize: 2,
    });
    expect(ids(byAlloc)).toEqual(['D1', 'D2']);
    const rest = await w.evaluate<Page>(who.auditorA, 'ListDisbursements', {
      allocationId: 'A1',
      pageSize: 2,
      bookmark: byAlloc.bookmark,
    });
    expect(ids(rest)).toEqual(['D3']);
    const mine = await w.evaluate<Page>(who.enterpriseA1, 'ListDisbursements', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('e1'),
    });
    expect(ids(mine)).toEqual(['D1', 'D2', 'D3']);
    expect(
      await w.queryRefused(who.enterpriseB1, 'ListDisbursements', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
      }),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await w.queryRefused(who.enterpriseA1, 'ListDisbursements', { allocationId: 'A1' })).toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
    expect(await w.queryRefused(who.auditorA, 'ListDisbursements', { allocationId: 'A9' })).toMatchObject({
      code: 'ALLOCATION_NOT_FOUND',
    });
    for (const bad of [
      {},
      { programId: 'P1' },
      { allocationId: 'A1', programId: 'P1', recipientMspId: 'CityAMSP', recipientPid: pid('e1') },
    ]) {
      expect(await w.queryRefused(who.auditorA, 'ListDisbursements', bad)).toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
    expect(await w.queryRefused(who.enterpriseB1, 'GetDisbursement', { disbursementId: 'D1' })).toMatchObject(
      {
        code: 'FORBIDDEN',
      },
    );
    expect(await w.queryRefused(who.auditorA, 'GetDisbursement', { disbursementId: 'D9' })).toMatchObject({
      code: 'DISBURSEMENT_NOT_FOUND',
    });
    expect(
      await w.queryRefused(who.citizenA1, 'ListPendingDisbursements', { programId: 'P1' }),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await w.queryRefused(who.auditorA, 'ListPendingDisbursements', { programId: 'P9' })).toMatchObject(
      {
        code: 'PROGRAM_NOT_FOUND',
      },
    );
  });
});
