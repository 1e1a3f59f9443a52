import './support/quiet';
import { writeIndex } from '@govledger/chaincode-common';
import { Limits, ObjectType, type TraceNode, type TraceResult } from '../src';
import { World, disbursementRequest, rules, spendRequest, who } from './support/world';

/**
 * Program P1 (100 000 000): A1 housing 10 000 000 -> D1 1 000 000 (S1 300 000, S2 200 000),
 * D2 3 000 000 pending; A2 social 5 000 000 -> D3 500 000 (S3 500 000).
 */
async function world(): Promise<World> {
  const w = new World();
  await w.setup({ rules: rules({ category: { mode: 'warn' } }) });
  await w.submit(who.financeA, 'AllocateFunds', {
    allocationId: 'A2',
    programId: 'P1',
    mspId: 'CityAMSP',
    dept: 'social',
    amount: '5000000',
  });
  await w.disburse('D1', '1000000');
  await w.disburse('D2', '3000000');
  await w.submit(who.socialA, 'Disburse', disbursementRequest('D3', '500000', { allocationId: 'A2' }));
  await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '300000'));
  await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S2', 'D1', '200000', { category: 'yacht' }));
  await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S3', 'D3', '500000'));
  return w;
}

const brief = (n: TraceNode): unknown => ({
  kind: n.kind,
  id: n.id,
  amount: n.amount,
  committed: n.committed,
  remaining: n.remaining,
  complete: n.complete,
  children: n.children.map(brief),
});

describe('TraceFunds', () => {
  it('from a spend: the whole chain up to the program, with amounts and balances at each level', async () => {
    const w = await world();
    const t = await w.evaluate<TraceResult>(who.enterpriseA1, 'TraceFunds', { kind: 'spend', id: 'S2' });
    expect(t.record).toEqual({ kind: 'spend', id: 'S2' });
    expect(t.path).toEqual([
      { kind: 'program', id: 'P1' },
      { kind: 'allocation', id: 'A1' },
      { kind: 'disbursement', id: 'D1' },
      { kind: 'spend', id: 'S2' },
    ]);
    expect(brief(t.root)).toEqual({
      kind: 'program',
      id: 'P1',
      amount: '100000000',
      committed: '15000000',
      remaining: '85000000',
      complete: false,
      children: [
        {
          kind: 'allocation',
          id: 'A1',
          amount: '10000000',
          committed: '4000000',
          remaining: '6000000',
          complete: false,
          children: [
            {
              kind: 'disbursement',
              id: 'D1',
              amount: '1000000',
              committed: '500000',
              remaining: '500000',
              complete: false,
              children: [
                {
                  kind: 'spend',
                  id: 'S2',
                  amount: '200000',
                  committed: undefined,
                  remaining: undefined,
                  complete: true,
                  children: [],
                },
              ],
            },
          ],
        },
      ],
    });
    const spendNode = t.root.children[0]?.children[0]?.children[0];
    expect(spendNode?.record).toMatchObject({ payeeId: 'supplier-91310000', category: 'yacht' });
    expect(spendNode?.alertIds).toHaveLength(1);
    expect(t.root.children[0]?.children[0]?.alertIds).toEqual(spendNode?.alertIds);
    expect(t.records).toBe(4);
  });

  it('from the program: every allocation, disbursement (pending included) and spend', async () => {
    const w = await world();
    const t = await w.evaluate<TraceResult>(who.auditorOffice, 'TraceFunds', { kind: 'program', id: 'P1' });
    expect(t.path).toEqual([{ kind: 'program', id: 'P1' }]);
    expect(t.records).toBe(1 + 2 + 3 + 3);
    const ids = (n: TraceNode): string[] => [n.id, ...n.children.flatMap(ids)];
    expect(ids(t.root)).toEqual(['P1', 'A1', 'D1', 'S1', 'S2', 'D2', 'A2', 'D3', 'S3']);
    const check = (n: TraceNode): void => {
      expect(n.complete).toBe(true);
      if (n.kind !== 'spend') {
        const live = n.children.filter((c) => (c.record as { status?: string }).status !== 'rejected');
        expect(live.reduce((a, c) => a + BigInt(c.amount), 0n)).toBe(BigInt(n.committed as string));
        expect(BigInt(n.amount) - BigInt(n.committed as string)).toBe(BigInt(n.remaining as string));
      }
      n.children.forEach(check);
    };
    check(t.root);
    const d2 = t.root.children[0]?.children[1];
    expect(d2?.record).toMatchObject({ status: 'pending' });
  });

  it('from an allocation and from a disbursement: up to the program, down to every spend', async () => {
    const w = await world();
    const a = await w.evaluate<TraceResult>(who.housingA, 'TraceFunds', { kind: 'allocation', id: 'A2' });
    expect(brief(a.root)).toMatchObject({
      id: 'P1',
      complete: false,
      children: [
        { id: 'A2', complete: true, committed: '500000', remaining: '4500000', children: [{ id: 'D3' }] },
      ],
    });
    const d = await w.evaluate<TraceResult>(who.enterpriseA1, 'TraceFunds', {
      kind: 'disbursement',
      id: 'D1',
    });
    expect(d.path.map((p) => p.id)).toEqual(['P1', 'A1', 'D1']);
    const dn = d.root.children[0]?.children[0];
    expect(dn?.complete).toBe(true);
    expect(dn?.children.map((c) => [c.id, c.amount])).toEqual([
      ['S1', '300000'],
      ['S2', '200000'],
    ]);
  });

  it('lets a recipient trace only its own disbursements and spends', async () => {
    const w = await world();
    for (const req of [
      { kind: 'program', id: 'P1' },
      { kind: 'allocation', id: 'A1' },
    ]) {
      expect(await w.queryRefused(who.enterpriseA1, 'TraceFunds', req)).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await w.queryRefused(who.enterpriseB1, 'TraceFunds', { kind: 'spend', id: 'S1' })).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it.each([
    ['program', 'PROGRAM_NOT_FOUND'],
    ['allocation', 'ALLOCATION_NOT_FOUND'],
    ['disbursement', 'DISBURSEMENT_NOT_FOUND'],
    ['spend', 'SPEND_NOT_FOUND'],
  ])('refuses an unknown %s with %s', async (kind, code) => {
    const w = await world();
    expect(await w.queryRefused(who.auditorA, 'TraceFunds', { kind, id: 'X9' })).toMatchObject({
      code,
      status: 404,
    });
  });

  it('refuses a trace larger than the bound with TRACE_TOO_LARGE', async () => {
    const w = await world();
    await w.ledger.submit(who.auditorA, async (ctx) => {
      for (let i = 0; i < Limits.maxTraceRecords; i++) {
        await writeIndex(ctx, ObjectType.disbursementByAllocation, 'A1', `X${String(i).padStart(5, '0')}`);
      }
    });
    expect(await w.queryRefused(who.auditorA, 'TraceFunds', { kind: 'allocation', id: 'A1' })).toMatchObject({
      code: 'TRACE_TOO_LARGE',
      status: 409,
    });
    // a trace from a spend below it stays small
    await w.evaluate(who.auditorA, 'TraceFunds', { kind: 'spend', id: 'S1' });
  });
});
