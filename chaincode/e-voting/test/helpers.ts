/** Shared test fixtures: identities, a typed transaction caller and election builders. */
import { createHash } from 'crypto';
import { TestLedger, refusal, type TestIdentity, type TxOptions } from '@govledger/chaincode-common/testing';
import { EVotingContract, voterReceipt, type Subject } from '../src';

/** The contract under test. */
export const contract = new EVotingContract();

/** Transaction names of the contract. */
export type TxName =
  | 'CreateElection'
  | 'RegisterVoters'
  | 'RegisterAuthorityKey'
  | 'RequestToken'
  | 'IssueToken'
  | 'CastBallot'
  | 'CastSecretBallots'
  | 'TallyElection'
  | 'VerifyTally'
  | 'GetElection'
  | 'ListElections'
  | 'GetVoterStatus'
  | 'GetReceipt'
  | 'ListBallots'
  | 'GetTally';

/** A demo pid: the SHA-256 of the user's name. */
export function pidOf(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function citizen(mspId: string, name: string, extra: Record<string, string> = {}): TestIdentity {
  return { mspId, name, attrs: { 'gov.role': 'citizen', 'gov.pid': pidOf(name), ...extra } };
}

/** The identities of network/consortium.json, plus a few edge cases. */
export const who = {
  adminA: {
    mspId: 'CityAMSP',
    name: 'election-admin-a',
    attrs: { 'gov.dept': 'civil', 'gov.role': 'election-admin' },
  },
  adminB: {
    mspId: 'CityBMSP',
    name: 'election-admin-b',
    attrs: { 'gov.dept': 'civil', 'gov.role': 'election-admin' },
  },
  issuerA: { mspId: 'CityAMSP', name: 'issuer-a', attrs: { 'gov.dept': 'market', 'gov.role': 'issuer' } },
  auditorB: { mspId: 'CityBMSP', name: 'auditor-b', attrs: { 'gov.dept': 'audit', 'gov.role': 'auditor' } },
  ballotBoxA: { mspId: 'CityAMSP', name: 'ballot-box-a', attrs: { 'gov.role': 'ballot-box' } },
  ballotBoxB: { mspId: 'CityBMSP', name: 'ballot-box-b', attrs: { 'gov.role': 'ballot-box' } },
  a1: citizen('CityAMSP', 'citizen-a1'),
  a2: citizen('CityAMSP', 'citizen-a2'),
  a3: citizen('CityAMSP', 'citizen-a3'),
  b1: citizen('CityBMSP', 'citizen-b1'),
  b2: citizen('CityBMSP', 'citizen-b2'),
  northA: citizen('CityAMSP', 'citizen-north', { 'gov.community': 'north' }),
  enterpriseA1: {
    mspId: 'CityAMSP',
    name: 'enterprise-a1',
    attrs: { 'gov.role': 'enterprise', 'gov.pid': pidOf('enterprise-a1') },
  },
  noPid: { mspId: 'CityAMSP', name: 'citizen-nopid', attrs: { 'gov.role': 'citizen' } },
} satisfies Record<string, TestIdentity>;

/** The pid in a citizen identity's certificate. */
export function pid(identity: TestIdentity): string {
  const value = identity.attrs?.['gov.pid'];
  if (!value) throw new Error(`${identity.name} has no pid`);
  return value;
}

type Fn = (ctx: Parameters<EVotingContract['CreateElection']>[0], request: string) => Promise<string>;

function fn(name: TxName): Fn {
  return (contract[name] as Fn).bind(contract);
}

/** A citizen identity as a voter: (home MSP, pid). */
export function subject(identity: TestIdentity): Subject {
  return { mspId: identity.mspId, pid: pid(identity) };
}

/** The receipt of a voter's open ballot. */
export function receipt(identity: TestIdentity): string {
  return voterReceipt(subject(identity));
}

/** Submits a transaction with a JSON request and parses its JSON result. */
export async function submit<T = Record<string, unknown>>(
  ledger: TestLedger,
  identity: TestIdentity,
  name: TxName,
  request: unknown,
  options: TxOptions = {},
): Promise<T> {
  const text = typeof request === 'string' ? request : JSON.stringify(request);
  return JSON.parse(await ledger.submit(identity, (ctx) => fn(name)(ctx, text), options)) as T;
}

/** Evaluates a query with a JSON request and parses its JSON result. */
export async function evaluate<T = Record<string, unknown>>(
  ledger: TestLedger,
  identity: TestIdentity,
  name: TxName,
  request: unknown,
  options: TxOptions = {},
): Promise<T> {
  const text = typeof request === 'string' ? request : JSON.stringify(request);
  return JSON.parse(await ledger.evaluate(identity, (ctx) => fn(name)(ctx, text), options)) as T;
}

/**
 * Submits a transaction that must be refused and asserts its code and status,
 * that nothing was written and that no event was emitted. Returns the message.
 */
export async function expectRefused(
  ledger: TestLedger,
  identity: TestIdentity,
  name: TxName,
  request: unknown,
  expected: { code: string; status: number },
  options: TxOptions = {},
): Promise<string> {
  const before = ledger.snapshot();
  const events = ledger.events.length;
  const r = await refusal(submit(ledger, identity, name, request, options));
  expect({ code: r.code, status: r.status }).toEqual(expected);
  expect(ledger.snapshot()).toEqual(before);
  expect(ledger.events.length).toBe(events);
  return r.message;
}

/** Times of the standard schedule (all on 2026-03-01, UTC). */
export const T = {
  create: '2026-03-01T08:00:00.000Z',
  beforeOpen: '2026-03-01T08:30:00.000Z',
  opens: '2026-03-01T09:00:00.000Z',
  during: '2026-03-01T12:00:00.000Z',
  lastMs: '2026-03-01T16:59:59.999Z',
  closes: '2026-03-01T17:00:00.000Z',
  after: '2026-03-01T18:00:00.000Z',
} as const;

/** A single-choice open election on a roll, with overrides. */
export function openElection(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    electionId: 'E-OPEN-1',
    title: 'Park renovation: which design?',
    ballot: {
      kind: 'single',
      options: [
        { id: 'design-a', label: 'Design A' },
        { id: 'design-b', label: 'Design B' },
        { id: 'design-c', label: 'Design C' },
      ],
    },
    opensAt: T.opens,
    closesAt: T.closes,
    eligibility: { kind: 'roll' },
    quorum: { kind: 'none' },
    passThresholdPerMille: 0,
    mode: { kind: 'open', secondBallot: 'refuse' },
    ...overrides,
  };
}

/** A fresh ledger whose clock starts at the creation time. */
export function newLedger(): TestLedger {
  return new TestLedger(T.create);
}
