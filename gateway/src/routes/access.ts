/**
 * The real access rule of every route, as the OpenAPI document states it beside the
 * gateway role: who the chaincode (or the gateway handler) lets through, taken from the
 * chaincodes' authz rules and READMEs. One table, by operationId, so that a route
 * without its rule is found by a unit test (test/openapi-contract.test.ts).
 *
 * Words used: "member" is any identity of the channel; a "citizen" / "enterprise" is
 * the caller's own (certificate MSP, `gov.pid`) pair, never a pid taken from the request;
 * an "officer of dept X" has role `officer` and `gov.dept=X` in the named organisation.
 */
import type { AnyRoute } from '../http/route';

/** The access rule of each route (after its gateway role), by operationId. */
export const ACCESS_RULES: Readonly<Record<string, string>> = {
  // ------------------------------------------------------------ e-licence
  createLicenceType:
    'chaincode: `admin` of a licensing city (one whose licence collection the committed e-licence definition has, else 403 ORG_NOT_LICENSING); the type is owned by the caller’s organisation.',
  updateLicenceType: 'chaincode: `admin` of the organisation that owns the type (else 403 NOT_TYPE_OWNER).',
  getLicenceType: 'chaincode: any member.',
  listLicenceTypes: 'chaincode: any member.',
  listLicencesByTypeAndStatus: 'chaincode: any member.',
  recordRecognition:
    'chaincode: `admin`; `localTypeCode` must be a type of the caller’s organisation, `foreignTypeCode` another organisation’s.',
  listRecognitions: 'chaincode: any member.',
  withdrawRecognition: 'chaincode: `admin` of the recognising organisation.',
  issueLicence:
    'chaincode: `issuer` whose `gov.dept` is the type’s department, in the organisation that owns the type. The private record goes only to that organisation’s peers.',
  getLicence: 'chaincode: any member (the public record holds hashes, never personal data).',
  verifyLicence: 'chaincode: any member.',
  getLicencePrivateData:
    'chaincode: the holder (certificate MSP and `gov.pid` equal to the holder, wherever registered), or in the issuing organisation an `issuer` of the issuing department or an `admin`. Anyone else is refused 403 NOT_ISSUING_ORG.',
  getLicenceHistory: 'chaincode: any member.',
  suspendLicence:
    'chaincode: `issuer` of the issuing department in the issuing organisation (else 403 NOT_ISSUING_ORG).',
  reinstateLicence: 'chaincode: `issuer` of the issuing department in the issuing organisation.',
  revokeLicence: 'chaincode: `issuer` of the issuing department in the issuing organisation.',
  renewLicence: 'chaincode: `issuer` of the issuing department in the issuing organisation.',
  amendLicence: 'chaincode: `issuer` of the issuing department in the issuing organisation.',
  listLicencesByHolder: 'chaincode: any member.',
  submitApplication:
    'chaincode: the applicant under their own identity: `citizen` (person types) or `enterprise` (enterprise types) with a `gov.pid`, of any organisation; `issuingMsp` (default the applicant’s own organisation) must own the type (else 403 APPLICANT_ORG_MISMATCH). The personal data is staged through and on that city’s peer only. Each referenced material must be the applicant’s own and valid (else 403 MATERIAL_NOT_OWNED, 409 MATERIAL_NOT_VALID); an attestation is read from data-sharing under the applicant’s identity.',
  getApplication: 'chaincode: any member (the public application holds hashes, never personal data).',
  approveApplication:
    'chaincode: `approver` whose `gov.dept` is one the type requires (else 403 DEPT_NOT_REQUIRED), in the type’s organisation.',
  rejectApplication: 'chaincode: `approver` of a required department, in the type’s organisation.',
  raiseOverdueWarnings:
    'chaincode: `admin`, `auditor` or `approver` of any organisation (else 403); idempotent, it only records deadlines passed at the transaction time.',
  listOverdueWarnings:
    'chaincode: an `auditor` of any organisation; an `admin` of `ownerMsp`; an `approver` of `ownerMsp` naming its own `dept` (else 403).',
  // ------------------------------------------------------------ data-sharing
  registerCategory: 'chaincode: `officer` with a `gov.dept`; the holder is the caller’s own department.',
  updateCategory: 'chaincode: `officer` of the holder department.',
  getCategory: 'chaincode: any member.',
  listCategories: 'chaincode: any member.',
  listPurposes: 'chaincode: any member.',
  grantConsent:
    'chaincode: `citizen` with a `gov.pid`; the consent is the caller’s own (home MSP and pid from the certificate).',
  listConsents:
    'chaincode: a citizen reads their own (naming another citizen: 403 NOT_OWN_DATA); an `auditor` must name `citizen`, of its own organisation unless its organisation audits the others (else 403 OUTSIDE_AUDIT_SCOPE).',
  pauseConsent: 'chaincode: the citizen who owns the consent (else 403 NOT_CONSENT_OWNER).',
  resumeConsent: 'chaincode: the citizen who owns the consent.',
  revokeConsent: 'chaincode: the citizen who owns the consent.',
  getConsent:
    'chaincode: the owning citizen, an officer of the grantee or holder department, or an auditor in scope.',
  recordLegalBasis:
    'chaincode: `legal-officer` with a `gov.dept`; the grantee is the caller’s own department.',
  listLegalBases:
    'chaincode: any member with a `gov.dept` (its own department by default; naming another department needs the auditor role).',
  withdrawLegalBasis: 'chaincode: `legal-officer` of the basis’s department (else 403 DEPT_MISMATCH).',
  decideLegalBasis: 'chaincode: `officer` of the department that holds the category.',
  getLegalBasis: 'chaincode: any member.',
  requestAccess: 'chaincode: `officer` with a `gov.dept`; the requester is the caller’s own department.',
  getAccess: 'chaincode: the citizen, the requester or holder department, or an auditor in scope.',
  verifyTicket:
    'chaincode: the holder or grantee department of the ticket, or an auditor in scope (else 403 NOT_TICKET_PARTY).',
  listCitizenAccesses:
    'chaincode: a citizen reads their own log; an `auditor` must name `citizen`, of its own organisation unless its organisation audits the others.',
  listDepartmentAccesses:
    'chaincode: any identity with a `gov.dept` reads its own department’s accesses (naming another: 403 DEPT_MISMATCH); an auditor names both parts, within its audit scope.',
  listAllAccesses:
    'chaincode: `auditor`; a designated auditor organisation sees every entry, any other only the entries its organisation is a party to.',
  publishAttestation: 'chaincode: `officer` of the department that holds the category.',
  revokeAttestation: 'chaincode: `officer` of the holder department.',
  getAttestation: 'chaincode: the holder department, the citizen, or an auditor in scope.',
  verifyFact: 'chaincode: the grantee department of the ticket (else 403 TICKET_NOT_YOURS).',
  // ------------------------------------------------------------ fund-tracing
  createProgram:
    'chaincode: finance officer (role `officer`, `gov.dept=finance`) of any organisation, which becomes the owner.',
  listPrograms: 'chaincode: any member.',
  closeProgram: 'chaincode: finance officer of the organisation that owns the program.',
  getProgram: 'chaincode: any member.',
  allocateFunds: 'chaincode: finance officer of the organisation that owns the program.',
  listAllocations: 'chaincode: staff (a certificate with a `gov.dept`, or role `auditor` or `admin`).',
  getAllocation: 'chaincode: staff.',
  registerRecipient: 'chaincode: `officer` of a department that holds an allocation in the program.',
  listRecipients: 'chaincode: staff.',
  updateRecipientAccounts: 'chaincode: `officer` of the department that registered the recipient.',
  getRecipient: 'chaincode: staff, or the recipient itself (same home MSP and `gov.pid`).',
  disburse: 'chaincode: `officer` of the organisation and department that hold the allocation.',
  coSignDisbursement:
    'chaincode: the program’s co-signer class (a finance officer, or an auditor of an organisation that audits the others), of an organisation other than the disbursing one.',
  rejectDisbursement: 'chaincode: a co-signer, or the allocation holder (withdrawal).',
  getDisbursement: 'chaincode: staff, or its recipient.',
  listDisbursementsByAllocation: 'chaincode: staff.',
  listDisbursementsByRecipient: 'chaincode: staff, or that recipient.',
  listPendingDisbursements: 'chaincode: staff.',
  recordSpend:
    'chaincode: the disbursement’s recipient (home MSP, `gov.pid`, and role `enterprise` or `citizen` matching its kind).',
  getSpend: 'chaincode: staff, or the recipient.',
  listSpends: 'chaincode: staff, or the recipient.',
  sweepUnspent: 'chaincode: any member.',
  traceFunds: 'chaincode: program or allocation: staff; disbursement or spend: staff or its recipient.',
  getAlert: 'chaincode: an auditor, or a finance officer of the program’s owner.',
  listAlerts: 'chaincode: an auditor, or a finance officer of the program’s owner.',
  acknowledgeAlert:
    'chaincode: `auditor` of the alert’s organisation, or of an organisation that audits the others.',
  resolveAlert:
    'chaincode: `auditor` of the alert’s organisation, or of an organisation that audits the others.',
  // ------------------------------------------------------------ e-voting
  createElection: 'chaincode: `election-admin`; the organiser is the caller’s own organisation.',
  listElections: 'chaincode: any member.',
  getElection: 'chaincode: any member.',
  registerVoters: 'chaincode: `election-admin` of the organising organisation.',
  castBallot:
    'chaincode: the voter under their own identity (`gov.pid`), on the roll as (home MSP, pid) or matching the election’s attribute rule (else 403 INELIGIBLE_VOTER).',
  listBallots: 'chaincode: any member.',
  registerAuthorityKey:
    'chaincode: `election-admin` of one of the secret election’s authority organisations; the authority is the caller’s own organisation (its MSP), so no one registers a key in another organisation’s name (else 403 FORBIDDEN), once, before voting opens. Without `publicKey` the gateway makes the key for the caller’s organisation and holds its private half for that organisation only.',
  requestBallotToken:
    'chaincode: the eligible voter under their own identity (RequestToken: `gov.pid`, on the roll as (home MSP, pid) or matching the election’s attribute rule, else 403 INELIGIBLE_VOTER), once per election; each authority this gateway acts for then records IssueToken under its own organisation’s election admin before it blind-signs.',
  issueBlindSignature:
    'gateway: anyone, no token; answered only by the gateway that acts for authority {mspId}, and only for a voter whose token request recorded the hash of this blinded message for that authority (else 409 TOKEN_NOT_REQUESTED / BLINDED_MISMATCH): the authority first records IssueToken under its own organisation’s election admin (chaincode: `election-admin` of that authority organisation), then blind-signs, once per voter (a retry gets the same signature).',
  dropSecretBallot:
    'gateway: anyone, no token, and no client address logged (the ballot must not be linked to the voter); the box checks the token and the signatures of k distinct authorities, then submits shuffled batches under its ballot-box identity, which the chaincode requires (role `ballot-box` of a consortium organisation).',
  getBallotBoxState:
    'gateway: anyone, no token (the receipt is the SHA-256 of the token, known only to the voter); read from the ballot box’s own store.',
  tallyElection: 'chaincode: any member, once voting is closed.',
  getTally: 'chaincode: any member.',
  verifyTally: 'chaincode: any member.',
  getVoterStatus: 'chaincode: any member.',
  getReceipt: 'chaincode: any member.',
  // ------------------------------------------------------------ public transparency
  listPublicProgramSummaries:
    'gateway: anyone, no token (rate-limited per client address); chaincode: aggregates only (GetPublicSummary / ListPublicSummaries return no pid, account hash or payee id), read with the gateway’s configured public-read identity.',
  getPublicProgramSummary:
    'gateway: anyone, no token (rate-limited per client address); chaincode: aggregates only, read with the gateway’s configured public-read identity.',
  exportPublicFunds:
    'gateway: anyone, no token (rate-limited per client address); chaincode: aggregates only, read with the gateway’s configured public-read identity.',
  // ------------------------------------------------------------ presentations and usage (issue 18)
  registerPresentationKey:
    'chaincode: `admin`; the key is the caller’s own organisation’s (its MSP), so no one registers a key in another organisation’s name; the record is then protected (its organisation AND one other). The gateway holds the private half for that organisation only.',
  getPresentationJwks:
    'gateway: anyone, no token (rate-limited per client address); only keys registered on the ledger, read with the gateway’s configured public-read identity.',
  createPresentation:
    'gateway: the licence’s holder only (token MSP and `gov.pid` equal to the licence’s holder, else 403 NOT_LICENCE_HOLDER); chaincode: GetLicencePrivateData under the holder’s own identity, on the issuing organisation’s peers (the holder may be registered in another city). Signed with the issuing organisation’s registered key.',
  verifyPresentation:
    'gateway: anyone, no token (rate-limited per client address); read and recorded (RecordPresentationCheck: any member) with the gateway’s configured public-read identity. Disclosed values never reach the ledger.',
  checkTicket:
    'chaincode: as verifyTicket (the holder or grantee department of the ticket, or an auditor in scope; else 403 NOT_TICKET_PARTY); unknown ticket 404.',
  checkFact: 'chaincode: as verifyFact (the grantee department of the ticket, else 403 TICKET_NOT_YOURS).',
  listMyDataChecks: 'chaincode: the citizen (`citizen` with a `gov.pid`), their own trace only.',
  checkLicence:
    'chaincode: any member with a `gov.dept` (else 403); the entry names its organisation, department and role.',
  listMyLicenceChecks:
    'chaincode: the holder only (`citizen` or `enterprise` with a `gov.pid`); naming another’s licence: 403 FORBIDDEN.',
  // ------------------------------------------------------------ gateway
  getTransactionStatus:
    'gateway: the caller who sent the write, or an `admin`, sees its stored outcome; others learn only whether the ledger holds the transaction (read with their own Fabric identity).',
  prepareOfflineTransaction:
    'gateway: the transaction is signed by the caller’s own key; the chaincode applies its rule to that identity.',
  signOfflineTransaction: 'gateway: only the caller who prepared the transaction.',
  getOfflineTransaction: 'gateway: only the caller who prepared the transaction.',
  streamEvents:
    'gateway: the events are read from the peer with the caller’s own Fabric identity, so the channel’s event and block access rules apply.',
  adminCallChaincode: 'chaincode: whatever the called transaction requires of the admin’s identity.',
  registerIdentity:
    'gateway: the caller’s own certificate must carry `gov.role=admin` (403 ADMIN_CERTIFICATE_REQUIRED); the identity is registered at the caller’s organisation only.',
  listIdentities:
    'gateway: the caller’s own certificate must carry `gov.role=admin`; only its own organisation’s identities.',
  // ------------------------------------------------------------ webhooks (gateway only, never the chaincode)
  createWebhook:
    'gateway: a staff identity: the caller’s own certificate must carry a `gov.role` and be neither citizen nor enterprise nor carry a `gov.pid` (else 403 WEBHOOK_STAFF_ONLY; citizens and enterprises follow `GET /api/v1/events`). The subscription belongs to the caller and is read with its own Fabric identity: it only ever receives the events that identity may read, by the scope rule of `streamEvents`.',
  listWebhooks: 'gateway: the caller’s own subscriptions only.',
  getWebhook: 'gateway: the caller’s own subscription only (anyone else’s: 404 WEBHOOK_NOT_FOUND).',
  listWebhookDeliveries: 'gateway: the caller’s own subscription only (else 404 WEBHOOK_NOT_FOUND).',
  deleteWebhook: 'gateway: the caller’s own subscription only (else 404 WEBHOOK_NOT_FOUND).',
  rotateWebhookSecret: 'gateway: the caller’s own subscription only (else 404 WEBHOOK_NOT_FOUND).',
  resumeWebhook: 'gateway: the caller’s own subscription only (else 404 WEBHOOK_NOT_FOUND).',
  replayWebhook:
    'gateway: the caller’s own subscription only (else 404 WEBHOOK_NOT_FOUND); replayed events pass the same scope rule again.',
};

/** The routes with their access rule from {@link ACCESS_RULES} (a route's own `access` wins). */
export function withAccessRules(routes: readonly AnyRoute[]): AnyRoute[] {
  return routes.map((r) => {
    const access = r.access ?? ACCESS_RULES[r.operationId];
    return access === undefined ? r : { ...r, access };
  });
}
