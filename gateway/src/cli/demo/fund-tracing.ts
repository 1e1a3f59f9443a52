/**
 * Journey 3, fund-tracing: City A's finance creates and allocates a program; the
 * industry department pays an enterprise; the enterprise spends, once outside
 * the allowed categories, which raises an alert that City B's auditor resolves;
 * the Audit Office traces the spend back to the budget.
 *
 * Every call goes through the SDK (@govledger/client).
 */
import type { components } from '@govledger/client';
import { PersonalValues, fundTracing } from '@govledger/fixtures';
import { short, yuan } from './printer';
import type { Runner } from './runner';

/** One level of a fund trace, as the gateway's OpenAPI document describes it. */
type TraceNode = components['schemas']['FundTraceNode'];

/** The trace from the program down to one spend, one line per level. */
export function traceLines(root: TraceNode): string[] {
  const lines: string[] = [];
  let node: TraceNode | undefined = root;
  for (let depth = 0; node; depth++) {
    const label =
      node.kind === 'spend'
        ? `spend ${node.id}: ${yuan(node.amount)} for ${String((node.record as { category?: unknown }).category)}`
        : `${node.kind} ${node.id}: ${yuan(node.amount)}, ` +
          `${node.kind === 'disbursement' ? 'spent' : 'passed on'} ${yuan(node.committed ?? '0')}, ` +
          `left ${yuan(node.remaining ?? '0')}`;
    const alerts = node.alertIds.length > 0 ? `  ⚠ ${node.alertIds.length} alert` : '';
    lines.push(`${depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `}${label}${alerts}`);
    node = node.children[0];
  }
  return lines;
}

/** Runs the fund-tracing journey; `run` makes its ids unique. */
export async function fundTracingJourney(r: Runner, run: string): Promise<void> {
  const program = `P-${run}`;
  const allocation = `A-IND-${run}`;
  const disbursement = `D-${run}`;
  const spendOk = `S-LATHE-${run}`;
  const spendBad = `S-BANQUET-${run}`;
  const recipient = r.voter('enterprise-a1');
  // keyed hash: the key stays with the paying organisation (here, this demo run), off the ledger
  const account = fundTracing.bankAccountHash(
    PersonalValues.bankAccounts[0],
    fundTracing.newAccountHashKey(),
  );

  await r.write({
    who: 'finance-a',
    what: 'creates an industrial upgrade program: budget, allowed categories, warning rules',
    call: (api) =>
      api.POST('/api/v1/programs', {
        body: fundTracing.industrialUpgradeProgram({
          programId: program,
          name: 'Industrial upgrade subsidy (demo)',
          now: Date.now(),
          splitPaymentMarginPercent: 10,
        }),
      }),
    show: (p) => `program ${p.programId}: ${yuan(p.totalBudget)} for ${p.categories.join(', ')}`,
  });
  await r.write({
    who: 'finance-a',
    what: 'allocates part of it to the industry department',
    call: (api) =>
      api.POST('/api/v1/programs/{programId}/allocations', {
        params: { path: { programId: program } },
        body: fundTracing.allocation(allocation, '20000000', { mspId: 'CityAMSP', dept: 'industry' }),
      }),
    show: (x) =>
      `allocation ${x.allocation.allocationId}: ${yuan(x.allocation.amount)} to ${x.allocation.dept}`,
  });
  await r.write({
    who: 'officer-industry-a',
    what: 'registers the enterprise with the hash of its approved bank account',
    call: (api) =>
      api.POST('/api/v1/programs/{programId}/recipients', {
        params: { path: { programId: program } },
        body: fundTracing.enterpriseRecipient(recipient, [account]),
      }),
    show: (x) => `recipient ${short(x.recipientPid)} with ${x.accountHashes.length} approved account`,
  });
  await r.write({
    who: 'officer-industry-a',
    what: 'pays the enterprise for equipment',
    call: (api) =>
      api.POST('/api/v1/disbursements', {
        body: fundTracing.disbursement({
          disbursementId: disbursement,
          allocationId: allocation,
          recipient,
          accountHash: account,
          category: 'equipment',
          amount: '1500000',
        }),
      }),
    check: (x) => (x.disbursement.status === 'paid' ? undefined : `status ${x.disbursement.status}`),
    show: (x) =>
      `disbursement ${x.disbursement.disbursementId}: ${yuan(x.disbursement.amount)} ${x.disbursement.status}`,
  });
  await r.write({
    who: 'enterprise-a1',
    what: 'records buying a lathe (equipment)',
    call: (api) =>
      api.POST('/api/v1/spends', {
        body: fundTracing.spend({
          spendId: spendOk,
          disbursementId: disbursement,
          payeeId: '91310000MA1DEMO001',
          amount: '1200000',
          category: 'equipment',
        }),
      }),
    check: (x) => (x.alerts.length === 0 ? undefined : `${x.alerts.length} alerts`),
    show: (x) => `spend ${x.spend.spendId}: ${yuan(x.spend.amount)}, no alert`,
  });
  const bad = await r.write({
    who: 'enterprise-a1',
    what: 'records a banquet (entertainment — not an allowed category)',
    call: (api) =>
      api.POST('/api/v1/spends', {
        body: fundTracing.spend({
          spendId: spendBad,
          disbursementId: disbursement,
          payeeId: '91310000MA1DEMO002',
          amount: '300000',
          category: 'entertainment',
        }),
      }),
    check: (x) => (x.alerts.length === 1 ? undefined : `${x.alerts.length} alerts instead of 1`),
    show: (x) =>
      `spend ${x.spend.spendId}: ${yuan(x.spend.amount)} recorded WITH an early warning: ` +
      x.alerts.map((a) => `${a.rule} alert, ${a.severity}`).join('; '),
  });
  const alertId = bad.alerts[0]?.alertId as string;
  await r.read({
    who: 'auditor-b',
    what: "lists the program's open alerts",
    call: (api) =>
      api.GET('/api/v1/programs/{programId}/alerts', {
        params: { path: { programId: program }, query: { status: 'open' } },
      }),
    settle: (page) => page.records.some((a) => a.alertId === alertId),
    show: (page) =>
      page.records
        .map((a) => `${a.severity} ${a.rule} alert ${short(a.alertId, 16)}: ${a.message}`)
        .join('\n'),
  });
  await r.write({
    who: 'auditor-a',
    what: "resolves its own city's alert with a note (an auditor acts on its own organisation's records)",
    call: (api) =>
      api.POST('/api/v1/alerts/{alertId}/resolution', {
        params: { path: { alertId } },
        body: fundTracing.alertResolution(
          'banquet reclassified; the enterprise repays ¥3,000.00 from its own funds',
        ),
      }),
    show: (a) => `alert ${a.status}`,
  });
  // the Audit Office traces it when it has joined (`npm run up` adds it); else City B's auditor
  const audit = r.serves('AuditMSP');
  await r.read({
    who: audit ? 'auditor-audit' : 'auditor-b',
    what: audit
      ? 'traces the banquet back to the budget'
      : 'traces the banquet back to the budget (the Audit Office has not joined this network)',
    call: (api) =>
      api.GET('/api/v1/trace/{kind}/{id}', { params: { path: { kind: 'spend', id: spendBad } } }),
    settle: true,
    check: (t) => (t.path.length === 4 ? undefined : `a path of ${t.path.length} records`),
    show: (t) => traceLines(t.root).join('\n'),
  });
}
