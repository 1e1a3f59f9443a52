/**
 * Test harness: identities of the consortium, a ledger with the contract, and
 * helpers that call transactions with JSON and assert refusals leave the
 * ledger (public state, private data, events) untouched.
 */
import './quiet-logs';
import type { Context } from 'fabric-contract-api';
import { saltedHash, sha256Hex, type Subject } from '@govledger/chaincode-common';
import {
  TestLedger,
  refusal,
  type Refusal,
  type TestIdentity,
  type TxOptions,
} from '@govledger/chaincode-common/testing';
import { ELicenceContract } from '../src';
import type { Licence } from '../src';
import type { eLicence } from '@govledger/wire';

/** The licensing cities of network/consortium.json (`"licensing": true`) before any is added. */
export const LICENSING_CITIES: readonly string[] = ['CityAMSP', 'CityBMSP'];

/** A pseudonymous id derived from a name (64 lower-case hex). */
export function pid(name: string): string {
  return sha256Hex(`pid:${name}`);
}

/** A holder or applicant: (home MSP, pid) of a named identity (`-b` names are City B's). */
export function holder(name: string, mspId = /-b\d*$/.test(name) ? 'CityBMSP' : 'CityAMSP'): Subject {
  return { mspId, pid: pid(name) };
}

/** Private-collection key of a licence's private record with a given hash. */
export const PKEY = (id: string, hash: string): string =>
  `\u0000licencePrivate\u0000${id}\u0000${hash}\u0000`;

/** A deterministic 32-hex-character salt. */
export function salt(seed: string): string {
  return sha256Hex(`salt:${seed}`).slice(0, 32);
}

/** A document hash. */
export function doc(name: string): string {
  return sha256Hex(`document:${name}`);
}

function user(mspId: string, name: string, attrs: Record<string, string>): TestIdentity {
  return { mspId, name, attrs };
}

/** Identities as in network/consortium.json (plus a few extra for negative tests). */
export const ID = {
  adminA: user('CityAMSP', 'admin-a', { 'gov.role': 'admin' }),
  adminB: user('CityBMSP', 'admin-b', { 'gov.role': 'admin' }),
  adminAudit: user('AuditMSP', 'admin-audit', { 'gov.role': 'admin' }),
  issuerA: user('CityAMSP', 'issuer-a', { 'gov.dept': 'market', 'gov.role': 'issuer' }),
  issuerFireA: user('CityAMSP', 'issuer-fire-a', { 'gov.dept': 'fire', 'gov.role': 'issuer' }),
  issuerB: user('CityBMSP', 'issuer-b', { 'gov.dept': 'market', 'gov.role': 'issuer' }),
  approverMarketA: user('CityAMSP', 'approver-market-a', { 'gov.dept': 'market', 'gov.role': 'approver' }),
  approverFireA: user('CityAMSP', 'approver-fire-a', { 'gov.dept': 'fire', 'gov.role': 'approver' }),
  approverEnvA: user('CityAMSP', 'approver-env-a', { 'gov.dept': 'environment', 'gov.role': 'approver' }),
  approverIndustryA: user('CityAMSP', 'approver-industry-a', {
    'gov.dept': 'industry',
    'gov.role': 'approver',
  }),
  approverNoDeptA: user('CityAMSP', 'approver-nodept-a', { 'gov.role': 'approver' }),
  approverFireB: user('CityBMSP', 'approver-fire-b', { 'gov.dept': 'fire', 'gov.role': 'approver' }),
  officerHousingA: user('CityAMSP', 'officer-housing-a', { 'gov.dept': 'housing', 'gov.role': 'officer' }),
  officerFireA: user('CityAMSP', 'officer-fire-a', { 'gov.dept': 'fire', 'gov.role': 'officer' }),
  auditorA: user('CityAMSP', 'auditor-a', { 'gov.dept': 'audit', 'gov.role': 'auditor' }),
  auditorB: user('CityBMSP', 'auditor-b', { 'gov.dept': 'audit', 'gov.role': 'auditor' }),
  citizenA1: user('CityAMSP', 'citizen-a1', { 'gov.role': 'citizen', 'gov.pid': pid('citizen-a1') }),
  citizenA2: user('CityAMSP', 'citizen-a2', { 'gov.role': 'citizen', 'gov.pid': pid('citizen-a2') }),
  citizenNoPidA: user('CityAMSP', 'citizen-nopid-a', { 'gov.role': 'citizen' }),
  enterpriseA1: user('CityAMSP', 'enterprise-a1', {
    'gov.role': 'enterprise',
    'gov.pid': pid('enterprise-a1'),
  }),
  enterpriseA2: user('CityAMSP', 'enterprise-a2', {
    'gov.role': 'enterprise',
    'gov.pid': pid('enterprise-a2'),
  }),
  citizenB1: user('CityBMSP', 'citizen-b1', { 'gov.role': 'citizen', 'gov.pid': pid('citizen-b1') }),
  enterpriseB1: user('CityBMSP', 'enterprise-b1', {
    'gov.role': 'enterprise',
    'gov.pid': pid('enterprise-b1'),
  }),
} as const;

/** The transactions of the contract (methods taking ctx and one JSON string). */
export type TxName = {
  [K in keyof ELicenceContract]: ELicenceContract[K] extends (ctx: Context, json: string) => Promise<string>
    ? K
    : never;
}[keyof ELicenceContract];

/** Licence type codes used by the tests. */
export const T = {
  /** City A business licence: enterprise, market, 5 years, three approvals. */
  ABiz: 'A-BIZ',
  /** City A professional qualification: person, market, permanent, direct issue only. */
  APro: 'A-PRO',
  /** City B business licence: enterprise, market, 3 years, direct issue only. */
  BBiz: 'B-BIZ',
} as const;

/** The claims of A-BIZ. */
export const BIZ_CLAIMS = {
  companyName: 'Acme Trading Ltd',
  registeredCapital: '5000000.00',
  businessScope: 'retail',
};

/** A private record input (transient licencePrivate) for the given claims. */
export function privateInput(
  claims: Record<string, string>,
  seed = 'p',
  holder: Record<string, string> = { legalName: 'Zhang San', idNumber: '110101199001011234' },
): { holder: Record<string, string>; claims: Record<string, { value: string; salt: string }>; salt: string } {
  const out: Record<string, { value: string; salt: string }> = {};
  for (const [k, v] of Object.entries(claims)) out[k] = { value: v, salt: salt(`${seed}:${k}`) };
  return { holder, claims: out, salt: salt(`${seed}:record`) };
}

/** The salted hash a claim of {@link privateInput} gets. */
export function claimHash(seed: string, name: string, value: string): string {
  return saltedHash(salt(`${seed}:${name}`), value);
}

/** Options of a harness call: the ledger's, and `direct` to skip the staging step. */
export interface CallOptions extends TxOptions {
  /** Send the public transaction alone, without staging its private record first. */
  direct?: boolean;
}

/** The staging step a public transaction needs first, as the gateway sends it. */
interface StageStep {
  tx: TxName;
  req: Record<string, unknown>;
  /** Whether the public request gets the staged hashes. */
  carriesHashes: boolean;
}

function stageStepOf(tx: TxName, req: unknown): StageStep | undefined {
  if (typeof req !== 'object' || req === null || Array.isArray(req)) return undefined;
  const r = req as Record<string, unknown>;
  if ('privateDataHash' in r) return undefined;
  switch (tx) {
    case 'IssueLicence':
      return {
        tx: 'StageLicencePrivateData',
        req: { purpose: 'issue', licenceId: r.licenceId, typeCode: r.typeCode },
        carriesHashes: true,
      };
    case 'AmendLicence':
      return {
        tx: 'StageLicencePrivateData',
        req: { purpose: 'amend', licenceId: r.licenceId },
        carriesHashes: true,
      };
    case 'RenewLicence':
      return {
        tx: 'StageLicencePrivateData',
        req: { purpose: 'renew', licenceId: r.licenceId, newLicenceId: r.newLicenceId },
        carriesHashes: false,
      };
    case 'SubmitApplication':
      return {
        tx: 'StageApplicationPrivateData',
        req: {
          applicationId: r.applicationId,
          typeCode: r.typeCode,
          ...(r.issuingMsp === undefined ? {} : { issuingMsp: r.issuingMsp }),
        },
        carriesHashes: true,
      };
    default:
      return undefined;
  }
}

/** A ledger with the contract, and helpers to call it. */
export class Harness {
  readonly ledger = new TestLedger('2026-01-01T00:00:00Z');
  readonly contract = new ELicenceContract();

  /**
   * `licensingCities`: the MSP ids whose licence collection the committed chaincode definition
   * has (as generated from network/consortium.json's licensing cities); a private data call on
   * any other collection fails as on Fabric.
   */
  constructor(licensingCities: readonly string[] = LICENSING_CITIES) {
    this.ledger.definedCollections = new Set(licensingCities.map((m) => `licencePrivate_${m}`));
  }

  /**
   * For IssueLicence, AmendLicence, RenewLicence and SubmitApplication sent
   * without hashes, runs the private-only staging step first, as the gateway
   * does: with the transient data, on the given peer (default: the caller's
   * organisation's); then returns the public request (with the staged hashes)
   * and its options (no transient data, the public step's peer). A refused
   * staging step is thrown as the call's refusal.
   */
  private async stage(
    who: TestIdentity,
    tx: TxName,
    req: unknown,
    options: CallOptions,
  ): Promise<{ req: unknown; options: TxOptions }> {
    const { direct, ...txOptions } = options;
    const step = direct ? undefined : stageStepOf(tx, req);
    if (!step) return { req, options: txOptions };
    const stageJson = JSON.stringify(step.req);
    // the staging step runs at the public step's time and leaves the ledger clock alone
    const clockMs = Reflect.get(this.ledger, 'clockMs') as number;
    const time = txOptions.time ?? new Date(clockMs + 1000).toISOString();
    const staged = JSON.parse(
      await this.ledger.submit(who, (ctx) => this.contract[step.tx](ctx, stageJson), { ...txOptions, time }),
    ) as eLicence.StagedPrivateRecord;
    const { transient: _transient, peerMspId: _peer, ...rest } = txOptions;
    const publicReq = step.carriesHashes
      ? { ...(req as object), privateDataHash: staged.privateDataHash, claimHashes: staged.claimHashes }
      : req;
    return { req: publicReq, options: rest };
  }

  /** Submits a transaction (after its staging step, see {@link stage}); the request is serialised unless it is a string already. */
  async submit<R = unknown>(
    who: TestIdentity,
    tx: TxName,
    req: unknown,
    options: CallOptions = {},
  ): Promise<R> {
    const call = await this.stage(who, tx, req, options);
    const json = typeof call.req === 'string' ? call.req : JSON.stringify(call.req);
    const out = await this.ledger.submit(who, (ctx) => this.contract[tx](ctx, json), call.options);
    return JSON.parse(out) as R;
  }

  /** Evaluates a transaction (writes discarded). */
  async evaluate<R = unknown>(
    who: TestIdentity,
    tx: TxName,
    req: unknown,
    options: TxOptions = {},
  ): Promise<R> {
    const json = typeof req === 'string' ? req : JSON.stringify(req);
    const out = await this.ledger.evaluate(who, (ctx) => this.contract[tx](ctx, json), options);
    return JSON.parse(out) as R;
  }

  /** Everything a refused transaction must leave unchanged. */
  fingerprint(): string {
    const priv: Record<string, Record<string, string | undefined>> = {};
    for (const c of this.ledger.definedCollections ?? []) {
      priv[c] = Object.fromEntries(this.ledger.privateKeys(c).map((k) => [k, this.ledger.getPrivate(c, k)]));
    }
    return JSON.stringify({ state: this.ledger.snapshot(), priv, events: this.ledger.events });
  }

  /**
   * Submits a transaction that must be refused, and checks that nothing was
   * written. A two-step call is refused at its staging step (which then writes
   * nothing) or at its public step (which then writes nothing beyond the
   * committed staging step).
   */
  async refused(who: TestIdentity, tx: TxName, req: unknown, options: CallOptions = {}): Promise<Refusal> {
    let before = this.fingerprint();
    let call: { req: unknown; options: TxOptions };
    try {
      call = await this.stage(who, tx, req, options);
    } catch (err) {
      expect(this.fingerprint()).toBe(before);
      return refusal(Promise.reject(err));
    }
    before = this.fingerprint();
    const json = typeof call.req === 'string' ? call.req : JSON.stringify(call.req);
    const r = await refusal(this.ledger.submit(who, (ctx) => this.contract[tx](ctx, json), call.options));
    expect(this.fingerprint()).toBe(before);
    return r;
  }

  /** Evaluates a query that must be refused. */
  async refusedQuery(who: TestIdentity, tx: TxName, req: unknown): Promise<Refusal> {
    const json = typeof req === 'string' ? req : JSON.stringify(req);
    return refusal(this.ledger.evaluate(who, (ctx) => this.contract[tx](ctx, json)));
  }

  /** The last event recorded. */
  lastEvent(): { name: string; payload: Record<string, unknown> } {
    const e = this.ledger.events[this.ledger.events.length - 1];
    if (!e) throw new Error('no event recorded');
    return { name: e.name, payload: e.payload as Record<string, unknown> };
  }

  /** Creates the test licence types A-BIZ, A-PRO (City A) and B-BIZ (City B). */
  async seedTypes(): Promise<void> {
    await this.submit(ID.adminA, 'CreateLicenceType', {
      code: T.ABiz,
      name: 'City A business licence',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'days', days: 1825 },
      claims: ['companyName', 'registeredCapital', 'businessScope'],
      requiredApprovals: ['market', 'fire', 'environment'],
    });
    await this.submit(ID.adminA, 'CreateLicenceType', {
      code: T.APro,
      name: 'City A professional qualification',
      dept: 'market',
      holderKind: 'person',
      validity: { kind: 'permanent' },
      claims: ['qualification', 'level'],
      requiredApprovals: [],
    });
    await this.submit(ID.adminB, 'CreateLicenceType', {
      code: T.BBiz,
      name: 'City B business licence',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'days', days: 1095 },
      claims: ['companyName', 'registeredCapital', 'businessScope'],
      requiredApprovals: [],
    });
  }

  /** Issues an A-BIZ licence to enterprise-a1 by issuer-a. */
  async issueBiz(
    licenceId: string,
    extra: Record<string, unknown> = {},
    options: CallOptions = {},
    seed = 'p',
  ): Promise<Licence> {
    return this.submit<Licence>(
      ID.issuerA,
      'IssueLicence',
      {
        licenceId,
        typeCode: T.ABiz,
        holder: holder('enterprise-a1'),
        documentHash: doc(licenceId),
        ...extra,
      },
      { transient: { licencePrivate: privateInput(BIZ_CLAIMS, seed) }, ...options },
    );
  }
}
