/**
 * The e-licence chaincode's wire contract: its request and response schemas,
 * record shapes, error codes, limits and protocol constants, and the catalogue
 * of its transactions. The chaincode parses every request with these schemas;
 * the gateway builds its route bodies from them.
 */
import { z } from 'zod';
import { boundedRecord, pageOf, Schemas, uniqueList, Subject } from './common';
import { CommonErrorCode, type ErrorStatus } from './errors';

// ---------------------------------------------------------------- limits and constants

/** The transient field that carries a {@link LicencePrivateTransient} private record. */
export const PRIVATE_TRANSIENT_FIELD = 'licencePrivate';

/** The most history entries GetLicenceHistory returns before refusing TOO_MANY_RECORDS. */
export const MAX_HISTORY = 1000;

/** The organisations that have a licence collection (keep in sync with network/chaincodes/e-licence/collections.json). */
export const LICENSING_ORGS: readonly string[] = ['CityAMSP', 'CityBMSP'];

/** Prefix of a licensing organisation's private data collection, `licencePrivate_<MSP>`. */
export const COLLECTION_PREFIX = 'licencePrivate_';

/** Most claims a licence type has. */
export const MAX_CLAIMS = 50;

/** Most fields of the holder's personal data. */
export const MAX_HOLDER_FIELDS = 50;

/** Reasons a licence may be suspended. */
export const SUSPENSION_REASONS = ['INVESTIGATION', 'NON_COMPLIANCE', 'HOLDER_REQUEST', 'OTHER'] as const;

/** Reasons a licence may be revoked. */
export const REVOCATION_REASONS = [
  'FRAUD',
  'NON_COMPLIANCE',
  'HOLDER_REQUEST',
  'ISSUED_IN_ERROR',
  'HOLDER_CEASED',
  'COURT_ORDER',
  'OTHER',
] as const;

/** The event names this chaincode emits (one per transaction). */
export const Event = {
  LicenceTypeCreated: 'LicenceTypeCreated',
  LicenceTypeUpdated: 'LicenceTypeUpdated',
  RecognitionRecorded: 'RecognitionRecorded',
  RecognitionWithdrawn: 'RecognitionWithdrawn',
  LicenceIssued: 'LicenceIssued',
  LicenceSuspended: 'LicenceSuspended',
  LicenceReinstated: 'LicenceReinstated',
  LicenceRevoked: 'LicenceRevoked',
  LicenceRenewed: 'LicenceRenewed',
  LicenceAmended: 'LicenceAmended',
  ApplicationSubmitted: 'ApplicationSubmitted',
  ApplicationApproved: 'ApplicationApproved',
  ApplicationRejected: 'ApplicationRejected',
} as const;

/** One of the chaincode's event names. */
export type EventName = (typeof Event)[keyof typeof Event];

// ---------------------------------------------------------------- error codes

/** Every code this chaincode refuses with. */
export const ErrorCode = {
  /** 400: the request (or a transient field) is malformed. */
  InvalidArgument: CommonErrorCode.InvalidArgument,
  /** 403: the caller lacks the role or department the transaction needs. */
  Forbidden: CommonErrorCode.Forbidden,
  /** 409: a bounded read found more records than it may handle (licence history). */
  TooManyRecords: 'TOO_MANY_RECORDS',
  /** 403: the caller's organisation has no licence private data collection, so it cannot own licence types. */
  OrgNotLicensing: 'ORG_NOT_LICENSING',
  /** 404: no licence type with that code. */
  TypeNotFound: 'TYPE_NOT_FOUND',
  /** 409: a licence type with that code exists already. */
  TypeAlreadyExists: 'TYPE_ALREADY_EXISTS',
  /** 409: the licence type is retired; nothing new may be issued under it. */
  TypeNotActive: 'TYPE_NOT_ACTIVE',
  /** 403: the licence type belongs to another jurisdiction. */
  NotTypeOwner: 'NOT_TYPE_OWNER',
  /** 400: a jurisdiction tried to recognise one of its own types. */
  SelfRecognition: 'SELF_RECOGNITION',
  /** 409: the jurisdiction already recognises that foreign type. */
  RecognitionAlreadyExists: 'RECOGNITION_ALREADY_EXISTS',
  /** 404: the jurisdiction has no active recognition of that foreign type. */
  RecognitionNotFound: 'RECOGNITION_NOT_FOUND',
  /** 404: no licence with that id. */
  LicenceNotFound: 'LICENCE_NOT_FOUND',
  /** 409: the licence id is taken (by a licence, or by an application whose licence will get that id). */
  LicenceAlreadyExists: 'LICENCE_ALREADY_EXISTS',
  /** 403: the licence or application belongs to another organisation. */
  NotIssuingOrg: 'NOT_ISSUING_ORG',
  /** 409: the licence is revoked; no further change is possible (e.g. revoke twice). */
  LicenceRevoked: 'LICENCE_REVOKED',
  /** 409: the licence is suspended already. */
  LicenceAlreadySuspended: 'LICENCE_ALREADY_SUSPENDED',
  /** 409: reinstate of a licence that is not suspended. */
  LicenceNotSuspended: 'LICENCE_NOT_SUSPENDED',
  /** 409: renew of a suspended licence (reinstate it first). */
  LicenceSuspended: 'LICENCE_SUSPENDED',
  /** 409: the licence was renewed already (renew twice, or amend a superseded licence). */
  LicenceAlreadyRenewed: 'LICENCE_ALREADY_RENEWED',
  /** 400: validity dates break the type's validity rule or are already over. */
  InvalidValidity: 'INVALID_VALIDITY',
  /** 400: the transient claims are not exactly the type's claims. */
  ClaimsMismatch: 'CLAIMS_MISMATCH',
  /** 500: the endorsing peer does not hold the private record (or it does not match its public hash). */
  PrivateDataUnavailable: 'PRIVATE_DATA_UNAVAILABLE',
  /**
   * 403: the transaction writes (or must read) an organisation's licence collection but is
   * being endorsed on another organisation's peer; it must be endorsed by the collection
   * organisation's peer (clients: endorsingOrganizations = [that organisation]).
   */
  EndorserNotCollectionMember: 'ENDORSER_NOT_COLLECTION_MEMBER',
  /** 404: no application with that id. */
  ApplicationNotFound: 'APPLICATION_NOT_FOUND',
  /** 409: an application with that id exists already. */
  ApplicationAlreadyExists: 'APPLICATION_ALREADY_EXISTS',
  /** 409: the application was issued or rejected already. */
  ApplicationClosed: 'APPLICATION_CLOSED',
  /** 409: the caller's department has decided on this application already (approve twice). */
  AlreadyDecided: 'ALREADY_DECIDED',
  /** 403: the caller's department is not one the licence type requires to approve. */
  DeptNotRequired: 'DEPT_NOT_REQUIRED',
  /** 403: the applicant's kind (citizen/enterprise) does not match the type's holder kind. */
  HolderKindMismatch: 'HOLDER_KIND_MISMATCH',
  /** 403: applicants apply to their own jurisdiction's licence types only. */
  ApplicantOrgMismatch: 'APPLICANT_ORG_MISMATCH',
  /** 409: the licence type requires no approvals, so it is issued directly, not applied for. */
  NoApprovalsRequired: 'NO_APPROVALS_REQUIRED',
  /** 400: the approval that completes an application must carry the licence document hash. */
  DocumentHashRequired: 'DOCUMENT_HASH_REQUIRED',
  /**
   * 409: verify-by-hash failed: the collection holds no private record under the key the request
   * names, or its on-chain hash differs from the request's. Stage the private record first (StageLicencePrivateData / StageApplicationPrivateData).
   */
  PrivateDataHashMismatch: 'PRIVATE_DATA_HASH_MISMATCH',
} as const;

/** One of the chaincode's error codes. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The status each code is always reported with. */
export const ErrorStatusOf: Readonly<Record<ErrorCodeValue, ErrorStatus>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  TOO_MANY_RECORDS: 409,
  ORG_NOT_LICENSING: 403,
  TYPE_NOT_FOUND: 404,
  TYPE_ALREADY_EXISTS: 409,
  TYPE_NOT_ACTIVE: 409,
  NOT_TYPE_OWNER: 403,
  SELF_RECOGNITION: 400,
  RECOGNITION_ALREADY_EXISTS: 409,
  RECOGNITION_NOT_FOUND: 404,
  LICENCE_NOT_FOUND: 404,
  LICENCE_ALREADY_EXISTS: 409,
  NOT_ISSUING_ORG: 403,
  LICENCE_REVOKED: 409,
  LICENCE_ALREADY_SUSPENDED: 409,
  LICENCE_NOT_SUSPENDED: 409,
  LICENCE_SUSPENDED: 409,
  LICENCE_ALREADY_RENEWED: 409,
  INVALID_VALIDITY: 400,
  CLAIMS_MISMATCH: 400,
  PRIVATE_DATA_UNAVAILABLE: 500,
  ENDORSER_NOT_COLLECTION_MEMBER: 403,
  APPLICATION_NOT_FOUND: 404,
  APPLICATION_ALREADY_EXISTS: 409,
  APPLICATION_CLOSED: 409,
  ALREADY_DECIDED: 409,
  DEPT_NOT_REQUIRED: 403,
  HOLDER_KIND_MISMATCH: 403,
  APPLICANT_ORG_MISMATCH: 403,
  NO_APPROVALS_REQUIRED: 409,
  DOCUMENT_HASH_REQUIRED: 400,
  PRIVATE_DATA_HASH_MISMATCH: 409,
};

// ---------------------------------------------------------------- field schemas

/** A claim (field) name of a licence type, e.g. `registeredCapital`. */
export const ClaimName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ (starting with a letter)',
  );

/** A department code, as in the certificate attribute gov.dept (e.g. `market`, `fire`). */
export const DeptCode = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a department code (lower-case letters, digits, -)');

/**
 * Holder fields that are a birth date: each must be a date (Schemas.isoDate, years from 1900)
 * and, checked by the chaincode against the transaction's date, not in the future.
 */
export const BIRTH_DATE_FIELDS = ['dateOfBirth', 'birthDate'] as const;

/** A field name of the holder's personal data. */
export const HolderFieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ . - (starting with a letter)',
  );

/** How long a licence of a type is valid: a maximum number of days, or without end. */
export const ValidityRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(36600) }).strict(),
  z.object({ kind: z.literal('permanent') }).strict(),
]);
/** A licence type's validity rule. */
export type ValidityRule = z.infer<typeof ValidityRule>;

/** Who a licence type is for: a natural person (citizen) or an enterprise. */
export const HolderKind = z.enum(['person', 'enterprise']);
/** Person or enterprise. */
export type HolderKind = z.infer<typeof HolderKind>;

/** Whether new licences may be issued under a type. */
export const TypeStatus = z.enum(['active', 'retired']);
/** A licence type's status. */
export type TypeStatus = z.infer<typeof TypeStatus>;

/** The stored status of a licence. */
export const LicenceStatus = z.enum(['active', 'suspended', 'revoked']);
/** A licence's stored status. */
export type LicenceStatus = z.infer<typeof LicenceStatus>;

/** The status a verifier sees, computed with the transaction time. */
export const EffectiveStatus = z.enum([
  'valid',
  'not-yet-valid',
  'expired',
  'suspended',
  'revoked',
  'unknown',
]);
/** A licence's status at a given time. */
export type EffectiveStatus = z.infer<typeof EffectiveStatus>;

/** What last happened to a licence record. */
export const LicenceAction = z.enum(['issued', 'suspended', 'reinstated', 'revoked', 'renewed', 'amended']);
/** A kind of licence change. */
export type LicenceAction = z.infer<typeof LicenceAction>;

/** The state of an application. */
export const ApplicationStatus = z.enum(['pending', 'issued', 'rejected']);
/** An application's state. */
export type ApplicationStatus = z.infer<typeof ApplicationStatus>;

/** A citizen or enterprise: the wire contract's shared (home MSP, pid) pair. */
export { Subject };

/** Claim name to `sha256hex(salt + "|" + value)`, as on the public record. */
export const ClaimHashes = boundedRecord(ClaimName, Schemas.sha256, MAX_CLAIMS);
/** Claim hashes. */
export type ClaimHashes = z.infer<typeof ClaimHashes>;

/**
 * What a public transaction that relies on a staged private record carries:
 * the SHA-256 of the record's bytes (checked by every endorser with
 * GetPrivateDataHash) and the claim hashes the staging step computed.
 */
const staged = { privateDataHash: Schemas.sha256, claimHashes: ClaimHashes };

const note = Schemas.text(500);
const page = { pageSize: Schemas.pageSize, bookmark: Schemas.bookmark };

// ---------------------------------------------------------------- records

/** A licence type, owned by one jurisdiction (MSP) and one of its departments. */
export const LicenceType = z.object({
  /** Unique across the consortium (by convention prefixed by the jurisdiction, e.g. `A-BIZ`). */
  code: z.string(),
  name: z.string(),
  ownerMsp: z.string(),
  /** The department whose issuers issue it. */
  dept: z.string(),
  holderKind: HolderKind,
  validity: ValidityRule,
  /** The names of the licence's claims (fields), each hashed with a salt on the public record. */
  claims: z.array(z.string()),
  /** Departments of the owning org that must each approve an application; empty: direct issue only. */
  requiredApprovals: z.array(z.string()),
  status: TypeStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** 1 at creation, +1 on every update. */
  revision: z.number().int(),
});
/** A licence type. */
export type LicenceType = z.infer<typeof LicenceType>;

/** A jurisdiction's statement that another jurisdiction's type is equivalent to one of its own. */
export const Recognition = z.object({
  /** The recognising jurisdiction. */
  recognizerMsp: z.string(),
  /** The other jurisdiction's type. */
  foreignTypeCode: z.string(),
  foreignOwnerMsp: z.string(),
  /** The recognising jurisdiction's own, equivalent type. */
  localTypeCode: z.string(),
  status: z.enum(['active', 'withdrawn']),
  recordedAt: z.string(),
  recordedBy: z.string(),
  withdrawnAt: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
});
/** A recognition. */
export type Recognition = z.infer<typeof Recognition>;

/** The last change of a licence: action, time, and the official's Fabric id. */
export const LicenceChange = z.object({
  action: LicenceAction,
  at: z.string(),
  by: z.string(),
  reasonCode: z.string().nullable(),
  note: z.string().nullable(),
});
/** A licence's last change. */
export type LicenceChange = z.infer<typeof LicenceChange>;

/** A suspension or revocation: why and when. */
export const StatusReason = z.object({ reasonCode: z.string(), at: z.string(), note: z.string().nullable() });
/** A suspension or revocation. */
export type StatusReason = z.infer<typeof StatusReason>;

/** The public licence record. Personal data and clear claim values are never in it. */
export const Licence = z.object({
  licenceId: z.string(),
  typeCode: z.string(),
  /** The holder: home MSP and pseudonymous id (gov.pid). */
  holder: Subject,
  holderKind: HolderKind,
  issuerMsp: z.string(),
  issuerDept: z.string(),
  issuedAt: z.string(),
  validFrom: z.string(),
  /** null: without end (permanent types). */
  validUntil: z.string().nullable(),
  status: LicenceStatus,
  /** 1 at issue, +1 on every amendment. */
  version: z.number().int(),
  /** SHA-256 of the licence document (PDF/OFD) of the current version. */
  documentHash: z.string(),
  /** Claim name to `sha256(salt + "|" + value)`. */
  claimHashes: z.record(z.string(), z.string()),
  /** SHA-256 of the private record's bytes in `privateCollection`. */
  privateDataHash: z.string(),
  privateCollection: z.string(),
  /** The application it was issued through, if any. */
  applicationId: z.string().nullable(),
  /** The licence this one renews. */
  previousLicenceId: z.string().nullable(),
  /** The licence that renews this one. */
  renewedBy: z.string().nullable(),
  suspension: StatusReason.nullable(),
  revocation: StatusReason.nullable(),
  lastChange: LicenceChange,
  updatedAt: z.string(),
});
/** A public licence record. */
export type Licence = z.infer<typeof Licence>;

/** A public licence record with its status at the time of the query. */
export const LicenceView = Licence.extend({ effectiveStatus: EffectiveStatus });
/** A licence with its effective status. */
export type LicenceView = z.infer<typeof LicenceView>;

/** One clear claim value and its salt (private). */
export const ClaimSecret = z.object({ value: Schemas.value(4000), salt: Schemas.salt }).strict();
/** A claim's clear value and salt. */
export type ClaimSecret = z.infer<typeof ClaimSecret>;

/**
 * The private record of a licence (or of an application waiting for approval),
 * kept in the issuing organisation's collection: the holder's personal data
 * (field name to value), the clear claims with their salts, and a random salt so
 * that the record's hash cannot be guessed from low-entropy personal data. Its
 * bytes are its deterministic JSON; their SHA-256 is the licence's `privateDataHash`.
 * Sent as the transient field `licencePrivate`.
 */
export const LicencePrivateTransient = z
  .object({
    holder: boundedRecord(HolderFieldName, Schemas.value(1000), MAX_HOLDER_FIELDS),
    claims: boundedRecord(ClaimName, ClaimSecret, MAX_CLAIMS),
    salt: Schemas.salt,
  })
  .strict()
  .superRefine((record, ctx) => {
    for (const field of BIRTH_DATE_FIELDS) {
      const value = record.holder[field];
      if (value === undefined) continue;
      const parsed = Schemas.isoDate.safeParse(value);
      if (!parsed.success)
        ctx.addIssue({ code: 'custom', message: parsed.error.issues[0].message, path: ['holder', field] });
    }
  });
/** The transient private record. */
export type LicencePrivateTransient = z.infer<typeof LicencePrivateTransient>;

/** The private record as stored (the shape of {@link LicencePrivateTransient}). */
export const PrivateRecord = LicencePrivateTransient;
/** A stored private record. */
export type PrivateRecord = LicencePrivateTransient;

/** One entry of an application's timeline. */
export const TimelineEntry = z.discriminatedUnion('event', [
  z.object({ event: z.literal('submitted'), at: z.string() }),
  z.object({ event: z.literal('approved'), at: z.string(), dept: z.string(), by: z.string() }),
  z.object({
    event: z.literal('rejected'),
    at: z.string(),
    dept: z.string(),
    by: z.string(),
    reasonCode: z.string(),
    reason: z.string(),
  }),
  z.object({ event: z.literal('issued'), at: z.string(), licenceId: z.string() }),
]);
/** An application timeline entry. */
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** An application for a licence, approved in parallel by the departments its type requires. */
export const Application = z.object({
  applicationId: z.string(),
  typeCode: z.string(),
  ownerMsp: z.string(),
  /** The applicant (the future holder): home MSP and pseudonymous id. */
  applicant: Subject,
  holderKind: HolderKind,
  /** The departments that must approve, fixed at submission. */
  requiredDepts: z.array(z.string()),
  claimHashes: z.record(z.string(), z.string()),
  privateDataHash: z.string(),
  privateCollection: z.string(),
  status: ApplicationStatus,
  submittedAt: z.string(),
  closedAt: z.string().nullable(),
  /** The issued licence's id (equal to the application id) once issued. */
  licenceId: z.string().nullable(),
  timeline: z.array(TimelineEntry),
});
/** An application. */
export type Application = z.infer<typeof Application>;

/** An application with its derived progress. */
export const ApplicationView = Application.extend({
  approvedDepts: z.array(z.string()),
  pendingDepts: z.array(z.string()),
  /** Milliseconds from submission to closing, or to the query time while pending. */
  elapsedMs: z.number(),
});
/** An application with its progress. */
export type ApplicationView = z.infer<typeof ApplicationView>;

/** How a licence is recognised by an organisation. */
export const RecognitionAnswer = z.object({
  /** The verifying organisation. */
  org: z.string(),
  recognised: z.boolean(),
  /** `issuing-org`: the verifier issued it; `mutual-recognition`: an active recognition; `none`. */
  basis: z.enum(['issuing-org', 'mutual-recognition', 'none']),
  /** The verifier's own type the licence counts as, or null. */
  localTypeCode: z.string().nullable(),
});
/** A recognition answer. */
export type RecognitionAnswer = z.infer<typeof RecognitionAnswer>;

/** The result of checking one disclosed claim. */
export const ClaimCheck = z.object({
  name: z.string(),
  /** The licence has a claim of that name. */
  known: z.boolean(),
  /** sha256(salt + "|" + value) equals the licence's claim hash. */
  match: z.boolean(),
});
/** A disclosed claim's check. */
export type ClaimCheck = z.infer<typeof ClaimCheck>;

const reasonAt = z.object({ reasonCode: z.string(), at: z.string() });

/** The answer of VerifyLicence. Fields other than licenceId/found/status/checkedAt/valid are null for an unknown licence. */
export const VerifyResult = z.object({
  licenceId: z.string(),
  found: z.boolean(),
  status: EffectiveStatus,
  /** The transaction time the status was computed at. */
  checkedAt: z.string(),
  /** status is valid and every check that was asked for matched. */
  valid: z.boolean(),
  type: z
    .object({ code: z.string(), name: z.string().nullable(), ownerMsp: z.string().nullable() })
    .nullable(),
  issuer: z.object({ mspId: z.string(), dept: z.string() }).nullable(),
  holder: Subject.nullable(),
  holderKind: z.string().nullable(),
  version: z.number().int().nullable(),
  issuedAt: z.string().nullable(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  previousLicenceId: z.string().nullable(),
  renewedBy: z.string().nullable(),
  revocation: reasonAt.nullable(),
  suspension: reasonAt.nullable(),
  recognition: RecognitionAnswer.nullable(),
  /** null when no document hash was given. */
  documentHashMatch: z.boolean().nullable(),
  claims: z.array(ClaimCheck),
  /** null when no private data hash was given. */
  privateDataMatch: z.boolean().nullable(),
  /** The collection's on-chain hash of the private record equals the public record's privateDataHash. */
  privateDataOnChain: z.boolean().nullable(),
});
/** A verification answer. */
export type VerifyResult = z.infer<typeof VerifyResult>;

/** One modification of a licence key. */
export const HistoryEntry = z.object({
  txId: z.string(),
  timestamp: z.string(),
  isDelete: z.boolean(),
  /** The record as written by that transaction (null for a delete). */
  licence: Licence.nullable(),
});
/** A licence history entry. */
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The full history of a licence, oldest first. */
export const LicenceHistory = z.object({ licenceId: z.string(), entries: z.array(HistoryEntry) });
/** A licence history. */
export type LicenceHistory = z.infer<typeof LicenceHistory>;

/** A licence's private record and its exact bytes (the bytes whose SHA-256 is the public privateDataHash). */
export const PrivateDataResult = z.object({
  licenceId: z.string(),
  version: z.number().int(),
  privateDataHash: z.string(),
  record: PrivateRecord,
  /** The canonical JSON text of the record; hand it to a verifier, who hashes it. */
  recordJson: z.string(),
});
/** A private record read. */
export type PrivateDataResult = z.infer<typeof PrivateDataResult>;

/** The result of a renewal: the new licence and the previous one, now linked to it. */
export const RenewResult = z.object({ licence: Licence, previous: Licence });
/** A renewal's result. */
export type RenewResult = z.infer<typeof RenewResult>;

/** The result of an approval: the application, and the licence when this approval completed it. */
export const ApprovalResult = z.object({ application: ApplicationView, licence: Licence.nullable() });
/** An approval's result. */
export type ApprovalResult = z.infer<typeof ApprovalResult>;

// ---------------------------------------------------------------- requests: licence types

/** CreateLicenceType: the type is owned by the caller's organisation. */
export const CreateLicenceTypeRequest = z
  .object({
    code: Schemas.code,
    name: Schemas.text(200),
    dept: DeptCode,
    holderKind: HolderKind,
    validity: ValidityRule,
    claims: uniqueList(ClaimName, 1, MAX_CLAIMS),
    requiredApprovals: uniqueList(DeptCode, 0, 10),
  })
  .strict();
/** CreateLicenceType request. */
export type CreateLicenceTypeRequest = z.infer<typeof CreateLicenceTypeRequest>;

/** The fields UpdateLicenceType may change (the object, before the at-least-one-change rule). */
export const UpdateLicenceTypeFields = z
  .object({
    code: Schemas.code,
    name: Schemas.text(200).optional(),
    validity: ValidityRule.optional(),
    claims: uniqueList(ClaimName, 1, MAX_CLAIMS).optional(),
    requiredApprovals: uniqueList(DeptCode, 0, 10).optional(),
    status: TypeStatus.optional(),
  })
  .strict();

/**
 * The rule of UpdateLicenceType, written once: at least one field besides `code`
 * changes. Applied to the chaincode request and to the gateway's body (which has
 * the code in its path).
 */
export function requireAChange<T extends z.ZodObject>(schema: T) {
  return schema.refine(
    (r: Record<string, unknown>) => Object.keys(r).some((k) => k !== 'code' && r[k] !== undefined),
    'must change at least one field',
  );
}

/** UpdateLicenceType: changes the given fields (at least one); code, owner, dept and holder kind are fixed. */
export const UpdateLicenceTypeRequest = requireAChange(UpdateLicenceTypeFields);
/** UpdateLicenceType request. */
export type UpdateLicenceTypeRequest = z.infer<typeof UpdateLicenceTypeRequest>;

/** GetLicenceType. */
export const GetLicenceTypeRequest = z.object({ code: Schemas.code }).strict();
/** GetLicenceType request. */
export type GetLicenceTypeRequest = z.infer<typeof GetLicenceTypeRequest>;

/** ListLicenceTypes: every type, in code order, paginated. */
export const ListLicenceTypesRequest = z.object({ ...page }).strict();
/** ListLicenceTypes request. */
export type ListLicenceTypesRequest = z.infer<typeof ListLicenceTypesRequest>;

// ---------------------------------------------------------------- requests: recognition

/** RecordRecognition: "our type localTypeCode is equivalent to their type foreignTypeCode". */
export const RecordRecognitionRequest = z
  .object({ localTypeCode: Schemas.code, foreignTypeCode: Schemas.code })
  .strict();
/** RecordRecognition request. */
export type RecordRecognitionRequest = z.infer<typeof RecordRecognitionRequest>;

/** WithdrawRecognition: withdraws the caller organisation's recognition of a foreign type. */
export const WithdrawRecognitionRequest = z.object({ foreignTypeCode: Schemas.code }).strict();
/** WithdrawRecognition request. */
export type WithdrawRecognitionRequest = z.infer<typeof WithdrawRecognitionRequest>;

/** ListRecognitions: of one recognising organisation, or of all. */
export const ListRecognitionsRequest = z
  .object({ recognizerMsp: Schemas.mspId.optional(), ...page })
  .strict();
/** ListRecognitions request. */
export type ListRecognitionsRequest = z.infer<typeof ListRecognitionsRequest>;

// ---------------------------------------------------------------- requests: licences

/**
 * StageLicencePrivateData (private-only; + transient `licencePrivate` for issue and amend):
 * writes a private record into the issuing organisation's collection, endorsed by that
 * organisation's peers alone, before the public transaction that relies on it:
 * - `issue`: the record of a new licence `licenceId` of type `typeCode`;
 * - `amend`: the next version's record of licence `licenceId`;
 * - `renew`: a copy of licence `licenceId`'s record for its renewal `newLicenceId`.
 */
export const StageLicencePrivateDataRequest = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('issue'), licenceId: Schemas.id, typeCode: Schemas.code }).strict(),
  z.object({ purpose: z.literal('amend'), licenceId: Schemas.id }).strict(),
  z.object({ purpose: z.literal('renew'), licenceId: Schemas.id, newLicenceId: Schemas.id }).strict(),
]);
/** StageLicencePrivateData request. */
export type StageLicencePrivateDataRequest = z.infer<typeof StageLicencePrivateDataRequest>;

/** StageApplicationPrivateData (private-only; + transient `licencePrivate`): the applicant's private record. */
export const StageApplicationPrivateDataRequest = z
  .object({ applicationId: Schemas.id, typeCode: Schemas.code })
  .strict();
/** StageApplicationPrivateData request. */
export type StageApplicationPrivateDataRequest = z.infer<typeof StageApplicationPrivateDataRequest>;

/** What a staging transaction wrote: where, and the hashes the public transaction must carry. */
export const StagedPrivateRecord = z.object({
  /** The licence (or application) id the record is for. */
  id: z.string(),
  collection: z.string(),
  privateDataHash: z.string(),
  claimHashes: z.record(z.string(), z.string()),
});
/** A staged private record. */
export type StagedPrivateRecord = z.infer<typeof StagedPrivateRecord>;

/** IssueLicence: after StageLicencePrivateData (issue), with the staged record's hashes. */
export const IssueLicenceRequest = z
  .object({
    licenceId: Schemas.id,
    typeCode: Schemas.code,
    holder: Subject,
    documentHash: Schemas.sha256,
    validFrom: Schemas.isoDateTime.optional(),
    validUntil: Schemas.isoDateTime.optional(),
    ...staged,
  })
  .strict();
/** IssueLicence request. */
export type IssueLicenceRequest = z.infer<typeof IssueLicenceRequest>;

/** One disclosed claim: its name, clear value and salt. */
export const DisclosedClaim = z
  .object({ name: ClaimName, value: Schemas.value(4000), salt: Schemas.salt })
  .strict();
/** A disclosed claim. */
export type DisclosedClaim = z.infer<typeof DisclosedClaim>;

/** VerifyLicence: optional document hash, disclosed claims and private record hash to check. */
export const VerifyLicenceRequest = z
  .object({
    licenceId: Schemas.id,
    documentHash: Schemas.sha256.optional(),
    claims: z.array(DisclosedClaim).max(MAX_CLAIMS).optional(),
    privateDataHash: Schemas.sha256.optional(),
  })
  .strict();
/** VerifyLicence request. */
export type VerifyLicenceRequest = z.infer<typeof VerifyLicenceRequest>;

/** GetLicence, GetLicenceHistory, GetLicencePrivateData. */
export const LicenceIdRequest = z.object({ licenceId: Schemas.id }).strict();
/** A request naming one licence. */
export type LicenceIdRequest = z.infer<typeof LicenceIdRequest>;

/** SuspendLicence. */
export const SuspendLicenceRequest = z
  .object({ licenceId: Schemas.id, reasonCode: z.enum(SUSPENSION_REASONS), note: note.optional() })
  .strict();
/** SuspendLicence request. */
export type SuspendLicenceRequest = z.infer<typeof SuspendLicenceRequest>;

/** ReinstateLicence. */
export const ReinstateLicenceRequest = z.object({ licenceId: Schemas.id, note: note.optional() }).strict();
/** ReinstateLicence request. */
export type ReinstateLicenceRequest = z.infer<typeof ReinstateLicenceRequest>;

/** RevokeLicence. */
export const RevokeLicenceRequest = z
  .object({ licenceId: Schemas.id, reasonCode: z.enum(REVOCATION_REASONS), note: note.optional() })
  .strict();
/** RevokeLicence request. */
export type RevokeLicenceRequest = z.infer<typeof RevokeLicenceRequest>;

/**
 * RenewLicence: after StageLicencePrivateData (renew), a new licence (newLicenceId) with new
 * validity, linked to the previous one.
 */
export const RenewLicenceRequest = z
  .object({
    licenceId: Schemas.id,
    newLicenceId: Schemas.id,
    documentHash: Schemas.sha256,
    validFrom: Schemas.isoDateTime.optional(),
    validUntil: Schemas.isoDateTime.optional(),
  })
  .strict();
/** RenewLicence request. */
export type RenewLicenceRequest = z.infer<typeof RenewLicenceRequest>;

/** AmendLicence: after StageLicencePrivateData (amend), a new version with a new document and claims. */
export const AmendLicenceRequest = z
  .object({ licenceId: Schemas.id, documentHash: Schemas.sha256, note: note.optional(), ...staged })
  .strict();
/** AmendLicence request. */
export type AmendLicenceRequest = z.infer<typeof AmendLicenceRequest>;

/** ListLicencesByHolder: the licences of one holder (home MSP and pid). */
export const ListLicencesByHolderRequest = z.object({ holder: Subject, ...page }).strict();
/** ListLicencesByHolder request. */
export type ListLicencesByHolderRequest = z.infer<typeof ListLicencesByHolderRequest>;

/** ListLicencesByTypeAndStatus (stored status). */
export const ListLicencesByTypeAndStatusRequest = z
  .object({ typeCode: Schemas.code, status: LicenceStatus, ...page })
  .strict();
/** ListLicencesByTypeAndStatus request. */
export type ListLicencesByTypeAndStatusRequest = z.infer<typeof ListLicencesByTypeAndStatusRequest>;

// ---------------------------------------------------------------- requests: applications

/** SubmitApplication: after StageApplicationPrivateData, with the staged record's hashes. */
export const SubmitApplicationRequest = z
  .object({ applicationId: Schemas.id, typeCode: Schemas.code, ...staged })
  .strict();
/** SubmitApplication request. */
export type SubmitApplicationRequest = z.infer<typeof SubmitApplicationRequest>;

/** ApproveApplication: documentHash is required on the approval that completes the application. */
export const ApproveApplicationRequest = z
  .object({ applicationId: Schemas.id, documentHash: Schemas.sha256.optional() })
  .strict();
/** ApproveApplication request. */
export type ApproveApplicationRequest = z.infer<typeof ApproveApplicationRequest>;

/** RejectApplication. */
export const RejectApplicationRequest = z
  .object({ applicationId: Schemas.id, reasonCode: Schemas.code, reason: note })
  .strict();
/** RejectApplication request. */
export type RejectApplicationRequest = z.infer<typeof RejectApplicationRequest>;

/** GetApplication. */
export const GetApplicationRequest = z.object({ applicationId: Schemas.id }).strict();
/** GetApplication request. */
export type GetApplicationRequest = z.infer<typeof GetApplicationRequest>;

// ---------------------------------------------------------------- catalogue

/** Every transaction of the contract: submit (writes) or evaluate (reads), its request and response. */
export const transactions = {
  CreateLicenceType: { kind: 'submit', request: CreateLicenceTypeRequest, response: LicenceType },
  UpdateLicenceType: { kind: 'submit', request: UpdateLicenceTypeRequest, response: LicenceType },
  GetLicenceType: { kind: 'evaluate', request: GetLicenceTypeRequest, response: LicenceType },
  ListLicenceTypes: { kind: 'evaluate', request: ListLicenceTypesRequest, response: pageOf(LicenceType) },
  RecordRecognition: { kind: 'submit', request: RecordRecognitionRequest, response: Recognition },
  WithdrawRecognition: { kind: 'submit', request: WithdrawRecognitionRequest, response: Recognition },
  ListRecognitions: { kind: 'evaluate', request: ListRecognitionsRequest, response: pageOf(Recognition) },
  StageLicencePrivateData: {
    kind: 'submit',
    request: StageLicencePrivateDataRequest,
    response: StagedPrivateRecord,
  },
  IssueLicence: { kind: 'submit', request: IssueLicenceRequest, response: Licence },
  VerifyLicence: { kind: 'evaluate', request: VerifyLicenceRequest, response: VerifyResult },
  GetLicence: { kind: 'evaluate', request: LicenceIdRequest, response: LicenceView },
  GetLicencePrivateData: { kind: 'evaluate', request: LicenceIdRequest, response: PrivateDataResult },
  SuspendLicence: { kind: 'submit', request: SuspendLicenceRequest, response: Licence },
  ReinstateLicence: { kind: 'submit', request: ReinstateLicenceRequest, response: Licence },
  RevokeLicence: { kind: 'submit', request: RevokeLicenceRequest, response: Licence },
  RenewLicence: { kind: 'submit', request: RenewLicenceRequest, response: RenewResult },
  AmendLicence: { kind: 'submit', request: AmendLicenceRequest, response: Licence },
  ListLicencesByHolder: {
    kind: 'evaluate',
    request: ListLicencesByHolderRequest,
    response: pageOf(LicenceView),
  },
  ListLicencesByTypeAndStatus: {
    kind: 'evaluate',
    request: ListLicencesByTypeAndStatusRequest,
    response: pageOf(LicenceView),
  },
  GetLicenceHistory: { kind: 'evaluate', request: LicenceIdRequest, response: LicenceHistory },
  StageApplicationPrivateData: {
    kind: 'submit',
    request: StageApplicationPrivateDataRequest,
    response: StagedPrivateRecord,
  },
  SubmitApplication: { kind: 'submit', request: SubmitApplicationRequest, response: ApplicationView },
  ApproveApplication: { kind: 'submit', request: ApproveApplicationRequest, response: ApprovalResult },
  RejectApplication: { kind: 'submit', request: RejectApplicationRequest, response: ApplicationView },
  GetApplication: { kind: 'evaluate', request: GetApplicationRequest, response: ApplicationView },
} as const satisfies Record<
  string,
  { kind: 'submit' | 'evaluate'; request: z.ZodType; response?: z.ZodType }
>;

/**
 * The private-only transactions: they write only collection keys, so the collection's own
 * endorsement policy (its member organisation alone) judges them, and clients must send them to
 * the member's peers only (`endorsingOrganizations: [member]`), never to another organisation,
 * since they carry personal data as transient data.
 */
export const PRIVATE_ONLY_TRANSACTIONS: readonly TransactionName[] = [
  'StageLicencePrivateData',
  'StageApplicationPrivateData',
];

/** A transaction name of the contract. */
export type TransactionName = keyof typeof transactions;
