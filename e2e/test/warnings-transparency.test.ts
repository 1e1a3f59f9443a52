/**
 * Issue 19 on the real network, through the gateway: a payment refused by a blocking rule (and
 * one to an unapproved account) is committed as a refused attempt whose high-severity alert the
 * auditor lists; the gateway's scheduled sweep raises an unspent-funds alert without anyone
 * calling SweepUnspent (the suite restarts the gateway with a two-second sweep interval and a
 * supervisor identity, then restores it); the public transparency endpoints answer without a
 * token, cache (ETag, 304) and carry no personal value of the test data.
 *
 * Runs alone: cd e2e && npx jest test/warnings-transparency.test.ts
 */
import { fundTracing } from '@govledger/fixtures';
import { readFileSync } from 'fs';
import path from 'path';
import { gatewayUrl, http, type HttpResult } from '../src/gateway-client';
import { restartGateway } from '../src/network-ops';
import { stateDir } from '../src/test-network';

const run = Date.now().toString(36);
const API = '/api/v1';
const PROGRAM = `WT-P-${run}`;
const ALLOCATION = `WT-A-${run}`;
const D_PAID = `WT-D1-${run}`;
const D_BLOCKED = `WT-D2-${run}`;
const D_BADACC = `WT-D3-${run}`;
const SPEND = `WT-S1-${run}`;
const PAYEE = `91310000WT${run.toUpperCase()}`;
const APPROVED_ACCOUNT = fundTracing.bankAccountHash('6222021001012340000', run);
const OTHER_ACCOUNT = fundTracing.bankAccountHash('6222021001099990000', run);
const SCHEDULE_ENV = {
  SCHEDULE_IDENTITY: 'CityAMSP/auditor-a',
  SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS: '2000',
  SCHEDULE_TICK_MS: '1000',
};

const pidOf = (user: string) => readFileSync(path.join(stateDir(), 'users', user, 'pid'), 'utf8').trim();

interface Written<T> {
  transactionId: string;
  result: T;
}
interface Problem {
  status: number;
  code: string;
  alertId?: string;
  attemptId?: string;
  transactionId?: string;
  details?: Record<string, unknown>;
}
interface Alert {
  alertId: string;
  rule: string;
  severity: string;
  status: string;
  attemptId?: string;
  details: Record<string, string | number>;
}
interface Page<T> {
  records: T[];
  bookmark: string;
}

async function write<T>(user: string, urlPath: string, body: unknown, status = 201): Promise<T> {
  const res = await http<Written<T>>(user, 'POST', urlPath, body);
  if (res.status !== status) throw new Error(`POST ${urlPath}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.result;
}

async function refusal(pending: Promise<HttpResult>, code: string): Promise<Problem> {
  const res = await pending;
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status: 409,
    code,
    alertId: expect.any(String),
    attemptId: expect.any(String),
  });
  return res.body as Problem;
}

async function openAlerts(user: string): Promise<Alert[]> {
  const res = await http<Page<Alert>>(
    user,
    'GET',
    `${API}/programs/${PROGRAM}/alerts?status=open&pageSize=100`,
  );
  expect(res.status).toBe(200);
  return res.body.records;
}

describe('early warnings that reach supervisors, scheduled sweeps, public transparency (issue 19)', () => {
  let recipientPid: string;
  const refusedAlerts: string[] = [];
  const pay = (disbursementId: string, amount: string, accountHash = APPROVED_ACCOUNT) =>
    http(
      'officer-industry-a',
      'POST',
      `${API}/disbursements`,
      fundTracing.disbursement({
        disbursementId,
        allocationId: ALLOCATION,
        recipient: { mspId: 'CityAMSP', pid: recipientPid },
        accountHash,
        amount,
      }),
    );

  beforeAll(async () => {
    recipientPid = pidOf('enterprise-a1');
    await restartGateway(SCHEDULE_ENV);
  });

  afterAll(async () => {
    await restartGateway({});
  });

  it('a payment blocked by a rule and one to an unapproved account are refused (409 + alertId) and reach the auditor as high alerts', async () => {
    const program = fundTracing.industrialUpgradeProgram({
      programId: PROGRAM,
      name: `Warnings ${run}`,
      now: Date.now(),
    });
    const body = {
      ...program,
      rules: {
        ...program.rules,
        recipientCap: { mode: 'block', cap: '1000000' },
        unspent: { mode: 'warn', days: 0, minutes: 1 },
      },
    };
    await write('finance-a', `${API}/programs`, body);
    await write(
      'finance-a',
      `${API}/programs/${PROGRAM}/allocations`,
      fundTracing.allocation(ALLOCATION, '20000000'),
    );
    await write(
      'officer-industry-a',
      `${API}/programs/${PROGRAM}/recipients`,
      fundTracing.enterpriseRecipient({ mspId: 'CityAMSP', pid: recipientPid }, [APPROVED_ACCOUNT]),
    );
    const paid = await pay(D_PAID, '500000');
    expect(paid.status).toBe(201);
    await write(
      'enterprise-a1',
      `${API}/spends`,
      fundTracing.spend({
        spendId: SPEND,
        disbursementId: D_PAID,
        payeeId: PAYEE,
        amount: '100000',
        category: 'equipment',
      }),
    );

    const blocked = await refusal(pay(D_BLOCKED, '600000'), 'RECIPIENT_CAP_EXCEEDED');
    const badAccount = await refusal(pay(D_BADACC, '1000', OTHER_ACCOUNT), 'ACCOUNT_NOT_APPROVED');
    refusedAlerts.push(blocked.alertId as string, badAccount.alertId as string);
    // nothing was paid: neither disbursement exists
    for (const id of [D_BLOCKED, D_BADACC]) {
      expect((await http('officer-industry-a', 'GET', `${API}/disbursements/${id}`)).status).toBe(404);
    }

    for (const auditor of ['auditor-a', 'auditor-b']) {
      let alerts: Alert[] = [];
      for (let i = 0; i < 40 && !refusedAlerts.every((id) => alerts.some((a) => a.alertId === id)); i++) {
        alerts = await openAlerts(auditor);
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(alerts.find((a) => a.alertId === blocked.alertId)).toMatchObject({
        rule: 'recipientCap',
        severity: 'high',
        status: 'open',
        attemptId: blocked.attemptId,
        details: {
          transaction: 'Disburse',
          code: 'RECIPIENT_CAP_EXCEEDED',
          byMspId: 'CityAMSP',
          amount: '600000',
        },
      });
      expect(alerts.find((a) => a.alertId === badAccount.alertId)).toMatchObject({
        rule: 'unapprovedAccount',
        severity: 'high',
      });
    }
  });

  it('the public endpoints answer without a token, cache, and hold no personal value of the test data', async () => {
    const one = await http<Record<string, unknown>>(undefined, 'GET', `${API}/public/programs/${PROGRAM}`);
    expect({ status: one.status, body: one.status === 200 ? undefined : one.body }).toEqual({
      status: 200,
      body: undefined,
    });
    expect(one.body).toMatchObject({
      programId: PROGRAM,
      budget: '100000000',
      allocated: '20000000',
      disbursed: '500000',
      spent: '100000',
      unspent: '400000',
      counts: { allocations: 1, disbursements: 1, spends: 1, refusedAttempts: 2 },
      byDepartment: [
        { mspId: 'CityAMSP', dept: 'industry', allocated: '20000000', disbursed: '500000', spent: '100000' },
      ],
      alertsByRule: expect.arrayContaining([
        { rule: 'recipientCap', open: 1, acknowledged: 0, resolved: 0 },
        { rule: 'unapprovedAccount', open: 1, acknowledged: 0, resolved: 0 },
      ]),
    });
    expect(one.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const etag = one.headers.get('etag') as string;
    expect(etag).toMatch(/^"/);
    const cached = await http(undefined, 'GET', `${API}/public/programs/${PROGRAM}`, undefined, {
      'if-none-match': etag,
    });
    expect(cached.status).toBe(304);

    const list = await http<Page<{ programId: string }>>(
      undefined,
      'GET',
      `${API}/public/programs?pageSize=20`,
    );
    expect(list.status).toBe(200);
    const json = await http<{ programs: Array<{ programId: string }> }>(
      undefined,
      'GET',
      `${API}/public/export`,
    );
    expect(json.body.programs.map((p) => p.programId)).toContain(PROGRAM);
    const csv = await fetch(`${gatewayUrl()}${API}/public/export?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvText = await csv.text();
    expect(csvText).toContain(`${PROGRAM},Warnings ${run},`);
    expect(csvText).toContain(
      `${PROGRAM},Warnings ${run},${new Date().getUTCFullYear()},department,CityAMSP/industry,,20000000,500000,0,100000`,
    );

    const everything = [
      JSON.stringify(one.body),
      JSON.stringify(list.body),
      JSON.stringify(json.body),
      csvText,
    ].join('\n');
    const personal = [
      recipientPid,
      APPROVED_ACCOUNT,
      OTHER_ACCOUNT,
      PAYEE,
      'officer-industry-a',
      'enterprise-a1',
      'x509::',
    ];
    for (const value of personal) expect(everything).not.toContain(value);
  });

  it('the scheduled sweep raises the unspent-funds alert without anyone calling SweepUnspent', async () => {
    let unspent: Alert | undefined;
    const deadline = Date.now() + 150_000;
    while (!unspent && Date.now() < deadline) {
      unspent = (await openAlerts('auditor-a')).find((a) => a.rule === 'unspent');
      if (!unspent) await new Promise((r) => setTimeout(r, 2000));
    }
    // on failure, show what the gateway's scheduler logged
    const log = () =>
      readFileSync(path.join(stateDir(), 'logs', 'gateway.log'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('schedule'))
        .slice(-5);
    expect(unspent ?? { rule: 'none', log: log() }).toMatchObject({
      rule: 'unspent',
      severity: 'low',
      details: { amount: '500000', spent: '100000', unspent: '400000', days: 0, minutes: 1 },
    });
    const metrics = await (await fetch(`${gatewayUrl()}/metrics`)).text();
    expect(metrics).toMatch(
      /gateway_scheduled_runs_total\{job="fund-tracing\.unspent-sweep",outcome="ok"\} [1-9]/,
    );
    const summary = await http<{ alertsByRule: Array<{ rule: string; open: number }> }>(
      undefined,
      'GET',
      `${API}/public/programs/${PROGRAM}`,
    );
    expect(summary.body.alertsByRule).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'unspent', open: 1 })]),
    );
  }, 240_000);
});
