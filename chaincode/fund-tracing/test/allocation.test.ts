import './support/quiet';
import fc from 'fast-check';
import { Amount, MAX_AMOUNT, amountProblem, fen, sumFen, toFen } from '../src';
import { World, disbursementRequest, programRequest, rules, who } from './support/world';

const alloc = (
  allocationId: string,
  amount: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  allocationId,
  programId: 'P1',
  mspId: 'CityAMSP',
  dept: 'housing',
  amount,
  ...extra,
});

describe('money', () => {
  it.each([
    ['1', undefined],
    ['1000000000000000', undefined],
    ['1000000000000001', /exceed/],
    ['99999999999999999999', /exceed/],
    ['0', /greater than zero/],
    ['000', /greater than zero/],
    ['-5', /negative/],
    ['-0', /negative/],
    ['1.5', /fraction/],
    ['1.0', /fraction/],
    ['1,5', /fraction/],
    ['1e3', /decimal string/],
    [' 1', /decimal string/],
    ['0x10', /decimal string/],
    ['abc', /decimal string/],
    ['', /decimal string/],
    ['01', /leading zeros/],
    ['１２', /decimal string/],
  ])('amount %j -> %s', (value, problem) => {
    const found = amountProblem(value);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
    expect(Amount.safeParse(value).success).toBe(problem === undefined);
  });

  it('refuses numbers: amounts are strings', () => {
    expect(Amount.safeParse(100).success).toBe(false);
    expect(Amount.safeParse(1.5).success).toBe(false);
  });

  it('round-trips every acceptable amount through BigInt exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT }), (n) => {
        const s = fen(n);
        expect(amountProblem(s)).toBeUndefined();
        expect(toFen(s)).toBe(n);
      }),
    );
  });

  it('sums without losing precision beyond 2^53', () => {
    expect(fen(sumFen(['999999999999999', '999999999999999', '3']))).toBe('2000000000000001');
    expect(() => toFen('1.5')).toThrow();
  });
});

describe('AllocateFunds', () => {
  async function world(): Promise<World> {
    const w = new World();
    await w.submit(who.financeA, 'CreateProgram', programRequest());
    return w;
  }

  it('allocates to a department, emits FundsAllocated and updates the program balance', async () => {
    const w = await world();
    const out = await w.submit(who.financeA, 'AllocateFunds', alloc('A1', '40000000'));
    expect(out).toMatchObject({
      allocation: {
        allocationId: 'A1',
        programId: 'P1',
        mspId: 'CityAMSP',
        dept: 'housing',
        amount: '40000000',
      },
      alerts: [],
    });
    expect(w.lastEvent()).toEqual({
      name: 'FundsAllocated',
      payload: {
        programId: 'P1',
        ownerMspId: 'CityAMSP',
        allocationId: 'A1',
        mspId: 'CityAMSP',
        dept: 'housing',
        amount: '40000000',
        alerts: [],
      },
    });
    expect(await w.evaluate(who.auditorB, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      disbursed: '0',
      remaining: '40000000',
      disbursementCount: 0,
    });
    expect(await w.evaluate(who.financeA, 'GetProgram', { programId: 'P1' })).toMatchObject({
      allocated: '40000000',
      unallocated: '60000000',
    });
  });

  it('lets the allocations reach the budget exactly, and not one fen more', async () => {
    const w = await world();
    await w.submit(who.financeA, 'AllocateFunds', alloc('A1', '60000000'));
    await w.submit(who.financeA, 'AllocateFunds', alloc('A2', '39999999', { dept: 'social' }));
    const r = await w.refused(who.financeA, 'AllocateFunds', alloc('A3', '2', { dept: 'industry' }));
    expect(r).toMatchObject({ code: 'EXCEEDS_BUDGET', status: 409 });
    await w.submit(who.financeA, 'AllocateFunds', alloc('A3', '1', { dept: 'industry' }));
    expect(await w.evaluate(who.financeA, 'GetProgram', { programId: 'P1' })).toMatchObject({
      allocated: '100000000',
      unallocated: '0',
      allocationCount: 3,
    });
  });

  it('may allocate to a department of another organisation, which then disburses', async () => {
    const w = await world();
    await w.submit(who.financeA, 'AllocateFunds', alloc('AB', '1000', { mspId: 'CityBMSP' }));
    await w.submit(who.housingB, 'RegisterRecipient', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: 'e1'.repeat(32),
      kind: 'enterprise',
      accountHashes: [disbursementRequest('x', '1').accountHash],
    });
    await w.submit(who.housingB, 'Disburse', disbursementRequest('D1', '1000', { allocationId: 'AB' }));
    expect(
      await w.refused(who.housingA, 'Disburse', disbursementRequest('D2', '1', { allocationId: 'AB' })),
    ).toMatchObject({ code: 'DEPARTMENT_MISMATCH', status: 403 });
  });

  it('refuses another organisation’s finance, other departments and other roles', async () => {
    const w = await world();
    expect(await w.refused(who.financeB, 'AllocateFunds', alloc('A1', '1'))).toMatchObject({
      code: 'DEPARTMENT_MISMATCH',
      status: 403,
    });
    expect(await w.refused(who.housingA, 'AllocateFunds', alloc('A1', '1'))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
    expect(await w.refused(who.auditorA, 'AllocateFunds', alloc('A1', '1'))).toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
    });
  });

  it('refuses an unknown program, a duplicate id and bad arguments', async () => {
    const w = await world();
    expect(
      await w.refused(who.financeA, 'AllocateFunds', alloc('A1', '1', { programId: 'P9' })),
    ).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
      status: 404,
    });
    await w.submit(who.financeA, 'AllocateFunds', alloc('A1', '1'));
    expect(await w.refused(who.financeA, 'AllocateFunds', alloc('A1', '1'))).toMatchObject({
      code: 'ALLOCATION_EXISTS',
      status: 409,
    });
    for (const amount of ['0', '-1', '1.5', '1e2', '1000000000000001', 12]) {
      const r = await w.refused(who.financeA, 'AllocateFunds', alloc('A2', amount as string));
      expect(r).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
      expect(r.message).toMatch(/amount/);
    }
    const r = await w.refused(
      who.financeA,
      'AllocateFunds',
      alloc('A2', '1', { dept: 'has space', mspId: '' }),
    );
    expect(r.message).toMatch(/dept/);
    expect(r.message).toMatch(/mspId/);
  });

  it('blocks an allocation after the end date when the rule blocks', async () => {
    const w = await world();
    const r = await w.recordedRefusal(who.financeA, 'AllocateFunds', alloc('A1', '1'), {
      time: '2027-01-01T00:00:00Z',
    });
    expect(r).toMatchObject({ code: 'PROGRAM_ENDED', status: 409 });
  });

  it('lets an allocation after the end date through with an alert when the rule warns', async () => {
    const w = new World();
    await w.submit(
      who.financeA,
      'CreateProgram',
      programRequest({ rules: rules({ afterEnd: { mode: 'warn' } }) }),
    );
    const out = await w.submit<{ alerts: Array<{ rule: string; records: unknown[] }> }>(
      who.financeA,
      'AllocateFunds',
      alloc('A1', '1'),
      { time: '2027-01-01T00:00:00Z' },
    );
    expect(out.alerts).toEqual([
      expect.objectContaining({
        rule: 'afterEnd',
        severity: 'medium',
        records: [{ kind: 'allocation', id: 'A1' }],
      }),
    ]);
    expect(w.lastEvent().payload.alerts).toEqual(out.alerts);
  });

  it('lists a program’s allocations with balances, page by page, for staff only', async () => {
    const w = await world();
    for (const id of ['A1', 'A2', 'A3']) await w.submit(who.financeA, 'AllocateFunds', alloc(id, '100'));
    const p1 = await w.evaluate<{
      records: Array<{ allocation: { allocationId: string }; remaining: string }>;
      bookmark: string;
    }>(who.housingA, 'ListAllocations', { programId: 'P1', pageSize: 2 });
    expect(p1.records.map((r) => r.allocation.allocationId)).toEqual(['A1', 'A2']);
    expect(p1.records[0]?.remaining).toBe('100');
    const p2 = await w.evaluate<{
      records: Array<{ allocation: { allocationId: string } }>;
      bookmark: string;
    }>(who.housingA, 'ListAllocations', { programId: 'P1', pageSize: 2, bookmark: p1.bookmark });
    expect(p2.records.map((r) => r.allocation.allocationId)).toEqual(['A3']);
    expect(p2.bookmark).toBe('');
    expect(await w.queryRefused(who.citizenA1, 'ListAllocations', { programId: 'P1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await w.queryRefused(who.citizenA1, 'GetAllocation', { allocationId: 'A1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await w.queryRefused(who.auditorA, 'GetAllocation', { allocationId: 'A9' })).toMatchObject({
      code: 'ALLOCATION_NOT_FOUND',
      status: 404,
    });
    expect(await w.queryRefused(who.auditorA, 'ListAllocations', { programId: 'P9' })).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
    });
  });
});
