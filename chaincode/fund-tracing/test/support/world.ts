/**
 * Test fixtures: identities as in network/consortium.json, a contract bound to
 * a TestLedger, and request builders with sensible defaults.
 */
import './quiet';
import type { Context } from 'fabric-contract-api';
import { sha256Hex } from '@govledger/chaincode-common';
import {
  TestLedger,
  refusal,
  type Refusal,
  type TestIdentity,
  type TxOptions,
} from '@govledger/chaincode-common/testing';
import { FundTracingContract } from '../../src';
import type { CreateProgramInput, RulesConfigInput } from '../../src';

/** Names of the contract's transaction functions. */
export type TxName = {
  [K in keyof FundTracingContract]: FundTracingContract[K] extends (
    ctx: Context,
    r: string,
  ) => Promise<string>
    ? K
    : never;
}[keyof FundTracingContract];

function staff(mspId: string, name: string, dept: string | undefined, role: string): TestIdentity {
  const attrs: Record<string, string> = { 'gov.role': role };
  if (dept) attrs['gov.dept'] = dept;
  return { mspId, name, attrs };
}

/** A pseudonymous id made of one repeated hex pair. */
export const pid = (pair: string): string => pair.repeat(32);

/** The identities used in the tests. */
export const who = {
  financeA: staff('CityAMSP', 'finance-a', 'finance', 'officer'),
  financeB: staff('CityBMSP', 'finance-b', 'finance', 'officer'),
  housingA: staff('CityAMSP', 'officer-housing-a', 'housing', 'officer'),
  socialA: staff('CityAMSP', 'officer-social-a', 'social', 'officer'),
  industryA: staff('CityAMSP', 'officer-industry-a', 'industry', 'officer'),
  housingB: staff('CityBMSP', 'officer-housing-b', 'housing', 'officer'),
  legalB: staff('CityBMSP', 'legal-officer-b', 'housing', 'legal-officer'),
  issuerA: staff('CityAMSP', 'issuer-a', 'market', 'issuer'),
  auditorA: staff('CityAMSP', 'auditor-a', 'audit', 'auditor'),
  auditorB: staff('CityBMSP', 'auditor-b', 'audit', 'auditor'),
  auditorOffice: staff('AuditMSP', 'auditor-audit', 'audit', 'auditor'),
  adminA: staff('CityAMSP', 'admin-a', undefined, 'admin'),
  ballotBoxA: staff('CityAMSP', 'ballot-box-a', undefined, 'ballot-box'),
  enterpriseA1: {
    mspId: 'CityAMSP',
    name: 'enterprise-a1',
    attrs: { 'gov.role': 'enterprise', 'gov.pid': pid('e1') },
  },
  enterpriseB1: {
    mspId: 'CityBMSP',
    name: 'enterprise-b1',
    attrs: { 'gov.role': 'enterprise', 'gov.pid': pid('e2') },
  },
  citizenA1: {
    mspId: 'CityAMSP',
    name: 'citizen-a1',
    attrs: { 'gov.role': 'citizen', 'gov.pid': pid('c1') },
  },
  citizenA2: {
    mspId: 'CityAMSP',
    name: 'citizen-a2',
    attrs: { 'gov.role': 'citizen', 'gov.pid': pid('c2') },
  },
  /** A citizen certificate carrying an enterprise's pid (wrong kind for an enterprise recipient). */
  citizenWithE1: { mspId: 'CityAMSP', name: 'odd', attrs: { 'gov.role': 'citizen', 'gov.pid': pid('e1') } },
} satisfies Record<string, TestIdentity>;

/** Account-number hashes. */
export const acct = (n: number): string => sha256Hex(`account-${n}`);
/** A document hash. */
export const doc = (n: number): string => sha256Hex(`document-${n}`);

/** Default rules: warn on categories, block the cap, warn on split payments, block after end, warn unspent. */
export function rules(overrides: Partial<RulesConfigInput> = {}): RulesConfigInput {
  return {
    category: { mode: 'warn' },
    recipientCap: { mode: 'block', cap: '5000000' },
    splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
    afterEnd: { mode: 'block' },
    unspent: { mode: 'warn', days: 30 },
    ...overrides,
  };
}

/** A CreateProgram request for 2026 with a budget of 100 000 000 fen. */
export function programRequest(overrides: Partial<CreateProgramInput> = {}): CreateProgramInput {
  return {
    programId: 'P1',
    name: 'Industrial upgrade subsidy 2026',
    fiscalYear: 2026,
    totalBudget: '100000000',
    categories: ['equipment', 'training'],
    startDate: '2026-01-01T00:00:00Z',
    endDate: '2026-12-31T23:59:59Z',
    coSign: { threshold: '2000000', by: 'finance' },
    rules: rules(),
    ...overrides,
  };
}

/** A ledger and the contract, with JSON in and out. */
export class World {
  readonly ledger: TestLedger;
  readonly contract = new FundTracingContract();

  constructor(start = '2026-02-01T00:00:00Z') {
    this.ledger = new TestLedger(start);
  }

  /** Submits a transaction and returns its decoded result. */
  async submit<T = Record<string, unknown>>(
    identity: TestIdentity,
    fn: TxName,
    request: unknown,
    options?: TxOptions,
  ): Promise<T> {
    const json = typeof request === 'string' ? request : JSON.stringify(request);
    const out = await this.ledger.submit(identity, (ctx) => this.contract[fn](ctx, json), options);
    return JSON.parse(out) as T;
  }

  /** Evaluates a query and returns its decoded result. */
  async evaluate<T = Record<string, unknown>>(
    identity: TestIdentity,
    fn: TxName,
    request: unknown,
    options?: TxOptions,
  ): Promise<T> {
    const json = typeof request === 'string' ? request : JSON.stringify(request);
    const out = await this.ledger.evaluate(identity, (ctx) => this.contract[fn](ctx, json), options);
    return JSON.parse(out) as T;
  }

  /** Submits a transaction that must be refused; asserts nothing was written and no event emitted. */
  async refused(identity: TestIdentity, fn: TxName, request: unknown, options?: TxOptions): Promise<Refusal> {
    const before = this.ledger.snapshot();
    const events = this.ledger.events.length;
    const r = await refusal(this.submit(identity, fn, request, options));
    expect(this.ledger.snapshot()).toEqual(before);
    expect(this.ledger.events.length).toBe(events);
    return r;
  }

  /**
   * Submits a write that must be refused AND recorded (issue 19): it commits a refused attempt
   * and its high-severity alert, emits AlertRaised, and changes nothing else (no existing key,
   * so balances and totals are untouched). Returns the refusal (code, status, message, alert id).
   */
  async recordedRefusal(
    identity: TestIdentity,
    fn: TxName,
    request: unknown,
    options?: TxOptions,
  ): Promise<RecordedRefusal> {
    const before = this.ledger.snapshot();
    const events = this.ledger.events.length;
    const out = await this.submit<RecordedRefusal & { outcome: string }>(identity, fn, request, options);
    expect(out.outcome).toBe('refused');
    const after = this.ledger.snapshot();
    for (const [k, v] of Object.entries(before)) expect(after[k]).toBe(v);
    const added = Object.keys(after).filter((k) => !(k in before));
    const types = new Set(added.map((k) => k.split('\u0000')[1]));
    expect([...types].sort()).toEqual(
      ['alert', 'alert~prog', 'alert~rec', 'alert~sev', 'alert~status', 'refused', 'refused~prog'].filter(
        (t) => types.has(t),
      ),
    );
    expect(types.has('refused')).toBe(true);
    expect(types.has('alert')).toBe(true);
    expect(this.ledger.events.length).toBe(events + 1);
    const event = this.lastEvent();
    expect(event.name).toBe('AlertRaised');
    expect(event.payload).toMatchObject({
      alerts: [{ alertId: out.alertId, severity: 'high' }],
      source: { event: 'PaymentRefused', payload: { attemptId: out.attempt.attemptId, code: out.code } },
    });
    return {
      code: out.code,
      status: out.status,
      message: out.message,
      alertId: out.alertId,
      attempt: out.attempt,
    };
  }

  /** Evaluates a query that must be refused. */
  async queryRefused(identity: TestIdentity, fn: TxName, request: unknown): Promise<Refusal> {
    return refusal(this.evaluate(identity, fn, request));
  }

  /** The last committed event. */
  lastEvent(): { name: string; payload: Record<string, unknown> } {
    const e = this.ledger.events[this.ledger.events.length - 1];
    if (!e) throw new Error('no event');
    return { name: e.name, payload: e.payload as Record<string, unknown> };
  }

  /**
   * The standard set-up: program P1 (City A finance), allocation A1 of 10 000 000
   * to City A housing, enterprise recipient e1 with accounts 1 and 2.
   */
  async setup(program: Partial<CreateProgramInput> = {}): Promise<void> {
    await this.submit(who.financeA, 'CreateProgram', programRequest(program));
    await this.submit(who.financeA, 'AllocateFunds', {
      allocationId: 'A1',
      programId: program.programId ?? 'P1',
      mspId: 'CityAMSP',
      dept: 'housing',
      amount: '10000000',
    });
    await this.submit(who.housingA, 'RegisterRecipient', {
      programId: program.programId ?? 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: pid('e1'),
      kind: 'enterprise',
      accountHashes: [acct(1), acct(2)],
    });
  }

  /** Disburses from A1 to e1 on account 1 for equipment. */
  async disburse(disbursementId: string, amount: string, options?: TxOptions): Promise<DisburseOut> {
    return this.submit<DisburseOut>(
      who.housingA,
      'Disburse',
      disbursementRequest(disbursementId, amount),
      options,
    );
  }
}

/** A Disburse request from A1 to e1 on account 1 for equipment. */
export function disbursementRequest(
  disbursementId: string,
  amount: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    disbursementId,
    allocationId: 'A1',
    recipientMspId: 'CityAMSP',
    recipientPid: pid('e1'),
    accountHash: acct(1),
    category: 'equipment',
    amount,
    documentsHash: doc(1),
    ...overrides,
  };
}

/** A RecordSpend request. */
export function spendRequest(
  spendId: string,
  disbursementId: string,
  amount: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    spendId,
    disbursementId,
    payeeId: 'supplier-91310000',
    amount,
    category: 'equipment',
    invoiceHash: doc(99),
    ...overrides,
  };
}

/** A refused and recorded write (see World.recordedRefusal). */
export interface RecordedRefusal extends Refusal {
  alertId: string;
  attempt: {
    attemptId: string;
    transaction: string;
    rule: string;
    code: string;
    alertId: string;
    by: { mspId: string; dept?: string };
    subject?: { mspId: string; pid: string };
    amount?: string;
    category?: string;
    details?: unknown;
    records: Array<{ kind: string; id: string }>;
  };
}

/** What Disburse, CoSignDisbursement and RejectDisbursement return. */
export interface DisburseOut {
  disbursement: {
    disbursementId: string;
    status: string;
    amount: string;
    paidAt?: string;
    allocationId: string;
  };
  alerts: Array<{
    alertId: string;
    rule: string;
    severity: string;
    records: Array<{ kind: string; id: string }>;
  }>;
}
