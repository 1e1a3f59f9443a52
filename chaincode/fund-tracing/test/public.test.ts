/**
 * Public transparency (issue 19): GetPublicSummary and ListPublicSummaries give
 * aggregates only, to any caller with a certificate, and no personal value.
 */
import './support/quiet';
import { Limits } from '../src';
import {
  World,
  acct,
  disbursementRequest,
  doc,
  pid,
  programRequest,
  rules,
  spendRequest,
  who,
} from './support/world';

interface Summary {
  programId: string;
  budget: string;
  allocated: string;
  unallocated: string;
  disbursed: string;
  pending: string;
  spent: string;
  unspent: string;
  counts: Record<string, number>;
  byDepartment: Array<Record<string, string>>;
  byCategory: Array<Record<string, string>>;
  alertsByRule: Array<{ rule: string; open: number; acknowledged: number; resolved: number }>;
  flow: Array<{ from: string; to: string; amount: string }>;
}

/** P1 with allocations to two departments, paid, pending and rejected disbursements, spends, alerts. */
async function world(): Promise<World> {
  const w = new World();
  await w.setup({ rules: rules({ category: { mode: 'warn' }, recipientCap: { mode: 'off', cap: '1' } }) });
  await w.submit(who.financeA, 'AllocateFunds', {
    allocationId: 'A2',
    programId: 'P1',
    mspId: 'CityAMSP',
    dept: 'social',
    amount: '3000000',
  });
  await w.disburse('D1', '1000000'); // paid
  await w.disburse('D2', '3000000'); // pending (above the co-signature threshold)
  await w.disburse('D3', '2500000'); // pending, then rejected
  await w.submit(who.financeB, 'RejectDisbursement', { disbursementId: 'D3', reason: 'no invoice' });
  await w.submit(
    who.socialA,
    'Disburse',
    disbursementRequest('D4', '500000', { allocationId: 'A2', category: 'training' }),
  );
  await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '400000'));
  await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S2', 'D4', '100000', { category: 'casino' }));
  await w.recordedRefusal(who.housingA, 'Disburse', disbursementRequest('D5', '1', { accountHash: acct(9) }));
  return w;
}

describe('public summaries', () => {
  it('aggregate budget, allocated, disbursed, pending and spent, by department and category, alerts by rule, the flow', async () => {
    const w = await world();
    const s = await w.evaluate<Summary>(who.citizenA2, 'GetPublicSummary', { programId: 'P1' });
    expect(s).toMatchObject({
      programId: 'P1',
      budget: '100000000',
      allocated: '13000000',
      unallocated: '87000000',
      disbursed: '1500000',
      pending: '3000000',
      spent: '500000',
      unspent: '1000000',
      counts: { allocations: 2, disbursements: 3, spends: 2, refusedAttempts: 1 },
    });
    expect(s.byDepartment).toEqual([
      {
        mspId: 'CityAMSP',
        dept: 'housing',
        allocated: '10000000',
        disbursed: '1000000',
        pending: '3000000',
        spent: '400000',
      },
      {
        mspId: 'CityAMSP',
        dept: 'social',
        allocated: '3000000',
        disbursed: '500000',
        pending: '0',
        spent: '100000',
      },
    ]);
    expect(s.byCategory).toEqual([
      { category: 'casino', disbursed: '0', pending: '0', spent: '100000' },
      { category: 'equipment', disbursed: '1000000', pending: '3000000', spent: '400000' },
      { category: 'training', disbursed: '500000', pending: '0', spent: '0' },
    ]);
    expect(s.alertsByRule).toEqual([
      { rule: 'category', open: 1, acknowledged: 0, resolved: 0 },
      { rule: 'unapprovedAccount', open: 1, acknowledged: 0, resolved: 0 },
    ]);
    expect(s.flow).toEqual([
      { from: 'budget', to: 'CityAMSP/housing', amount: '10000000' },
      { from: 'budget', to: 'CityAMSP/social', amount: '3000000' },
      { from: 'CityAMSP/housing', to: 'recipients', amount: '1000000' },
      { from: 'CityAMSP/social', to: 'recipients', amount: '500000' },
      { from: 'recipients', to: 'casino', amount: '100000' },
      { from: 'recipients', to: 'equipment', amount: '400000' },
    ]);
  });

  it('contain no personal value: no pid, account hash, payee id, document hash or certificate id', async () => {
    const w = await world();
    const text = JSON.stringify([
      await w.evaluate(who.citizenA2, 'GetPublicSummary', { programId: 'P1' }),
      await w.evaluate(who.citizenA2, 'ListPublicSummaries', {}),
    ]);
    for (const secret of [
      pid('e1'),
      acct(1),
      acct(2),
      acct(9),
      doc(1),
      doc(99),
      'supplier-91310000',
      'officer-housing-a',
      'x509',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('list by program id, a page at a time', async () => {
    const w = await world();
    await w.submit(who.financeB, 'CreateProgram', programRequest({ programId: 'P2' }));
    const first = await w.evaluate<{ records: Summary[]; bookmark: string }>(
      who.auditorA,
      'ListPublicSummaries',
      {
        pageSize: 1,
      },
    );
    expect(first.records.map((r) => r.programId)).toEqual(['P1']);
    const second = await w.evaluate<{ records: Summary[]; bookmark: string }>(
      who.auditorA,
      'ListPublicSummaries',
      {
        pageSize: 1,
        bookmark: first.bookmark,
      },
    );
    expect(second.records).toEqual([expect.objectContaining({ programId: 'P2', allocated: '0', flow: [] })]);
    expect(
      await w.queryRefused(who.auditorA, 'ListPublicSummaries', { pageSize: Limits.maxPublicPage + 1 }),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await w.queryRefused(who.auditorA, 'GetPublicSummary', { programId: 'P9' })).toMatchObject({
      code: 'PROGRAM_NOT_FOUND',
    });
  });
});
