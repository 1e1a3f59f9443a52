import { fundTracing as ft } from '../src';

const HASH = 'ab'.repeat(32);
const PID = 'e1'.repeat(32);

function program(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    programId: 'P1',
    name: 'Upgrade',
    fiscalYear: 2026,
    totalBudget: '100000000',
    categories: ['equipment'],
    startDate: '2026-01-01T00:00:00Z',
    endDate: '2026-12-31T00:00:00Z',
    coSign: { threshold: '2000000', by: 'finance' },
    rules: {
      category: { mode: 'warn' },
      recipientCap: { mode: 'block', cap: '5000000' },
      splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3 },
      afterEnd: { mode: 'block' },
      unspent: { mode: 'warn', days: 30 },
    },
    ...overrides,
  };
}

describe('fund-tracing amounts', () => {
  it.each([
    ['-1', 'must not be negative'],
    ['1.5', 'must be a whole number of fen (no fraction)'],
    ['1e3', 'must be a decimal string of digits (no sign, exponent or spaces)'],
    ['0', 'must be greater than zero'],
    ['0100', 'must not have leading zeros'],
    ['1000000000000001', 'must not exceed 10^15 fen'],
  ])('refuses %s: %s', (value, message) => {
    expect(ft.amountProblem(value)).toBe(message);
    const r = ft.Amount.safeParse(value);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(message);
  });

  it('accepts 1 and 10^15', () => {
    expect(ft.Amount.safeParse('1').success).toBe(true);
    expect(ft.Amount.safeParse(String(ft.MAX_AMOUNT)).success).toBe(true);
  });
});

describe('fund-tracing requests', () => {
  it('applies the defaults the chaincode stores', () => {
    const p = ft.CreateProgramRequest.parse(program());
    expect(p.rules.splitPayment.marginPercent).toBe(ft.Defaults.marginPercent);
    expect(ft.SweepUnspentRequest.parse({ programId: 'P1' }).limit).toBe(ft.Defaults.sweepLimit);
  });

  it('checks that a program ends after it starts, on endDate', () => {
    const r = ft.CreateProgramRequest.safeParse(program({ endDate: '2025-01-01T00:00:00Z' }));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['endDate', 'must be after startDate'],
    ]);
  });

  it('lets a caller drop path fields and keep the cross-field check', () => {
    const body = ft.CreateProgramFields.omit({ programId: true }).superRefine(ft.checkProgramDates);
    const { programId: _id, ...rest } = program({ endDate: '2025-01-01T00:00:00Z' });
    expect(body.safeParse(rest).success).toBe(false);
  });

  it('refuses an account change that changes nothing or adds and removes one hash', () => {
    const base = { programId: 'P1', recipientMspId: 'CityAMSP', recipientPid: PID };
    expect(ft.UpdateRecipientAccountsRequest.safeParse(base).error?.issues[0]?.message).toBe(
      'add or remove at least one account',
    );
    const both = ft.UpdateRecipientAccountsRequest.safeParse({ ...base, add: [HASH], remove: [HASH] });
    expect(both.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['remove', 'must not both add and remove an account'],
    ]);
    expect(ft.UpdateRecipientAccountsRequest.parse({ ...base, add: [HASH] }).remove).toEqual([]);
  });

  it('lists disbursements by allocation, or by program and recipient (home MSP and pid), never both', () => {
    expect(ft.ListDisbursementsRequest.safeParse({ allocationId: 'A1' }).success).toBe(true);
    const recipient = { recipientMspId: 'CityAMSP', recipientPid: PID };
    expect(ft.ListDisbursementsRequest.safeParse({ programId: 'P1', ...recipient }).success).toBe(true);
    expect(ft.ListDisbursementsRequest.safeParse({ programId: 'P1', recipientPid: PID }).success).toBe(false);
    expect(ft.ListDisbursementsRequest.safeParse({ allocationId: 'A1', programId: 'P1' }).success).toBe(
      false,
    );
    expect(ft.ListDisbursementsRequest.safeParse({ programId: 'P1' }).success).toBe(false);
  });

  it('refuses unknown fields', () => {
    expect(ft.GetProgramRequest.safeParse({ programId: 'P1', extra: 1 }).success).toBe(false);
  });
});

describe('fund-tracing transaction catalogue', () => {
  it('marks the reads as evaluate and the writes as submit', () => {
    const evaluate = Object.entries(ft.transactions)
      .filter(([, t]) => t.kind === 'evaluate')
      .map(([n]) => n);
    expect(evaluate.every((n) => /^(Get|List|Trace)/.test(n))).toBe(true);
    const submit = Object.entries(ft.transactions)
      .filter(([, t]) => t.kind === 'submit')
      .map(([n]) => n);
    expect(submit.some((n) => /^(Get|List|Trace)/.test(n))).toBe(false);
    expect(submit).toContain('Disburse');
  });

  it('parses a trace result with nested nodes', () => {
    const spend = {
      spendId: 'S1',
      disbursementId: 'D1',
      allocationId: 'A1',
      programId: 'P1',
      payeeId: 'x',
      amount: '1',
      category: 'equipment',
      invoiceHash: HASH,
      recordedAt: '2026-01-01T00:00:00.000Z',
      recordedBy: PID,
      recordedByMspId: 'CityAMSP',
    };
    const leaf = {
      kind: 'spend',
      id: 'S1',
      amount: '1',
      complete: true,
      alertIds: [],
      record: spend,
      children: [],
    };
    const result = {
      record: { kind: 'spend', id: 'S1' },
      path: [{ kind: 'spend', id: 'S1' }],
      root: { ...leaf, children: [leaf] },
      records: 2,
    };
    expect(ft.TraceResult.safeParse(result).success).toBe(true);
  });
});

describe('fund-tracing recipients', () => {
  it('name a recipient by home MSP and pid, never by pid alone', () => {
    const base = { programId: 'P1', kind: 'enterprise', accountHashes: [HASH] };
    expect(ft.RegisterRecipientRequest.safeParse({ ...base, recipientPid: PID }).success).toBe(false);
    expect(
      ft.RegisterRecipientRequest.safeParse({ ...base, recipientMspId: 'CityAMSP', recipientPid: PID })
        .success,
    ).toBe(true);
    expect(ft.GetRecipientRequest.safeParse({ programId: 'P1', recipientPid: PID }).success).toBe(false);
  });
});

describe('issue 19 shapes', () => {
  it('the unspent period may add minutes and is at least one minute', () => {
    const withRule = (unspent: unknown) =>
      ft.CreateProgramRequest.safeParse(
        program({ rules: { ...(program().rules as Record<string, unknown>), unspent } }),
      ).success;
    expect(withRule({ mode: 'warn', days: 0, minutes: 1 })).toBe(true);
    expect(withRule({ mode: 'warn', days: 90 })).toBe(true);
    expect(withRule({ mode: 'warn', days: 0, minutes: 0 })).toBe(false);
    expect(withRule({ mode: 'warn', days: 0 })).toBe(false);
    expect(withRule({ mode: 'warn', days: 1, minutes: 1440 })).toBe(false);
    expect(ft.unspentPeriodMs({ days: 1, minutes: 30 })).toBe(86_400_000 + 1_800_000);
  });

  it('a refusal result is told apart from a success by isRefusal, and both are in the Disburse response union', () => {
    const refusal = {
      outcome: 'refused',
      code: 'ACCOUNT_NOT_APPROVED',
      status: 409,
      message: 'no',
      alertId: 'tx.0',
      attempt: {
        attemptId: 'tx',
        transaction: 'Disburse',
        programId: 'P1',
        by: { mspId: 'CityAMSP', id: 'x' },
        records: [{ kind: 'disbursement', id: 'D1' }],
        rule: 'unapprovedAccount',
        code: 'ACCOUNT_NOT_APPROVED',
        reason: 'no',
        alertId: 'tx.0',
        at: '2026-03-01T00:00:00.000Z',
      },
    };
    expect(ft.isRefusal(refusal)).toBe(true);
    expect(ft.isRefusal({ disbursement: {}, alerts: [] })).toBe(false);
    expect(ft.transactions.Disburse.response.safeParse(refusal).success).toBe(true);
    expect(
      ft.AlertRaisedEvent.safeParse({ programId: 'P1', alerts: [], source: { event: 'X', payload: {} } })
        .success,
    ).toBe(false);
  });
});
