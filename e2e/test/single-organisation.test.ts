/**
 * No write commits with one organisation's endorsement (issue 12). For EVERY write transaction
 * of the four chaincodes (every 'submit' entry of the `@govledger/wire` catalogues, e2e/src/trust.ts
 * writeTransactions; each catalogue is checked here against its contract's fabric-contract-api
 * metadata), a fixture sets up what the transaction needs with full endorsement and gives a
 * request valid under the wire schema; the request, endorsed by the peers of the caller's own
 * organisation only (`endorsingOrganizations`), must be invalidated at validation
 * (ENDORSEMENT_POLICY_FAILURE) or refused by a chaincode, and the state, read back on another
 * organisation's peer, must be unchanged. The same request then commits with the endorsements
 * the policies ask for, which shows it was valid and the refusal was the policy's. A transaction
 * without a fixture fails.
 *
 * The one documented exception (trust design point 2): the private-only staging transactions
 * (e-licence StageLicencePrivateData / StageApplicationPrivateData, trust.ts PRIVATE_ONLY) write
 * only keys of the member's private data collection, whose collection-level policy is the member
 * alone, so the member's endorsement alone commits them BY DESIGN. For those the suite asserts
 * that they commit, that the committed transaction wrote no public key and no key-level policy
 * (its write set read from the ledger), that no public read changed, and that the public
 * transaction relying on the staged record (IssueLicence / SubmitApplication with its hashes),
 * endorsed by the same organisation alone, is invalidated, and commits with the majority.
 */
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { eVoting as wireEVoting } from '@govledger/wire';
import { createHash, generateKeyPairSync, randomBytes, webcrypto } from 'crypto';
import { waitUntil } from '../src/clock';
import {
  CHAINCODES,
  ENDORSEMENT_POLICY_FAILURE,
  PRIVATE_ONLY,
  catalogueMismatches,
  closeActors,
  requestSchema,
  session,
  writeTransactions,
  type ChaincodeName,
  type Outcome,
} from '../src/trust';

const run = Date.now().toString(36);
const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');
const salt = () => randomBytes(32).toString('hex');
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
let seq = 0;
/** A fresh record id for this run. */
const id = (prefix: string) => `${prefix}-${run}-${++seq}`;

/** What a fixture gives the test: who calls, with what, and how to read what it would change. */
interface Prepared {
  /** The demo user who submits. */
  caller: string;
  /** A valid request: it parses with the transaction's `@govledger/wire` request schema. */
  request: unknown;
  transient?: Record<string, unknown>;
  /** The demo user who reads the state back (the caller when absent). */
  reader?: string;
  /** The reads (function and request, on the chaincode under test) that show what the transaction would change. */
  reads: [string, unknown][];
  /**
   * Only for the private-only transactions (trust.ts PRIVATE_ONLY, the documented exception):
   * the collection it writes, and the public transaction that relies on what it staged (built
   * from its result), which must need the majority.
   */
  privateOnly?: {
    collection: string;
    publicStep: (staged: Staged) => { fn: string; request: unknown };
  };
}
/** Sets up a transaction's prerequisite state with full endorsement and returns its request. */
type Fixture = () => Promise<Prepared>;

/** Demo user `name` connected to the peer of `peerMspId` (its own organisation's when absent). */
const as = session;
const pidOf = (name: string) => {
  const pid = as(name).pid;
  if (!pid) throw new Error(`${name} has no pseudonymous id`);
  return pid;
};
/** A citizen or enterprise as (home MSP, pid). */
const subjectOf = (name: string) => ({ mspId: as(name).mspId, pid: pidOf(name) });
/** Submits with full endorsement (the peer gateway's choice, or the given organisations). */
const full = <T>(
  who: string,
  cc: string,
  fn: string,
  request: unknown,
  options: { transient?: Record<string, unknown>; endorsingOrganizations?: string[] } = {},
) => as(who).submit<T>(cc, fn, request, options);

/** Runs `setup` once, on first use: prerequisite state shared by several fixtures. */
function once<T>(setup: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= setup());
}

// ---------------------------------------------------------------------------- fund-tracing

const FT = 'fund-tracing';
const ACCOUNT = sha256(`account-${run}`);
/** A CreateProgram request owned by City A's finance department. */
const programRequest = (programId: string) => ({
  programId,
  name: `Trust suite program ${programId}`,
  fiscalYear: new Date().getUTCFullYear(),
  totalBudget: '100000000',
  categories: ['equipment', 'training'],
  startDate: isoIn(-24 * 3600_000),
  endDate: isoIn(30 * 24 * 3600_000),
  coSign: { threshold: '2000000', by: 'finance' },
  rules: {
    category: { mode: 'warn' },
    recipientCap: { mode: 'block', cap: '50000000' },
    splitPayment: { mode: 'off', threshold: '1000000', windowHours: 72, count: 3, marginPercent: 10 },
    afterEnd: { mode: 'block' },
    unspent: { mode: 'warn', days: 90 },
  },
});
const disburseRequest = (allocationId: string, amount: string) => ({
  disbursementId: id('D'),
  allocationId,
  recipientMspId: 'CityAMSP',
  recipientPid: pidOf('enterprise-a1'),
  accountHash: ACCOUNT,
  category: 'equipment',
  amount,
  documentsHash: sha256(`documents ${run} ${seq}`),
});
/** A program of City A with an allocation to its industry department, enterprise-a1 registered, one paid disbursement. */
const fundBase = once(async () => {
  const programId = id('P');
  const allocationId = id('A');
  await full('finance-a', FT, 'CreateProgram', programRequest(programId));
  await full('finance-a', FT, 'AllocateFunds', {
    allocationId,
    programId,
    mspId: 'CityAMSP',
    dept: 'industry',
    amount: '20000000',
  });
  await full('officer-industry-a', FT, 'RegisterRecipient', {
    programId,
    recipientMspId: 'CityAMSP',
    recipientPid: pidOf('enterprise-a1'),
    kind: 'enterprise',
    accountHashes: [ACCOUNT],
  });
  const paid = disburseRequest(allocationId, '500000');
  await full('officer-industry-a', FT, 'Disburse', paid);
  return { programId, allocationId, paidId: paid.disbursementId };
});
/** A pending disbursement (above the co-signature threshold). */
async function pendingDisbursement(): Promise<string> {
  const { allocationId } = await fundBase();
  const big = disburseRequest(allocationId, '3000000');
  await full('officer-industry-a', FT, 'Disburse', big);
  return big.disbursementId;
}
/** An open alert: a spend outside the program's categories. */
async function openAlert(): Promise<string> {
  const { paidId } = await fundBase();
  const r = await full<{ alerts: { alertId: string }[] }>('enterprise-a1', FT, 'RecordSpend', {
    spendId: id('S'),
    disbursementId: paidId,
    payeeId: 'PAYEE-1',
    amount: '100',
    category: 'entertainment',
    invoiceHash: sha256(`invoice ${run} ${seq}`),
  });
  const alertId = r.alerts[0]?.alertId;
  if (!alertId) throw new Error('the off-category spend raised no alert');
  return alertId;
}

const fundTracing: Record<string, Fixture> = {
  async CreateProgram() {
    const request = programRequest(id('P'));
    return { caller: 'finance-a', request, reads: [['GetProgram', { programId: request.programId }]] };
  },
  async CloseProgram() {
    const programId = id('P');
    await full('finance-a', FT, 'CreateProgram', programRequest(programId));
    return {
      caller: 'finance-a',
      request: { programId, reason: 'programme ended early' },
      reads: [['GetProgram', { programId }]],
    };
  },
  async AllocateFunds() {
    const { programId } = await fundBase();
    const allocationId = id('A');
    return {
      caller: 'finance-a',
      request: { allocationId, programId, mspId: 'CityAMSP', dept: 'social', amount: '1000000' },
      reads: [
        ['GetProgram', { programId }],
        ['GetAllocation', { allocationId }],
      ],
    };
  },
  async RegisterRecipient() {
    const { programId } = await fundBase();
    const recipientPid = sha256(`recipient ${run}`);
    return {
      caller: 'officer-industry-a',
      request: {
        programId,
        recipientMspId: 'CityAMSP',
        recipientPid,
        kind: 'enterprise',
        accountHashes: [sha256(`acct ${run}`)],
      },
      reads: [['GetRecipient', { programId, recipientMspId: 'CityAMSP', recipientPid }]],
    };
  },
  async UpdateRecipientAccounts() {
    const { programId } = await fundBase();
    const recipientPid = pidOf('enterprise-a1');
    return {
      caller: 'officer-industry-a',
      request: {
        programId,
        recipientMspId: 'CityAMSP',
        recipientPid,
        add: [sha256(`second account ${run}`)],
      },
      reads: [['GetRecipient', { programId, recipientMspId: 'CityAMSP', recipientPid }]],
    };
  },
  async Disburse() {
    const { allocationId } = await fundBase();
    const request = disburseRequest(allocationId, '200000');
    return {
      caller: 'officer-industry-a',
      request,
      reads: [
        ['GetAllocation', { allocationId }],
        ['GetDisbursement', { disbursementId: request.disbursementId }],
      ],
    };
  },
  async CoSignDisbursement() {
    const disbursementId = await pendingDisbursement();
    return {
      caller: 'finance-b',
      request: { disbursementId, note: 'invoices checked' },
      reads: [['GetDisbursement', { disbursementId }]],
    };
  },
  async RejectDisbursement() {
    const disbursementId = await pendingDisbursement();
    return {
      caller: 'finance-b',
      request: { disbursementId, reason: 'contract not in the file' },
      reads: [['GetDisbursement', { disbursementId }]],
    };
  },
  async RecordSpend() {
    const { paidId } = await fundBase();
    const spendId = id('S');
    return {
      caller: 'enterprise-a1',
      request: {
        spendId,
        disbursementId: paidId,
        payeeId: 'PAYEE-2',
        amount: '1000',
        category: 'equipment',
        invoiceHash: sha256(`invoice ${spendId}`),
      },
      reads: [
        ['GetDisbursement', { disbursementId: paidId }],
        ['GetSpend', { spendId }],
      ],
    };
  },
  async SweepUnspent() {
    const { programId } = await fundBase();
    return {
      caller: 'finance-a',
      request: { programId, limit: 10 },
      reader: 'auditor-a',
      reads: [['ListAlerts', { programId }]],
    };
  },
  async AcknowledgeAlert() {
    const alertId = await openAlert();
    return {
      caller: 'auditor-a',
      request: { alertId, note: 'looking into it' },
      reads: [['GetAlert', { alertId }]],
    };
  },
  async ResolveAlert() {
    const alertId = await openAlert();
    await full('auditor-a', FT, 'AcknowledgeAlert', { alertId, note: 'looking into it' });
    return {
      caller: 'auditor-a',
      request: { alertId, note: 'refund received' },
      reads: [['GetAlert', { alertId }]],
    };
  },
};

// ---------------------------------------------------------------------------- e-voting

const EV = 'e-voting';
const suite = RSABSSA.SHA384.PSS.Randomized();
type Key = webcrypto.CryptoKey;
/** Voting opens this long after the shared elections are created, and closes this long after. */
const OPENS_IN_MS = 15_000;
const CLOSES_IN_MS = 40_000;

const electionRequest = (electionId: string, opensAt: string, closesAt: string, mode: unknown) => ({
  electionId,
  title: `Trust suite vote ${electionId}`,
  ballot: { kind: 'yesNoAbstain' },
  mode,
  opensAt,
  closesAt,
  eligibility: { kind: 'roll' },
  quorum: { kind: 'none' },
  passThresholdPerMille: 500,
});
/** A new authority key pair. */
const newAuthorityKey = async () =>
  (await suite.generateKey({ publicExponent: Uint8Array.from([1, 0, 1]), modulusLength: 2048 })) as {
    publicKey: Key;
    privateKey: Key;
  };
const publicJwk = async (k: { publicKey: Key }) => {
  const jwk = await webcrypto.subtle.exportKey('jwk', k.publicKey);
  return { format: 'jwk', jwk: { kty: 'RSA', n: jwk.n, e: jwk.e } };
};
const SECRET_MODE = {
  kind: 'secret',
  variant: 'RSABSSA-SHA384-PSS-Randomized',
  authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
  threshold: 2,
};
const AUTHORITY_ADMIN: Record<string, string> = {
  CityAMSP: 'election-admin-a',
  CityBMSP: 'election-admin-b',
};

/**
 * An open-mode and a secret-mode election of City A with citizen-a1, -a2 and -a3 on the roll,
 * opening soon; the secret one has both cities' authority keys; citizen-a2 already holds a token
 * signed by both, citizen-a3 has requested one that no authority has issued yet.
 */
const elections = once(async () => {
  const keys: Record<string, { publicKey: Key; privateKey: Key }> = {
    CityAMSP: await newAuthorityKey(),
    CityBMSP: await newAuthorityKey(),
  };
  const opensAt = isoIn(OPENS_IN_MS);
  const closesAt = isoIn(CLOSES_IN_MS);
  const openId = id('E-OPEN');
  const secretId = id('E-SECRET');
  await full(
    'election-admin-a',
    EV,
    'CreateElection',
    electionRequest(openId, opensAt, closesAt, { kind: 'open', secondBallot: 'refuse' }),
  );
  await full(
    'election-admin-a',
    EV,
    'CreateElection',
    electionRequest(secretId, opensAt, closesAt, SECRET_MODE),
  );
  for (const [mspId, k] of Object.entries(keys)) {
    await full(AUTHORITY_ADMIN[mspId] as string, EV, 'RegisterAuthorityKey', {
      electionId: secretId,
      publicKey: await publicJwk(k),
    });
  }
  const voters = [subjectOf('citizen-a1'), subjectOf('citizen-a2'), subjectOf('citizen-a3')];
  for (const electionId of [openId, secretId])
    await full('election-admin-a', EV, 'RegisterVoters', { electionId, batchId: 'roll-1', voters });
  const blindToken = async () => {
    const prepared = suite.prepare(
      new TextEncoder().encode(wireEVoting.tokenMessage(secretId, randomBytes(32).toString('hex'))),
    );
    const blinds = await Promise.all(
      Object.entries(keys).map(async ([mspId, k]) => ({
        mspId,
        k,
        ...(await suite.blind(k.publicKey, prepared)),
      })),
    );
    const blinded = blinds.map((b) => ({ mspId: b.mspId, blindedHash: sha256(b.blindedMsg) }));
    return { prepared, blinds, blinded };
  };
  const a2 = await blindToken();
  await full('citizen-a2', EV, 'RequestToken', { electionId: secretId, blinded: a2.blinded });
  const signatures = [];
  for (const b of a2.blinds) {
    await full(AUTHORITY_ADMIN[b.mspId] as string, EV, 'IssueToken', {
      electionId: secretId,
      voter: subjectOf('citizen-a2'),
      blindedHash: sha256(b.blindedMsg),
    });
    const blindSig = await suite.blindSign(b.k.privateKey, b.blindedMsg);
    signatures.push({
      mspId: b.mspId,
      signature: b64url(await suite.finalize(b.k.publicKey, a2.prepared, blindSig, b.inv)),
    });
  }
  const token = { token: b64url(a2.prepared), signatures, receipt: sha256(a2.prepared) };
  const a3 = await blindToken();
  await full('citizen-a3', EV, 'RequestToken', { electionId: secretId, blinded: a3.blinded });
  const a3HashA = a3.blinded.find((b) => b.mspId === 'CityAMSP')?.blindedHash as string;
  return { openId, secretId, opensAt, closesAt, token, a3HashA, keys };
});

const eVoting: Record<string, Fixture> = {
  async CreateElection() {
    const electionId = id('E-NEW');
    return {
      caller: 'election-admin-a',
      request: electionRequest(electionId, isoIn(3600_000), isoIn(7200_000), {
        kind: 'open',
        secondBallot: 'refuse',
      }),
      reads: [['GetElection', { electionId }]],
    };
  },
  async RegisterVoters() {
    const electionId = id('E-ROLL');
    await full(
      'election-admin-a',
      EV,
      'CreateElection',
      electionRequest(electionId, isoIn(3600_000), isoIn(7200_000), { kind: 'open', secondBallot: 'refuse' }),
    );
    const voter = subjectOf('citizen-a1');
    return {
      caller: 'election-admin-a',
      request: { electionId, batchId: 'roll-1', voters: [voter] },
      reads: [['GetVoterStatus', { electionId, ...voter }]],
    };
  },
  async RegisterAuthorityKey() {
    const { keys } = await elections();
    const electionId = id('E-KEYS');
    await full(
      'election-admin-a',
      EV,
      'CreateElection',
      electionRequest(electionId, isoIn(3600_000), isoIn(7200_000), SECRET_MODE),
    );
    return {
      caller: 'election-admin-a',
      request: { electionId, publicKey: await publicJwk(keys.CityAMSP as { publicKey: Key }) },
      reads: [['GetElection', { electionId }]],
    };
  },
  async RequestToken() {
    const { secretId } = await elections();
    return {
      caller: 'citizen-a1',
      request: {
        electionId: secretId,
        blinded: [
          { mspId: 'CityAMSP', blindedHash: 'ab'.repeat(32) },
          { mspId: 'CityBMSP', blindedHash: 'cd'.repeat(32) },
        ],
      },
      reads: [['GetVoterStatus', { electionId: secretId, ...subjectOf('citizen-a1') }]],
    };
  },
  async IssueToken() {
    const { secretId, a3HashA } = await elections();
    return {
      caller: 'election-admin-a',
      request: { electionId: secretId, voter: subjectOf('citizen-a3'), blindedHash: a3HashA },
      reads: [['GetVoterStatus', { electionId: secretId, ...subjectOf('citizen-a3') }]],
    };
  },
  async CastBallot() {
    const { openId, opensAt } = await elections();
    await waitUntil(opensAt);
    return {
      caller: 'citizen-a1',
      request: { electionId: openId, choices: ['yes'] },
      reads: [
        ['GetVoterStatus', { electionId: openId, ...subjectOf('citizen-a1') }],
        ['ListBallots', { electionId: openId }],
      ],
    };
  },
  async CastSecretBallots() {
    const { secretId, opensAt, token } = await elections();
    await waitUntil(opensAt);
    return {
      caller: 'ballot-box-a',
      request: {
        electionId: secretId,
        ballots: [{ choices: ['no'], token: token.token, signatures: token.signatures }],
      },
      reads: [
        ['GetReceipt', { electionId: secretId, receipt: token.receipt }],
        ['ListBallots', { electionId: secretId }],
      ],
    };
  },
  async TallyElection() {
    const { openId, closesAt } = await elections();
    await waitUntil(closesAt);
    return {
      caller: 'election-admin-a',
      request: { electionId: openId },
      reads: [['GetTally', { electionId: openId }]],
    };
  },
};

// ---------------------------------------------------------------------------- data-sharing

const DS = 'data-sharing';
const FIELD = 'contributionStatus';
const CITY_B_HOUSING = { mspId: 'CityBMSP', dept: 'housing' };
const categoryRequest = (code: string) => ({
  code,
  description: 'Social insurance contribution record',
  fields: ['monthlyBase', FIELD],
  sensitivity: 'high',
  serviceRef: 'https://social.city-a.example/api/v1/records',
});
const consentRequest = (categoryCode: string, consentId: string) => ({
  consentId,
  grantee: CITY_B_HOUSING,
  categoryCode,
  fields: [FIELD],
  purpose: 'HOUSING_SUBSIDY',
  validFrom: isoIn(-60_000),
  validUntil: isoIn(86_400_000),
});
const legalBasisRequest = (categoryCode: string, legalBasisId: string) => ({
  legalBasisId,
  categoryCode,
  fields: [FIELD],
  purpose: 'HOUSING_SUBSIDY',
  statuteReference: 'Housing Security Act §12(3)',
  validFrom: isoIn(-60_000),
});
const attestationRequest = (categoryCode: string, attestationId: string) => ({
  attestationId,
  categoryCode,
  field: FIELD,
  citizen: subjectOf('citizen-a1'),
  factHash: sha256(`${salt()}|paid`),
  validUntil: isoIn(86_400_000),
});
/** A category of City A's social department and citizen-a1's consent to City B housing. */
const catalogue = once(async () => {
  const code = `SOC-${run}`.toUpperCase().replace(/[^A-Z0-9_-]/g, '');
  await full('officer-social-a', DS, 'RegisterCategory', categoryRequest(code));
  const consentId = id('CNS');
  await full('citizen-a1', DS, 'GrantConsent', consentRequest(code, consentId));
  return { code, consentId };
});
/** An access of City B housing to citizen-a1's record, granted under the catalogue's consent: its ticket id. */
async function grantedAccess(): Promise<string> {
  const { code } = await catalogue();
  const accessId = id('ACC');
  await full('officer-housing-b', DS, 'RequestAccess', {
    accessId,
    citizen: subjectOf('citizen-a1'),
    categoryCode: code,
    fields: [FIELD],
    purpose: 'HOUSING_SUBSIDY',
  });
  return accessId;
}
async function grantedConsent(): Promise<string> {
  const { code } = await catalogue();
  const consentId = id('CNS');
  await full('citizen-a1', DS, 'GrantConsent', consentRequest(code, consentId));
  return consentId;
}
const consentChange =
  (before?: string): Fixture =>
  async () => {
    const consentId = await grantedConsent();
    if (before) await full('citizen-a1', DS, before, { consentId });
    return { caller: 'citizen-a1', request: { consentId }, reads: [['GetConsent', { consentId }]] };
  };

const dataSharing: Record<string, Fixture> = {
  async RegisterCategory() {
    const code = `NEW-${run}`.toUpperCase();
    return { caller: 'officer-social-a', request: categoryRequest(code), reads: [['GetCategory', { code }]] };
  },
  async UpdateCategory() {
    const { code } = await catalogue();
    return {
      caller: 'officer-social-a',
      request: { code, description: 'Social insurance contribution record (revised)' },
      reads: [['GetCategory', { code }]],
    };
  },
  async GrantConsent() {
    const { code } = await catalogue();
    const consentId = id('CNS');
    return {
      caller: 'citizen-a1',
      request: consentRequest(code, consentId),
      reads: [['GetConsent', { consentId }]],
    };
  },
  PauseConsent: consentChange(),
  ResumeConsent: consentChange('PauseConsent'),
  RevokeConsent: consentChange(),
  async RecordLegalBasis() {
    const { code } = await catalogue();
    const legalBasisId = id('LB');
    return {
      caller: 'legal-officer-b',
      request: legalBasisRequest(code, legalBasisId),
      reads: [['GetLegalBasis', { legalBasisId }]],
    };
  },
  async WithdrawLegalBasis() {
    const { code } = await catalogue();
    const legalBasisId = id('LB');
    await full('legal-officer-b', DS, 'RecordLegalBasis', legalBasisRequest(code, legalBasisId));
    return {
      caller: 'legal-officer-b',
      request: { legalBasisId, reason: 'statute repealed' },
      reads: [['GetLegalBasis', { legalBasisId }]],
    };
  },
  async DecideLegalBasis() {
    const { code } = await catalogue();
    const legalBasisId = id('LB');
    // City B's legal basis over City A's category awaits City A's approval (trust design point 6)
    const recorded = await full<{ approval: { status: string } }>(
      'legal-officer-b',
      DS,
      'RecordLegalBasis',
      legalBasisRequest(code, legalBasisId),
    );
    if (recorded.approval.status !== 'pending')
      throw new Error(`a cross-organisation legal basis is not pending: ${JSON.stringify(recorded)}`);
    return {
      caller: 'officer-social-a',
      request: { legalBasisId, decision: 'approve', note: 'statute checked by the holder' },
      reads: [['GetLegalBasis', { legalBasisId }]],
    };
  },
  async RequestAccess() {
    const { code } = await catalogue();
    const accessId = id('ACC');
    return {
      caller: 'officer-housing-b',
      request: {
        accessId,
        citizen: subjectOf('citizen-a1'),
        categoryCode: code,
        fields: [FIELD],
        purpose: 'HOUSING_SUBSIDY',
      },
      reads: [['GetAccess', { accessId }]],
    };
  },
  async PublishAttestation() {
    const { code } = await catalogue();
    const attestationId = id('ATT');
    return {
      caller: 'officer-social-a',
      request: attestationRequest(code, attestationId),
      reads: [['GetAttestation', { attestationId }]],
    };
  },
  async RevokeAttestation() {
    const { code } = await catalogue();
    const attestationId = id('ATT');
    await full('officer-social-a', DS, 'PublishAttestation', attestationRequest(code, attestationId));
    return {
      caller: 'officer-social-a',
      request: { attestationId },
      reads: [['GetAttestation', { attestationId }]],
    };
  },
  async CheckTicket() {
    const accessId = await grantedAccess();
    return {
      caller: 'officer-social-a',
      request: { ticketId: accessId, purpose: { code: 'SERVICE_COUNTER' } },
      reader: 'citizen-a1',
      reads: [['ListDataChecks', { pageSize: 200 }]],
    };
  },
  async CheckFact() {
    const { code } = await catalogue();
    const accessId = await grantedAccess();
    const attestationId = id('ATT');
    await full('officer-social-a', DS, 'PublishAttestation', attestationRequest(code, attestationId));
    return {
      caller: 'officer-housing-b',
      request: {
        ticketId: accessId,
        attestationId,
        claimedHash: sha256(`${salt()}|paid`),
        purpose: { code: 'SERVICE_COUNTER' },
      },
      reader: 'citizen-a1',
      reads: [['ListDataChecks', { pageSize: 200 }]],
    };
  },
};

// ---------------------------------------------------------------------------- e-licence

const EL = 'e-licence';
/**
 * The private-only staging transactions run on City A's peer only: the member of City A's
 * licence collection (chaincode/e-licence/README.md, "Verify-by-hash"). Every public step is
 * submitted without pinning, so the peer gateway asks the majority.
 */
const ON_CITY_A = ['CityAMSP'];
/** What a staging transaction returns: the hashes the public transaction carries. */
interface Staged {
  id: string;
  collection: string;
  privateDataHash: string;
  claimHashes: Record<string, string>;
}
const licencePrivate = (n: string) => ({
  holder: { legalName: `Trust Suite Trading ${run} ${n}` },
  claims: { companyName: { value: `Trust Suite ${n}`, salt: salt() } },
  salt: salt(),
});
/** Stages a private record on City A's peer alone (with full, i.e. the collection's, endorsement). */
const stage = (who: string, fn: string, request: unknown, record?: unknown) =>
  full<Staged>(who, EL, fn, request, {
    ...(record === undefined ? {} : { transient: { licencePrivate: record } }),
    endorsingOrganizations: ON_CITY_A,
  });
/** The staged record's hashes, as a public step carries them. */
const hashesOf = (staged: Staged) => ({
  privateDataHash: staged.privateDataHash,
  claimHashes: staged.claimHashes,
});
const typeRequest = (code: string, over: Record<string, unknown> = {}) => ({
  code,
  name: `Trust suite licence ${code}`,
  dept: 'market',
  holderKind: 'enterprise',
  validity: { kind: 'days', days: 365 },
  claims: ['companyName'],
  requiredApprovals: [],
  ...over,
});
/** Licence types: City A's (issued directly, and one needing the fire department's approval) and City B's. */
const licensing = once(async () => {
  const direct = `A-DIRECT-${run}`.toUpperCase();
  const approved = `A-APPROVED-${run}`.toUpperCase();
  const local = `B-LOCAL-${run}`.toUpperCase();
  await full('admin-a', EL, 'CreateLicenceType', typeRequest(direct));
  await full('admin-a', EL, 'CreateLicenceType', typeRequest(approved, { requiredApprovals: ['fire'] }));
  await full('admin-b', EL, 'CreateLicenceType', typeRequest(local));
  return { direct, approved, local };
});
/** An IssueLicence request for enterprise-a1 (home MSP and pid) with the staged record's hashes. */
const issueRequest = (typeCode: string, licenceId: string, staged: Staged) => ({
  licenceId,
  typeCode,
  holder: subjectOf('enterprise-a1'),
  documentHash: sha256(`licence document ${licenceId}`),
  ...hashesOf(staged),
});
async function issuedLicence(): Promise<string> {
  const { direct } = await licensing();
  const licenceId = id('LIC');
  const staged = await stage(
    'issuer-a',
    'StageLicencePrivateData',
    { purpose: 'issue', licenceId, typeCode: direct },
    licencePrivate(licenceId),
  );
  await full('issuer-a', EL, 'IssueLicence', issueRequest(direct, licenceId, staged));
  return licenceId;
}
async function submittedApplication(): Promise<string> {
  const { approved } = await licensing();
  const applicationId = id('APP');
  const staged = await stage(
    'enterprise-a1',
    'StageApplicationPrivateData',
    { applicationId, typeCode: approved },
    licencePrivate(applicationId),
  );
  await full('enterprise-a1', EL, 'SubmitApplication', {
    applicationId,
    typeCode: approved,
    ...hashesOf(staged),
  });
  return applicationId;
}
const licenceChange =
  (
    caller: string,
    request: (licenceId: string) => Record<string, unknown>,
    before?: [string, Record<string, unknown>],
  ): Fixture =>
  async () => {
    const licenceId = await issuedLicence();
    if (before) await full('issuer-a', EL, before[0], { licenceId, ...before[1] });
    return { caller, request: { licenceId, ...request(licenceId) }, reads: [['GetLicence', { licenceId }]] };
  };

/** The public half of a fresh ES256 presentation key, as a JWK (kty, crv, x, y). */
function presentationJwk(): { kty: string; crv: string; x: string; y: string } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  if (!kty || !crv || !x || !y) throw new Error('no EC JWK');
  return { kty, crv, x, y };
}

const eLicence: Record<string, Fixture> = {
  async CreateLicenceType() {
    const code = `A-NEW-${run}`.toUpperCase();
    return { caller: 'admin-a', request: typeRequest(code), reads: [['GetLicenceType', { code }]] };
  },
  async UpdateLicenceType() {
    const code = `A-UPD-${run}`.toUpperCase();
    await full('admin-a', EL, 'CreateLicenceType', typeRequest(code));
    return {
      caller: 'admin-a',
      request: { code, name: 'Renamed licence' },
      reads: [['GetLicenceType', { code }]],
    };
  },
  async RecordRecognition() {
    const { direct, local } = await licensing();
    return {
      caller: 'admin-b',
      request: { localTypeCode: local, foreignTypeCode: direct },
      reads: [['ListRecognitions', { recognizerMsp: 'CityBMSP', pageSize: 200 }]],
    };
  },
  async WithdrawRecognition() {
    const { local } = await licensing();
    const foreign = `A-RECOG-${run}`.toUpperCase();
    await full('admin-a', EL, 'CreateLicenceType', typeRequest(foreign));
    await full('admin-b', EL, 'RecordRecognition', { localTypeCode: local, foreignTypeCode: foreign });
    return {
      caller: 'admin-b',
      request: { foreignTypeCode: foreign },
      reads: [['ListRecognitions', { recognizerMsp: 'CityBMSP', pageSize: 200 }]],
    };
  },
  async StageLicencePrivateData() {
    const { direct } = await licensing();
    const licenceId = id('LIC');
    return {
      caller: 'issuer-a',
      request: { purpose: 'issue', licenceId, typeCode: direct },
      transient: { licencePrivate: licencePrivate(licenceId) },
      reads: [
        ['GetLicence', { licenceId }],
        ['VerifyLicence', { licenceId }],
        ['ListLicencesByHolder', { holder: subjectOf('enterprise-a1'), pageSize: 200 }],
      ],
      privateOnly: {
        collection: 'licencePrivate_CityAMSP',
        publicStep: (staged) => ({ fn: 'IssueLicence', request: issueRequest(direct, licenceId, staged) }),
      },
    };
  },
  async IssueLicence() {
    const { direct } = await licensing();
    const licenceId = id('LIC');
    const staged = await stage(
      'issuer-a',
      'StageLicencePrivateData',
      { purpose: 'issue', licenceId, typeCode: direct },
      licencePrivate(licenceId),
    );
    return {
      caller: 'issuer-a',
      request: issueRequest(direct, licenceId, staged),
      reads: [
        ['GetLicence', { licenceId }],
        ['ListLicencesByHolder', { holder: subjectOf('enterprise-a1'), pageSize: 200 }],
      ],
    };
  },
  async RegisterPresentationKey() {
    return {
      caller: 'admin-a',
      request: { publicKey: presentationJwk() },
      reads: [['ListPresentationKeys', { mspId: 'CityAMSP' }]],
    };
  },
  async CheckLicence() {
    const licenceId = await issuedLicence();
    return {
      caller: 'issuer-b',
      request: { licenceId, purpose: { code: 'INSPECTION' } },
      reader: 'enterprise-a1',
      reads: [['ListLicenceUsage', { licenceId }]],
    };
  },
  async RecordPresentationCheck() {
    const licenceId = await issuedLicence();
    // the chaincode records the key id the verifying gateway names; no key is registered here, so
    // that the demo's gateway (privacy-scan) still registers and holds City A's own
    const kid = randomBytes(32).toString('base64url');
    return {
      caller: 'auditor-b',
      request: { licenceId, kid, disclosedClaims: [], reason: null },
      reader: 'enterprise-a1',
      reads: [['ListLicenceUsage', { licenceId }]],
    };
  },
  async RaiseOverdueWarnings() {
    return {
      caller: 'auditor-a',
      request: {},
      reads: [['ListOverdueWarnings', { ownerMsp: 'CityAMSP' }]],
    };
  },
  SuspendLicence: licenceChange('issuer-a', () => ({ reasonCode: 'INVESTIGATION' })),
  ReinstateLicence: licenceChange('issuer-a', () => ({ note: 'cleared' }), [
    'SuspendLicence',
    { reasonCode: 'INVESTIGATION' },
  ]),
  RevokeLicence: licenceChange('issuer-a', () => ({ reasonCode: 'NON_COMPLIANCE' })),
  async RenewLicence() {
    const licenceId = await issuedLicence();
    const newLicenceId = id('LIC');
    await stage('issuer-a', 'StageLicencePrivateData', { purpose: 'renew', licenceId, newLicenceId });
    return {
      caller: 'issuer-a',
      request: { licenceId, newLicenceId, documentHash: sha256(`renewed ${newLicenceId}`) },
      reads: [
        ['GetLicence', { licenceId }],
        ['GetLicence', { licenceId: newLicenceId }],
      ],
    };
  },
  async AmendLicence() {
    const licenceId = await issuedLicence();
    const staged = await stage(
      'issuer-a',
      'StageLicencePrivateData',
      { purpose: 'amend', licenceId },
      licencePrivate(`${licenceId} amended`),
    );
    return {
      caller: 'issuer-a',
      request: { licenceId, documentHash: sha256(`amended ${licenceId}`), ...hashesOf(staged) },
      reads: [['GetLicence', { licenceId }]],
    };
  },
  async StageApplicationPrivateData() {
    const { approved } = await licensing();
    const applicationId = id('APP');
    return {
      caller: 'enterprise-a1',
      request: { applicationId, typeCode: approved },
      transient: { licencePrivate: licencePrivate(applicationId) },
      reads: [['GetApplication', { applicationId }]],
      privateOnly: {
        collection: 'licencePrivate_CityAMSP',
        publicStep: (staged) => ({
          fn: 'SubmitApplication',
          request: { applicationId, typeCode: approved, ...hashesOf(staged) },
        }),
      },
    };
  },
  async SubmitApplication() {
    const { approved } = await licensing();
    const applicationId = id('APP');
    const staged = await stage(
      'enterprise-a1',
      'StageApplicationPrivateData',
      { applicationId, typeCode: approved },
      licencePrivate(applicationId),
    );
    return {
      caller: 'enterprise-a1',
      request: { applicationId, typeCode: approved, ...hashesOf(staged) },
      reads: [['GetApplication', { applicationId }]],
    };
  },
  async ApproveApplication() {
    const applicationId = await submittedApplication();
    return {
      caller: 'approver-fire-a',
      request: { applicationId, documentHash: sha256(`licence document ${applicationId}`) },
      reads: [
        ['GetApplication', { applicationId }],
        ['GetLicence', { licenceId: applicationId }],
      ],
    };
  },
  async RejectApplication() {
    const applicationId = await submittedApplication();
    return {
      caller: 'approver-fire-a',
      request: { applicationId, reasonCode: 'INCOMPLETE', reason: 'fire safety plan missing' },
      reads: [['GetApplication', { applicationId }]],
    };
  },
};

// ---------------------------------------------------------------------------- the suite

const FIXTURES: Record<ChaincodeName, Record<string, Fixture>> = {
  'e-licence': eLicence,
  'data-sharing': dataSharing,
  'fund-tracing': fundTracing,
  'e-voting': eVoting,
};

/** The other application organisation of the two cities: where the honest state is read. */
const otherCity = (mspId: string) => (mspId === 'CityAMSP' ? 'CityBMSP' : 'CityAMSP');

const show = (o: Outcome) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

afterAll(() => closeActors());

/**
 * Fields of a read's answer computed from the time of the query itself, not from the ledger
 * (e-licence VerifyLicence `checkedAt`, a pending application's `elapsedMs`): two reads of an
 * unchanged ledger differ in them, so state comparisons leave them out.
 */
const QUERY_TIME_FIELDS = new Set(['checkedAt', 'elapsedMs']);
function withoutQueryTime(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutQueryTime);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !QUERY_TIME_FIELDS.has(k))
        .map(([k, v]) => [k, withoutQueryTime(v)]),
    );
  return value;
}

/** Checks that a request is valid under the transaction's wire schema, naming what is wrong if not. */
function expectValidRequest(cc: ChaincodeName, fn: string, request: unknown): void {
  const schema = requestSchema(cc, fn);
  if (!schema) throw new Error(`${cc} ${fn} is not in the @govledger/wire catalogue`);
  const parsed = schema.safeParse(request);
  if (!parsed.success)
    throw new Error(`${cc} ${fn}: the fixture's request is not valid: ${String(parsed.error)}`);
}

describe.each(CHAINCODES.map((cc) => [cc]))('%s', (cc) => {
  it("its @govledger/wire catalogue lists exactly its contract's transactions, each with its kind", () => {
    expect(catalogueMismatches(cc)).toEqual({ missing: [], extra: [], wrongKind: [] });
  });

  it('has a fixture for every write transaction, and nothing else', () => {
    expect(Object.keys(FIXTURES[cc]).sort()).toEqual(writeTransactions(cc).sort());
  });

  it.each(writeTransactions(cc).map((fn) => [fn]))(
    "%s endorsed by the caller's organisation alone does not commit and changes nothing (private-only staging excepted: see the file's doc)",
    async (fn) => {
      const fixture = FIXTURES[cc][fn];
      if (!fixture) throw new Error(`no fixture for ${cc} ${fn}: add one to single-organisation.test.ts`);
      const p = await fixture();
      expectValidRequest(cc, fn, p.request);
      const privateOnly = PRIVATE_ONLY[cc].includes(fn);
      if (privateOnly !== (p.privateOnly !== undefined))
        throw new Error(`${cc} ${fn}: a fixture declares privateOnly exactly for trust.ts PRIVATE_ONLY`);
      const caller = as(p.caller);
      const reader = as(p.reader ?? p.caller, otherCity(caller.mspId));
      const readAll = async () => {
        const out: unknown[] = [];
        for (const [readFn, request] of p.reads)
          out.push(withoutQueryTime(await reader.read(cc, readFn, request)));
        return out;
      };
      const before = await readAll();

      const alone = await caller.attempt(cc, fn, p.request, {
        transient: p.transient,
        endorsingOrganizations: [caller.mspId],
      });

      if (p.privateOnly) {
        // The documented exception (issue 12, trust design point 2): a transaction that writes
        // ONLY keys of the caller's organisation's collection, whose collection-level policy is
        // that member alone, commits with the member's endorsement. It must write no public key
        // (nor a key-level policy), and change nothing a public read shows.
        if (alone.kind !== 'committed')
          throw new Error(`${cc} ${fn} (private-only) did not commit on its member alone: ${show(alone)}`);
        expect(await readAll()).toEqual(before);
        // read with a staff certificate: citizens and enterprises may not read blocks (channel privacy)
        const writes = await as('admin-a').writesOf(alone.txId);
        expect(writes.public).toEqual([]);
        expect(writes.publicMetadata).toEqual([]);
        expect(writes.private.length).toBeGreaterThan(0);
        expect(new Set(writes.private.map((w) => `${w.namespace}/${w.collection}`))).toEqual(
          new Set([`${cc}/${p.privateOnly.collection}`]),
        );
        // the public transaction that relies on it, endorsed by the same organisation alone,
        // is invalidated; with the majority it commits
        const next = p.privateOnly.publicStep(alone.result as Staged);
        expectValidRequest(cc, next.fn, next.request);
        const nextAlone = await caller.attempt(cc, next.fn, next.request, {
          endorsingOrganizations: [caller.mspId],
        });
        expect(show(nextAlone)).toContain('"kind":"invalid"');
        if (nextAlone.kind === 'invalid') {
          expect(nextAlone.codeName).toBe('ENDORSEMENT_POLICY_FAILURE');
          expect(nextAlone.code).toBe(ENDORSEMENT_POLICY_FAILURE);
        }
        expect(await readAll()).toEqual(before);
        const nextOk = await caller.attempt(cc, next.fn, next.request);
        expect(show(nextOk)).toContain('"kind":"committed"');
        expect(await readAll()).not.toEqual(before);
        return;
      }

      if (alone.kind === 'committed')
        throw new Error(`${cc} ${fn} committed with ${caller.mspId} alone: ${show(alone)}`);
      if (alone.kind === 'unendorsed') throw new Error(`${cc} ${fn}: endorsement failed: ${alone.message}`);
      if (alone.kind === 'invalid') {
        expect(alone.codeName).toBe('ENDORSEMENT_POLICY_FAILURE');
        expect(alone.code).toBe(ENDORSEMENT_POLICY_FAILURE);
      } else {
        expect(alone.error.status).toBeGreaterThanOrEqual(400);
      }
      expect(await readAll()).toEqual(before);

      // the same request with the endorsements the policies ask for (the peer gateway's choice)
      // commits: it was valid
      const ok = await caller.attempt(cc, fn, p.request, { transient: p.transient });
      expect(show(ok)).toContain('"kind":"committed"');
    },
  );
});
