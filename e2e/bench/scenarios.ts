/**
 * The representative write and read of each chaincode, with the set-up each needs.
 * Every request carries fresh ids (run id + a per-scenario counter), and writes are
 * spread so that concurrent workers never share a parent record unless the
 * chaincode itself makes them (which is what the benchmark is meant to reveal).
 *
 * Secret ballots are not measured: since the k-of-n election authorities (issue 15) a
 * ballot is accepted only with a token that k authorities recorded issuing to a voter on
 * the roll, so a load of ballots needs as many enrolled voters; an open-mode voter votes once.
 */
import { createHash, randomBytes } from 'crypto';
import type { Call, Client, PathName } from './clients';
import { OperationError } from './load';
import type { TapeSpec } from './tape';

export interface Scenario {
  name: string;
  chaincode: string;
  kind: 'write' | 'read';
  /** The chaincode function and who calls it, for the report. */
  describe: string;
  /** The call of one request of worker `worker`. */
  call(path: PathName, worker: number): Call;
  /** The same write as Tape sends it, or why Tape cannot send it. */
  tape?: TapeSpec | { unsupported: string };
  /**
   * Prepares what about `requests` calls will use (e.g. signed ballot tokens), before a
   * point starts, so that the preparation is not timed; calls beyond it prepare their own.
   */
  prepare?(requests: number): Promise<void>;
}

export interface SetupContext {
  run: string;
  /** The client the set-up uses (the direct path: fewer moving parts). */
  client: Client;
  /** The highest concurrency of the run: fund-tracing prepares one allocation per worker. */
  maxConcurrency: number;
  pidOf(user: string): string;
  log(message: string): void;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const salt = () => randomBytes(32).toString('hex');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const API = '/api/v1';

/** Runs `task` for 0..n-1 with at most `parallel` in flight. */
async function inParallel(n: number, parallel: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, parallel) }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
}

/**
 * True for the peer gateway's "no combination of peers can be derived which satisfy the
 * endorsement policy" (gRPC FAILED_PRECONDITION): on a network that has just come up, the peers
 * have not yet discovered each other by gossip, so a write that needs two organisations' peers
 * (the majority, or an owned record's "owner and one other" key-level policy) cannot be planned
 * for a few seconds.
 */
function peersNotYetDiscovered(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e.code === 9 &&
    typeof e.message === 'string' &&
    /no (combination of peers|peer combination)/.test(e.message)
  );
}

/** A submit used in set-up, retried on MVCC conflicts, not-yet-visible reads and peers not yet discovered. */
async function setupCall<T>(
  client: Client,
  c: Omit<Call, 'mode' | 'http'>,
  mode: Call['mode'] = 'submit',
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.call<T>({ ...c, mode, http: { method: 'POST', path: '/' } });
    } catch (err) {
      const retriable =
        (err instanceof OperationError && /CONFLICT|commit-|NOT_FOUND|NOT_OPEN/.test(err.kind)) ||
        peersNotYetDiscovered(err);
      if (!retriable || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

// ================================================================ e-licence

async function eLicence(ctx: SetupContext): Promise<Scenario[]> {
  const CC = 'e-licence';
  const typeCode = `BENCH-LIC-${ctx.run}`;
  await setupCall(ctx.client, {
    user: 'admin-a',
    chaincode: CC,
    fn: 'CreateLicenceType',
    request: {
      code: typeCode,
      name: 'Benchmark permit (permanent, no approvals)',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'permanent' },
      claims: ['companyName'],
      requiredApprovals: [],
    },
  });
  const holder = { mspId: 'CityAMSP', pid: ctx.pidOf('enterprise-a1') };
  let n = 0;
  const issue = (licenceId: string): Call => {
    const licencePrivate = {
      holder: { legalName: `Bench Trading ${licenceId}` },
      claims: { companyName: { value: `Bench Trading ${licenceId}`, salt: salt() } },
      salt: salt(),
    };
    const request = { licenceId, typeCode, holder, documentHash: sha256(`%PDF ${licenceId}`) };
    return {
      user: 'issuer-a',
      chaincode: CC,
      fn: 'IssueLicence',
      mode: 'submit',
      request,
      stage: {
        fn: 'StageLicencePrivateData',
        request: { purpose: 'issue', licenceId, typeCode },
        transient: { licencePrivate },
      },
      http: { method: 'POST', path: `${API}/licences`, body: { ...request, licencePrivate } },
    };
  };
  const verifiedId = `BL-${ctx.run}-verify`;
  await setupCall(ctx.client, issue(verifiedId));
  return [
    {
      name: 'licence.issue',
      chaincode: CC,
      kind: 'write',
      describe:
        'StageLicencePrivateData on City A then IssueLicence by the majority (verify-by-hash; permanent type, no approvals)',
      call: () => issue(`BL-${ctx.run}-${n++}`),
      tape: {
        unsupported:
          'issuing needs a staging transaction with transient private data, which Tape cannot send',
      },
    },
    {
      name: 'licence.verify',
      chaincode: CC,
      kind: 'read',
      describe: 'VerifyLicence by officer-housing-b (City B)',
      call: () => ({
        user: 'officer-housing-b',
        chaincode: CC,
        fn: 'VerifyLicence',
        mode: 'evaluate',
        request: { licenceId: verifiedId },
        http: { method: 'POST', path: `${API}/licences/${verifiedId}/verification`, body: {} },
      }),
    },
  ];
}

// ================================================================ data-sharing

async function dataSharing(ctx: SetupContext): Promise<Scenario[]> {
  const CC = 'data-sharing';
  const categoryCode = `BENCH-CAT-${ctx.run}`;
  const grantee = { mspId: 'CityBMSP', dept: 'housing' };
  await setupCall(ctx.client, {
    user: 'officer-social-a',
    chaincode: CC,
    fn: 'RegisterCategory',
    request: {
      code: categoryCode,
      description: 'Benchmark category',
      fields: ['monthlyBase', 'contributionStatus'],
      sensitivity: 'high',
      serviceRef: 'https://social.city-a.example/api/v1/records',
    },
  });
  // a citizen is their home MSP and pid: citizen-a1 is a City A citizen
  const citizen = { mspId: 'CityAMSP', pid: ctx.pidOf('citizen-a1') };
  let n = 0;
  // A citizen may hold at most 20 live consents per grantee department and category,
  // and GrantConsent range-reads that set (a phantom-read conflict between concurrent
  // grants of one citizen to one department). Each worker grants to its own
  // departments, a new one every 18 grants, as many citizens granting would.
  const grantsOf = new Map<number, number>();
  const granteeOf = (worker: number) => {
    const k = grantsOf.get(worker) ?? 0;
    grantsOf.set(worker, k + 1);
    return { mspId: 'CityBMSP', dept: `bench-w${worker}-${Math.floor(k / 18)}` };
  };
  const grant = (consentId: string, to = grantee): Call => {
    const body = {
      consentId,
      grantee: to,
      categoryCode,
      fields: ['contributionStatus'],
      purpose: 'HOUSING_SUBSIDY',
      validFrom: iso(Date.now() - 60_000),
      validUntil: iso(Date.now() + 30 * 86_400_000),
    };
    return {
      user: 'citizen-a1',
      chaincode: CC,
      fn: 'GrantConsent',
      mode: 'submit',
      request: body,
      http: { method: 'POST', path: `${API}/consents`, body },
    };
  };
  const consentId = `BC-${ctx.run}-access`;
  await setupCall(ctx.client, grant(consentId));
  const accessBody = (accessId: string) => ({
    accessId,
    citizen,
    categoryCode,
    fields: ['contributionStatus'],
    purpose: 'HOUSING_SUBSIDY',
    consentId,
  });
  return [
    {
      name: 'consent.grant',
      chaincode: CC,
      kind: 'write',
      describe: 'GrantConsent by citizen-a1 (new consent each time; each worker to its own departments)',
      call: (_path, worker) => grant(`BC-${ctx.run}-${n++}`, granteeOf(worker)),
      // Tape watches commits through the peer's Deliver with the same identity it signs with, and a
      // citizen's certificate may not read the channel (README, Who can read the channel)
      tape: {
        unsupported: "Tape reads blocks as the signer, and a citizen's certificate may not read the channel",
      },
    },
    {
      name: 'access.request',
      chaincode: CC,
      kind: 'write',
      describe: "RequestAccess by officer-housing-b under one consent of citizen-a1's (no use limit)",
      tape: {
        user: 'officer-housing-b',
        fn: 'RequestAccess',
        argument: JSON.stringify(accessBody(`BA-${ctx.run}-uuid`)),
      },
      call: () => {
        const body = accessBody(`BA-${ctx.run}-${n++}`);
        return {
          user: 'officer-housing-b',
          chaincode: CC,
          fn: 'RequestAccess',
          mode: 'submit',
          request: body,
          http: { method: 'POST', path: `${API}/access-requests`, body },
        };
      },
    },
  ];
}

// ================================================================ fund-tracing

async function fundTracing(ctx: SetupContext): Promise<Scenario[]> {
  const CC = 'fund-tracing';
  const now = Date.now();
  const program = (programId: string) => ({
    programId,
    name: `Benchmark program ${programId}`,
    fiscalYear: new Date(now).getUTCFullYear(),
    totalBudget: '1000000000000000',
    categories: ['equipment', 'training'],
    startDate: iso(now - 86_400_000),
    endDate: iso(now + 30 * 86_400_000),
    coSign: { threshold: '1000000000', by: 'finance' },
    rules: {
      category: { mode: 'warn' },
      recipientCap: { mode: 'block', cap: '1000000000000000' },
      splitPayment: { mode: 'off', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
      afterEnd: { mode: 'block' },
      unspent: { mode: 'off', days: 90 },
    },
  });
  // one program and allocation per worker (plus one for the trace), so that workers never
  // contend on a parent: what remains is the chaincode's own key design. The recipient is
  // registered in every program (its totals are per program), so that a slot is named by
  // its number alone, as Tape's `randomNumber` template needs.
  const slots = ctx.maxConcurrency + 1;
  const slot = (i: number | string) => ({
    programId: `BP-${ctx.run}-${i}`,
    allocationId: `BAL-${ctx.run}-${i}`,
    recipientPid: sha256(`bench recipient ${ctx.run}`),
    accountHash: sha256(`bench account ${ctx.run}`),
  });
  const submit = (user: string, fn: string, request: unknown) =>
    setupCall(ctx.client, { user, chaincode: CC, fn, request });
  ctx.log(`fund-tracing: ${slots} programs, allocations and recipients`);
  await inParallel(slots, 16, async (i) => {
    await submit('finance-a', 'CreateProgram', program(slot(i).programId));
  });
  await inParallel(slots, 16, async (i) => {
    const s = slot(i);
    await submit('finance-a', 'AllocateFunds', {
      allocationId: s.allocationId,
      programId: s.programId,
      mspId: 'CityAMSP',
      dept: 'industry',
      amount: '100000000000000',
    });
  });
  await inParallel(slots, 16, async (i) => {
    const s = slot(i);
    await submit('officer-industry-a', 'RegisterRecipient', {
      programId: s.programId,
      recipientMspId: 'CityAMSP',
      recipientPid: s.recipientPid,
      kind: 'enterprise',
      accountHashes: [s.accountHash],
    });
  });
  let n = 0;
  const disburse = (worker: number | string, disbursementId: string): Call => {
    const s = slot(worker);
    const body = {
      disbursementId,
      allocationId: s.allocationId,
      recipientMspId: 'CityAMSP',
      recipientPid: s.recipientPid,
      accountHash: s.accountHash,
      category: 'equipment',
      amount: '100',
      documentsHash: sha256(`documents ${disbursementId}`),
    };
    return {
      user: 'officer-industry-a',
      chaincode: CC,
      fn: 'Disburse',
      mode: 'submit',
      request: body,
      http: { method: 'POST', path: `${API}/disbursements`, body },
    };
  };
  // the trace reads a fixed-size chain: its own program with three disbursements
  const traced = `BD-${ctx.run}-traced`;
  for (const id of [traced, `${traced}-2`, `${traced}-3`])
    await setupCall(ctx.client, disburse(slots - 1, id));
  return [
    {
      name: 'funds.disburse',
      chaincode: CC,
      kind: 'write',
      describe: 'Disburse by officer-industry-a, one allocation per worker (Tape: a random one of them)',
      call: (_path, worker) => disburse(worker, `BD-${ctx.run}-${n++}`),
      tape: {
        user: 'officer-industry-a',
        fn: 'Disburse',
        argument: JSON.stringify(
          disburse(`randomNumber0_${ctx.maxConcurrency}`, `BD-${ctx.run}-uuid`).request,
        ),
      },
    },
    {
      name: 'funds.disburse-hot',
      chaincode: CC,
      kind: 'write',
      describe: 'Disburse by officer-industry-a, every worker from the same allocation to the same recipient',
      call: () => disburse(0, `BD-${ctx.run}-${n++}`),
      tape: {
        user: 'officer-industry-a',
        fn: 'Disburse',
        argument: JSON.stringify(disburse(0, `BD-${ctx.run}-uuid`).request),
      },
    },
    {
      name: 'funds.trace',
      chaincode: CC,
      kind: 'read',
      describe: 'TraceFunds of a disbursement (program, allocation, 3 disbursements) by officer-industry-a',
      call: () => ({
        user: 'officer-industry-a',
        chaincode: CC,
        fn: 'TraceFunds',
        mode: 'evaluate',
        request: { kind: 'disbursement', id: traced },
        http: { method: 'GET', path: `${API}/trace/disbursement/${traced}` },
      }),
    },
  ];
}

// ================================================================ e-voting

async function eVoting(ctx: SetupContext): Promise<Scenario[]> {
  const CC = 'e-voting';
  const electionId = `BENCH-E-${ctx.run}`;
  const opensAt = Date.now() + 6_000;
  await setupCall(ctx.client, {
    user: 'election-admin-a',
    chaincode: CC,
    fn: 'CreateElection',
    request: {
      electionId,
      title: 'Benchmark vote',
      ballot: {
        kind: 'single',
        options: [
          { id: 'a', label: 'A' },
          { id: 'b', label: 'B' },
        ],
      },
      opensAt: new Date(opensAt).toISOString(),
      closesAt: new Date(opensAt + 86_400_000).toISOString(),
      eligibility: { kind: 'rule', mspIds: ['CityAMSP'], roles: ['citizen'] },
      quorum: { kind: 'none' },
      passThresholdPerMille: 0,
      mode: { kind: 'open', secondBallot: 'refuse' },
    },
  });
  await new Promise((r) => setTimeout(r, Math.max(0, opensAt - Date.now() + 1_000)));
  const cast = await setupCall<{ receipt: string }>(ctx.client, {
    user: 'citizen-a1',
    chaincode: CC,
    fn: 'CastBallot',
    request: { electionId, choices: ['a'] },
  });
  const receipt = cast.receipt;
  return [
    {
      name: 'ballot.receipt',
      chaincode: CC,
      kind: 'read',
      describe: 'GetReceipt of an open-mode ballot by citizen-a2',
      call: () => ({
        user: 'citizen-a2',
        chaincode: CC,
        fn: 'GetReceipt',
        mode: 'evaluate',
        request: { electionId, receipt },
        http: { method: 'GET', path: `${API}/elections/${electionId}/receipts/${receipt}` },
      }),
    },
  ];
}

export const SCENARIO_NAMES = [
  'licence.issue',
  'licence.verify',
  'consent.grant',
  'access.request',
  'funds.disburse',
  'funds.disburse-hot',
  'funds.trace',
  'ballot.receipt',
];

/** Prepares the scenarios whose names are in `only` (all when empty), in a fixed order. */
export async function prepareScenarios(ctx: SetupContext, only: string[]): Promise<Scenario[]> {
  const wanted = (prefixes: string[]) => only.length === 0 || prefixes.some((p) => only.includes(p));
  // the election needs a few seconds before it opens: prepare it while the others are
  const voting = wanted(['ballot.receipt']) ? eVoting(ctx) : Promise.resolve([]);
  const out: Scenario[] = [];
  if (wanted(['licence.issue', 'licence.verify'])) out.push(...(await eLicence(ctx)));
  if (wanted(['consent.grant', 'access.request'])) out.push(...(await dataSharing(ctx)));
  if (wanted(['funds.disburse', 'funds.disburse-hot', 'funds.trace'])) out.push(...(await fundTracing(ctx)));
  out.push(...(await voting));
  return out.filter((s) => only.length === 0 || only.includes(s.name));
}
