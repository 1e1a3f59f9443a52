/**
 * Scheduled checks (issue 19): the interval comes from configuration, the last run is kept in
 * the gateway database so a run missed while the gateway was down runs at start-up, and the
 * unspent-funds sweep job sweeps every program whose rule is on until nothing is due.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { ConfigError } from '../src/config';
import { openDatabase, type Db } from '../src/writes/database';
import { loadScheduleConfig } from '../src/schedule/config';
import { Scheduler, type Job } from '../src/schedule/scheduler';
import { ScheduleStore } from '../src/schedule/store';
import { UNSPENT_SWEEP_JOB, unspentSweepJob } from '../src/schedule/unspent-sweep';
import { openPostgresStorage } from '../src/storage/postgres';
import type { GatewayStorage } from '../src/storage/storage';
import { OVERDUE_APPROVALS_JOB, overdueApprovalsJob } from '../src/schedule/overdue-approvals';
import { makeHarness } from './harness';
import { startPostgres, type TestPostgres } from './postgres';

const quiet = pino({ level: 'silent' });
const HOUR = 3_600_000;

describe('schedule configuration', () => {
  it('defaults: a daily sweep, a one-minute tick, no identity (nothing scheduled)', () => {
    expect(loadScheduleConfig({})).toEqual({
      unspentSweepMs: 86_400_000,
      overdueApprovalsMs: 3_600_000,
      tickMs: 60_000,
    });
  });

  it('reads the identity and intervals; the tick never exceeds the interval', () => {
    expect(
      loadScheduleConfig({
        SCHEDULE_IDENTITY: 'CityAMSP/auditor-a',
        SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS: '5000',
      }),
    ).toEqual({
      identity: { mspId: 'CityAMSP', label: 'auditor-a' },
      unspentSweepMs: 5000,
      overdueApprovalsMs: 3_600_000,
      tickMs: 5000,
    });
    expect(
      loadScheduleConfig({
        SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS: '2000',
        SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS: '0',
      }),
    ).toEqual({ unspentSweepMs: 0, overdueApprovalsMs: 2000, tickMs: 2000 });
  });

  it.each([
    ['SCHEDULE_IDENTITY', 'auditor-a'],
    ['SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS', '5s'],
    ['SCHEDULE_UNSPENT_SWEEP_INTERVAL_MS', '10'],
    ['SCHEDULE_TICK_MS', '-1'],
    ['SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS', '999'],
    ['SCHEDULE_OVERDUE_APPROVALS_INTERVAL_MS', 'hourly'],
  ])('refuses %s=%s naming the variable', (variable, value) => {
    let error: unknown;
    try {
      loadScheduleConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
  });
});

// the job states are kept in SQLite (one instance) or PostgreSQL (replicas): both are tested
let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

describe.each(['sqlite', 'postgres'] as const)('Scheduler (%s)', (backend) => {
  let db: Db;
  let shared: GatewayStorage | undefined;
  /** The store as a (re)started gateway opens it. */
  const store = () => shared?.schedule ?? new ScheduleStore(db);
  let now: number;
  let runs: number[];
  let fail: boolean;
  const job: Job = {
    name: 'test.job',
    intervalMs: HOUR,
    run: async () => {
      runs.push(now);
      if (fail) throw new Error('peer down');
      return {};
    },
  };
  const scheduler = (registry?: Registry) =>
    new Scheduler({
      store: store(),
      jobs: [job],
      logger: quiet,
      tickMs: 60_000,
      now: () => now,
      ...(registry ? { registry } : {}),
    });

  beforeEach(async () => {
    db = openDatabase(':memory:');
    shared =
      backend === 'postgres'
        ? await openPostgresStorage(await server.createDatabase(), { idempotencyTtlHours: 1 })
        : undefined;
    now = Date.UTC(2030, 0, 1);
    runs = [];
    fail = false;
  });
  afterEach(async () => {
    db.close();
    await shared?.close();
  });

  it('runs a job that never ran, then only once per interval', async () => {
    const s = scheduler();
    await s.runDue();
    now += HOUR - 1;
    await s.runDue();
    expect(runs).toHaveLength(1);
    now += 1;
    await s.runDue();
    expect(runs).toHaveLength(2);
  });

  it('survives a restart: the last run is in the database; a run missed while down runs at start-up', async () => {
    await scheduler().runDue();
    now += HOUR / 2;
    await scheduler().runDue(); // a restart half an interval later: not due
    expect(runs).toHaveLength(1);
    now += 3 * HOUR; // the gateway was down through the next run
    const restarted = scheduler();
    restarted.start(); // start() runs what is due at once
    await restarted.stop();
    expect(runs).toHaveLength(2);
  });

  it('tries a failed run again after the retry wait, and counts runs by outcome', async () => {
    const registry = new Registry();
    const s = scheduler(registry);
    fail = true;
    await s.runDue();
    now += 30_000;
    await s.runDue(); // within the retry wait
    expect(runs).toHaveLength(1);
    expect(await store().get('test.job')).toMatchObject({ lastError: 'peer down' });
    now += 30_000;
    fail = false;
    await s.runDue();
    expect(runs).toHaveLength(2);
    expect(await store().get('test.job')).toEqual({ lastSuccessAt: now, lastAttemptAt: now });
    const text = await registry.metrics();
    expect(text).toContain('gateway_scheduled_runs_total{job="test.job",outcome="failed"} 1');
    expect(text).toContain('gateway_scheduled_runs_total{job="test.job",outcome="ok"} 1');
  });

  it('runs each occurrence on exactly one of several replicas sharing the store', async () => {
    let release!: () => void;
    const slow: Job = {
      ...job,
      run: async () => {
        runs.push(now);
        await new Promise<void>((resolve) => (release = resolve));
        return {};
      },
    };
    const replica = () =>
      new Scheduler({ store: store(), jobs: [slow], logger: quiet, tickMs: 60_000, now: () => now });
    const [one, two, three] = [replica(), replica(), replica()];
    const first = one.runDue();
    await new Promise((r) => setTimeout(r, 50)); // one has claimed and is running
    await Promise.all([two.runDue(), three.runDue()]); // due, but claimed: they skip it
    expect(runs).toHaveLength(1);
    release();
    await first;
    await Promise.all([two.runDue(), three.runDue()]); // ran: not due any more
    expect(runs).toHaveLength(1);
    now += HOUR;
    const next = [one.runDue(), two.runDue(), three.runDue()];
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all(next);
    expect(runs).toHaveLength(2);
  });

  it('lets another replica run a job whose claim expired (its runner died)', async () => {
    const terms = { intervalMs: HOUR, retryMs: 60_000, leaseMs: 600_000 };
    expect(await store().claim('test.job', now, 'dead-replica', terms)).toBe(true);
    const s = new Scheduler({
      store: store(),
      jobs: [job],
      logger: quiet,
      tickMs: 60_000,
      now: () => now,
      leaseMs: 600_000,
    });
    await s.runDue();
    expect(runs).toHaveLength(0);
    now += 600_000;
    await s.runDue();
    expect(runs).toHaveLength(1);
    expect(await store().get('test.job')).toEqual({ lastSuccessAt: now, lastAttemptAt: now });
  });
});

describe('Scheduler with its store unreachable', () => {
  it('logs the failed tick and keeps running (no unhandled rejection)', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    let runs = 0;
    const s = new Scheduler({
      store: {
        get: async () => ({}),
        record: async () => undefined,
        claim: async () => {
          throw new Error('connection refused');
        },
      },
      jobs: [{ name: 'j', intervalMs: HOUR, run: async () => ({ n: ++runs }) }],
      logger,
      tickMs: 60_000,
    });
    s.start();
    await s.stop();
    expect(runs).toBe(0);
    expect(warnings.join('')).toContain('scheduler tick failed');
    expect(warnings.join('')).toContain('connection refused');
  });
});

describe('the unspent-funds sweep job', () => {
  it('sweeps every program whose rule is on, again while more entries are due, as the configured identity', async () => {
    const h = await makeHarness();
    try {
      const programs = [
        { programId: 'P1', rules: { unspent: { mode: 'warn', days: 90 } } },
        { programId: 'P2', rules: { unspent: { mode: 'off', days: 90 } } },
        { programId: 'P3', rules: { unspent: { mode: 'warn', days: 0, minutes: 1 } } },
      ];
      h.ledger.on('fund-tracing', 'ListPrograms', (req) =>
        (req as { bookmark: string }).bookmark === ''
          ? { records: programs.slice(0, 2), bookmark: 'next' }
          : { records: programs.slice(2), bookmark: '' },
      );
      let p1Calls = 0;
      h.ledger.on('fund-tracing', 'SweepUnspent', (req) => {
        const { programId } = req as { programId: string };
        if (programId === 'P1') p1Calls += 1;
        const more = programId === 'P1' && p1Calls === 1;
        const alert = { alertId: `${programId}.${p1Calls}`, rule: 'unspent', severity: 'low', records: [] };
        return { programId, processed: 1, alerts: [alert], more };
      });
      const job = unspentSweepJob({
        transactions: h.gateway.transactions,
        chaincode: 'fund-tracing',
        caller: { subject: 'alice', org: 'CityAMSP', roles: [] },
        intervalMs: HOUR,
      });
      expect(job.name).toBe(UNSPENT_SWEEP_JOB);
      expect(await job.run()).toEqual({ programs: 2, calls: 3, alerts: 3 });
      const sweeps = h.ledger.calls.filter((c) => c.invocation.transaction === 'SweepUnspent');
      expect(sweeps.map((c) => (c.request as { programId: string }).programId)).toEqual(['P1', 'P1', 'P3']);
      expect(sweeps.every((c) => c.kind === 'submit' && c.identity.mspId === 'CityAMSP')).toBe(true);
    } finally {
      h.close();
    }
  });
});

describe('the overdue-approvals job', () => {
  const warning = (applicationId: string, dept: string) => ({
    applicationId,
    typeCode: 'A-SHOP',
    ownerMsp: 'CityAMSP',
    dept,
    applicant: { mspId: 'CityAMSP', pid: 'a'.repeat(64) },
    dueAt: '2030-01-01T00:00:00.000Z',
    raisedAt: '2030-01-02T00:00:00.000Z',
  });

  it('submits RaiseOverdueWarnings as the configured identity while more are due, and counts the warnings', async () => {
    const h = await makeHarness();
    try {
      let calls = 0;
      h.ledger.on('e-licence', 'RaiseOverdueWarnings', (req) => {
        expect(req).toEqual({ limit: 100 });
        calls += 1;
        return calls === 1
          ? { raised: [warning('APP-1', 'fire'), warning('APP-2', 'market')], more: true }
          : { raised: [warning('APP-3', 'fire')], more: false };
      });
      const job = overdueApprovalsJob({
        transactions: h.gateway.transactions,
        chaincode: 'e-licence',
        caller: { subject: 'alice', org: 'CityAMSP', roles: [] },
        intervalMs: HOUR,
      });
      expect(job.name).toBe(OVERDUE_APPROVALS_JOB);
      expect(await job.run()).toEqual({ calls: 2, warnings: 3 });
      const sweeps = h.ledger.calls.filter((c) => c.invocation.transaction === 'RaiseOverdueWarnings');
      expect(sweeps).toHaveLength(2);
      expect(sweeps.every((c) => c.kind === 'submit' && c.identity.mspId === 'CityAMSP')).toBe(true);
    } finally {
      h.close();
    }
  });

  it('stops after its most calls even if the chaincode keeps answering more', async () => {
    const h = await makeHarness();
    try {
      h.ledger.on('e-licence', 'RaiseOverdueWarnings', () => ({
        raised: [warning('APP-1', 'fire')],
        more: true,
      }));
      const job = overdueApprovalsJob({
        transactions: h.gateway.transactions,
        chaincode: 'e-licence',
        caller: { subject: 'alice', org: 'CityAMSP', roles: [] },
        intervalMs: HOUR,
        maxCalls: 3,
      });
      expect(await job.run()).toEqual({ calls: 3, warnings: 3 });
    } finally {
      h.close();
    }
  });

  it('fails the run (to be tried again) when the chaincode refuses', async () => {
    const h = await makeHarness();
    try {
      h.ledger.on('e-licence', 'RaiseOverdueWarnings', () => {
        throw new Error(JSON.stringify({ code: 'FORBIDDEN', status: 403, message: 'not an official' }));
      });
      const job = overdueApprovalsJob({
        transactions: h.gateway.transactions,
        chaincode: 'e-licence',
        caller: { subject: 'alice', org: 'CityAMSP', roles: [] },
        intervalMs: HOUR,
      });
      await expect(job.run()).rejects.toThrow();
    } finally {
      h.close();
    }
  });
});
