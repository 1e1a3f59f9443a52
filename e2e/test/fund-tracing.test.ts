/**
 * fund-tracing on the real network (issue 5): City A's finance department creates
 * a program and allocates it to the industry department; the department registers
 * an enterprise and disburses to it; a disbursement above the co-signature
 * threshold waits for City B's finance officer; the enterprise spends; a spend
 * outside the program's categories raises an alert that City B's auditor receives
 * as a chaincode event and in ListAlerts but may not resolve (the alert is City A's:
 * auditors act on their own organisation's records, issue 12), and City A's auditor
 * resolves; a payment to an
 * unapproved account and an overdraw of the allocation are refused, recorded as
 * refused attempts with high alerts (issue 19), and pay nothing; the trace of the last spend reaches the program with exact balances.
 */
import { PersonalValues, fundTracing } from '@govledger/fixtures';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { createHash } from 'crypto';
import { actAs, closeAll, refused, type UserSession } from '../src/fabric-client';
import { readNetworkInfo, stateDir } from '../src/test-network';

const CC = 'fund-tracing';
const run = Date.now().toString(36);
const PROGRAM = `P-E2E-${run}`;
const ALLOCATION = `A-IND-${run}`;
const D_SMALL = `D-SMALL-${run}`;
const D_BIG = `D-BIG-${run}`;
const S_OK = `S-OK-${run}`;
const S_BAD = `S-BAD-${run}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// keyed account hashes (the key stays with the paying organisation, here this test run)
const ACCOUNT_KEY = fundTracing.newAccountHashKey();
const APPROVED_ACCOUNT = fundTracing.bankAccountHash(PersonalValues.bankAccounts[0], ACCOUNT_KEY);
const OTHER_ACCOUNT = fundTracing.bankAccountHash(PersonalValues.bankAccounts[1], ACCOUNT_KEY);
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface RecordRef {
  kind: 'program' | 'allocation' | 'disbursement' | 'spend';
  id: string;
}
interface Actor {
  mspId: string;
  dept?: string;
  id: string;
}
interface Disbursement {
  disbursementId: string;
  programId: string;
  allocationId: string;
  recipientPid: string;
  amount: string;
  status: 'pending' | 'paid' | 'rejected';
  coSignRequired: boolean;
  paidAt?: string;
  coSigned?: { at: string; by: Actor; note?: string };
}
interface AlertSummary {
  alertId: string;
  rule: string;
  severity: string;
  records: RecordRef[];
}
interface Alert extends AlertSummary {
  programId: string;
  status: 'open' | 'acknowledged' | 'resolved';
  details: Record<string, string | number>;
  txId: string;
  history: { status: string; at: string; by: Actor; note: string }[];
  ownerMspId?: string;
}
interface AllocationView {
  allocation: { allocationId: string; amount: string };
  disbursed: string;
  remaining: string;
  disbursementCount: number;
}
interface DisbursementView {
  disbursement: Disbursement;
  spent: string;
  remaining: string;
  spendCount: number;
}
interface Page<T> {
  records: T[];
  bookmark: string;
}
interface TraceNode {
  kind: RecordRef['kind'];
  id: string;
  amount: string;
  committed?: string;
  remaining?: string;
  childCount?: number;
  complete: boolean;
  alertIds: string[];
  record: Record<string, unknown>;
  children: TraceNode[];
}
interface Trace {
  record: RecordRef;
  path: RecordRef[];
  root: TraceNode;
  records: number;
}

const session: Record<string, UserSession> = {};
let recipientPid: string;

/** Retries a read on another organisation's peer until it sees what the last commit wrote. */
async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 20; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} never became visible; last read: ${JSON.stringify(last)}`);
}

/** Reads chaincode events from `startBlock` through `who`'s peer until the one of `txId` arrives. */
async function chaincodeEventOf(
  who: UserSession,
  startBlock: bigint,
  txId: string,
  timeoutMs = 30_000,
): Promise<ChaincodeEvent> {
  const network = who.gateway.getNetwork(readNetworkInfo(stateDir()).channel);
  const events = await network.getChaincodeEvents(CC, { startBlock });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    events.close();
  }, timeoutMs);
  try {
    for await (const event of events) {
      if (event.transactionId === txId) return event;
    }
  } catch (err) {
    if (!timedOut) throw err;
  } finally {
    clearTimeout(timer);
    events.close();
  }
  throw new Error(`no ${CC} chaincode event for transaction ${txId} within ${timeoutMs} ms`);
}

beforeAll(() => {
  for (const name of [
    'finance-a',
    'officer-industry-a',
    'officer-housing-a',
    'enterprise-a1',
    'finance-b',
    'auditor-a',
    'auditor-b',
    'auditor-audit',
  ]) {
    session[name] = actAs(name);
  }
  recipientPid = session['enterprise-a1'].pid as string;
  expect(recipientPid).toMatch(/^[0-9a-f]{32,128}$/);
});

afterAll(() => closeAll());

describe('a fund program traced from budget to final spend, with an early warning', () => {
  const pay = (disbursementId: string, amount: string, accountHash = APPROVED_ACCOUNT) =>
    session['officer-industry-a'].submit<{ disbursement: Disbursement; alerts: AlertSummary[] }>(
      CC,
      'Disburse',
      {
        disbursementId,
        allocationId: ALLOCATION,
        recipientMspId: 'CityAMSP',
        recipientPid,
        accountHash,
        category: 'equipment',
        amount,
        documentsHash: sha256(`documents of ${disbursementId}`),
      },
    );
  const allocationView = () =>
    session['officer-industry-a'].evaluate<AllocationView>(CC, 'GetAllocation', { allocationId: ALLOCATION });
  let alertId: string;
  let badSpendTx: { txId: string; block: bigint };

  it('finance in City A creates the program and allocates part of it to the industry department', async () => {
    const now = Date.now();
    const program = await session['finance-a'].submit<{
      programId: string;
      ownerMspId: string;
      status: string;
    }>(CC, 'CreateProgram', {
      programId: PROGRAM,
      name: 'Industrial upgrade subsidy (e2e)',
      fiscalYear: new Date(now).getUTCFullYear(),
      totalBudget: '100000000',
      categories: ['equipment', 'training'],
      startDate: isoSeconds(now - 24 * 3600_000),
      endDate: isoSeconds(now + 30 * 24 * 3600_000),
      coSign: { threshold: '2000000', by: 'finance' },
      rules: {
        category: { mode: 'warn' },
        recipientCap: { mode: 'block', cap: '50000000' },
        splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
        afterEnd: { mode: 'block' },
        unspent: { mode: 'warn', days: 90 },
      },
    });
    expect(program).toMatchObject({ programId: PROGRAM, ownerMspId: 'CityAMSP', status: 'active' });

    const { allocation, alerts } = await session['finance-a'].submit<{
      allocation: { allocationId: string; programId: string; mspId: string; dept: string; amount: string };
      alerts: AlertSummary[];
    }>(CC, 'AllocateFunds', {
      allocationId: ALLOCATION,
      programId: PROGRAM,
      mspId: 'CityAMSP',
      dept: 'industry',
      amount: '20000000',
    });
    expect(allocation).toMatchObject({
      programId: PROGRAM,
      mspId: 'CityAMSP',
      dept: 'industry',
      amount: '20000000',
    });
    expect(alerts).toEqual([]);

    // the budget is a hard ceiling: 80 000 000 remain, one fen more is refused
    const over = await refused(
      session['finance-a'].submit(CC, 'AllocateFunds', {
        allocationId: `A-OVER-${run}`,
        programId: PROGRAM,
        mspId: 'CityAMSP',
        dept: 'social',
        amount: '80000001',
      }),
    );
    expect(over).toMatchObject({ code: 'EXCEEDS_BUDGET', status: 409 });
    const view = await session['finance-a'].evaluate<{
      allocated: string;
      unallocated: string;
      allocationCount: number;
    }>(CC, 'GetProgram', { programId: PROGRAM });
    expect(view).toMatchObject({ allocated: '20000000', unallocated: '80000000', allocationCount: 1 });
  });

  it('the industry department registers the enterprise with an approved account and pays it', async () => {
    // a department without an allocation in the program may not register recipients
    const outsider = await refused(
      session['officer-housing-a'].submit(CC, 'RegisterRecipient', {
        programId: PROGRAM,
        recipientMspId: 'CityAMSP',
        recipientPid,
        kind: 'enterprise',
        accountHashes: [APPROVED_ACCOUNT],
      }),
    );
    expect(outsider).toMatchObject({ code: 'NOT_IMPLEMENTING_DEPARTMENT', status: 403 });

    const recipient = await session['officer-industry-a'].submit<{
      recipientPid: string;
      accountHashes: string[];
    }>(CC, 'RegisterRecipient', {
      programId: PROGRAM,
      recipientMspId: 'CityAMSP',
      recipientPid,
      kind: 'enterprise',
      accountHashes: [APPROVED_ACCOUNT],
    });
    expect(recipient).toMatchObject({ recipientPid, accountHashes: [APPROVED_ACCOUNT] });

    const small = await pay(D_SMALL, '1500000');
    expect(small.disbursement).toMatchObject({
      disbursementId: D_SMALL,
      programId: PROGRAM,
      allocationId: ALLOCATION,
      amount: '1500000',
      status: 'paid',
      coSignRequired: false,
    });
    expect(small.disbursement.paidAt).toBeDefined();
    expect(small.alerts).toEqual([]);
  });

  it('a disbursement above the co-signature threshold stays pending until City B finance co-signs it', async () => {
    const big = await pay(D_BIG, '5000000');
    expect(big.disbursement).toMatchObject({ status: 'pending', coSignRequired: true, amount: '5000000' });
    expect(big.disbursement.paidAt).toBeUndefined();
    // reserved in the allocation, but not paid out
    expect(await allocationView()).toMatchObject({
      disbursed: '6500000',
      remaining: '13500000',
      disbursementCount: 2,
    });

    const early = await refused(
      session['enterprise-a1'].submit(CC, 'RecordSpend', {
        spendId: `S-EARLY-${run}`,
        disbursementId: D_BIG,
        payeeId: '91310000MA1E2E0001',
        amount: '100',
        category: 'equipment',
        invoiceHash: sha256(`early invoice ${run}`),
      }),
    );
    expect(early).toMatchObject({ code: 'DISBURSEMENT_NOT_PAID', status: 409 });

    // the disbursing organisation cannot co-sign its own payment; an auditor is not the configured co-signer
    const self = await refused(
      session['finance-a'].submit(CC, 'CoSignDisbursement', { disbursementId: D_BIG }),
    );
    expect(self).toMatchObject({ code: 'CO_SIGNER_SAME_ORGANISATION', status: 403 });

    // City B's finance officer finds it in the co-signer's inbox
    const inbox = await eventually(
      () =>
        session['finance-b'].evaluate<Page<DisbursementView>>(CC, 'ListPendingDisbursements', {
          programId: PROGRAM,
        }),
      (p) => p.records.some((v) => v.disbursement.disbursementId === D_BIG),
      'the pending disbursement on City B',
    );
    expect(inbox.records.map((v) => [v.disbursement.disbursementId, v.disbursement.status, v.spent])).toEqual(
      [[D_BIG, 'pending', '0']],
    );
    const wrongRole = await refused(
      session['auditor-b'].submit(CC, 'CoSignDisbursement', { disbursementId: D_BIG, note: 'not my job' }),
    );
    expect(wrongRole).toMatchObject({ code: 'FORBIDDEN', status: 403 });

    const signed = await session['finance-b'].submit<{ disbursement: Disbursement; alerts: AlertSummary[] }>(
      CC,
      'CoSignDisbursement',
      { disbursementId: D_BIG, note: 'contract and invoices checked' },
    );
    expect(signed.disbursement).toMatchObject({
      status: 'paid',
      coSigned: { by: { mspId: 'CityBMSP', dept: 'finance' }, note: 'contract and invoices checked' },
    });
    expect(signed.disbursement.paidAt).toBeDefined();
    expect(signed.alerts).toEqual([]);
    const twice = await refused(
      session['finance-b'].submit(CC, 'CoSignDisbursement', { disbursementId: D_BIG }),
    );
    expect(twice).toMatchObject({ code: 'DISBURSEMENT_NOT_PENDING', status: 409 });
    const after = await session['finance-b'].evaluate<Page<DisbursementView>>(
      CC,
      'ListPendingDisbursements',
      {
        programId: PROGRAM,
      },
    );
    expect(after.records).toEqual([]);
    // the recipient now sees it as paid, with the whole amount to spend
    const mine = await eventually(
      () =>
        session['enterprise-a1'].evaluate<DisbursementView>(CC, 'GetDisbursement', { disbursementId: D_BIG }),
      (v) => v.disbursement.status === 'paid',
      'the co-signature on City A',
    );
    expect(mine).toMatchObject({ spent: '0', remaining: '5000000', spendCount: 0 });
  });

  /** Alerts of the refused payments, oldest first. */
  const refusalAlertIds: string[] = [];

  /** A payment refused and recorded (issue 19): the transaction commits the attempt and its alert. */
  async function recordedRefusal(
    promise: Promise<unknown>,
  ): Promise<{ code: string; status: number; details: unknown; alertId: string }> {
    const out = (await promise) as {
      outcome?: string;
      code: string;
      status: number;
      alertId: string;
      attempt: { details?: unknown };
    };
    expect(out.outcome).toBe('refused');
    return { code: out.code, status: out.status, details: out.attempt.details, alertId: out.alertId };
  }

  it('refuses a payment to an unapproved account and an overdraw of the allocation, writing no payment (the attempts are recorded)', async () => {
    const unapproved = await recordedRefusal(pay(`D-BADACC-${run}`, '100000', OTHER_ACCOUNT));
    expect(unapproved).toMatchObject({ code: 'ACCOUNT_NOT_APPROVED', status: 409 });
    refusalAlertIds.push(unapproved.alertId);
    const gone = await refused(
      session['officer-industry-a'].evaluate(CC, 'GetDisbursement', { disbursementId: `D-BADACC-${run}` }),
    );
    expect(gone.code).toBe('DISBURSEMENT_NOT_FOUND');

    const overdraw = await recordedRefusal(pay(`D-OVER-${run}`, '13500001'));
    expect(overdraw).toMatchObject({
      code: 'EXCEEDS_ALLOCATION',
      status: 409,
      details: { allocation: '20000000', disbursed: '6500000', remaining: '13500000' },
    });
    refusalAlertIds.push(overdraw.alertId);
    const stillGone = await refused(
      session['officer-industry-a'].evaluate(CC, 'GetDisbursement', { disbursementId: `D-OVER-${run}` }),
    );
    expect(stillGone.code).toBe('DISBURSEMENT_NOT_FOUND');

    expect(await allocationView()).toMatchObject({
      disbursed: '6500000',
      remaining: '13500000',
      disbursementCount: 2,
    });
  });

  it('the enterprise spends; a spend outside the categories goes through with an alert', async () => {
    const ok = await session['enterprise-a1'].submit<{
      spend: { spendId: string; recordedBy: string };
      alerts: AlertSummary[];
    }>(CC, 'RecordSpend', {
      spendId: S_OK,
      disbursementId: D_BIG,
      payeeId: '91310000MA1E2E0001',
      amount: '1200000',
      category: 'equipment',
      invoiceHash: sha256(`invoice lathe ${run}`),
    });
    expect(ok.spend).toMatchObject({ spendId: S_OK, recordedBy: recipientPid });
    expect(ok.alerts).toEqual([]);

    const tooMuch = await refused(
      session['enterprise-a1'].submit(CC, 'RecordSpend', {
        spendId: `S-OVER-${run}`,
        disbursementId: D_BIG,
        payeeId: '91310000MA1E2E0001',
        amount: '3800001',
        category: 'equipment',
        invoiceHash: sha256(`invoice over ${run}`),
      }),
    );
    expect(tooMuch).toMatchObject({ code: 'EXCEEDS_DISBURSEMENT', status: 409 });

    const tx = await session['enterprise-a1'].contract(CC).submitAsync('RecordSpend', {
      arguments: [
        JSON.stringify({
          spendId: S_BAD,
          disbursementId: D_BIG,
          payeeId: '91310000MA1E2E0002',
          amount: '300000',
          category: 'entertainment',
          invoiceHash: sha256(`invoice banquet ${run}`),
        }),
      ],
    });
    const result = JSON.parse(Buffer.from(tx.getResult()).toString('utf8')) as {
      spend: { spendId: string; category: string };
      alerts: AlertSummary[];
    };
    const status = await tx.getStatus();
    expect(status.successful).toBe(true);
    badSpendTx = { txId: tx.getTransactionId(), block: status.blockNumber };
    expect(result.spend).toMatchObject({ spendId: S_BAD, category: 'entertainment' });
    expect(result.alerts).toHaveLength(1);
    expect(result.alerts[0]).toMatchObject({
      rule: 'category',
      severity: 'high',
      records: [
        { kind: 'disbursement', id: D_BIG },
        { kind: 'spend', id: S_BAD },
      ],
    });
    alertId = result.alerts[0].alertId;
    expect(alertId.startsWith(`${badSpendTx.txId}.`)).toBe(true);
  });

  it("an auditor of City B receives the alert as a chaincode event and lists it; City A's auditor resolves it with a note", async () => {
    const auditor = session['auditor-b'];
    const event = await chaincodeEventOf(auditor, badSpendTx.block, badSpendTx.txId);
    expect(event).toMatchObject({
      chaincodeName: CC,
      eventName: 'AlertRaised',
      blockNumber: badSpendTx.block,
    });
    const raised = JSON.parse(Buffer.from(event.payload).toString('utf8')) as {
      source: { event: string; payload: unknown };
    };
    expect(raised.source.event).toBe('SpendRecorded');
    const payload = raised.source.payload as {
      programId: string;
      spendId: string;
      category: string;
      amount: string;
      alerts: AlertSummary[];
    };
    expect(payload).toMatchObject({
      programId: PROGRAM,
      allocationId: ALLOCATION,
      disbursementId: D_BIG,
      spendId: S_BAD,
      amount: '300000',
      category: 'entertainment',
    });
    expect(payload.alerts).toEqual([
      {
        alertId,
        rule: 'category',
        severity: 'high',
        records: [
          { kind: 'disbursement', id: D_BIG },
          { kind: 'spend', id: S_BAD },
        ],
      },
    ]);

    // the event came from City B's peer, so its ledger already holds the alert
    const all = await auditor.evaluate<Page<Alert>>(CC, 'ListAlerts', { programId: PROGRAM });
    // newest first: the spend's alert, then the two refused payments' alerts (issue 19)
    const refusals = [...refusalAlertIds].reverse();
    expect(all.records.map((a) => a.alertId)).toEqual([alertId, ...refusals]);
    expect(all.records[0]).toMatchObject({
      programId: PROGRAM,
      rule: 'category',
      severity: 'high',
      status: 'open',
      txId: badSpendTx.txId,
      details: { category: 'entertainment', allowed: 'equipment,training' },
      history: [],
    });
    const openHigh = await auditor.evaluate<Page<Alert>>(CC, 'ListAlerts', {
      programId: PROGRAM,
      status: 'open',
      severity: 'high',
    });
    expect(openHigh.records.map((a) => a.alertId)).toEqual([alertId, ...refusals]);

    // alerts are for auditors: the implementing department may not resolve them
    const notAuditor = await refused(
      session['officer-industry-a'].submit(CC, 'ResolveAlert', { alertId, note: 'nothing to see' }),
    );
    expect(notAuditor).toMatchObject({ code: 'FORBIDDEN', status: 403 });

    // the alert is about City A's payment: City B's auditor may not resolve it
    const otherCity = await refused(auditor.submit(CC, 'ResolveAlert', { alertId, note: 'not ours' }));
    expect(otherCity).toMatchObject({ code: 'NOT_AUDITOR_OF_ORGANISATION', status: 403 });

    const note = 'banquet invoice reclassified; recipient to repay 300000 fen from own funds';
    const owner = session['auditor-a'];
    const resolved = await owner.submit<Alert>(CC, 'ResolveAlert', { alertId, note });
    expect(resolved).toMatchObject({ alertId, status: 'resolved', ownerMspId: 'CityAMSP' });
    expect(resolved.history).toHaveLength(1);
    expect(resolved.history[0]).toMatchObject({ status: 'resolved', by: { mspId: 'CityAMSP' }, note });
    const again = await refused(owner.submit(CC, 'ResolveAlert', { alertId, note: 'again' }));
    expect(again).toMatchObject({ code: 'ALERT_STATE_CONFLICT', status: 409 });

    const stillOpen = await auditor.evaluate<Page<Alert>>(CC, 'ListAlerts', {
      programId: PROGRAM,
      status: 'open',
    });
    expect(stillOpen.records.map((a) => a.alertId)).toEqual([...refusalAlertIds].reverse());
    const done = await auditor.evaluate<Page<Alert>>(CC, 'ListAlerts', {
      programId: PROGRAM,
      status: 'resolved',
    });
    expect(done.records.map((a) => a.alertId)).toEqual([alertId]);
  });

  it('traces the last spend all the way back to the program with exact balances', async () => {
    const paidOut = await session['enterprise-a1'].evaluate<DisbursementView>(CC, 'GetDisbursement', {
      disbursementId: D_BIG,
    });
    expect(paidOut).toMatchObject({ spent: '1500000', remaining: '3500000', spendCount: 2 });
    const trace = await session['auditor-b'].evaluate<Trace>(CC, 'TraceFunds', { kind: 'spend', id: S_BAD });
    expect(trace.record).toEqual({ kind: 'spend', id: S_BAD });
    expect(trace.path).toEqual([
      { kind: 'program', id: PROGRAM },
      { kind: 'allocation', id: ALLOCATION },
      { kind: 'disbursement', id: D_BIG },
      { kind: 'spend', id: S_BAD },
    ]);
    expect(trace.records).toBe(4);

    const program = trace.root;
    expect(program).toMatchObject({
      kind: 'program',
      id: PROGRAM,
      amount: '100000000',
      committed: '20000000',
      remaining: '80000000',
      childCount: 1,
      complete: false,
    });
    expect(program.children).toHaveLength(1);
    const allocation = program.children[0];
    expect(allocation).toMatchObject({
      kind: 'allocation',
      id: ALLOCATION,
      amount: '20000000',
      committed: '6500000',
      remaining: '13500000',
      childCount: 2,
      complete: false,
    });
    expect(allocation.children).toHaveLength(1);
    const disbursement = allocation.children[0];
    expect(disbursement).toMatchObject({
      kind: 'disbursement',
      id: D_BIG,
      amount: '5000000',
      committed: '1500000',
      remaining: '3500000',
      childCount: 2,
      complete: false,
      record: { status: 'paid', recipientPid, allocationId: ALLOCATION, programId: PROGRAM },
    });
    expect(disbursement.alertIds).toEqual([alertId]);
    expect(disbursement.children).toHaveLength(1);
    const spend = disbursement.children[0];
    expect(spend).toMatchObject({
      kind: 'spend',
      id: S_BAD,
      amount: '300000',
      complete: true,
      alertIds: [alertId],
      children: [],
      record: {
        disbursementId: D_BIG,
        allocationId: ALLOCATION,
        programId: PROGRAM,
        category: 'entertainment',
      },
    });
    expect(spend.committed).toBeUndefined();
    expect(spend.remaining).toBeUndefined();

    // the recipient may trace its own spend; the Audit Office sees the whole program tree
    const own = await session['enterprise-a1'].evaluate<Trace>(CC, 'TraceFunds', {
      kind: 'spend',
      id: S_BAD,
    });
    expect(own.root.children[0].children[0].remaining).toBe('3500000');
    const whole = await eventually(
      () => session['auditor-audit'].evaluate<Trace>(CC, 'TraceFunds', { kind: 'program', id: PROGRAM }),
      (t) => t.records === 6,
      'the whole program on the Audit Office peer',
    );
    const alloc = whole.root.children[0];
    expect(whole.root).toMatchObject({ complete: true, remaining: '80000000' });
    expect(alloc.children.map((d) => [d.id, d.amount, d.committed, d.remaining])).toEqual([
      [D_BIG, '5000000', '1500000', '3500000'],
      [D_SMALL, '1500000', '0', '1500000'],
    ]);
    expect(alloc.children[0].children.map((s) => [s.id, s.amount])).toEqual([
      [S_BAD, '300000'],
      [S_OK, '1200000'],
    ]);
  });
});
