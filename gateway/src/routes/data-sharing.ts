/**
 * data-sharing: the data catalogue, citizen consents, legal bases, access
 * requests and tickets, attestations and fact checks, and the access logs.
 * Request schemas mirror chaincode/data-sharing/src/schemas.ts. A citizen acts
 * under their own certificate: the pseudonymous id comes from it, never from the
 * request. Data values never reach the ledger, only field names and hashes.
 */
import { z } from 'zod';
import { hasAnyRole } from '../auth';
import { defineRoute, type AnyRoute } from '../http/route';
import { PageQuery, pageOf, S } from '../schemas';

const CC = 'data-sharing';
const TAGS = ['data-sharing'];

/** Purposes a consent or legal basis may name. */
export const PURPOSES = [
  'HOUSING_SUBSIDY',
  'HOUSING_FUND_LOAN',
  'SOCIAL_ASSISTANCE',
  'PENSION',
  'TAX_ASSESSMENT',
  'LICENCE_APPLICATION',
  'RESIDENCE_REGISTRATION',
  'EDUCATION_ENROLMENT',
  'HEALTHCARE_SERVICE',
  'LAW_ENFORCEMENT',
] as const;
/** Sensitivity levels of a category. */
export const SENSITIVITIES = ['low', 'medium', 'high', 'special'] as const;

const FieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ starting with a letter',
  );
const FieldList = z
  .array(FieldName)
  .min(1)
  .max(64)
  .refine((f) => new Set(f).size === f.length, 'must not repeat a field');
const Purpose = z.enum(PURPOSES);
const Dept = z.object({ mspId: S.mspId, dept: S.code }).strict().meta({ id: 'DepartmentRef' });
const ServiceRef = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'must be a URI (scheme:rest, no spaces)');
const after = (from?: string, until?: string) =>
  from === undefined || until === undefined || Date.parse(until) > Date.parse(from);
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

const Category = z
  .object({
    code: z.string(),
    description: z.string(),
    fields: z.array(z.string()),
    sensitivity: z.enum(SENSITIVITIES),
    serviceRef: z.string(),
    holder: Dept,
    status: z.string(),
  })
  .loose()
  .meta({ id: 'DataCategory' });
const Consent = z
  .object({
    consentId: z.string(),
    citizenPid: z.string(),
    grantee: Dept,
    categoryCode: z.string(),
    fields: z.array(z.string()),
    purpose: z.enum(PURPOSES),
    validFrom: z.string(),
    validUntil: z.string(),
    maxUses: z.number().nullable(),
    hash: z.string(),
    state: z.enum(['active', 'paused', 'revoked', 'expired']),
    usesLeft: z.number().nullable(),
  })
  .loose()
  .meta({ id: 'Consent' });
const LegalBasis = z
  .object({
    legalBasisId: z.string(),
    categoryCode: z.string(),
    purpose: z.enum(PURPOSES),
    statuteReference: z.string(),
    validFrom: z.string(),
  })
  .loose()
  .meta({ id: 'LegalBasis' });
const AccessResult = z
  .union([
    z.object({
      granted: z.literal(true),
      accessId: z.string(),
      ticket: z.object({ ticketId: z.string(), hash: z.string(), expiresAt: z.string() }),
      basis: z.object({ kind: z.enum(['consent', 'legal']), id: z.string() }),
      auditFlag: z.boolean(),
    }),
    z.object({
      granted: z.literal(false),
      accessId: z.string(),
      code: z.string(),
      reason: z.string(),
      auditFlag: z.boolean(),
    }),
  ])
  .meta({
    id: 'AccessResult',
    description:
      'A refusal on consent/legal-basis grounds is an answer (granted: false), logged on the ledger',
  });
const Access = z
  .object({
    accessId: z.string(),
    time: z.string(),
    granted: z.boolean(),
    code: z.string().nullable(),
    requester: z.object({ mspId: z.string(), dept: z.string() }).loose(),
    citizenPid: z.string(),
    categoryCode: z.string(),
    fields: z.array(z.string()),
    purpose: z.string(),
    auditFlag: z.boolean(),
  })
  .loose()
  .meta({ id: 'Access' });
const Attestation = z
  .object({
    attestationId: z.string(),
    categoryCode: z.string(),
    field: z.string(),
    citizenPid: z.string(),
    factHash: z.string(),
    validUntil: z.string(),
    state: z.enum(['active', 'revoked', 'expired']),
  })
  .loose()
  .meta({ id: 'Attestation' });

const consentId = z.object({ consentId: S.id }).strict();
const attestationId = z.object({ attestationId: S.id }).strict();
const legalBasisId = z.object({ legalBasisId: S.id }).strict();

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
      body: z
        .object({
          code: S.code,
          description: S.text(512),
          fields: FieldList,
          sensitivity: z.enum(SENSITIVITIES),
          serviceRef: ServiceRef,
        })
        .strict(),
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
      params: z.object({ code: S.code }).strict(),
      body: z
        .object({
          description: S.text(512).optional(),
          fields: FieldList.optional(),
          sensitivity: z.enum(SENSITIVITIES).optional(),
          serviceRef: ServiceRef.optional(),
          status: z.enum(['active', 'withdrawn']).optional(),
        })
        .strict()
        .refine(
          (b) => Object.keys(b).length > 0,
          'must change at least one of description, fields, sensitivity, serviceRef, status',
        ),
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
      params: z.object({ code: S.code }).strict(),
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
      query: PageQuery.extend({ holderMspId: S.mspId.optional(), holderDept: S.code.optional() })
        .strict()
        .refine((q) => q.holderDept === undefined || q.holderMspId !== undefined, {
          message: 'holderDept needs holderMspId',
          path: ['holderDept'],
        }),
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
      response: z
        .object({
          purposes: z.array(z.string()),
          sensitivities: z.array(z.string()),
          limits: z.record(z.string(), z.number()),
        })
        .loose(),
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
      body: z
        .object({
          consentId: S.id.optional(),
          grantee: Dept,
          categoryCode: S.code,
          fields: FieldList,
          purpose: Purpose,
          validFrom: S.isoDateTime,
          validUntil: S.isoDateTime,
          maxUses: z.number().int().min(1).max(1000).optional(),
        })
        .strict()
        .refine((b) => after(b.validFrom, b.validUntil), {
          message: 'validUntil must be after validFrom',
          path: ['validUntil'],
        }),
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
      summary: "The caller's consents, newest first (an auditor names citizenPid)",
      tags: TAGS,
      roles: ['citizen', 'auditor'],
      query: PageQuery.extend({ citizenPid: S.pid.optional() }).strict(),
      response: pageOf(Consent),
      call: { chaincode: CC, transaction: 'ListConsents', mode: 'evaluate' },
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
      body: z
        .object({
          legalBasisId: S.id.optional(),
          categoryCode: S.code,
          fields: FieldList,
          purpose: Purpose,
          statuteReference: S.text(256),
          description: S.text(1024).optional(),
          validFrom: S.isoDateTime,
          validUntil: S.isoDateTime.optional(),
          citizenPid: S.pid.optional(),
        })
        .strict()
        .refine((b) => after(b.validFrom, b.validUntil), {
          message: 'validUntil must be after validFrom',
          path: ['validUntil'],
        }),
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
      body: z.object({ reason: S.text(512) }).strict(),
      response: LegalBasis,
      call: { chaincode: CC, transaction: 'WithdrawLegalBasis', mode: 'submit' },
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
      query: PageQuery.extend({ mspId: S.mspId.optional(), dept: S.code.optional() })
        .strict()
        .refine((q) => (q.mspId === undefined) === (q.dept === undefined), {
          message: 'give both mspId and dept, or neither',
          path: ['dept'],
        }),
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
      body: z
        .object({
          accessId: S.id.optional(),
          citizenPid: S.pid,
          categoryCode: S.code,
          fields: FieldList,
          purpose: Purpose,
          consentId: S.id.optional(),
          legalBasisId: S.id.optional(),
          ticketTtlSeconds: z.number().int().min(60).max(86_400).optional(),
        })
        .strict()
        .refine((b) => b.consentId === undefined || b.legalBasisId === undefined, {
          message: 'name a consentId or a legalBasisId, not both',
          path: ['legalBasisId'],
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
      params: z.object({ accessId: S.id }).strict(),
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
      params: z.object({ ticketId: S.id }).strict(),
      body: z.object({ ticketHash: S.sha256.optional(), fields: FieldList.optional() }).strict(),
      response: z
        .object({
          ticketId: z.string(),
          valid: z.boolean(),
          status: z.enum([
            'valid',
            'unknown',
            'hash-mismatch',
            'expired',
            'basis-invalid',
            'fields-not-covered',
          ]),
          ticket: z.unknown(),
          basisState: z.string().nullable(),
        })
        .loose(),
      call: { chaincode: CC, transaction: 'VerifyTicket', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ access logs
    defineRoute({
      method: 'get',
      path: '/api/v1/access-logs/citizen',
      operationId: 'listCitizenAccesses',
      summary:
        "Every access to the caller's data, granted and refused, newest first (an auditor names citizenPid)",
      tags: TAGS,
      roles: ['citizen', 'auditor'],
      query: PageQuery.extend({ citizenPid: S.pid.optional() }).strict(),
      authorize: ({ query }, caller) =>
        query.citizenPid && !hasAnyRole(caller, ['auditor']) && caller.pid && query.citizenPid !== caller.pid
          ? 'a citizen reads only their own access log'
          : undefined,
      response: pageOf(Access),
      call: { chaincode: CC, transaction: 'ListCitizenAccesses', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/access-logs/department',
      operationId: 'listDepartmentAccesses',
      summary: "The accesses the caller's department made, newest first (an auditor names mspId and dept)",
      tags: TAGS,
      roles: [],
      query: PageQuery.extend({ mspId: S.mspId.optional(), dept: S.code.optional() }).strict(),
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
      query: PageQuery.extend({ flaggedOnly: boolQuery.optional() }).strict(),
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
      body: z
        .object({
          attestationId: S.id.optional(),
          categoryCode: S.code,
          field: FieldName,
          citizenPid: S.pid,
          factHash: S.sha256,
          validUntil: S.isoDateTime,
        })
        .strict(),
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
      body: z.object({ ticketId: S.id, claimedValue: z.string().min(1).max(1024), salt: S.salt }).strict(),
      response: z
        .object({
          ticketId: z.string(),
          attestationId: z.string(),
          citizenPid: z.string(),
          categoryCode: z.string(),
          field: z.string(),
          match: z.boolean(),
          validUntil: z.string(),
        })
        .loose(),
      call: { chaincode: CC, transaction: 'VerifyFact', mode: 'evaluate' },
    }),
  ];
}
