import './support/quiet';
import { World, acct, doc, pid, spendRequest, who, disbursementRequest } from './support/world';

describe('RecordSpend', () => {
  it('records the recipient’s onward spending, linked to every parent, and emits SpendRecorded', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000000');
    const out = await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '400000'));
    expect(out).toEqual({
      spend: {
        spendId: 'S1',
        disbursementId: 'D1',
        allocationId: 'A1',
        programId: 'P1',
        payeeId: 'supplier-91310000',
        amount: '400000',
        category: 'equipment',
        invoiceHash: doc(99),
        recordedAt: '2026-02-01T00:00:05.000Z',
        recordedBy: pid('e1'),
        recordedByMspId: 'CityAMSP',
      },
      alerts: [],
    });
    expect(w.lastEvent()).toEqual({
      name: 'SpendRecorded',
      payload: {
        programId: 'P1',
        allocationId: 'A1',
        disbursementId: 'D1',
        mspId: 'CityAMSP',
        dept: 'housing',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
        spendId: 'S1',
        amount: '400000',
        category: 'equipment',
        alerts: [],
      },
    });
    expect(await w.evaluate(who.enterpriseA1, 'GetDisbursement', { disbursementId: 'D1' })).toMatchObject({
      spent: '400000',
      remaining: '600000',
      spendCount: 1,
    });
    expect(await w.evaluate(who.enterpriseA1, 'GetSpend', { spendId: 'S1' })).toEqual(out.spend);
  });

  it('never lets the spends exceed the disbursement', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000');
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '600'));
    const r = await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S2', 'D1', '401'));
    expect(r).toMatchObject({ code: 'EXCEEDS_DISBURSEMENT', status: 409 });
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S2', 'D1', '400'));
    expect(await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S3', 'D1', '1'))).toMatchObject({
      code: 'EXCEEDS_DISBURSEMENT',
    });
  });

  it('accepts a person recipient with the citizen role', async () => {
    const w = new World();
    await w.setup();
    await w.submit(who.housingA, 'RegisterRecipient', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('c1'),
      kind: 'person',
      accountHashes: [acct(9)],
    });
    await w.submit(
      who.housingA,
      'Disburse',
      disbursementRequest('D1', '500', {
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
        accountHash: acct(9),
        category: 'training',
      }),
    );
    await w.submit(who.citizenA1, 'RecordSpend', spendRequest('S1', 'D1', '500', { category: 'training' }));
    expect(await w.refused(who.citizenA2, 'RecordSpend', spendRequest('S2', 'D1', '1'))).toMatchObject({
      code: 'NOT_RECIPIENT',
      status: 403,
    });
  });

  it('refuses anyone but the recipient', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000');
    for (const identity of [who.enterpriseB1, who.citizenWithE1]) {
      expect(await w.refused(identity, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
        code: 'NOT_RECIPIENT',
        status: 403,
      });
    }
    for (const identity of [who.housingA, who.financeA, who.auditorA]) {
      expect(await w.refused(identity, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    }
  });

  it('refuses an unknown disbursement, a duplicate id and bad arguments', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000');
    expect(await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D9', '1'))).toMatchObject({
      code: 'DISBURSEMENT_NOT_FOUND',
      status: 404,
    });
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'));
    expect(await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'))).toMatchObject({
      code: 'SPEND_EXISTS',
      status: 409,
    });
    for (const [extra, field] of [
      [{ amount: '0.5' }, /amount/],
      [{ amount: '-1' }, /amount/],
      [{ payeeId: 'Zhang San Ltd' }, /payeeId/],
      [{ invoiceHash: 'x' }, /invoiceHash/],
      [{ category: '' }, /category/],
    ] as const) {
      const r = await w.refused(who.enterpriseA1, 'RecordSpend', spendRequest('S2', 'D1', '1', extra));
      expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      expect(r.message).toMatch(field);
    }
  });
});

describe('GetSpend / ListSpends', () => {
  it('lets staff and the recipient read spends, page by page', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000');
    for (const id of ['S3', 'S1', 'S2'])
      await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest(id, 'D1', '10'));
    type Page = { records: Array<{ spendId: string }>; bookmark: string };
    const first = await w.evaluate<Page>(who.enterpriseA1, 'ListSpends', {
      disbursementId: 'D1',
      pageSize: 2,
    });
    expect(first.records.map((s) => s.spendId)).toEqual(['S1', 'S2']);
    const second = await w.evaluate<Page>(who.auditorB, 'ListSpends', {
      disbursementId: 'D1',
      pageSize: 2,
      bookmark: first.bookmark,
    });
    expect(second.records.map((s) => s.spendId)).toEqual(['S3']);
    expect(await w.queryRefused(who.enterpriseB1, 'ListSpends', { disbursementId: 'D1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await w.queryRefused(who.enterpriseB1, 'GetSpend', { spendId: 'S1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await w.queryRefused(who.auditorA, 'GetSpend', { spendId: 'S9' })).toMatchObject({
      code: 'SPEND_NOT_FOUND',
      status: 404,
    });
    expect(await w.queryRefused(who.auditorA, 'ListSpends', { disbursementId: 'D9' })).toMatchObject({
      code: 'DISBURSEMENT_NOT_FOUND',
    });
  });
});
