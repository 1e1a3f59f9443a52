/**
 * Every per-chaincode route, from one table of valid examples: the route calls
 * the right transaction with the chaincode's request shape (and transient data),
 * answers with the right status, maps the chaincode's refusal, refuses unknown
 * fields and callers without the role before Fabric is called. Routes on an
 * organisation's licence collection endorse on the caller's organisation only.
 */
import request from 'supertest';
import { KNOWN_ROLES } from '../src/routes/admin-identities';
import { endorsementCatalogue, LAGGING_ENDORSER_MS } from '../src/http/route';
import { ON_CALLERS_PEER, ON_ISSUING_CITYS_PEER } from '../src/routes/e-licence';
import { LedgerError } from '../src/fabric/ledger';
import { chaincodeRefusal } from './fake-ledger';
import { makeHarness, type Harness } from './harness';

const PID = 'a1'.repeat(32);
const HASH = 'b2'.repeat(32);
const SALT = 'c3'.repeat(16);
const T0 = '2030-01-01T00:00:00Z';
const T1 = '2030-12-31T00:00:00Z';
const PRIVATE = {
  holder: { legalName: 'Acme' },
  claims: { companyName: { value: 'Acme', salt: SALT } },
  salt: SALT,
};

interface Example {
  url: string;
  body?: Record<string, unknown>;
  /** The chaincode request expected (default: the body). */
  request?: Record<string, unknown>;
  transient?: Record<string, unknown>;
  /** The endorsing organisations the route pins (default: none, the peer gateway chooses). */
  endorsingOrganizations?: string[];
  /** The private-only staging call a two-transaction route submits first (e-licence verify-by-hash). */
  prepare?: { transaction: string; request: Record<string, unknown>; transient?: Record<string, unknown> };
}

/** What the fake chaincode answers to a staging call. */
const STAGED = {
  id: 'L1',
  collection: 'licencePrivate_CityAMSP',
  privateDataHash: 'd4'.repeat(32),
  claimHashes: { companyName: 'e5'.repeat(32) },
};
const STAGED_HASHES = { privateDataHash: STAGED.privateDataHash, claimHashes: STAGED.claimHashes };
const HOLDER = { mspId: 'CityAMSP', pid: PID };

/** The caller's organisation (tokens default to CityAMSP): routes on its licence collection endorse there. */
const CALLERS_ORG = ['CityAMSP'];

/** One valid example per chaincode-call route, by operationId. */
const EXAMPLES: Record<string, Example> = {
  // e-licence
  createLicenceType: {
    url: '/api/v1/licence-types',
    body: {
      code: 'A-BIZ',
      name: 'Business',
      dept: 'market',
      holderKind: 'enterprise',
      validity: { kind: 'days', days: 365 },
      claims: ['companyName'],
      requiredApprovals: ['market', 'fire'],
    },
  },
  updateLicenceType: {
    url: '/api/v1/licence-types/A-BIZ',
    body: { status: 'retired' },
    request: { code: 'A-BIZ', status: 'retired' },
  },
  getLicenceType: { url: '/api/v1/licence-types/A-BIZ', request: { code: 'A-BIZ' } },
  listLicenceTypes: { url: '/api/v1/licence-types?pageSize=10', request: { pageSize: 10 } },
  listLicencesByTypeAndStatus: {
    url: '/api/v1/licence-types/A-BIZ/licences?status=active',
    request: { typeCode: 'A-BIZ', status: 'active' },
  },
  recordRecognition: {
    url: '/api/v1/recognitions',
    body: { localTypeCode: 'B-BIZ', foreignTypeCode: 'A-BIZ' },
  },
  withdrawRecognition: { url: '/api/v1/recognitions/A-BIZ', request: { foreignTypeCode: 'A-BIZ' } },
  listRecognitions: {
    url: '/api/v1/recognitions?recognizerMsp=CityBMSP',
    request: { recognizerMsp: 'CityBMSP' },
  },
  issueLicence: {
    url: '/api/v1/licences',
    body: { licenceId: 'L1', typeCode: 'A-BIZ', holder: HOLDER, documentHash: HASH, licencePrivate: PRIVATE },
    request: { licenceId: 'L1', typeCode: 'A-BIZ', holder: HOLDER, documentHash: HASH, ...STAGED_HASHES },
    prepare: {
      transaction: 'StageLicencePrivateData',
      request: { purpose: 'issue', licenceId: 'L1', typeCode: 'A-BIZ' },
      transient: { licencePrivate: PRIVATE },
    },
  },
  getLicence: { url: '/api/v1/licences/L1', request: { licenceId: 'L1' } },
  verifyLicence: {
    url: '/api/v1/licences/L1/verification',
    body: { documentHash: HASH, claims: [{ name: 'companyName', value: 'Acme', salt: SALT }] },
    request: {
      licenceId: 'L1',
      documentHash: HASH,
      claims: [{ name: 'companyName', value: 'Acme', salt: SALT }],
    },
  },
  checkTicket: {
    url: '/api/v1/tickets/T1/checks',
    body: { fields: ['address'], purpose: { code: 'SERVICE_COUNTER' } },
    request: { ticketId: 'T1', fields: ['address'], purpose: { code: 'SERVICE_COUNTER' } },
  },
  checkFact: {
    url: '/api/v1/attestations/AT1/recorded-fact-checks',
    body: { ticketId: 'T1', claimedHash: HASH, purpose: { code: 'OTHER' } },
    request: { attestationId: 'AT1', ticketId: 'T1', claimedHash: HASH, purpose: { code: 'OTHER' } },
  },
  listMyDataChecks: {
    url: '/api/v1/me/data-checks?pageSize=5',
    request: { pageSize: 5 },
  },
  checkLicence: {
    url: '/api/v1/licences/L1/checks',
    body: { documentHash: HASH, purpose: { code: 'EMPLOYMENT', text: 'pre-hire check' } },
    request: { licenceId: 'L1', documentHash: HASH, purpose: { code: 'EMPLOYMENT', text: 'pre-hire check' } },
  },
  listMyLicenceChecks: {
    url: '/api/v1/me/licence-checks?licenceId=L1&pageSize=10&bookmark=b1',
    request: { licenceId: 'L1', pageSize: 10, bookmark: 'b1' },
  },
  getLicencePrivateData: {
    url: '/api/v1/licences/L1/private-data',
    request: { licenceId: 'L1' },
    endorsingOrganizations: CALLERS_ORG,
  },
  getLicenceHistory: { url: '/api/v1/licences/L1/history', request: { licenceId: 'L1' } },
  suspendLicence: {
    url: '/api/v1/licences/L1/suspension',
    body: { reasonCode: 'INVESTIGATION' },
    request: { licenceId: 'L1', reasonCode: 'INVESTIGATION' },
  },
  reinstateLicence: {
    url: '/api/v1/licences/L1/reinstatement',
    body: { note: 'cleared' },
    request: { licenceId: 'L1', note: 'cleared' },
  },
  revokeLicence: {
    url: '/api/v1/licences/L1/revocation',
    body: { reasonCode: 'FRAUD', note: 'n' },
    request: { licenceId: 'L1', reasonCode: 'FRAUD', note: 'n' },
  },
  renewLicence: {
    url: '/api/v1/licences/L1/renewal',
    body: { newLicenceId: 'L2', documentHash: HASH },
    request: { licenceId: 'L1', newLicenceId: 'L2', documentHash: HASH },
    prepare: {
      transaction: 'StageLicencePrivateData',
      request: { purpose: 'renew', licenceId: 'L1', newLicenceId: 'L2' },
    },
  },
  amendLicence: {
    url: '/api/v1/licences/L1/amendments',
    body: { documentHash: HASH, licencePrivate: PRIVATE },
    request: { licenceId: 'L1', documentHash: HASH, ...STAGED_HASHES },
    prepare: {
      transaction: 'StageLicencePrivateData',
      request: { purpose: 'amend', licenceId: 'L1' },
      transient: { licencePrivate: PRIVATE },
    },
  },
  listLicencesByHolder: {
    url: `/api/v1/holders/CityAMSP/${PID}/licences?pageSize=5`,
    request: { holder: HOLDER, pageSize: 5 },
  },
  submitApplication: {
    url: '/api/v1/applications',
    body: {
      applicationId: 'APP1',
      typeCode: 'A-BIZ',
      licencePrivate: PRIVATE,
      materials: [{ kind: 'licence', licenceId: 'FIRE-1' }],
    },
    request: {
      applicationId: 'APP1',
      typeCode: 'A-BIZ',
      ...STAGED_HASHES,
      materials: [{ kind: 'licence', licenceId: 'FIRE-1' }],
    },
    prepare: {
      transaction: 'StageApplicationPrivateData',
      request: { applicationId: 'APP1', typeCode: 'A-BIZ' },
      transient: { licencePrivate: PRIVATE },
    },
  },
  getApplication: { url: '/api/v1/applications/APP1', request: { applicationId: 'APP1' } },
  approveApplication: {
    url: '/api/v1/applications/APP1/approvals',
    body: { documentHash: HASH },
    request: { applicationId: 'APP1', documentHash: HASH },
  },
  rejectApplication: {
    url: '/api/v1/applications/APP1/rejections',
    body: { reasonCode: 'FIRE_RISK', reason: 'exits' },
    request: { applicationId: 'APP1', reasonCode: 'FIRE_RISK', reason: 'exits' },
  },
  raiseOverdueWarnings: { url: '/api/v1/application-overdue-warnings/sweeps', body: { limit: 50 } },
  listOverdueWarnings: {
    url: '/api/v1/application-overdue-warnings?ownerMsp=CityAMSP&dept=fire&pageSize=5',
    request: { ownerMsp: 'CityAMSP', dept: 'fire', pageSize: 5 },
  },
  // data-sharing
  registerCategory: {
    url: '/api/v1/data-categories',
    body: {
      code: 'HOUSING_FUND',
      description: 'd',
      fields: ['monthsPaid'],
      sensitivity: 'medium',
      serviceRef: 'https://hf.example/api',
    },
  },
  updateCategory: {
    url: '/api/v1/data-categories/HOUSING_FUND',
    body: { fields: ['monthsPaid', 'balance'] },
    request: { code: 'HOUSING_FUND', fields: ['monthsPaid', 'balance'] },
  },
  getCategory: { url: '/api/v1/data-categories/HOUSING_FUND', request: { code: 'HOUSING_FUND' } },
  listCategories: {
    url: '/api/v1/data-categories?holderMspId=CityAMSP&holderDept=housing',
    request: { holderMspId: 'CityAMSP', holderDept: 'housing' },
  },
  listPurposes: { url: '/api/v1/purposes', request: {} },
  grantConsent: {
    url: '/api/v1/consents',
    body: {
      consentId: 'C1',
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: 'HOUSING_FUND',
      fields: ['monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      validFrom: T0,
      validUntil: T1,
      maxUses: 3,
    },
  },
  pauseConsent: { url: '/api/v1/consents/C1/pause', request: { consentId: 'C1' } },
  resumeConsent: { url: '/api/v1/consents/C1/resume', request: { consentId: 'C1' } },
  revokeConsent: { url: '/api/v1/consents/C1/revocation', request: { consentId: 'C1' } },
  getConsent: { url: '/api/v1/consents/C1', request: { consentId: 'C1' } },
  listConsents: { url: '/api/v1/consents', request: {} },
  recordLegalBasis: {
    url: '/api/v1/legal-bases',
    body: {
      legalBasisId: 'LB1',
      categoryCode: 'HOUSING_FUND',
      fields: ['monthsPaid'],
      purpose: 'LAW_ENFORCEMENT',
      statuteReference: 'Act 12 s.4',
      validFrom: T0,
    },
  },
  withdrawLegalBasis: {
    url: '/api/v1/legal-bases/LB1/withdrawal',
    body: { reason: 'repealed' },
    request: { legalBasisId: 'LB1', reason: 'repealed' },
  },
  decideLegalBasis: {
    url: '/api/v1/legal-bases/LB1/decision',
    body: { decision: 'approve', note: 'duty confirmed' },
    request: { legalBasisId: 'LB1', decision: 'approve', note: 'duty confirmed' },
  },
  getLegalBasis: { url: '/api/v1/legal-bases/LB1', request: { legalBasisId: 'LB1' } },
  listLegalBases: {
    url: '/api/v1/legal-bases?mspId=CityBMSP&dept=housing',
    request: { mspId: 'CityBMSP', dept: 'housing' },
  },
  requestAccess: {
    url: '/api/v1/access-requests',
    body: {
      accessId: 'ACC1',
      citizen: { mspId: 'CityAMSP', pid: PID },
      categoryCode: 'HOUSING_FUND',
      fields: ['monthsPaid'],
      purpose: 'HOUSING_SUBSIDY',
      consentId: 'C1',
    },
  },
  getAccess: { url: '/api/v1/accesses/ACC1', request: { accessId: 'ACC1' } },
  verifyTicket: {
    url: '/api/v1/tickets/ACC1/verification',
    body: { ticketHash: HASH, fields: ['monthsPaid'] },
    request: { ticketId: 'ACC1', ticketHash: HASH, fields: ['monthsPaid'] },
  },
  listCitizenAccesses: {
    url: `/api/v1/access-logs/citizen?citizenMspId=CityAMSP&citizenPid=${PID}`,
    request: { citizen: { mspId: 'CityAMSP', pid: PID } },
  },
  listDepartmentAccesses: {
    url: '/api/v1/access-logs/department?mspId=CityAMSP&dept=market',
    request: { mspId: 'CityAMSP', dept: 'market' },
  },
  listAllAccesses: { url: '/api/v1/access-logs?flaggedOnly=true', request: { flaggedOnly: true } },
  publishAttestation: {
    url: '/api/v1/attestations',
    body: {
      attestationId: 'AT1',
      categoryCode: 'HOUSING_FUND',
      field: 'monthsPaid',
      citizen: { mspId: 'CityAMSP', pid: PID },
      factHash: HASH,
      validUntil: T1,
    },
  },
  revokeAttestation: { url: '/api/v1/attestations/AT1/revocation', request: { attestationId: 'AT1' } },
  getAttestation: { url: '/api/v1/attestations/AT1', request: { attestationId: 'AT1' } },
  verifyFact: {
    url: '/api/v1/attestations/AT1/fact-checks',
    body: { ticketId: 'ACC1', claimedValue: 'true', salt: SALT },
    request: { attestationId: 'AT1', ticketId: 'ACC1', claimedValue: 'true', salt: SALT },
  },
  // fund-tracing
  createProgram: {
    url: '/api/v1/programs',
    body: {
      programId: 'P1',
      name: 'Upgrade',
      fiscalYear: 2030,
      totalBudget: '100000000',
      categories: ['equipment'],
      startDate: T0,
      endDate: T1,
      coSign: { threshold: '2000000', by: 'finance' },
      rules: {
        category: { mode: 'warn' },
        recipientCap: { mode: 'block', cap: '5000000' },
        splitPayment: { mode: 'warn', threshold: '1000000', windowHours: 72, count: 3 },
        afterEnd: { mode: 'block' },
        unspent: { mode: 'warn', days: 90 },
      },
    },
  },
  closeProgram: {
    url: '/api/v1/programs/P1/closure',
    body: { reason: 'year end' },
    request: { programId: 'P1', reason: 'year end' },
  },
  getProgram: { url: '/api/v1/programs/P1', request: { programId: 'P1' } },
  listPrograms: { url: '/api/v1/programs?bookmark=abc', request: { bookmark: 'abc' } },
  allocateFunds: {
    url: '/api/v1/programs/P1/allocations',
    body: { allocationId: 'A1', mspId: 'CityAMSP', dept: 'industry', amount: '20000000' },
    request: { programId: 'P1', allocationId: 'A1', mspId: 'CityAMSP', dept: 'industry', amount: '20000000' },
  },
  getAllocation: { url: '/api/v1/allocations/A1', request: { allocationId: 'A1' } },
  listAllocations: { url: '/api/v1/programs/P1/allocations', request: { programId: 'P1' } },
  registerRecipient: {
    url: '/api/v1/programs/P1/recipients',
    body: { recipientMspId: 'CityAMSP', recipientPid: PID, kind: 'enterprise', accountHashes: [HASH] },
    request: {
      programId: 'P1',
      recipientMspId: 'CityAMSP',
      recipientPid: PID,
      kind: 'enterprise',
      accountHashes: [HASH],
    },
  },
  updateRecipientAccounts: {
    url: `/api/v1/programs/P1/recipients/CityAMSP/${PID}/accounts`,
    body: { add: ['d4'.repeat(32)] },
    request: { programId: 'P1', recipientMspId: 'CityAMSP', recipientPid: PID, add: ['d4'.repeat(32)] },
  },
  getRecipient: {
    url: `/api/v1/programs/P1/recipients/CityAMSP/${PID}`,
    request: { programId: 'P1', recipientMspId: 'CityAMSP', recipientPid: PID },
  },
  listRecipients: { url: '/api/v1/programs/P1/recipients', request: { programId: 'P1' } },
  disburse: {
    url: '/api/v1/disbursements',
    body: {
      disbursementId: 'D1',
      allocationId: 'A1',
      recipientMspId: 'CityAMSP',
      recipientPid: PID,
      accountHash: HASH,
      category: 'equipment',
      amount: '3000000',
      documentsHash: HASH,
    },
  },
  coSignDisbursement: {
    url: '/api/v1/disbursements/D1/co-signature',
    body: {},
    request: { disbursementId: 'D1' },
  },
  rejectDisbursement: {
    url: '/api/v1/disbursements/D1/rejection',
    body: { reason: 'bad invoice' },
    request: { disbursementId: 'D1', reason: 'bad invoice' },
  },
  getDisbursement: { url: '/api/v1/disbursements/D1', request: { disbursementId: 'D1' } },
  listDisbursementsByAllocation: {
    url: '/api/v1/allocations/A1/disbursements',
    request: { allocationId: 'A1' },
  },
  listDisbursementsByRecipient: {
    url: `/api/v1/programs/P1/recipients/CityAMSP/${PID}/disbursements`,
    request: { programId: 'P1', recipientMspId: 'CityAMSP', recipientPid: PID },
  },
  listPendingDisbursements: {
    url: '/api/v1/programs/P1/pending-disbursements',
    request: { programId: 'P1' },
  },
  recordSpend: {
    url: '/api/v1/spends',
    body: {
      spendId: 'S1',
      disbursementId: 'D1',
      payeeId: '91310000MA1X',
      amount: '1200000',
      category: 'equipment',
      invoiceHash: HASH,
    },
  },
  getSpend: { url: '/api/v1/spends/S1', request: { spendId: 'S1' } },
  listSpends: { url: '/api/v1/disbursements/D1/spends', request: { disbursementId: 'D1' } },
  sweepUnspent: {
    url: '/api/v1/programs/P1/unspent-sweeps',
    body: { limit: 10 },
    request: { programId: 'P1', limit: 10 },
  },
  traceFunds: { url: '/api/v1/trace/spend/S1', request: { kind: 'spend', id: 'S1' } },
  getAlert: { url: '/api/v1/alerts/tx.0', request: { alertId: 'tx.0' } },
  listAlerts: {
    url: '/api/v1/programs/P1/alerts?status=open&severity=high',
    request: { programId: 'P1', status: 'open', severity: 'high' },
  },
  acknowledgeAlert: {
    url: '/api/v1/alerts/tx.0/acknowledgement',
    body: { note: 'seen' },
    request: { alertId: 'tx.0', note: 'seen' },
  },
  resolveAlert: {
    url: '/api/v1/alerts/tx.0/resolution',
    body: { note: 'fixed' },
    request: { alertId: 'tx.0', note: 'fixed' },
  },
  // e-voting
  getElection: { url: '/api/v1/elections/E1', request: { electionId: 'E1' } },
  listElections: { url: '/api/v1/elections?pageSize=5', request: { pageSize: 5 } },
  registerVoters: {
    url: '/api/v1/elections/E1/roll-batches',
    body: { batchId: 'b1', voters: [{ mspId: 'CityBMSP', pid: PID }] },
    request: { electionId: 'E1', batchId: 'b1', voters: [{ mspId: 'CityBMSP', pid: PID }] },
  },
  castBallot: {
    url: '/api/v1/elections/E1/ballots',
    body: { choices: ['yes'] },
    request: { electionId: 'E1', choices: ['yes'] },
  },
  listBallots: { url: '/api/v1/elections/E1/ballots', request: { electionId: 'E1' } },
  tallyElection: { url: '/api/v1/elections/E1/tally', body: {}, request: { electionId: 'E1' } },
  getTally: { url: '/api/v1/elections/E1/tally', request: { electionId: 'E1' } },
  createElection: {
    url: '/api/v1/elections',
    body: {
      electionId: 'E1',
      title: 'Park',
      ballot: { kind: 'yesNoAbstain' },
      opensAt: '2030-03-01T09:00:00Z',
      closesAt: '2030-03-01T17:00:00Z',
      eligibility: { kind: 'roll' },
      quorum: { kind: 'none' },
      passThresholdPerMille: 500,
      mode: { kind: 'secret', authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }], threshold: 2 },
    },
    request: {
      electionId: 'E1',
      title: 'Park',
      ballot: { kind: 'yesNoAbstain' },
      opensAt: '2030-03-01T09:00:00Z',
      closesAt: '2030-03-01T17:00:00Z',
      eligibility: { kind: 'roll' },
      quorum: { kind: 'none' },
      passThresholdPerMille: 500,
      mode: {
        kind: 'secret',
        variant: 'RSABSSA-SHA384-PSS-Randomized',
        authorities: [{ mspId: 'CityAMSP' }, { mspId: 'CityBMSP' }],
        threshold: 2,
      },
    },
  },
  getVoterStatus: {
    url: `/api/v1/elections/E1/voters/CityBMSP/${PID}`,
    request: { electionId: 'E1', mspId: 'CityBMSP', pid: PID },
  },
  getReceipt: { url: `/api/v1/elections/E1/receipts/${HASH}`, request: { electionId: 'E1', receipt: HASH } },
};

let h: Harness;
let everyone: string;
let nobody: string;

beforeAll(async () => {
  h = await makeHarness();
  everyone = await h.bearer({ sub: 'alice', roles: [...KNOWN_ROLES], pid: PID });
  nobody = await h.bearer({ sub: 'alice', roles: [] });
});
afterAll(() => h.close());
beforeEach(() => {
  h.ledger.calls.length = 0;
  h.ledger.handlers.clear();
});

const routes = () => h.gateway.routes.filter((r) => r.call);
/** Answers a two-transaction route's staging call (the route then carries its hashes). */
const onPrepare = (route: ReturnType<typeof routes>[number]) => {
  const step = route.call!.prepare;
  if (step) h.ledger.on(route.call!.chaincode, step.transaction, () => STAGED);
};
const transientOf = (t: Record<string, string> | undefined) =>
  t ? Object.fromEntries(Object.entries(t).map(([k, v]) => [k, JSON.parse(v)])) : undefined;
const send = (method: string, url: string, auth: string, body?: object) => {
  const r = request(h.gateway.app)
    [method as 'get' | 'post' | 'patch' | 'delete'](url)
    .set('Authorization', auth);
  return body !== undefined ? r.send(body) : r;
};

describe('per-chaincode routes', () => {
  it('has an example for every chaincode route', () => {
    const missing = routes()
      .map((r) => r.operationId)
      .filter((id) => !EXAMPLES[id]);
    expect(missing).toEqual([]);
    expect(routes().length).toBeGreaterThanOrEqual(80);
  });

  it('calls the chaincode transaction with its request shape and answers with the route status', async () => {
    for (const route of routes()) {
      const call = route.call!;
      const ex = EXAMPLES[route.operationId];
      h.ledger.on(call.chaincode, call.transaction, (req) => ({ echo: req }));
      onPrepare(route);
      const res = await send(route.method, ex.url, everyone, ex.body);
      const expected = route.successStatus ?? 200;
      if (res.status !== expected)
        throw new Error(`${route.operationId}: ${res.status} ${JSON.stringify(res.body)}`);
      const recorded = h.ledger.calls.at(-1)!;
      expect([route.operationId, recorded.kind, recorded.invocation.transaction]).toEqual([
        route.operationId,
        call.mode,
        call.transaction,
      ]);
      expect([route.operationId, recorded.request]).toEqual([route.operationId, ex.request ?? ex.body]);
      const transient = recorded.invocation.transient
        ? Object.fromEntries(
            Object.entries(recorded.invocation.transient).map(([k, v]) => [k, JSON.parse(v)]),
          )
        : undefined;
      expect([route.operationId, transient]).toEqual([route.operationId, ex.transient]);
      expect([route.operationId, recorded.invocation.endorsingOrganizations]).toEqual([
        route.operationId,
        ex.endorsingOrganizations,
      ]);
      const result = call.mode === 'submit' ? res.body.result : res.body;
      expect(result).toEqual({ echo: recorded.request });
      const staging = call.prepare ? h.ledger.calls.at(-2)! : undefined;
      expect([
        route.operationId,
        staging && {
          transaction: staging.invocation.transaction,
          request: staging.request,
          transient: transientOf(staging.invocation.transient),
          endorsingOrganizations: staging.invocation.endorsingOrganizations,
        },
      ]).toEqual([
        route.operationId,
        ex.prepare && { transient: undefined, ...ex.prepare, endorsingOrganizations: CALLERS_ORG },
      ]);
    }
  });

  it('maps the chaincode refusal of every route to its status and code', async () => {
    for (const route of routes()) {
      const call = route.call!;
      const ex = EXAMPLES[route.operationId];
      h.ledger.on(call.chaincode, call.transaction, () =>
        chaincodeRefusal(
          'RECORD_NOT_FOUND',
          404,
          `nothing for ${route.operationId}`,
          call.mode === 'submit' ? 'endorse' : 'evaluate',
        ),
      );
      onPrepare(route);
      const res = await send(route.method, ex.url, everyone, ex.body);
      expect([route.operationId, res.status, res.body.code, res.body.detail]).toEqual([
        route.operationId,
        404,
        'RECORD_NOT_FOUND',
        `nothing for ${route.operationId}`,
      ]);
    }
  });

  it('refuses unknown fields before Fabric is called', async () => {
    for (const route of routes()) {
      const ex = EXAMPLES[route.operationId];
      const res = route.body
        ? await send(route.method, ex.url, everyone, { ...(ex.body ?? {}), unexpected: 1 })
        : await send(route.method, `${ex.url}${ex.url.includes('?') ? '&' : '?'}unexpected=1`, everyone);
      expect([route.operationId, res.status, res.body.code]).toEqual([
        route.operationId,
        400,
        'INVALID_REQUEST',
      ]);
    }
    expect(h.ledger.calls).toHaveLength(0);
  });

  it('refuses callers without the route role before Fabric is called', async () => {
    for (const route of routes().filter((r) => r.roles.length > 0)) {
      const ex = EXAMPLES[route.operationId];
      const res = await send(route.method, ex.url, nobody, ex.body);
      expect([route.operationId, res.status, res.body.code]).toEqual([route.operationId, 403, 'FORBIDDEN']);
    }
    expect(h.ledger.calls).toHaveLength(0);
  });
});

describe("routes on a licence collection endorse on the caller's organisation", () => {
  /** Routes whose call (or staging call) carries or reads personal data: pinned to the caller's org. */
  const PRIVATE_ROUTES = Object.entries(EXAMPLES)
    .filter(([, ex]) => ex.endorsingOrganizations !== undefined || ex.prepare !== undefined)
    .map(([id]) => id);

  it('are the e-licence routes that stage or read licencePrivate_<org>', () => {
    expect(PRIVATE_ROUTES.sort()).toEqual([
      'amendLicence',
      'getLicencePrivateData',
      'issueLicence',
      'renewLicence',
      'submitApplication',
    ]);
  });

  it('are the transactions the offline-signing flow pins the same way', () => {
    // an application's staging step is pinned to the city applied to (the caller's own by default)
    const PINS = [ON_CALLERS_PEER, ON_ISSUING_CITYS_PEER] as unknown[];
    const pinned = routes().flatMap((r) => [
      ...(PINS.includes(r.call!.endorsement) ? [r.call!.transaction] : []),
      ...(PINS.includes(r.call!.prepare?.endorsement) ? [r.call!.prepare!.transaction] : []),
    ]);
    // the offline flow reads the same declarations: every transaction it pins to the collection's organisation
    const offlinePins = endorsementCatalogue(h.gateway.routes);
    const COLLECTION_TRANSACTIONS = [...new Set(pinned)].filter((t) =>
      PINS.includes(offlinePins('e-licence', t)),
    );
    expect(COLLECTION_TRANSACTIONS.sort()).toEqual([
      'GetLicencePrivateData',
      'StageApplicationPrivateData',
      'StageLicencePrivateData',
    ]);
    expect([...new Set(pinned)].sort()).toEqual([...COLLECTION_TRANSACTIONS].sort());
    expect(pinned).toHaveLength(PRIVATE_ROUTES.length);
  });

  it('submit the public step of a two-transaction route unpinned, without personal data', async () => {
    for (const route of routes().filter((r) => r.call!.prepare)) {
      h.ledger.on(route.call!.chaincode, route.call!.transaction, (req) => ({ echo: req }));
      onPrepare(route);
      const ex = EXAMPLES[route.operationId];
      const res = await send(route.method, ex.url, everyone, ex.body);
      expect([route.operationId, res.status]).toEqual([route.operationId, route.successStatus ?? 200]);
      const publicCall = h.ledger.calls.at(-1)!;
      expect([route.operationId, publicCall.invocation.transaction]).toEqual([
        route.operationId,
        route.call!.transaction,
      ]);
      expect(publicCall.invocation.endorsingOrganizations).toBeUndefined();
      expect(publicCall.invocation.transient).toBeUndefined();
      expect(JSON.stringify(publicCall.request)).not.toContain(PRIVATE.holder.legalName);
    }
  });

  it('replay both steps under one Idempotency-Key', async () => {
    h.ledger.on('e-licence', 'IssueLicence', (req) => ({ echo: req }));
    h.ledger.on('e-licence', 'StageLicencePrivateData', () => STAGED);
    const post = () =>
      request(h.gateway.app)
        .post(EXAMPLES.issueLicence.url)
        .set('Authorization', everyone)
        .set('Idempotency-Key', 'issue-L1-once')
        .send(EXAMPLES.issueLicence.body);
    const first = await post();
    const again = await post();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(h.ledger.calls.map((c) => c.invocation.transaction)).toEqual([
      'StageLicencePrivateData',
      'IssueLicence',
    ]);
  });

  it('do not submit the public step when the staging step is refused', async () => {
    h.ledger.on('e-licence', 'IssueLicence', (req) => ({ echo: req }));
    h.ledger.on('e-licence', 'StageLicencePrivateData', () =>
      chaincodeRefusal('NOT_TYPE_OWNER', 403, 'licence type A-BIZ belongs to CityAMSP'),
    );
    const res = await send('post', EXAMPLES.issueLicence.url, everyone, EXAMPLES.issueLicence.body);
    expect([res.status, res.body.code]).toEqual([403, 'NOT_TYPE_OWNER']);
    expect(h.ledger.calls.map((c) => c.invocation.transaction)).toEqual(['StageLicencePrivateData']);
  });

  it("pin City B's peer for a City B caller", async () => {
    const bob = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: [...KNOWN_ROLES], pid: PID });
    for (const id of PRIVATE_ROUTES) {
      const route = routes().find((r) => r.operationId === id)!;
      const ex = EXAMPLES[id];
      h.ledger.on(route.call!.chaincode, route.call!.transaction, (req) => ({ echo: req }));
      onPrepare(route);
      const res = await send(route.method, ex.url, bob, ex.body);
      expect([id, res.status]).toEqual([id, route.successStatus ?? 200]);
      const recorded = h.ledger.calls.at(route.call!.prepare ? -2 : -1)!;
      expect([id, recorded.identity.mspId, recorded.invocation.endorsingOrganizations]).toEqual([
        id,
        'CityBMSP',
        ['CityBMSP'],
      ]);
    }
  });

  it("pins an application to another city on that city's peer: staging request, pin and public step", async () => {
    h.ledger.on('e-licence', 'SubmitApplication', (req) => ({ echo: req }));
    h.ledger.on('e-licence', 'StageApplicationPrivateData', () => STAGED);
    const body = { ...EXAMPLES.submitApplication.body, typeCode: 'B-PERMIT', issuingMsp: 'CityBMSP' };
    const res = await send('post', '/api/v1/applications', everyone, body);
    expect(res.status).toBe(201);
    const [staging, publicCall] = h.ledger.calls.slice(-2);
    expect(staging.identity.mspId).toBe(CALLERS_ORG[0]);
    expect(staging.invocation.transaction).toBe('StageApplicationPrivateData');
    expect(staging.request).toEqual({ applicationId: 'APP1', typeCode: 'B-PERMIT', issuingMsp: 'CityBMSP' });
    expect(staging.invocation.endorsingOrganizations).toEqual(['CityBMSP']);
    expect(transientOf(staging.invocation.transient)).toEqual({ licencePrivate: PRIVATE });
    expect(publicCall.request).toEqual({
      applicationId: 'APP1',
      typeCode: 'B-PERMIT',
      issuingMsp: 'CityBMSP',
      materials: [{ kind: 'licence', licenceId: 'FIRE-1' }],
      ...STAGED_HASHES,
    });
    expect(publicCall.invocation.endorsingOrganizations).toBeUndefined();
    expect(publicCall.invocation.transient).toBeUndefined();
    // an invalid issuing city is refused before anything reaches Fabric
    const calls = h.ledger.calls.length;
    const bad = await send('post', '/api/v1/applications', everyone, { ...body, issuingMsp: 'not an msp!' });
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_REQUEST']);
    expect(h.ledger.calls).toHaveLength(calls);
  });

  it('passes the chaincode refusal ENDORSER_NOT_COLLECTION_MEMBER on as 403 with its details', async () => {
    const details = {
      collection: 'licencePrivate_CityAMSP',
      requiredEndorser: 'CityAMSP',
      endorser: 'CityBMSP',
    };
    h.ledger.on('e-licence', 'StageLicencePrivateData', () => {
      throw new LedgerError('endorse', 'chaincode', 'chaincode refused', {
        chaincodeError: {
          code: 'ENDORSER_NOT_COLLECTION_MEMBER',
          status: 403,
          message: 'must be endorsed by a peer of CityAMSP',
          details,
        },
        txId: 'a'.repeat(64),
      });
    });
    const res = await send('post', EXAMPLES.issueLicence.url, everyone, EXAMPLES.issueLicence.body);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      code: 'ENDORSER_NOT_COLLECTION_MEMBER',
      detail: 'must be endorsed by a peer of CityAMSP',
      details,
      retrySafe: true,
    });
  });
});

describe('route-specific validation', () => {
  it.each([
    ['money as a number', '/api/v1/disbursements', { ...EXAMPLES.disburse.body, amount: 3000000 }, 'amount'],
    ['fractional money', '/api/v1/disbursements', { ...EXAMPLES.disburse.body, amount: '1.5' }, 'amount'],
    [
      'money over 10^15',
      '/api/v1/disbursements',
      { ...EXAMPLES.disburse.body, amount: '1000000000000001' },
      'amount',
    ],
    ['leading zero money', '/api/v1/disbursements', { ...EXAMPLES.disburse.body, amount: '0100' }, 'amount'],
    [
      'end before start',
      '/api/v1/programs',
      { ...EXAMPLES.createProgram.body, endDate: '2029-01-01T00:00:00Z' },
      'endDate',
    ],
    [
      'unknown purpose',
      '/api/v1/consents',
      { ...EXAMPLES.grantConsent.body, purpose: 'CURIOSITY' },
      'purpose',
    ],
    [
      'consent ending before it starts',
      '/api/v1/consents',
      { ...EXAMPLES.grantConsent.body, validUntil: '2029-01-01T00:00:00Z' },
      'validUntil',
    ],
    [
      'both consent and legal basis',
      '/api/v1/access-requests',
      { ...EXAMPLES.requestAccess.body, legalBasisId: 'LB1' },
      'legalBasisId',
    ],
    [
      'repeated field',
      '/api/v1/data-categories',
      { ...EXAMPLES.registerCategory.body, fields: ['a', 'a'] },
      'fields',
    ],
    ['unknown revocation reason', '/api/v1/licences/L1/revocation', { reasonCode: 'BORED' }, 'reasonCode'],
    [
      'private record with an extra member',
      '/api/v1/licences',
      { ...EXAMPLES.issueLicence.body, licencePrivate: { ...PRIVATE, extra: 1 } },
      'licencePrivate',
    ],
    [
      'duplicate voters',
      '/api/v1/elections/E1/roll-batches',
      {
        batchId: 'b',
        voters: [
          { mspId: 'CityAMSP', pid: PID },
          { mspId: 'CityAMSP', pid: PID },
        ],
      },
      'voters',
    ],
    [
      'a voter named by a bare pid',
      '/api/v1/elections/E1/roll-batches',
      { batchId: 'b', voters: [PID] },
      'voters',
    ],
  ])('refuses %s', async (_what, url, body, field) => {
    const res = await send('post', url, everyone, body as object);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path.split('.')[0])).toContain(field);
  });

  it('refuses a department reading another department’s access log', async () => {
    const officer = await h.bearer({ sub: 'alice', roles: ['officer'], dept: 'housing' });
    const res = await send('get', '/api/v1/access-logs/department?mspId=CityAMSP&dept=social', officer);
    expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    const other = await send('get', '/api/v1/access-logs/department?mspId=CityBMSP&dept=housing', officer);
    expect(other.status).toBe(403);
  });

  it('refuses a citizen reading another citizen’s access log', async () => {
    const citizen = await h.bearer({ sub: 'alice', roles: ['citizen'], pid: PID });
    const res = await send(
      'get',
      `/api/v1/access-logs/citizen?citizenMspId=CityAMSP&citizenPid=${'e5'.repeat(32)}`,
      citizen,
    );
    expect(res.status).toBe(403);
    // the same pid under another home MSP is another citizen
    const twin = await send(
      'get',
      `/api/v1/access-logs/citizen?citizenMspId=CityBMSP&citizenPid=${PID}`,
      citizen,
    );
    expect(twin.status).toBe(403);
    const consents = await send('get', `/api/v1/consents?citizenMspId=CityBMSP&citizenPid=${PID}`, citizen);
    expect(consents.status).toBe(403);
  });

  it('refuses a citizen named by pid alone (400)', async () => {
    const auditor = await h.bearer({ sub: 'alice', roles: ['auditor'] });
    const res = await send('get', `/api/v1/access-logs/citizen?citizenPid=${PID}`, auditor);
    expect(res.status).toBe(400);
  });

  it('refuses non-finance officers on program management', async () => {
    const officer = await h.bearer({ sub: 'alice', roles: ['officer'], dept: 'industry' });
    const res = await send('post', '/api/v1/programs', officer, EXAMPLES.createProgram.body);
    expect(res.status).toBe(403);
    expect(h.ledger.calls).toHaveLength(0);
  });
});

describe('a two-transaction route whose public step reaches an endorser a block behind', () => {
  const issue = () =>
    send('post', EXAMPLES.issueLicence!.url, everyone, EXAMPLES.issueLicence!.body as object);
  const publicCalls = () => h.ledger.calls.filter((c) => c.invocation.transaction === 'IssueLicence');

  it('tries the public step again while the staged record is not yet there, then answers', async () => {
    h.ledger.on('e-licence', 'StageLicencePrivateData', () => STAGED);
    let refusals = 2;
    h.ledger.on('e-licence', 'IssueLicence', () => {
      if (refusals-- > 0)
        chaincodeRefusal('PRIVATE_DATA_HASH_MISMATCH', 409, 'no staged record with this hash');
      return { licenceId: 'L1' };
    });
    const res = await issue();
    expect(res.status).toBe(201);
    expect(publicCalls()).toHaveLength(3);
    expect(h.ledger.calls.filter((c) => c.invocation.transaction === 'StageLicencePrivateData')).toHaveLength(
      1,
    );
  });

  it('gives up after a bounded wait, and never retries another refusal', async () => {
    h.ledger.on('e-licence', 'StageLicencePrivateData', () => STAGED);
    h.ledger.on('e-licence', 'IssueLicence', () =>
      chaincodeRefusal('PRIVATE_DATA_HASH_MISMATCH', 409, 'no staged record with this hash'),
    );
    const started = Date.now();
    const lagging = await issue();
    expect([lagging.status, lagging.body.code]).toEqual([409, 'PRIVATE_DATA_HASH_MISMATCH']);
    expect(Date.now() - started).toBeLessThan(LAGGING_ENDORSER_MS + 2_000);
    expect(publicCalls().length).toBeGreaterThan(2);

    h.ledger.calls.length = 0;
    h.ledger.on('e-licence', 'IssueLicence', () => chaincodeRefusal('LICENCE_EXISTS', 409, 'taken'));
    const other = await issue();
    expect([other.status, other.body.code]).toEqual([409, 'LICENCE_EXISTS']);
    expect(publicCalls()).toHaveLength(1);
  });
});
