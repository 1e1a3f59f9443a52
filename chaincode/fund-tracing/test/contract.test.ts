import './support/quiet';
import 'reflect-metadata';
import { FundTracingContract, contracts, type TraceResult } from '../src';
import {
  World,
  acct,
  disbursementRequest,
  pid,
  programRequest,
  rules,
  spendRequest,
  who,
  type DisburseOut,
} from './support/world';

interface TxMeta {
  name: string;
  tag: string[];
  parameters: Array<{ name: string; schema: { type: string } }>;
}

const SUBMIT = [
  'CreateProgram',
  'CloseProgram',
  'AllocateFunds',
  'RegisterRecipient',
  'UpdateRecipientAccounts',
  'Disburse',
  'CoSignDisbursement',
  'RejectDisbursement',
  'RecordSpend',
  'SweepUnspent',
  'AcknowledgeAlert',
  'ResolveAlert',
];
const EVALUATE = [
  'GetProgram',
  'ListPrograms',
  'GetAllocation',
  'ListAllocations',
  'GetRecipient',
  'ListRecipients',
  'GetDisbursement',
  'ListDisbursements',
  'ListPendingDisbursements',
  'GetSpend',
  'ListSpends',
  'TraceFunds',
  'GetAlert',
  'ListAlerts',
  'GetPublicSummary',
  'ListPublicSummaries',
];

describe('contract shape', () => {
  it('serves exactly one contract', () => {
    expect(contracts).toEqual([FundTracingContract]);
  });

  it('declares every transaction with exactly one string argument, submit or evaluate as documented', () => {
    const meta = Reflect.getMetadata('fabric:transactions', FundTracingContract.prototype) as TxMeta[];
    expect(meta.map((t) => t.name).sort()).toEqual([...SUBMIT, ...EVALUATE].sort());
    for (const t of meta) {
      expect(t.parameters).toEqual([
        expect.objectContaining({ schema: expect.objectContaining({ type: 'string' }) }),
      ]);
      expect(t.tag).toContain(SUBMIT.includes(t.name) ? 'SUBMIT' : 'EVALUATE');
    }
  });

  it('refuses a request that is not a JSON object of the documented shape', async () => {
    const w = new World();
    for (const bad of ['', 'null', '[]', '"P1"', '{"programId":"P1","extra":1}']) {
      expect(await w.queryRefused(who.auditorA, 'GetProgram', bad)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        status: 400,
      });
    }
  });
});

/** The end-to-end journey of issue 5, on the in-memory ledger. */
async function journey(w: World): Promise<void> {
  await w.submit(
    who.financeA,
    'CreateProgram',
    programRequest({ rules: rules({ category: { mode: 'warn' } }) }),
  );
  await w.submit(who.financeA, 'AllocateFunds', {
    allocationId: 'A1',
    programId: 'P1',
    mspId: 'CityAMSP',
    dept: 'industry',
    amount: '20000000',
  });
  await w.submit(who.industryA, 'RegisterRecipient', {
    programId: 'P1',
    recipientMspId: 'CityAMSP',
    recipientPid: pid('e1'),
    kind: 'enterprise',
    accountHashes: [acct(1)],
  });
  await w.submit(who.industryA, 'Disburse', disbursementRequest('D1', '3000000'));
  await w.submit(who.financeB, 'CoSignDisbursement', { disbursementId: 'D1' });
  await w.submit(who.enterpriseA1, 'RecordSpend', spendRequest('S1', 'D1', '1200000'));
  await w.submit(
    who.enterpriseA1,
    'RecordSpend',
    spendRequest('S2', 'D1', '300000', { category: 'banquet' }),
  );
}

describe('the issue 5 journey', () => {
  it('budget to spend, an alert the auditor sees and resolves, an unapproved account refused, a full trace', async () => {
    const w = new World();
    await journey(w);
    const alertEvent = w.lastEvent();
    expect(alertEvent.name).toBe('AlertRaised');
    expect(alertEvent.payload).toMatchObject({ source: { event: 'SpendRecorded' } });
    const [alert] = alertEvent.payload.alerts as DisburseOut['alerts'];
    expect(alert).toMatchObject({ rule: 'category', severity: 'high' });
    await w.submit(who.auditorOffice, 'ResolveAlert', {
      alertId: alert?.alertId,
      note: 'repaid by the enterprise',
    });

    expect(
      await w.recordedRefusal(
        who.industryA,
        'Disburse',
        disbursementRequest('D2', '1000', { accountHash: acct(66) }),
      ),
    ).toMatchObject({ code: 'ACCOUNT_NOT_APPROVED' });

    const t = await w.evaluate<TraceResult>(who.auditorB, 'TraceFunds', { kind: 'spend', id: 'S2' });
    expect(t.path.map((p) => p.id)).toEqual(['P1', 'A1', 'D1', 'S2']);
    const a = t.root.children[0];
    const d = a?.children[0];
    expect([t.root.remaining, a?.remaining, d?.remaining, d?.children[0]?.amount]).toEqual([
      '80000000',
      '17000000',
      '1500000',
      '300000',
    ]);
  });

  it('is deterministic: the same transactions give the same state and events on another peer', async () => {
    const a = new World();
    const b = new World();
    await journey(a);
    await journey(b);
    expect(b.ledger.snapshot()).toEqual(a.ledger.snapshot());
    expect(b.ledger.events).toEqual(a.ledger.events);
  });
});
