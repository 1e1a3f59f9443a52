/**
 * e-licence: licence types, mutual recognition, licences (issue, verify,
 * lifecycle, history) and applications with parallel approvals. Request
 * schemas mirror chaincode/e-licence/src/schemas.ts; the private record of
 * issue, amend and submit travels as the transient field `licencePrivate`,
 * never as a transaction argument.
 *
 * Every transaction on an organisation's licence collection (issue, amend,
 * renew, submit, approve, reject, read the private record) is endorsed on the
 * caller's own organisation's peer ({@link ON_CALLERS_PEER}): the chaincode
 * refuses it elsewhere (ENDORSER_NOT_COLLECTION_MEMBER), and an endorsement
 * by another city's peer would leave the member's peer waiting at commit for
 * private data it is never sent.
 */
import { z } from 'zod';
import type { EndorsementPin } from '../fabric/endorsement';
import { defineRoute, type AnyRoute } from '../http/route';
import { boundedRecord, PageQuery, pageOf, S, uniqueList } from '../schemas';

const CC = 'e-licence';
const TAGS = ['e-licence'];

/**
 * Endorse on the caller's organisation's peer. The collection such a transaction uses is its
 * owning organisation's, and the chaincode refuses callers of any other organisation before it
 * looks at the peer, so the caller's organisation is the collection's whenever the call can succeed.
 * A route's pin is data: the offline-signing flow pins the same transactions the same way.
 */
export const ON_CALLERS_PEER = 'caller-org' satisfies EndorsementPin;

/** Claim names of licence types. */
export const ClaimName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ (starting with a letter)',
  );
/** Department codes as licence types use them. */
export const DeptCode = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a department code (lower-case letters, digits, -)');
const HolderFieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ . - (starting with a letter)',
  );
const Validity = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(36600) }).strict(),
  z.object({ kind: z.literal('permanent') }).strict(),
]);
const note = S.text(500);

/** Suspension reasons. */
export const SUSPENSION_REASONS = ['INVESTIGATION', 'NON_COMPLIANCE', 'HOLDER_REQUEST', 'OTHER'] as const;
/** Revocation reasons. */
export const REVOCATION_REASONS = [
  'FRAUD',
  'NON_COMPLIANCE',
  'HOLDER_REQUEST',
  'ISSUED_IN_ERROR',
  'HOLDER_CEASED',
  'COURT_ORDER',
  'OTHER',
] as const;

/** The private record (holder personal data, clear claims with salts), sent as transient `licencePrivate`. */
export const LicencePrivate = z
  .object({
    holder: boundedRecord(HolderFieldName, z.string().max(1000), 50),
    claims: boundedRecord(ClaimName, z.object({ value: z.string().max(4000), salt: S.salt }).strict(), 50),
    salt: S.salt,
  })
  .strict()
  .meta({
    id: 'LicencePrivate',
    description:
      "Goes to the issuing organisation's private data collection via transient data; the ledger keeps salted hashes",
  });

const LicenceType = z
  .object({
    code: z.string(),
    name: z.string(),
    ownerMsp: z.string(),
    dept: z.string(),
    holderKind: z.enum(['person', 'enterprise']),
    validity: Validity,
    claims: z.array(z.string()),
    requiredApprovals: z.array(z.string()),
    status: z.enum(['active', 'retired']),
    revision: z.number().int(),
  })
  .loose()
  .meta({ id: 'LicenceType' });
const Recognition = z
  .object({
    recognizerMsp: z.string(),
    foreignTypeCode: z.string(),
    foreignOwnerMsp: z.string(),
    localTypeCode: z.string(),
    status: z.enum(['active', 'withdrawn']),
  })
  .loose()
  .meta({ id: 'Recognition' });
const Licence = z
  .object({
    licenceId: z.string(),
    typeCode: z.string(),
    holderPid: z.string(),
    issuerMsp: z.string(),
    issuerDept: z.string(),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
    status: z.enum(['active', 'suspended', 'revoked']),
    version: z.number().int(),
    documentHash: z.string(),
    claimHashes: z.record(z.string(), z.string()),
    privateDataHash: z.string(),
  })
  .loose()
  .meta({ id: 'Licence' });
const VerifyResult = z
  .object({
    licenceId: z.string(),
    found: z.boolean(),
    status: z.enum(['valid', 'not-yet-valid', 'expired', 'suspended', 'revoked', 'unknown']),
    valid: z.boolean(),
    recognition: z
      .object({
        org: z.string(),
        recognised: z.boolean(),
        basis: z.string(),
        localTypeCode: z.string().nullable(),
      })
      .loose()
      .nullable(),
    documentHashMatch: z.boolean().nullable(),
    claims: z.array(z.object({ name: z.string(), known: z.boolean(), match: z.boolean() })),
    privateDataMatch: z.boolean().nullable(),
  })
  .loose()
  .meta({ id: 'VerifyResult' });
const Application = z
  .object({
    applicationId: z.string(),
    typeCode: z.string(),
    status: z.enum(['pending', 'issued', 'rejected']),
    requiredDepts: z.array(z.string()),
    approvedDepts: z.array(z.string()),
    pendingDepts: z.array(z.string()),
    elapsedMs: z.number(),
    timeline: z.array(z.object({ event: z.string(), at: z.string() }).loose()),
  })
  .loose()
  .meta({ id: 'Application' });

const code = z.object({ code: S.code }).strict();
const licenceId = z.object({ licenceId: S.id }).strict();
const applicationId = z.object({ applicationId: S.id }).strict();

/** The e-licence routes. */
export function eLicenceRoutes(): AnyRoute[] {
  return [
    // ------------------------------------------------------------ licence types
    defineRoute({
      method: 'post',
      path: '/api/v1/licence-types',
      operationId: 'createLicenceType',
      summary: "Create a licence type owned by the caller's organisation",
      tags: TAGS,
      roles: ['admin'],
      successStatus: 201,
      body: z
        .object({
          code: S.code,
          name: S.text(200),
          dept: DeptCode,
          holderKind: z.enum(['person', 'enterprise']),
          validity: Validity,
          claims: uniqueList(ClaimName, 1, 50),
          requiredApprovals: uniqueList(DeptCode, 0, 10),
        })
        .strict(),
      response: LicenceType,
      call: { chaincode: CC, transaction: 'CreateLicenceType', mode: 'submit' },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/licence-types/{code}',
      operationId: 'updateLicenceType',
      summary: 'Change a licence type (name, validity, claims, required approvals, status)',
      tags: TAGS,
      roles: ['admin'],
      params: code,
      body: z
        .object({
          name: S.text(200).optional(),
          validity: Validity.optional(),
          claims: uniqueList(ClaimName, 1, 50).optional(),
          requiredApprovals: uniqueList(DeptCode, 0, 10).optional(),
          status: z.enum(['active', 'retired']).optional(),
        })
        .strict()
        .refine((b) => Object.keys(b).length > 0, 'must change at least one field'),
      response: LicenceType,
      call: { chaincode: CC, transaction: 'UpdateLicenceType', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licence-types/{code}',
      operationId: 'getLicenceType',
      summary: 'A licence type',
      tags: TAGS,
      roles: [],
      params: code,
      response: LicenceType,
      call: { chaincode: CC, transaction: 'GetLicenceType', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licence-types',
      operationId: 'listLicenceTypes',
      summary: 'Every licence type, in code order',
      tags: TAGS,
      roles: [],
      query: PageQuery,
      response: pageOf(LicenceType),
      call: { chaincode: CC, transaction: 'ListLicenceTypes', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licence-types/{typeCode}/licences',
      operationId: 'listLicencesByTypeAndStatus',
      summary: 'Licences of a type with a stored status',
      tags: TAGS,
      roles: [],
      params: z.object({ typeCode: S.code }).strict(),
      query: PageQuery.extend({ status: z.enum(['active', 'suspended', 'revoked']) }).strict(),
      response: pageOf(Licence),
      call: { chaincode: CC, transaction: 'ListLicencesByTypeAndStatus', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ recognition
    defineRoute({
      method: 'post',
      path: '/api/v1/recognitions',
      operationId: 'recordRecognition',
      summary:
        "Record that the caller's organisation recognises another jurisdiction's licence type as its own type",
      tags: TAGS,
      roles: ['admin'],
      successStatus: 201,
      body: z.object({ localTypeCode: S.code, foreignTypeCode: S.code }).strict(),
      response: Recognition,
      call: { chaincode: CC, transaction: 'RecordRecognition', mode: 'submit' },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/recognitions/{foreignTypeCode}',
      operationId: 'withdrawRecognition',
      summary: "Withdraw the caller's organisation's recognition of a foreign type",
      tags: TAGS,
      roles: ['admin'],
      params: z.object({ foreignTypeCode: S.code }).strict(),
      response: Recognition,
      call: { chaincode: CC, transaction: 'WithdrawRecognition', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/recognitions',
      operationId: 'listRecognitions',
      summary: 'Recognitions, of one recognising organisation or of all',
      tags: TAGS,
      roles: [],
      query: PageQuery.extend({ recognizerMsp: S.mspId.optional() }).strict(),
      response: pageOf(Recognition),
      call: { chaincode: CC, transaction: 'ListRecognitions', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ licences
    defineRoute({
      method: 'post',
      path: '/api/v1/licences',
      operationId: 'issueLicence',
      summary: 'Issue a licence (the private record goes to the private data collection)',
      tags: TAGS,
      roles: ['issuer'],
      successStatus: 201,
      body: z
        .object({
          licenceId: S.id,
          typeCode: S.code,
          holderPid: S.pid,
          documentHash: S.sha256,
          validFrom: S.isoDateTime.optional(),
          validUntil: S.isoDateTime.optional(),
          licencePrivate: LicencePrivate,
        })
        .strict(),
      response: Licence,
      call: {
        chaincode: CC,
        transaction: 'IssueLicence',
        mode: 'submit',
        endorsement: ON_CALLERS_PEER,
        request: ({ body }) => {
          const { licencePrivate: _private, ...request } = body;
          return request;
        },
        transient: ({ body }) => ({ licencePrivate: body.licencePrivate }),
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licences/{licenceId}',
      operationId: 'getLicence',
      summary: 'A licence (public record and effective status)',
      tags: TAGS,
      roles: [],
      params: licenceId,
      response: Licence,
      call: { chaincode: CC, transaction: 'GetLicence', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/verification',
      operationId: 'verifyLicence',
      summary: 'Verify a licence, optionally its document hash, disclosed claims and private record hash',
      description: "Recognition is answered for the caller's organisation. A read: nothing is written.",
      tags: TAGS,
      roles: [],
      params: licenceId,
      body: z
        .object({
          documentHash: S.sha256.optional(),
          claims: z
            .array(z.object({ name: ClaimName, value: z.string().max(4000), salt: S.salt }).strict())
            .max(50)
            .optional(),
          privateDataHash: S.sha256.optional(),
        })
        .strict(),
      response: VerifyResult,
      call: { chaincode: CC, transaction: 'VerifyLicence', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licences/{licenceId}/private-data',
      operationId: 'getLicencePrivateData',
      summary:
        "The licence's private record (holder, issuer of the issuing department, admin of the issuing organisation)",
      tags: TAGS,
      roles: [],
      params: licenceId,
      response: z
        .object({
          licenceId: z.string(),
          version: z.number(),
          privateDataHash: z.string(),
          record: LicencePrivate,
          recordJson: z.string(),
        })
        .loose(),
      call: {
        chaincode: CC,
        transaction: 'GetLicencePrivateData',
        mode: 'evaluate',
        endorsement: ON_CALLERS_PEER,
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/licences/{licenceId}/history',
      operationId: 'getLicenceHistory',
      summary: 'Every version of a licence, oldest first',
      tags: TAGS,
      roles: [],
      params: licenceId,
      response: z.object({
        licenceId: z.string(),
        entries: z.array(
          z
            .object({
              txId: z.string(),
              timestamp: z.string(),
              isDelete: z.boolean(),
              licence: Licence.nullable(),
            })
            .loose(),
        ),
      }),
      call: { chaincode: CC, transaction: 'GetLicenceHistory', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/suspension',
      operationId: 'suspendLicence',
      summary: 'Suspend a licence',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: z.object({ reasonCode: z.enum(SUSPENSION_REASONS), note: note.optional() }).strict(),
      response: Licence,
      call: { chaincode: CC, transaction: 'SuspendLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/reinstatement',
      operationId: 'reinstateLicence',
      summary: 'Reinstate a suspended licence',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: z.object({ note: note.optional() }).strict(),
      response: Licence,
      call: { chaincode: CC, transaction: 'ReinstateLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/revocation',
      operationId: 'revokeLicence',
      summary: 'Revoke a licence (final)',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: z.object({ reasonCode: z.enum(REVOCATION_REASONS), note: note.optional() }).strict(),
      response: Licence,
      call: { chaincode: CC, transaction: 'RevokeLicence', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/renewal',
      operationId: 'renewLicence',
      summary: 'Renew a licence as a new licence linked to it',
      tags: TAGS,
      roles: ['issuer'],
      successStatus: 201,
      params: licenceId,
      body: z
        .object({
          newLicenceId: S.id,
          documentHash: S.sha256,
          validFrom: S.isoDateTime.optional(),
          validUntil: S.isoDateTime.optional(),
        })
        .strict(),
      response: z.object({ licence: Licence, previous: Licence }),
      call: {
        chaincode: CC,
        transaction: 'RenewLicence',
        mode: 'submit',
        endorsement: ON_CALLERS_PEER,
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/licences/{licenceId}/amendments',
      operationId: 'amendLicence',
      summary: 'Amend a licence: new version with a new document and claims',
      tags: TAGS,
      roles: ['issuer'],
      params: licenceId,
      body: z
        .object({ documentHash: S.sha256, note: note.optional(), licencePrivate: LicencePrivate })
        .strict(),
      response: Licence,
      call: {
        chaincode: CC,
        transaction: 'AmendLicence',
        mode: 'submit',
        endorsement: ON_CALLERS_PEER,
        request: ({ params, body }) => ({
          licenceId: params.licenceId,
          documentHash: body.documentHash,
          ...(body.note ? { note: body.note } : {}),
        }),
        transient: ({ body }) => ({ licencePrivate: body.licencePrivate }),
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/holders/{holderPid}/licences',
      operationId: 'listLicencesByHolder',
      summary: "A holder's licences, in licence id order",
      tags: TAGS,
      roles: [],
      params: z.object({ holderPid: S.pid }).strict(),
      query: PageQuery,
      response: pageOf(Licence),
      call: { chaincode: CC, transaction: 'ListLicencesByHolder', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ applications
    defineRoute({
      method: 'post',
      path: '/api/v1/applications',
      operationId: 'submitApplication',
      summary: 'Submit one application for a licence type; every required department then decides',
      tags: TAGS,
      roles: ['citizen', 'enterprise'],
      successStatus: 201,
      body: z.object({ applicationId: S.id, typeCode: S.code, licencePrivate: LicencePrivate }).strict(),
      response: Application,
      call: {
        chaincode: CC,
        transaction: 'SubmitApplication',
        mode: 'submit',
        endorsement: ON_CALLERS_PEER,
        request: ({ body }) => ({ applicationId: body.applicationId, typeCode: body.typeCode }),
        transient: ({ body }) => ({ licencePrivate: body.licencePrivate }),
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/applications/{applicationId}',
      operationId: 'getApplication',
      summary: "An application's status and timeline",
      tags: TAGS,
      roles: [],
      params: applicationId,
      response: Application,
      call: { chaincode: CC, transaction: 'GetApplication', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/approvals',
      operationId: 'approveApplication',
      summary: "Approve an application for the caller's department; the last approval issues the licence",
      description: 'Send documentHash on every approval: the one that completes the application needs it.',
      tags: TAGS,
      roles: ['approver'],
      params: applicationId,
      body: z.object({ documentHash: S.sha256.optional() }).strict(),
      response: z.object({ application: Application, licence: Licence.nullable() }),
      call: {
        chaincode: CC,
        transaction: 'ApproveApplication',
        mode: 'submit',
        endorsement: ON_CALLERS_PEER,
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/applications/{applicationId}/rejections',
      operationId: 'rejectApplication',
      summary: "Reject an application for the caller's department (ends it)",
      tags: TAGS,
      roles: ['approver'],
      params: applicationId,
      body: z.object({ reasonCode: S.code, reason: note }).strict(),
      response: Application,
      call: {
        chaincode: CC,
        transaction: 'RejectApplication',
        mode: 'submit',
        endorsement: ON_CALLERS_PEER,
      },
    }),
  ];
}
