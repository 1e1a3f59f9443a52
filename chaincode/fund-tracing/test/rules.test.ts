import './support/quiet';
import type { RulesConfigInput } from '../src';
import {
  World,
  acct,
  disbursementRequest,
  pid,
  rules,
  spendRequest,
  who,
  type DisburseOut,
} from './support/world';

type Alerts = DisburseOut['alerts'];

/** A world whose program has the given rules and a co-signature threshold above everything used here. */
async function withRules(overrides: Partial<RulesConfigInput>, coSign = '100000000'): Promise<World> {
  const w = new World();
  await w.setup({ rules: rules(overrides), coSign: { threshold: coSign, by: 'finance' } });
  return w;
}

const at = (day: number, hour = 0): string => new Date(Date.UTC(2026, 2, day, hour)).toISOString();

describe('rule category (spend outside the program’s categories)', () => {
  it('warn: the spend is recorded with a high-severity alert naming the disbursement and the spend', async () => {
    const w = await withRules({ category: { mode: 'warn' } });
    await w.disburse('D1', '1000');
    const out = await w.submit<{ alerts: Alerts }>(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '100', { category: 'luxury-cars' }),
    );
    expect(out.alerts).toEqual([
      {
        alertId: expect.stringMatching(/^[0-9a-f]{64}\.0$/),
        rule: 'category',
        severity: 'high',
        records: [
          { kind: 'disbursement', id: 'D1' },
          { kind: 'spend', id: 'S1' },
        ],
      },
    ]);
    expect(w.lastEvent()).toMatchObject({
      name: 'AlertRaised',
      payload: {
        programId: 'P1',
        alerts: out.alerts,
        source: { event: 'SpendRecorded', payload: { spendId: 'S1', alerts: out.alerts } },
      },
    });
    const alert = await w.evaluate(who.auditorOffice, 'GetAlert', { alertId: out.alerts[0]?.alertId });
    expect(alert).toMatchObject({
      programId: 'P1',
      rule: 'category',
      status: 'open',
      details: { category: 'luxury-cars', allowed: 'equipment,training' },
      history: [],
    });
    expect(await w.evaluate(who.auditorA, 'GetSpend', { spendId: 'S1' })).toMatchObject({
      category: 'luxury-cars',
    });
  });

  it('block: the spend is refused with SPEND_CATEGORY_NOT_ALLOWED and nothing is written', async () => {
    const w = await withRules({ category: { mode: 'block' } });
    await w.disburse('D1', '1000');
    const r = await w.recordedRefusal(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '100', { category: 'casino' }),
    );
    expect(r).toMatchObject({ code: 'SPEND_CATEGORY_NOT_ALLOWED', status: 409 });
    await w.submit(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '100', { category: 'training' }),
    );
  });

  it('off: no alert', async () => {
    const w = await withRules({ category: { mode: 'off' } });
    await w.disburse('D1', '1000');
    const out = await w.submit<{ alerts: Alerts }>(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '100', { category: 'casino' }),
    );
    expect(out.alerts).toEqual([]);
    expect(w.ledger.keys().some((k) => k.startsWith('\u0000alert'))).toBe(false);
  });
});

describe('rule recipientCap (a recipient’s total passing the per-recipient cap)', () => {
  it('block: counts every disbursement to the recipient in the program, across allocations; the cap itself is allowed', async () => {
    const w = await withRules({ recipientCap: { mode: 'block', cap: '5000000' } });
    await w.submit(who.financeA, 'AllocateFunds', {
      allocationId: 'A2',
      programId: 'P1',
      mspId: 'CityAMSP',
      dept: 'social',
      amount: '10000000',
    });
    await w.disburse('D1', '3000000');
    await w.submit(who.socialA, 'Disburse', disbursementRequest('D2', '2000000', { allocationId: 'A2' }));
    const r = await w.recordedRefusal(
      who.socialA,
      'Disburse',
      disbursementRequest('D3', '1', { allocationId: 'A2' }),
    );
    expect(r).toMatchObject({ code: 'RECIPIENT_CAP_EXCEEDED', status: 409 });
    expect(r.message).toMatch(/5000001/);
    // another recipient is not affected
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
      disbursementRequest('D3', '5000000', {
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
        accountHash: acct(9),
      }),
    );
  });

  it('warn: each disbursement above the cap goes through with an alert', async () => {
    const w = await withRules({ recipientCap: { mode: 'warn', cap: '1000' } });
    expect((await w.disburse('D1', '1000')).alerts).toEqual([]);
    const second = await w.disburse('D2', '1');
    expect(second.alerts).toEqual([
      expect.objectContaining({
        rule: 'recipientCap',
        severity: 'high',
        records: [{ kind: 'disbursement', id: 'D2' }],
      }),
    ]);
    const alert = await w.evaluate(who.auditorA, 'GetAlert', { alertId: second.alerts[0]?.alertId });
    expect(alert.details).toEqual({
      recipientMspId: 'CityAMSP',
      recipientPid: pid('e1'),
      cap: '1000',
      total: '1001',
    });
    expect((await w.disburse('D3', '5')).alerts.map((a) => a.rule)).toEqual(['recipientCap']);
  });

  it('a rejected disbursement no longer counts toward the cap', async () => {
    const w = await withRules({ recipientCap: { mode: 'block', cap: '5000000' } }, '4000000');
    await w.disburse('D1', '4500000'); // pending
    expect(
      await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D2', '600000')),
    ).toMatchObject({
      code: 'RECIPIENT_CAP_EXCEEDED',
    });
    await w.submit(who.financeB, 'RejectDisbursement', { disbursementId: 'D1', reason: 'no' });
    await w.disburse('D2', '600000');
  });

  it('off: no check and no per-recipient total key', async () => {
    const w = await withRules({ recipientCap: { mode: 'off', cap: '1' } });
    expect((await w.disburse('D1', '1000')).alerts).toEqual([]);
    expect(w.ledger.keys().some((k) => k.startsWith('\u0000total\u0000recipient'))).toBe(false);
  });
});

describe('rule splitPayment (payments just under the threshold within a window)', () => {
  const split = (
    mode: 'block' | 'warn' | 'off',
    extra: Record<string, number> = {},
  ): Partial<RulesConfigInput> => ({
    splitPayment: { mode, threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10, ...extra },
    recipientCap: { mode: 'off', cap: '1' },
  });

  it('warn: the third near-threshold payment within the window raises an alert naming all three', async () => {
    const w = await withRules(split('warn'));
    expect((await w.disburse('D1', '950000', { time: at(2, 0) })).alerts).toEqual([]);
    expect((await w.disburse('D2', '1000000', { time: at(2, 1) })).alerts).toEqual([]);
    const third = await w.disburse('D3', '900000', { time: at(2, 2) });
    expect(third.alerts).toEqual([
      expect.objectContaining({
        rule: 'splitPayment',
        severity: 'medium',
        records: [
          { kind: 'disbursement', id: 'D1' },
          { kind: 'disbursement', id: 'D2' },
          { kind: 'disbursement', id: 'D3' },
        ],
      }),
    ]);
    const fourth = await w.disburse('D4', '999999', { time: at(2, 3) });
    expect(fourth.alerts[0]?.records.map((r) => r.id)).toEqual(['D2', 'D3', 'D4']);
  });

  it('ignores payments outside the band, outside the window, or to another recipient', async () => {
    const w = await withRules(split('warn'));
    await w.submit(who.housingA, 'RegisterRecipient', {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('c1'),
      kind: 'person',
      accountHashes: [acct(9)],
    });
    await w.disburse('D1', '950000', { time: at(2) });
    await w.disburse('D2', '950000', { time: at(4) });
    await w.disburse('low', '899999', { time: at(4, 12) });
    await w.disburse('high', '1000001', { time: at(4, 13) });
    expect((await w.disburse('D3', '950000', { time: at(5, 1) })).alerts).toEqual([]); // D1 is 3 days 1 h old
    await w.submit(
      who.housingA,
      'Disburse',
      disbursementRequest('other', '950000', {
        recipientMspId: 'CityAMSP',
        recipientPid: pid('c1'),
        accountHash: acct(9),
      }),
      { time: at(5, 2) },
    );
    expect((await w.disburse('D4', '950000', { time: at(5, 3) })).alerts.map((a) => a.rule)).toEqual([
      'splitPayment',
    ]);
  });

  it('block: the payment completing the pattern is refused with SPLIT_PAYMENT_SUSPECTED', async () => {
    const w = await withRules(split('block', { count: 2 }));
    await w.disburse('D1', '990000', { time: at(2) });
    const r = await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D2', '990000'), {
      time: at(3),
    });
    expect(r).toMatchObject({ code: 'SPLIT_PAYMENT_SUSPECTED', status: 409 });
    await w.disburse('D2', '990000', { time: at(6) });
  });

  it('does not count a rejected payment', async () => {
    const w = await withRules(split('block', { count: 2 }), '800000');
    await w.disburse('D1', '990000', { time: at(2) }); // pending (above the co-signature threshold)
    await w.submit(who.housingA, 'RejectDisbursement', { disbursementId: 'D1', reason: 'split by mistake' });
    await w.disburse('D2', '990000', { time: at(2, 1) });
  });

  it('off: no index of near-threshold payments is kept', async () => {
    const w = await withRules(split('off'));
    for (const id of ['D1', 'D2', 'D3', 'D4']) expect((await w.disburse(id, '950000')).alerts).toEqual([]);
    expect(w.ledger.keys().some((k) => k.startsWith('\u0000disb~near'))).toBe(false);
  });
});

describe('rule afterEnd (activity after the program’s end date)', () => {
  const after = '2027-01-02T00:00:00Z';

  it('block: disbursements, co-signatures and spends after the end are refused with PROGRAM_ENDED', async () => {
    const w = await withRules({ afterEnd: { mode: 'block' } }, '2000000');
    await w.disburse('D1', '1000');
    await w.disburse('D2', '3000000');
    const ended = { code: 'PROGRAM_ENDED', status: 409 };
    expect(
      await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D3', '1'), { time: after }),
    ).toMatchObject(ended);
    expect(
      await w.recordedRefusal(who.financeB, 'CoSignDisbursement', { disbursementId: 'D2' }, { time: after }),
    ).toMatchObject(ended);
    expect(
      await w.recordedRefusal(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'), {
        time: after,
      }),
    ).toMatchObject(ended);
    // the last moment of the program is still inside it
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1'), {
      time: '2026-12-31T23:59:59Z',
    });
  });

  it('warn: the activity goes through with a medium alert', async () => {
    const w = await withRules({ afterEnd: { mode: 'warn' } });
    const d = await w.disburse('D1', '1000', { time: after });
    expect(d.alerts).toEqual([
      expect.objectContaining({
        rule: 'afterEnd',
        severity: 'medium',
        records: [{ kind: 'disbursement', id: 'D1' }],
      }),
    ]);
    const s = await w.submit<{ alerts: Alerts }>(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '1'),
      {
        time: after,
      },
    );
    expect(s.alerts[0]?.records).toEqual([
      { kind: 'disbursement', id: 'D1' },
      { kind: 'spend', id: 'S1' },
    ]);
  });

  it('off: no alert', async () => {
    const w = await withRules({ afterEnd: { mode: 'off' } });
    expect((await w.disburse('D1', '1000', { time: after })).alerts).toEqual([]);
  });
});

describe('several rules in one transaction', () => {
  it('records every warning and emits ONE event listing them with the main change', async () => {
    const w = await withRules({
      afterEnd: { mode: 'warn' },
      recipientCap: { mode: 'warn', cap: '1000000' },
      splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 2, marginPercent: 10 },
    });
    await w.disburse('D1', '950000', { time: '2026-12-31T12:00:00Z' });
    const events = w.ledger.events.length;
    const out = await w.disburse('D2', '950000', { time: '2027-01-01T00:00:00Z' });
    expect(out.alerts.map((a) => a.rule)).toEqual(['afterEnd', 'recipientCap', 'splitPayment']);
    expect(new Set(out.alerts.map((a) => a.alertId)).size).toBe(3);
    expect(w.ledger.events.length).toBe(events + 1);
    expect(w.lastEvent()).toMatchObject({
      name: 'AlertRaised',
      payload: {
        alerts: out.alerts,
        source: { event: 'DisbursementRecorded', payload: { disbursementId: 'D2', alerts: out.alerts } },
      },
    });
  });

  it('a blocking rule wins over warnings: refused and recorded, no warning alert, details list every violation', async () => {
    const w = await withRules({ afterEnd: { mode: 'block' }, category: { mode: 'warn' } });
    await w.disburse('D1', '1000');
    const r = await w.recordedRefusal(
      who.enterpriseA1,
      'RecordSpend',
      spendRequest('S1', 'D1', '1', { category: 'casino' }),
      { time: '2027-02-01T00:00:00Z' },
    );
    expect(r.code).toBe('PROGRAM_ENDED');
    expect(r.attempt).toMatchObject({
      transaction: 'RecordSpend',
      rule: 'afterEnd',
      subject: { mspId: 'CityAMSP', pid: pid('e1') },
      amount: '1',
      category: 'casino',
      details: {
        violations: [
          expect.objectContaining({ rule: 'afterEnd', mode: 'block' }),
          expect.objectContaining({ rule: 'category', mode: 'warn' }),
        ],
      },
    });
    const alerts = await w.evaluate<{ records: Array<{ rule: string }> }>(who.auditorA, 'ListAlerts', {
      programId: 'P1',
    });
    expect(alerts.records.map((a) => a.rule)).toEqual(['afterEnd']);
  });
});
