/**
 * data-sharing: the data catalogue, citizen consents, legal bases, access
 * requests and tickets, attestations and fact checks, and the access logs.
 * Request bodies are the wire contract's (`@govledger/wire`'s `dataSharing`)
 * request schemas with the path parameters omitted; cross-field rules are the
 * wire's own rule functions, so the gateway refuses exactly what the chaincode
 * would. A citizen acts under their own certificate: the pseudonymous id comes
 * from it, never from the request. Data values never reach the ledger, only
 * field names and hashes.
 */
import { dataSharing as W } from '@govledger/wire';
import { z } from 'zod';
import { hasAnyRole, type Caller } from '../auth';
import { defineRoute, type AnyRoute } from '../http/route';
import { PageQuery, pageOf } from '../schemas';

const CC = 'data-sharing';
const TAGS = ['data-sharing'];

/** Purposes a consent or legal basis may name (the wire contract's). */
export const PURPOSES = W.PURPOSES;
/** Sensitivity levels of a category (the wire contract's). */
export const SENSITIVITIES = W.SENSITIVITIES;

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A paginated query naming a citizen whole (`citizenMspId` and `citizenPid`) or not at all. */
const citizenPageQuery = W.wholeCitizenOrNone(PageQuery.extend(W.CitizenQuery.shape).strict());

/** The chaincode request of a citizen query: the citizen as one (home MSP, pid) subject. */
function citizenRequest(query: z.output<typeof citizenPageQuery>): Record<string, unknown> {
  const { citizenMspId: _m, citizenPid: _p, ...page } = query;
  return { ...page, ...W.citizenFromQuery(query) };
}

/** Refuses a citizen naming another citizen (an auditor names anyone; the chaincode bounds auditors). */
function ownCitizenOnly(
  query: z.output<typeof citizenPageQuery>,
  caller: Caller,
  what: string,
): string | undefined {
  if (query.citizenPid === undefined || hasAnyRole(caller, ['auditor']) || !caller.pid) return undefined;
  return query.citizenPid !== caller.pid || query.citizenMspId !== caller.org
    ? `a citizen reads only their own ${what}`
    : undefined;
}

// Response documents: the wire contract's records, named in the OpenAPI document.
const Dept = W.DeptRef.meta({ id: 'DepartmentRef', description: 'A department of an organisation' });
const Category = W.Category.extend({
  holder: Dept,
}).meta({ id: 'DataCategory', description: 'A data category a department holds and others may ask to read' });
const Consent = W.ConsentView.extend({
  grantee: Dept,
  holder: Dept,
}).meta({
  id: 'Consent',
  description: "A citizen's consent to let a department read some fields of a data category for a purpose",
});
const LegalBasis = W.LegalBasisView.extend({
  grantee: Dept,
  holder: Dept,
}).meta({
  id: 'LegalBasis',
  description: 'A statute that lets a department read some fields of a data category without consent',
});
const AccessResult = W.AccessResult.meta({
  id: 'AccessResult',
  description: 'A refusal on consent/legal-basis grounds is an answer (granted: false), logged on the ledger',
});
const Access = W.Access.meta({
  id: 'Access',
  description: 'An entry of the access log (granted or refused)',
});
const Attestation = W.AttestationView.extend({
  holder: Dept,
}).meta({
  id: 'Attestation',
  description: "A department's attestation of a fact about a citizen (salted hash of the value)",
});

const consentId = W.ConsentRefRequest;
const attestationId = W.AttestationRefRequest;
const legalBasisId = W.GetLegalBasisRequest;

/** The data-sharing routes. */
export function dataSharingRoutes(): AnyRoute[] {
  return [
    // ------------------------------------------------------------ catalogue
    defineRoute({
      method: 'post',
      path: '/api/v1/data-categories',
      operationId: 'registerCategory',
      summary: "Register a data category held by the caller's department",
      tags: TAGS,
      roles: ['officer'],
      successStatus: 201,
      body: W.RegisterCategoryRequest,
      response: Category,
      call: { chaincode: CC, transaction: 'RegisterCategory', mode: 'submit' },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/data-categories/{code}',
      operationId: 'updateCategory',
      summary: 'Change a category (fields may only be added) or withdraw / reactivate it',
      tags: TAGS,
      roles: ['officer'],
      params: W.GetCategoryRequest,
      body: W.changesSomething(W.UpdateCategoryFields.omit({ code: true })),
      response: Category,
      call: { chaincode: CC, transaction: 'UpdateCategory', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/data-categories/{code}',
      operationId: 'getCategory',
      summary: 'A data category',
      tags: TAGS,
      roles: [],
      params: W.GetCategoryRequest,
      response: Category,
      call: { chaincode: CC, transaction: 'GetCategory', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/data-categories',
      operationId: 'listCategories',
      summary: 'The data catalogue, or one holder organisation (and department)',
      tags: TAGS,
      roles: [],
      query: W.holderDeptNeedsMsp(PageQuery.extend(W.ListCategoriesFilter.shape).strict()),
      response: pageOf(Category),
      call: { chaincode: CC, transaction: 'ListCategories', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/purposes',
      operationId: 'listPurposes',
      summary: 'Purpose codes, sensitivity levels and limits',
      tags: TAGS,
      roles: [],
      response: W.PurposesResult,
      call: { chaincode: CC, transaction: 'ListPurposes', mode: 'evaluate', request: () => ({}) },
    }),
    // ------------------------------------------------------------ consents
    defineRoute({
      method: 'post',
      path: '/api/v1/consents',
      operationId: 'grantConsent',
      summary: 'A citizen consents to a department accessing some fields of a category for one purpose',
      description:
        'The citizen is the caller (gov.pid of their certificate). Give consentId to make a retry safe.',
      tags: TAGS,
      roles: ['citizen'],
      successStatus: 201,
      body: W.GrantConsentRequest,
      response: Consent,
      call: { chaincode: CC, transaction: 'GrantConsent', mode: 'submit' },
    }),
    ...(['pause', 'resume', 'revocation'] as const).map((action) =>
      defineRoute({
        method: 'post',
        path: `/api/v1/consents/{consentId}/${action}`,
        operationId: { pause: 'pauseConsent', resume: 'resumeConsent', revocation: 'revokeConsent' }[action],
        summary: {
          pause: 'Pause a consent',
          resume: 'Resume a paused consent',
          revocation: 'Revoke a consent (takes effect for the next request)',
        }[action],
        tags: TAGS,
        roles: ['citizen'],
        params: consentId,
        response: Consent,
        call: {
          chaincode: CC,
          transaction: { pause: 'PauseConsent', resume: 'ResumeConsent', revocation: 'RevokeConsent' }[
            action
          ],
          mode: 'submit',
        },
      }),
    ),
    defineRoute({
      method: 'get',
      path: '/api/v1/consents/{consentId}',
      operationId: 'getConsent',
      summary: 'A consent (its citizen, the grantee and holder departments, auditors)',
      tags: TAGS,
      roles: [],
      params: consentId,
      response: Consent,
      call: { chaincode: CC, transaction: 'GetConsent', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/consents',
      operationId: 'listConsents',
      summary: "The caller's consents, newest first (an auditor names citizenMspId and citizenPid)",
      tags: TAGS,
      roles: ['citizen', 'auditor'],
      query: citizenPageQuery,
      authorize: ({ query }, caller) => ownCitizenOnly(query, caller, 'consents'),
      response: pageOf(Consent),
      call: {
        chaincode: CC,
        transaction: 'ListConsents',
        mode: 'evaluate',
        request: ({ query }) => citizenRequest(query),
      },
    }),
    // ------------------------------------------------------------ legal bases
    defineRoute({
      method: 'post',
      path: '/api/v1/legal-bases',
      operationId: 'recordLegalBasis',
      summary: "Record a statutory duty that lets the caller's department access a category",
      tags: TAGS,
      roles: ['legal-officer'],
      successStatus: 201,
      body: W.RecordLegalBasisRequest,
      response: LegalBasis,
      call: { chaincode: CC, transaction: 'RecordLegalBasis', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/legal-bases/{legalBasisId}/withdrawal',
      operationId: 'withdrawLegalBasis',
      summary: 'Withdraw a legal basis',
      tags: TAGS,
      roles: ['legal-officer'],
      params: legalBasisId,
      body: W.WithdrawLegalBasisRequest.omit({ legalBasisId: true }),
      response: LegalBasis,
      call: { chaincode: CC, transaction: 'WithdrawLegalBasis', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/legal-bases/{legalBasisId}/decision',
      operationId: 'decideLegalBasis',
      summary: 'The department holding the data approves or refuses a pending legal basis over it',
      description:
        'A legal basis over a category held by another organisation allows nothing until an officer of the holding department approves it; the decision, the officer and the time are recorded. A refusal is final.',
      tags: TAGS,
      roles: ['officer'],
      params: legalBasisId,
      body: W.DecideLegalBasisRequest.omit({ legalBasisId: true }),
      response: LegalBasis,
      call: { chaincode: CC, transaction: 'DecideLegalBasis', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/legal-bases/{legalBasisId}',
      operationId: 'getLegalBasis',
      summary: 'A legal basis',
      tags: TAGS,
      roles: [],
      params: legalBasisId,
      response: LegalBasis,
      call: { chaincode: CC, transaction: 'GetLegalBasis', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/legal-bases',
      operationId: 'listLegalBases',
      summary: "A department's legal bases (the caller's own when none is named)",
      tags: TAGS,
      roles: [],
      query: W.wholeDeptOrNone(PageQuery.extend(W.ListLegalBasesFilter.shape).strict()),
      response: pageOf(LegalBasis),
      call: { chaincode: CC, transaction: 'ListLegalBases', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ access and tickets
    defineRoute({
      method: 'post',
      path: '/api/v1/access-requests',
      operationId: 'requestAccess',
      summary: "The caller's department asks for some fields of a citizen's category for one purpose",
      description:
        'Granted: a ticket the holding department verifies before it serves data. Refused on consent grounds: granted=false with the code; the refusal is logged too.',
      tags: TAGS,
      roles: ['officer'],
      body: W.RequestAccessRequest.meta({
        example: {
          accessId: 'access-2026-0001',
          citizen: {
            mspId: 'CityAMSP',
            pid: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
          },
          categoryCode: 'household-register',
          fields: ['address', 'householdSize'],
          purpose: 'HOUSING_SUBSIDY',
          consentId: 'consent-2026-0001',
          ticketTtlSeconds: 900,
        },
      }),
      response: AccessResult,
      call: { chaincode: CC, transaction: 'RequestAccess', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/accesses/{accessId}',
      operationId: 'getAccess',
      summary: 'One access log entry',
      tags: TAGS,
      roles: [],
      params: W.GetAccessRequest,
      response: Access,
      call: { chaincode: CC, transaction: 'GetAccess', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tickets/{ticketId}/verification',
      operationId: 'verifyTicket',
      summary: 'The holding department checks a ticket (hash and fields) before it serves data',
      tags: TAGS,
      roles: [],
      params: W.VerifyTicketRequest.pick({ ticketId: true }),
      body: W.VerifyTicketRequest.omit({ ticketId: true }),
      response: W.VerifyTicketResult,
      call: { chaincode: CC, transaction: 'VerifyTicket', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ access logs
    defineRoute({
      method: 'get',
      path: '/api/v1/access-logs/citizen',
      operationId: 'listCitizenAccesses',
      summary:
        "Every access to the caller's data, granted and refused, newest first (an auditor names citizenMspId and citizenPid)",
      tags: TAGS,
      roles: ['citizen', 'auditor'],
      query: citizenPageQuery,
      authorize: ({ query }, caller) => ownCitizenOnly(query, caller, 'access log'),
      response: pageOf(Access),
      call: {
        chaincode: CC,
        transaction: 'ListCitizenAccesses',
        mode: 'evaluate',
        request: ({ query }) => citizenRequest(query),
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/access-logs/department',
      operationId: 'listDepartmentAccesses',
      summary: "The accesses the caller's department made, newest first (an auditor names mspId and dept)",
      tags: TAGS,
      roles: [],
      query: PageQuery.extend(W.ListDepartmentAccessesFilter.shape).strict(),
      authorize: ({ query }, caller) => {
        if (hasAnyRole(caller, ['auditor'])) return undefined;
        if (
          (query.mspId && query.mspId !== caller.org) ||
          (query.dept && caller.dept && query.dept !== caller.dept)
        ) {
          return `department ${caller.dept ?? '(none)'} of ${caller.org} may not read the accesses of another department`;
        }
        return undefined;
      },
      response: pageOf(Access),
      call: { chaincode: CC, transaction: 'ListDepartmentAccesses', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/access-logs',
      operationId: 'listAllAccesses',
      summary: 'Every access, newest first (auditors); optionally only those flagged for audit',
      tags: TAGS,
      roles: ['auditor'],
      query: PageQuery.extend({
        flaggedOnly: boolQuery
          .optional()
          .meta({ description: 'Only entries flagged for audit (`true` or `false`)', example: 'true' }),
      }).strict(),
      response: pageOf(Access),
      call: { chaincode: CC, transaction: 'ListAllAccesses', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ attestations
    defineRoute({
      method: 'post',
      path: '/api/v1/attestations',
      operationId: 'publishAttestation',
      summary: 'The holding department publishes a salted hash of one fact about a citizen',
      tags: TAGS,
      roles: ['officer'],
      successStatus: 201,
      body: W.PublishAttestationRequest,
      response: Attestation,
      call: { chaincode: CC, transaction: 'PublishAttestation', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/attestations/{attestationId}/revocation',
      operationId: 'revokeAttestation',
      summary: 'Revoke an attestation',
      tags: TAGS,
      roles: ['officer'],
      params: attestationId,
      response: Attestation,
      call: { chaincode: CC, transaction: 'RevokeAttestation', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/attestations/{attestationId}',
      operationId: 'getAttestation',
      summary: 'An attestation (holder department, the citizen, auditors)',
      tags: TAGS,
      roles: [],
      params: attestationId,
      response: Attestation,
      call: { chaincode: CC, transaction: 'GetAttestation', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/attestations/{attestationId}/fact-checks',
      operationId: 'verifyFact',
      summary: 'A department holding a valid ticket checks a claimed fact against the attestation',
      tags: TAGS,
      roles: [],
      params: attestationId,
      body: W.VerifyFactRequest.omit({ attestationId: true }),
      response: W.VerifyFactResult,
      call: { chaincode: CC, transaction: 'VerifyFact', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ usage trace (issue 18)
    defineRoute({
      method: 'post',
      path: '/api/v1/tickets/{ticketId}/checks',
      operationId: 'checkTicket',
      summary: 'A recorded ticket check: the verification, and a trace entry the citizen lists',
      tags: TAGS,
      roles: [],
      params: W.CheckTicketRequest.pick({ ticketId: true }),
      body: W.CheckTicketRequest.omit({ ticketId: true }),
      response: W.transactions.CheckTicket.response,
      call: { chaincode: CC, transaction: 'CheckTicket', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/attestations/{attestationId}/recorded-fact-checks',
      operationId: 'checkFact',
      summary:
        'A recorded fact check with the salted hash of the claimed value (never the value): the answer and a trace entry',
      tags: TAGS,
      roles: [],
      params: attestationId,
      body: W.CheckFactRequest.omit({ attestationId: true }),
      response: W.transactions.CheckFact.response,
      call: { chaincode: CC, transaction: 'CheckFact', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/me/data-checks',
      operationId: 'listMyDataChecks',
      summary: "Who checked the caller's tickets and facts, when and why (the citizen's own trace)",
      tags: TAGS,
      roles: ['citizen'],
      query: PageQuery,
      response: pageOf(W.DataCheck),
      call: { chaincode: CC, transaction: 'ListDataChecks', mode: 'evaluate' },
    }),
  ];
}
