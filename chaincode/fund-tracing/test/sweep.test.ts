import './support/quiet';
import { Limits } from '../src';
import { World, rules, spendRequest, who, type DisburseOut } from './support/world';

interface Swept {
  programId: string;
  processed: number;
  more: boolean;
  alerts: DisburseOut['alerts'];
}

const day = (d: number, h = 0): string => new Date(Date.UTC(2026, 2, d, h)).toISOString();

async function world(days = 30, mode: 'warn' | 'off' = 'warn'): Promise<World> {
  const w = new World();
  await w.setup({ rules: rules({ unspent: { mode, days } }) });
  return w;
}

describe('SweepUnspent (money disbursed but not spent after N days)', () => {
  it('raises one low alert per paid disbursement with money left N days after payment, once', async () => {
    const w = await world(30);
    await w.disburse('D1', '1000', { time: day(1) });
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '400'), { time: day(5) });

    const early = await w.submit<Swept>(
      who.citizenA1,
      'SweepUnspent',
      { programId: 'P1' },
      { time: day(30, 23) },
    );
    expect(early).toEqual({ programId: 'P1', processed: 0, alerts: [], more: false });
    const events = w.ledger.events.length;

    const due = await w.submit<Swept>(who.citizenA1, 'SweepUnspent', { programId: 'P1' }, { time: day(31) });
    expect(due.processed).toBe(1);
    expect(due.alerts).toEqual([
      expect.objectContaining({
        rule: 'unspent',
        severity: 'low',
        records: [
          { kind: 'allocation', id: 'A1' },
          { kind: 'disbursement', id: 'D1' },
        ],
      }),
    ]);
    expect(w.ledger.events.length).toBe(events + 1);
    expect(w.lastEvent()).toEqual({
      name: 'AlertRaised',
      payload: {
        programId: 'P1',
        alerts: due.alerts,
        source: { event: 'UnspentSwept', payload: { ...due, ownerMspId: 'CityAMSP' } },
      },
    });
    const alert = await w.evaluate(who.auditorA, 'GetAlert', { alertId: due.alerts[0]?.alertId });
    expect(alert.details).toMatchObject({ amount: '1000', spent: '400', unspent: '600', days: 30 });

    const again = await w.submit<Swept>(
      who.citizenA1,
      'SweepUnspent',
      { programId: 'P1' },
      { time: day(60) },
    );
    expect(again).toMatchObject({ processed: 0, alerts: [] });
  });

  it('raises nothing for a disbursement spent in full', async () => {
    const w = await world(10);
    await w.disburse('D1', '1000', { time: day(1) });
    await w.disburse('D2', '1000', { time: day(1, 1) });
    await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1000'), { time: day(2) });
    const swept = await w.submit<Swept>(who.auditorA, 'SweepUnspent', { programId: 'P1' }, { time: day(20) });
    expect(swept.processed).toBe(1);
    expect(swept.alerts.map((a) => a.records[1]?.id)).toEqual(['D2']);
  });

  it('counts the days from the co-signature, not from the request', async () => {
    const w = await world(10);
    await w.disburse('D1', '3000000', { time: day(1) });
    expect(
      (await w.submit<Swept>(who.auditorA, 'SweepUnspent', { programId: 'P1' }, { time: day(15) })).processed,
    ).toBe(0);
    await w.submit(who.financeB, 'CoSignDisbursement', { disbursementId: 'D1' }, { time: day(15, 1) });
    expect(
      (await w.submit<Swept>(who.auditorA, 'SweepUnspent', { programId: 'P1' }, { time: day(25) })).processed,
    ).toBe(0);
    expect(
      (await w.submit<Swept>(who.auditorA, 'SweepUnspent', { programId: 'P1' }, { time: day(25, 2) })).alerts,
    ).toHaveLength(1);
  });

  it('does bounded work per call: at most `limit` entries, then `more` says to call again', async () => {
    const w = await world(1);
    for (let i = 1; i <= 5; i++) await w.disburse(`D${i}`, '10', { time: day(1, i) });
    const first = await w.submit<Swept>(
      who.auditorA,
      'SweepUnspent',
      { programId: 'P1', limit: 2 },
      { time: day(9) },
    );
    expect(first).toMatchObject({ processed: 2, more: true });
    expect(first.alerts.map((a) => a.records[1]?.id)).toEqual(['D1', 'D2']);
    const second = await w.submit<Swept>(
      who.auditorA,
      'SweepUnspent',
      { programId: 'P1', limit: 2 },
      { time: day(9) },
    );
    expect(second.alerts.map((a) => a.records[1]?.id)).toEqual(['D3', 'D4']);
    const third = await w.submit<Swept>(
      who.auditorA,
      'SweepUnspent',
      { programId: 'P1', limit: 2 },
      { time: day(9) },
    );
    expect(third).toMatchObject({ processed: 1, more: false });
    expect(
      await w.refused(who.auditorA, 'SweepUnspent', { programId: 'P1', limit: Limits.maxSweep + 1 }),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('stops at the first entry that is not due yet', async () => {
    const w = await world(10);
    await w.disburse('D1', '10', { time: day(1) });
    await w.disburse('D2', '10', { time: day(5) });
    const swept = await w.submit<Swept>(who.auditorA, 'SweepUnspent', { programId: 'P1' }, { time: day(12) });
    expect(swept).toMatchObject({ processed: 1, more: false });
  });

  it('does nothing when the rule is off', async () => {
    const w = await world(1, 'off');
    await w.disburse('D1', '10', { time: day(1) });
    expect(w.ledger.keys().some((k) => k.startsWith('\u0000disb~due'))).toBe(false);
    const swept = await w.submit<Swept>(who.auditorA, 'SweepUnspent', { programId: 'P1' }, { time: day(20) });
    expect(swept).toEqual({ programId: 'P1', processed: 0, alerts: [], more: false });
  });

  it('refuses an unknown program', async () => {
    const w = await world();
    expect(await w.refused(who.auditorA, 'SweepUnspent', { programId: 'P9' })).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
      status: 404,
    });
  });
});
