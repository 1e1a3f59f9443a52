/**
 * Test fixtures: the consortium's demo identities, a harness that runs the
 * contract's transactions on a TestLedger, and scenario builders.
 */
import type { Context } from 'fabric-contract-api';
import {
  TestLedger,
  refusal,
  type Refusal,
  type TestIdentity,
  type TxOptions,
} from '@govledger/chaincode-common/testing';
import { DataSharingContract } from '../src';

/** Names of the contract's transactions (methods taking ctx and one JSON string). */
export type TxName = {
  [K in keyof DataSharingContract]: DataSharingContract[K] extends (
    ctx: Context,
    request: string,
  ) => Promise<string>
    ? K
    : never;
}[keyof DataSharingContract];

function officer(mspId: string, name: string, dept: string, role = 'officer'): TestIdentity {
  return { mspId, name, attrs: { 'gov.dept': dept, 'gov.role': role } };
}

function citizen(mspId: string, name: string, pid: string): TestIdentity {
  return { mspId, name, attrs: { 'gov.role': 'citizen', 'gov.pid': pid } };
}

/** Pseudonymous ids (64 lower-case hex). */
export const PID = {
  a1: 'a1'.repeat(32),
  a2: 'a2'.repeat(32),
  b1: 'b1'.repeat(32),
};

/** The demo citizens as subjects: home MSP and pid. */
export const CITIZEN = {
  a1: { mspId: 'CityAMSP', pid: PID.a1 },
  a2: { mspId: 'CityAMSP', pid: PID.a2 },
  b1: { mspId: 'CityBMSP', pid: PID.b1 },
};

/** The consortium's demo users (network/consortium.json). */
export const ID = {
  financeA: officer('CityAMSP', 'finance-a', 'finance'),
  socialA: officer('CityAMSP', 'officer-social-a', 'social'),
  housingA: officer('CityAMSP', 'officer-housing-a', 'housing'),
  housingB: officer('CityBMSP', 'officer-housing-b', 'housing'),
  financeB: officer('CityBMSP', 'finance-b', 'finance'),
  legalB: officer('CityBMSP', 'legal-officer-b', 'housing', 'legal-officer'),
  legalFinanceB: officer('CityBMSP', 'legal-officer-finance-b', 'finance', 'legal-officer'),
  issuerA: officer('CityAMSP', 'issuer-a', 'market', 'issuer'),
  auditorA: officer('CityAMSP', 'auditor-a', 'audit', 'auditor'),
  auditorOffice: officer('AuditMSP', 'auditor-audit', 'audit', 'auditor'),
  auditorB: officer('CityBMSP', 'auditor-b', 'audit', 'auditor'),
  adminA: { mspId: 'CityAMSP', name: 'admin-a', attrs: { 'gov.role': 'admin' } } as TestIdentity,
  officerNoDept: { mspId: 'CityAMSP', name: 'nodept', attrs: { 'gov.role': 'officer' } } as TestIdentity,
  citizenA1: citizen('CityAMSP', 'citizen-a1', PID.a1),
  citizenA2: citizen('CityAMSP', 'citizen-a2', PID.a2),
  citizenB1: citizen('CityBMSP', 'citizen-b1', PID.b1),
  /** A City B certificate carrying citizen A1's pid: another person for every rule. */
  twinOfA1: citizen('CityBMSP', 'twin-of-a1', PID.a1),
  citizenNoPid: { mspId: 'CityAMSP', name: 'citizen-x', attrs: { 'gov.role': 'citizen' } } as TestIdentity,
  enterpriseA1: {
    mspId: 'CityAMSP',
    name: 'enterprise-a1',
    attrs: { 'gov.role': 'enterprise', 'gov.pid': 'e1'.repeat(32) },
  } as TestIdentity,
};

/** A salt (hex) and the housing-fund category used throughout. */
export const SALT = '5a'.repeat(16);

/** Runs the contract's transactions on an in-memory ledger with Fabric semantics. */
export class Harness {
  readonly ledger: TestLedger;
  readonly contract = new DataSharingContract();

  constructor(start = '2026-01-01T00:00:00Z') {
    this.ledger = new TestLedger(start);
  }

  private call(name: TxName, ctx: Context, request: unknown): Promise<string> {
    const json = typeof request === 'string' ? request : JSON.stringify(request);
    const fn = this.contract[name] as (ctx: Context, request: string) => Promise<string>;
    return fn.call(this.contract, ctx, json);
  }

  /** Submits a transaction and decodes its JSON result. */
  async submit<T = Record<string, unknown>>(
    who: TestIdentity,
    name: TxName,
    request: unknown,
    options?: TxOptions,
  ): Promise<T> {
    return JSON.parse(await this.ledger.submit(who, (ctx) => this.call(name, ctx, request), options)) as T;
  }

  /** Evaluates a query and decodes its JSON result. */
  async evaluate<T = Record<string, unknown>>(
    who: TestIdentity,
    name: TxName,
    request: unknown,
    options?: TxOptions,
  ): Promise<T> {
    return JSON.parse(await this.ledger.evaluate(who, (ctx) => this.call(name, ctx, request), options)) as T;
  }

  /** Submits a transaction that must be refused; asserts nothing was written and no event emitted. */
  async refusedSubmit(
    who: TestIdentity,
    name: TxName,
    request: unknown,
    options?: TxOptions,
  ): Promise<Refusal> {
    const before = this.ledger.snapshot();
    const events = this.ledger.events.length;
    const r = await refusal(this.ledger.submit(who, (ctx) => this.call(name, ctx, request), options));
    expect(this.ledger.snapshot()).toEqual(before);
    expect(this.ledger.events).toHaveLength(events);
    return r;
  }

  /** Evaluates a query that must be refused. */
  refusedEvaluate(who: TestIdentity, name: TxName, request: unknown, options?: TxOptions): Promise<Refusal> {
    return refusal(this.ledger.evaluate(who, (ctx) => this.call(name, ctx, request), options));
  }

  /** Runs fn and returns the public keys it added, changed and removed. */
  async diff(fn: () => Promise<unknown>): Promise<{ added: string[]; changed: string[]; removed: string[] }> {
    const before = this.ledger.snapshot();
    await fn();
    const after = this.ledger.snapshot();
    return {
      added: Object.keys(after).filter((k) => !(k in before)),
      changed: Object.keys(after).filter((k) => k in before && before[k] !== after[k]),
      removed: Object.keys(before).filter((k) => !(k in after)),
    };
  }

  /** The last recorded event. */
  lastEvent(): { name: string; payload: Record<string, unknown> } {
    const e = this.ledger.events[this.ledger.events.length - 1];
    if (!e) throw new Error('no event recorded');
    return { name: e.name, payload: e.payload as Record<string, unknown> };
  }
}

/** Readable form of a composite key: its parts joined with '/'. */
export function readableKey(key: string): string {
  return key
    .split('\u0000')
    .filter((p) => p.length > 0)
    .join('/');
}

/** The housing-fund category held by City A's finance department. */
export const HOUSING_FUND = {
  code: 'HOUSING_FUND',
  description: 'Housing provident fund contributions',
  fields: ['monthsPaid', 'balance', 'employer', 'lastPayment'],
  sensitivity: 'high',
  serviceRef: 'https://finance.city-a.example/api/v1/housing-fund',
};

/** A special-category dataset held by City A's social department. */
export const HEALTH_RECORD = {
  code: 'DISABILITY_STATUS',
  description: 'Disability assessment outcome',
  fields: ['level', 'assessedAt'],
  sensitivity: 'special',
  serviceRef: 'grpcs://social.city-a.example:7443',
};

/** A consent of citizen A1 to City B's housing department on HOUSING_FUND. */
export function consentRequest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    grantee: { mspId: 'CityBMSP', dept: 'housing' },
    categoryCode: 'HOUSING_FUND',
    fields: ['monthsPaid', 'balance'],
    purpose: 'HOUSING_SUBSIDY',
    validFrom: '2026-01-01T00:00:00Z',
    validUntil: '2026-12-31T00:00:00Z',
    ...over,
  };
}

/** City B housing's access request for citizen A1's HOUSING_FUND data. */
export function accessRequest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    citizen: CITIZEN.a1,
    categoryCode: 'HOUSING_FUND',
    fields: ['monthsPaid'],
    purpose: 'HOUSING_SUBSIDY',
    ...over,
  };
}

/** A legal basis of City B housing on HOUSING_FUND. */
export function legalBasisRequest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    categoryCode: 'HOUSING_FUND',
    fields: ['monthsPaid', 'balance'],
    purpose: 'HOUSING_SUBSIDY',
    statuteReference: 'Housing Security Act §12(3)',
    validFrom: '2026-01-01T00:00:00Z',
    ...over,
  };
}

/**
 * Records a legal basis of City B housing over City A's HOUSING_FUND and has
 * City A finance (the holder) approve it; returns the basis as approved.
 */
export async function approvedLegalBasis(
  h: Harness,
  over: Record<string, unknown> = {},
  options?: TxOptions,
): Promise<Record<string, unknown>> {
  const recorded = await h.submit(ID.legalB, 'RecordLegalBasis', legalBasisRequest(over), options);
  return h.submit(
    ID.financeA,
    'DecideLegalBasis',
    { legalBasisId: recorded.legalBasisId, decision: 'approve' },
    options,
  );
}

/** A ledger with the HOUSING_FUND category registered by City A finance. */
export async function withCatalogue(start?: string): Promise<Harness> {
  const h = new Harness(start);
  await h.submit(ID.financeA, 'RegisterCategory', HOUSING_FUND, { time: '2025-12-01T00:00:00Z' });
  return h;
}
