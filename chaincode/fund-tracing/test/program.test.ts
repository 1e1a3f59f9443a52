import './support/quiet';
import {
  World,
  acct,
  disbursementRequest,
  pid,
  programRequest,
  rules,
  spendRequest,
  who,
} from './support/world';

describe('CreateProgram', () => {
  it('creates a program owned by the finance officer’s organisation and emits ProgramCreated', async () => {
    const w = new World();
    const out = await w.submit(
      who.financeB,
      'CreateProgram',
      programRequest({ startDate: '2026-01-01T00:00:00.000Z' }),
    );
    expect(out).toMatchObject({
      programId: 'P1',
      ownerMspId: 'CityBMSP',
      status: 'active',
      totalBudget: '100000000',
      categories: ['equipment', 'training'],
      startDate: '2026-01-01T00:00:00.000Z',
      endDate: '2026-12-31T23:59:59.000Z',
      createdAt: '2026-02-01T00:00:01.000Z',
      createdBy: { mspId: 'CityBMSP', dept: 'finance' },
    });
    expect(w.lastEvent()).toEqual({
      name: 'ProgramCreated',
      payload: { programId: 'P1', ownerMspId: 'CityBMSP', totalBudget: '100000000', fiscalYear: 2026 },
    });
    const view = await w.evaluate(who.citizenA1, 'GetProgram', { programId: 'P1' });
    expect(view).toMatchObject({ allocated: '0', unallocated: '100000000', allocationCount: 0 });
  });

  it('defaults the split-payment margin to 10 %', async () => {
    const w = new World();
    const req = programRequest();
    const split: Record<string, unknown> = { ...req.rules.splitPayment };
    delete split.marginPercent;
    const out = await w.submit<{ rules: { splitPayment: { marginPercent: number } } }>(
      who.financeA,
      'CreateProgram',
      {
        ...req,
        rules: { ...req.rules, splitPayment: split },
      },
    );
    expect(out.rules.splitPayment.marginPercent).toBe(10);
  });

  it.each([
    ['a department officer that is not finance', who.housingA],
    [
      'a finance auditor-role identity',
      { ...who.auditorA, attrs: { 'gov.dept': 'finance', 'gov.role': 'auditor' } },
    ],
    ['a citizen', who.citizenA1],
    ['an admin', who.adminA],
  ])('refuses %s with FORBIDDEN', async (_label, identity) => {
    const w = new World();
    expect(await w.refused(identity, 'CreateProgram', programRequest())).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });

  it('refuses a second program with the same id', async () => {
    const w = new World();
    await w.submit(who.financeA, 'CreateProgram', programRequest());
    expect(await w.refused(who.financeB, 'CreateProgram', programRequest())).toMatchObject({
      code: 'PROGRAM_EXISTS',
      status: 409,
    });
  });

  const base = programRequest();
  it.each([
    ['not JSON', '{"programId":', /not valid JSON/],
    ['a bad id', { ...base, programId: 'bad id' }, /programId/],
    ['an unknown field', { ...base, owner: 'x' }, /owner|Unrecognized/i],
    ['an end before the start', { ...base, endDate: '2025-12-31T00:00:00Z' }, /endDate/],
    ['a date outside 1900-2200', { ...base, startDate: '1899-01-01T00:00:00Z' }, /startDate/],
    ['no categories', { ...base, categories: [] }, /categories/],
    ['repeated categories', { ...base, categories: ['a', 'a'] }, /categories/],
    ['a fiscal year out of range', { ...base, fiscalYear: 1999 }, /fiscalYear/],
    ['a fractional fiscal year', { ...base, fiscalYear: 2026.5 }, /fiscalYear/],
    ['an unknown co-signer', { ...base, coSign: { threshold: '1', by: 'mayor' } }, /coSign\.by/],
    [
      'a bad rule mode',
      { ...base, rules: rules({ category: { mode: 'maybe' as 'warn' } }) },
      /rules\.category\.mode/,
    ],
    [
      'a blocking unspent rule',
      { ...base, rules: { ...base.rules, unspent: { mode: 'block', days: 3 } } },
      /unspent/,
    ],
    [
      'a split count of 1',
      { ...base, rules: rules({ splitPayment: { ...base.rules.splitPayment, count: 1 } }) },
      /count/,
    ],
    ['a missing rule', { ...base, rules: { ...base.rules, afterEnd: undefined } }, /afterEnd/],
    ['a budget as a number', { ...base, totalBudget: 100 }, /totalBudget/],
    ['a zero cap', { ...base, rules: rules({ recipientCap: { mode: 'block', cap: '0' } }) }, /cap/],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_label, req, field) => {
    const w = new World();
    const r = await w.refused(who.financeA, 'CreateProgram', req);
    expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    expect(r.message).toMatch(field);
  });
});

describe('CloseProgram', () => {
  it('lets the owning finance department close the program and emits ProgramClosed', async () => {
    const w = new World();
    await w.setup();
    const out = await w.submit(who.financeA, 'CloseProgram', { programId: 'P1', reason: 'year end' });
    expect(out).toMatchObject({
      status: 'closed',
      closed: { reason: 'year end', by: { mspId: 'CityAMSP' } },
    });
    expect(w.lastEvent()).toEqual({
      name: 'ProgramClosed',
      payload: { programId: 'P1', ownerMspId: 'CityAMSP', reason: 'year end' },
    });
  });

  it('refuses another organisation’s finance, other departments, a second close and an unknown program', async () => {
    const w = new World();
    await w.setup();
    const req = { programId: 'P1', reason: 'x' };
    expect(await w.refused(who.financeB, 'CloseProgram', req)).toMatchObject({
      code: 'DEPARTMENT_MISMATCH',
      status: 403,
    });
    expect(await w.refused(who.housingA, 'CloseProgram', req)).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(await w.refused(who.financeA, 'CloseProgram', { programId: 'P9', reason: 'x' })).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
      status: 404,
    });
    await w.submit(who.financeA, 'CloseProgram', req);
    expect(await w.refused(who.financeA, 'CloseProgram', req)).toMatchObject({
      code: 'PROGRAM_CLOSED',
      status: 409,
    });
  });

  it('stops allocations, recipients, disbursements and co-signatures; rejections and spends still pass', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D-paid', '1000');
    await w.disburse('D-pending', '2100000');
    await w.disburse('D-pending2', '2100000');
    await w.submit(who.financeA, 'CloseProgram', { programId: 'P1', reason: 'fraud suspected' });

    const closed = { code: 'PROGRAM_CLOSED', status: 409 };
    expect(
      await w.refused(who.financeA, 'AllocateFunds', {
        allocationId: 'A2',
        programId: 'P1',
        mspId: 'CityAMSP',
        dept: 'housing',
        amount: '1',
      }),
    ).toMatchObject(closed);
    expect(
      await w.refused(who.housingA, 'RegisterRecipient', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
        kind: 'person',
        accountHashes: [acct(5)],
      }),
    ).toMatchObject(closed);
    expect(
      await w.refused(who.housingA, 'UpdateRecipientAccounts', {
        programId: 'P1',
        recipientMspId: 'CityAMSP',
        recipientPid: pid('e1'),
        add: [acct(5)],
      }),
    ).toMatchObject(closed);
    expect(await w.refused(who.housingA, 'Disburse', disbursementRequest('D9', '1'))).toMatchObject(closed);
    expect(
      await w.refused(who.financeB, 'CoSignDisbursement', { disbursementId: 'D-pending' }),
    ).toMatchObject(closed);

    await w.submit(who.financeB, 'RejectDisbursement', {
      disbursementId: 'D-pending',
      reason: 'program closed',
    });
    await w.submit(who.housingA, 'RejectDisbursement', { disbursementId: 'D-pending2', reason: 'withdrawn' });
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D-paid', '1000'));
  });
});

describe('GetProgram / ListPrograms', () => {
  it('refuses an unknown program', async () => {
    const w = new World();
    expect(await w.queryRefused(who.financeA, 'GetProgram', { programId: 'nope' })).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
      status: 404,
    });
  });

  it('pages through every program by id', async () => {
    const w = new World();
    for (const id of ['P3', 'P1', 'P2', 'P5', 'P4']) {
      await w.submit(who.financeA, 'CreateProgram', programRequest({ programId: id }));
    }
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await w.evaluate<{ records: Array<{ programId: string }>; bookmark: string }>(
        who.auditorOffice,
        'ListPrograms',
        { pageSize: 2, bookmark },
      );
      seen.push(...page.records.map((p) => p.programId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark && pages < 10);
    expect(seen).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expect(pages).toBe(3);
  });

  it('reflects allocations in the program view', async () => {
    const w = new World();
    await w.setup();
    expect(await w.evaluate(who.financeA, 'GetProgram', { programId: 'P1' })).toMatchObject({
      allocated: '10000000',
      unallocated: '90000000',
      allocationCount: 1,
    });
  });
});
