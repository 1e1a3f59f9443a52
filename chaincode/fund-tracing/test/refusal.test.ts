/**
 * Issue 19: a payment refused by a blocking rule, by its allocation or by its
 * account commits a refused attempt and a high-severity alert for the
 * supervisors, and moves no balance (World.recordedRefusal checks that no
 * existing key changed and that the one event is AlertRaised).
 */
import './support/quiet';
import { refusal } from '@govledger/chaincode-common/testing';
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

interface AlertOut {
  alertId: string;
  rule: string;
  severity: string;
  status: string;
  attemptId?: string;
  ownerMspId?: string;
  message: string;
  details: Record<string, string | number>;
  records: Array<{ kind: string; id: string }>;
}

async function balances(w: World): Promise<unknown[]> {
  return [
    await w.evaluate(who.auditorA, 'GetProgram', { programId: 'P1' }),
    await w.evaluate(who.auditorA, 'GetAllocation', { allocationId: 'A1' }),
  ];
}

/** The auditor's view of the program's open high alerts. */
async function openHighAlerts(w: World): Promise<AlertOut[]> {
  const page = await w.evaluate<{ records: AlertOut[] }>(who.auditorA, 'ListAlerts', {
    programId: 'P1',
    status: 'open',
    severity: 'high',
  });
  return page.records;
}

describe('refused attempts are recorded (issue 19)', () => {
  it('an unapproved account: attempt with who/what, a high alert the auditor lists, balances untouched', async () => {
    const w = new World();
    await w.setup();
    const before = await balances(w);
    const r = await w.recordedRefusal(
      who.housingA,
      'Disburse',
      disbursementRequest('D1', '500', { accountHash: acct(9) }),
    );
    expect(r).toMatchObject({ code: 'ACCOUNT_NOT_APPROVED', status: 409 });
    expect(r.attempt).toMatchObject({
      transaction: 'Disburse',
      rule: 'unapprovedAccount',
      code: 'ACCOUNT_NOT_APPROVED',
      by: { mspId: 'CityAMSP', dept: 'housing' },
      amount: '500',
      category: 'equipment',
      alertId: r.alertId,
      records: [
        { kind: 'allocation', id: 'A1' },
        { kind: 'disbursement', id: 'D1' },
      ],
    });
    expect(r.attempt.subject).toBeUndefined();
    expect(await balances(w)).toEqual(before);
    const [alert] = await openHighAlerts(w);
    expect(alert).toMatchObject({
      alertId: r.alertId,
      rule: 'unapprovedAccount',
      severity: 'high',
      status: 'open',
      attemptId: r.attempt.attemptId,
      ownerMspId: 'CityAMSP',
      details: { transaction: 'Disburse', code: 'ACCOUNT_NOT_APPROVED', byDept: 'housing', amount: '500' },
    });
    // the refusal wrote no disbursement: the same id can be paid correctly afterwards
    await refusal(w.evaluate(who.auditorA, 'GetDisbursement', { disbursementId: 'D1' }));
    expect((await w.disburse('D1', '500')).disbursement.status).toBe('paid');
  });

  it('over the allocation: attempt with the balances, a high alert, the allocation unchanged', async () => {
    const w = new World();
    await w.setup({ rules: rules({ recipientCap: { mode: 'off', cap: '1' } }) });
    await w.disburse('D1', '1900000');
    const before = await balances(w);
    const r = await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D2', '8100001'));
    expect(r).toMatchObject({ code: 'EXCEEDS_ALLOCATION', status: 409 });
    expect(r.attempt).toMatchObject({
      rule: 'exceedsAllocation',
      details: { allocation: '10000000', disbursed: '1900000', remaining: '8100000' },
    });
    expect(await balances(w)).toEqual(before);
    expect((await openHighAlerts(w)).map((a) => a.rule)).toEqual(['exceedsAllocation']);
  });

  it('a blocking rule on a payment (recipientCap): the rule, the reason and the recipient are recorded', async () => {
    const w = new World();
    await w.setup({ rules: rules({ recipientCap: { mode: 'block', cap: '1000' } }) });
    const before = await balances(w);
    const r = await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D1', '1001'));
    expect(r).toMatchObject({ code: 'RECIPIENT_CAP_EXCEEDED', status: 409 });
    expect(r.attempt).toMatchObject({ rule: 'recipientCap', reason: expect.stringMatching(/cap 1000/) });
    expect(await balances(w)).toEqual(before);
    const [alert] = await openHighAlerts(w);
    expect(alert).toMatchObject({
      rule: 'recipientCap',
      severity: 'high',
      details: { recipientPid: pid('e1'), cap: '1000', code: 'RECIPIENT_CAP_EXCEEDED' },
    });
  });

  it('a blocking rule on a co-signature, a spend and an allocation (afterEnd): each recorded, high even though the warning is medium', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '1000');
    await w.disburse('D2', '3000000');
    const after = { time: '2027-01-05T00:00:00Z' };
    const cosign = await w.recordedRefusal(
      who.financeB,
      'CoSignDisbursement',
      { disbursementId: 'D2' },
      after,
    );
    expect(cosign.attempt).toMatchObject({
      transaction: 'CoSignDisbursement',
      rule: 'afterEnd',
      by: { mspId: 'CityBMSP' },
    });
    const spend = await w.recordedRefusal(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '10'),
      after,
    );
    expect(spend.attempt).toMatchObject({
      transaction: 'RecordSpend',
      subject: { mspId: 'CityAMSP', pid: pid('e1') },
      amount: '10',
    });
    const allocation = await w.recordedRefusal(
      who.financeA,
      'AllocateFunds',
      { allocationId: 'A9', programId: 'P1', mspId: 'CityAMSP', dept: 'social', amount: '5' },
      after,
    );
    expect(allocation.attempt).toMatchObject({ transaction: 'AllocateFunds', rule: 'afterEnd' });
    const alerts = await openHighAlerts(w);
    expect(alerts.map((a) => a.alertId).sort()).toEqual(
      [cosign.alertId, spend.alertId, allocation.alertId].sort(),
    );
    expect(alerts.every((a) => a.rule === 'afterEnd')).toBe(true);
    expect(await w.evaluate(who.auditorA, 'GetDisbursement', { disbursementId: 'D2' })).toMatchObject({
      disbursement: { status: 'pending' },
    });
  });

  it('other refusals still throw and write nothing', async () => {
    const w = new World();
    await w.setup();
    await w.disburse('D1', '10');
    expect(await w.refused(who.housingA, 'Disburse', disbursementRequest('D1', '10'))).toMatchObject({
      code: 'DISBURSEMENT_EXISTS',
    });
    expect(await w.refused(who.socialA, 'Disburse', disbursementRequest('D2', '10'))).toMatchObject({
      code: 'DEPARTMENT_MISMATCH',
    });
  });
});

describe('one alert event (AlertRaised) whatever raised the alert', () => {
  it('a warning, a refusal and the sweep all emit AlertRaised; a transaction without alerts keeps its own event', async () => {
    const w = new World();
    await w.setup({
      rules: rules({ category: { mode: 'warn' }, unspent: { mode: 'warn', days: 0, minutes: 5 } }),
    });
    await w.disburse('D1', '1000', { time: '2026-03-01T00:00:00Z' });
    expect(w.lastEvent().name).toBe('DisbursementRecorded');
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1', { category: 'casino' }), {
      time: '2026-03-01T00:01:00Z',
    });
    expect(w.lastEvent()).toMatchObject({
      name: 'AlertRaised',
      payload: { source: { event: 'SpendRecorded' } },
    });
    await w.recordedRefusal(
      who.housingA,
      'Disburse',
      disbursementRequest('D2', '1', { accountHash: acct(7) }),
    );
    const early = await w.submit<{ processed: number }>(
      who.citizenA1,
      'SweepUnspent',
      { programId: 'P1' },
      { time: '2026-03-01T00:04:59Z' },
    );
    expect(early.processed).toBe(0);
    const due = await w.submit<{ alerts: unknown[] }>(
      who.citizenA1,
      'SweepUnspent',
      { programId: 'P1' },
      { time: '2026-03-01T00:05:00Z' },
    );
    expect(due.alerts).toHaveLength(1);
    expect(w.lastEvent()).toMatchObject({
      name: 'AlertRaised',
      payload: { programId: 'P1', source: { event: 'UnspentSwept' } },
    });
  });

  it('the unspent period is at least one minute', async () => {
    const w = new World();
    expect(
      await w.refused(who.financeA, 'CreateProgram', {
        ...programRequest({
          rules: rules({ unspent: { mode: 'warn', days: 0, minutes: 0 } }),
        }),
      }),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
