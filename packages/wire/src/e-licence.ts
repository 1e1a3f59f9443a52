/**
 * The e-licence chaincode's wire contract: its request and response schemas,
 * record shapes, error codes, limits and protocol constants, and the catalogue
 * of its transactions. The chaincode parses every request with these schemas;
 * the gateway builds its route bodies from them.
 */
import { z } from 'zod';
import { boundedRecord, pageOf, Schemas, uniqueList, Subject } from './common';
import { CommonErrorCode, type ErrorStatus } from './errors';
import {
  CheckLicenceRequest,
  LicenceUsage,
  ListLicenceUsageRequest,
  ListPresentationKeysRequest,
  PresentationKey,
  PresentationKeyList,
  RecordPresentationCheckRequest,
  RegisterPresentationKeyRequest,
} from './e-licence-usage';

export * from './e-licence-usage';
import {
  AutoApprovedEntry,
  ListOverdueWarningsRequest,
  MaterialRefs,
  OverdueSweepResult,
  OverdueWarning,
  RaiseOverdueWarningsRequest,
  applicationApplyFields,
  applicationViewApplyFields,
  licenceTypeApplyFields,
  licenceTypeApplyRequestFields,
} from './e-licence-apply';

export * from './e-licence-apply';

// ---------------------------------------------------------------- limits and constants

/** The transient field that carries a {@link LicencePrivateTransient} private record. */
export const PRIVATE_TRANSIENT_FIELD = 'licencePrivate';

/** The most history entries GetLicenceHistory returns before refusing TOO_MANY_RECORDS. */
export const MAX_HISTORY = 1000;

/**
 * Prefix of a licensing organisation's private data collection, `licencePrivate_<MSP>`. The
 * licensing cities are data, not a list in code: network/consortium.json marks them
 * (`"licensing": true`), the deploy scripts generate one collection per licensing city that has
 * joined the channel, and the chaincode counts an organisation as licensing exactly when the
 * committed chaincode definition has its collection.
 */
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
  LicenceChecked: 'LicenceChecked',
  ApplicationRejected: 'ApplicationRejected',
  ApplicationsOverdue: 'ApplicationsOverdue',
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
  /**
   * 403: the licence type is not owned by the city the application names as issuing city
   * (`issuingMsp`, the applicant's home organisation when omitted).
   */
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
  /** 409: the organisation registered this presentation key already, or has the most keys it may. */
  PresentationKeyExists: 'PRESENTATION_KEY_EXISTS',
  /** 404: a referenced material (licence or attestation) does not exist. */
  MaterialNotFound: 'MATERIAL_NOT_FOUND',
  /** 403: a referenced material is not the applicant's (another holder or citizen). */
  MaterialNotOwned: 'MATERIAL_NOT_OWNED',
  /** 409: a referenced material is not valid at the submission time (expired, suspended, revoked, not yet valid). */
  MaterialNotValid: 'MATERIAL_NOT_VALID',
  /** 500: the attestation could not be read from the data-sharing chaincode (not deployed, or failed). */
  MaterialUnavailable: 'MATERIAL_UNAVAILABLE',
  /** 400: an automatic-approval rule or deadline names a department the type does not require, or leaves none manual. */
  InvalidApprovalRules: 'INVALID_APPROVAL_RULES',
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
  PRESENTATION_KEY_EXISTS: 409,
  MATERIAL_NOT_FOUND: 404,
  MATERIAL_NOT_OWNED: 403,
  MATERIAL_NOT_VALID: 409,
  MATERIAL_UNAVAILABLE: 500,
  INVALID_APPROVAL_RULES: 400,
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
  z
    .object({
      kind: z
        .literal('days')
        .meta({ description: '`days`: valid for at most `days` days; `permanent`: without end' }),
      days: z
        .number()
        .int()
        .min(1)
        .max(36600)
        .meta({ description: 'Longest validity in days (1-36600)', example: 365 }),
    })
    .strict(),
  z
    .object({
      kind: z
        .literal('permanent')
        .meta({ description: '`days`: valid for at most `days` days; `permanent`: without end' }),
    })
    .strict(),
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
const staged = {
  privateDataHash: Schemas.sha256.meta({
    description:
      "SHA-256 (lower-case hex) of the private record's canonical JSON bytes in the issuing organisation's collection",
    example: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
  }),
  claimHashes: ClaimHashes.meta({
    description: 'Claim name to `sha256hex(salt + "|" + value)` of the clear claim value',
    example: { registeredCapital: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
  }),
};

const note = Schemas.text(500);
const page = {
  pageSize: Schemas.pageSize.meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
  bookmark: Schemas.bookmark.meta({
    description: 'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
    example: '',
  }),
};

// ---------------------------------------------------------------- records

/** A licence type, owned by one jurisdiction (MSP) and one of its departments. */
export const LicenceType = z.object({
  /** Unique across the consortium (by convention prefixed by the jurisdiction, e.g. `A-BIZ`). */
  code: z.string().meta({
    description: 'Unique across the consortium (by convention prefixed by the jurisdiction, e.g. `A-BIZ`)',
    example: 'A-BIZ',
  }),
  name: z
    .string()
    .meta({ description: 'Display name of the licence type', example: 'Business operating licence' }),
  ownerMsp: z
    .string()
    .meta({ description: 'MSP ID of the jurisdiction that owns the licence type', example: 'CityAMSP' }),
  /** The department whose issuers issue it. */
  dept: z.string().meta({ description: 'The department whose issuers issue it', example: 'market' }),
  holderKind: HolderKind.meta({
    description: 'Who holds licences of this type: `person` (a citizen) or `enterprise`',
    example: 'enterprise',
  }),
  validity: ValidityRule.meta({ description: 'How long a licence of this type is valid' }),
  /** The names of the licence's claims (fields), each hashed with a salt on the public record. */
  claims: z.array(z.string()).meta({
    description:
      'Claim names of the type (1-50 distinct names), each hashed with a salt on the public record',
    example: ['registeredCapital', 'businessScope'],
  }),
  /** Departments of the owning org that must each approve an application; empty: direct issue only. */
  requiredApprovals: z.array(z.string()).meta({
    description:
      'Departments of the owning organisation that must each approve an application (0-10 distinct); empty: issued directly',
    example: ['market', 'fire'],
  }),
  ...licenceTypeApplyFields,
  status: TypeStatus.meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  createdAt: z.string().meta({
    format: 'date-time',
    description: 'When the record was created (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-01-15T09:30:00Z',
  }),
  updatedAt: z.string().meta({
    format: 'date-time',
    description: 'When the record last changed (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-01-15T09:30:00Z',
  }),
  /** 1 at creation, +1 on every update. */
  revision: z.number().int().meta({ description: '1 at creation, +1 on every update.' }),
});
/** A licence type. */
export type LicenceType = z.infer<typeof LicenceType>;

/** A jurisdiction's statement that another jurisdiction's type is equivalent to one of its own. */
export const Recognition = z.object({
  /** The recognising jurisdiction. */
  recognizerMsp: z.string().meta({ description: 'The recognising jurisdiction', example: 'CityAMSP' }),
  /** The other jurisdiction's type. */
  foreignTypeCode: z.string().meta({ description: "The other jurisdiction's type", example: 'B-BIZ' }),
  foreignOwnerMsp: z
    .string()
    .meta({ description: 'MSP ID of the jurisdiction that owns the foreign type', example: 'CityBMSP' }),
  /** The recognising jurisdiction's own, equivalent type. */
  localTypeCode: z
    .string()
    .meta({ description: "The recognising jurisdiction's own, equivalent type", example: 'A-BIZ' }),
  status: z
    .enum(['active', 'withdrawn'])
    .meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  recordedAt: z.string().meta({
    format: 'date-time',
    description: 'When it was recorded (RFC 3339 date-time, UTC)',
    example: '2026-01-15T09:30:00Z',
  }),
  recordedBy: z.string().meta({ description: 'Fabric id of the official who recorded it' }),
  withdrawnAt: z.string().nullable().meta({
    format: 'date-time',
    description: 'When it was withdrawn (RFC 3339 date-time, UTC), or null while active',
  }),
  withdrawnBy: z
    .string()
    .nullable()
    .meta({ description: 'Fabric id of the official who withdrew it, or null while active' }),
});
/** A recognition. */
export type Recognition = z.infer<typeof Recognition>;

/** The last change of a licence: action, time, and the official's Fabric id. */
export const LicenceChange = z.object({
  action: LicenceAction.meta({ description: 'What the change was' }),
  at: z.string().meta({
    format: 'date-time',
    description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-01-15T09:30:00Z',
  }),
  by: z
    .string()
    .meta({ description: 'Fabric id (certificate subject and issuer) of the official who did it' }),
  reasonCode: z.string().nullable().meta({ description: 'Reason code', example: 'NON_COMPLIANCE' }),
  note: z.string().nullable().meta({
    description: 'Free-text note of the official (at most 500 characters)',
    example: 'Inspection report 2026/114',
  }),
});
/** A licence's last change. */
export type LicenceChange = z.infer<typeof LicenceChange>;

/** A suspension or revocation: why and when. */
export const StatusReason = z.object({
  reasonCode: z.string().meta({ description: 'Reason code', example: 'NON_COMPLIANCE' }),
  at: z.string().meta({
    format: 'date-time',
    description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-01-15T09:30:00Z',
  }),
  note: z.string().nullable().meta({
    description: 'Free-text note of the official (at most 500 characters)',
    example: 'Inspection report 2026/114',
  }),
});
/** A suspension or revocation. */
export type StatusReason = z.infer<typeof StatusReason>;

/** The public licence record. Personal data and clear claim values are never in it. */
export const Licence = z.object({
  licenceId: z.string().meta({
    description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
    example: 'A-BIZ-2026-0001',
  }),
  typeCode: z.string().meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
  /** The holder: home MSP and pseudonymous id (gov.pid). */
  holder: Subject.meta({ description: 'The holder: home MSP and pseudonymous id (gov.pid)' }),
  holderKind: HolderKind.meta({
    description: 'Who holds licences of this type: `person` (a citizen) or `enterprise`',
    example: 'enterprise',
  }),
  issuerMsp: z.string().meta({ description: 'MSP ID of the issuing organisation', example: 'CityAMSP' }),
  issuerDept: z
    .string()
    .meta({ description: 'Department (`gov.dept`) of the issuing official', example: 'market' }),
  issuedAt: z.string().meta({
    format: 'date-time',
    description: 'When the licence was issued (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-03-01T09:00:00Z',
  }),
  validFrom: z.string().meta({
    format: 'date-time',
    description: 'Start of validity (RFC 3339 date-time, UTC)',
    example: '2026-03-01T00:00:00Z',
  }),
  /** null: without end (permanent types). */
  validUntil: z.string().nullable().meta({
    format: 'date-time',
    description: 'End of validity (RFC 3339 date-time, UTC); null without end',
    example: '2027-02-28T23:59:59Z',
  }),
  status: LicenceStatus.meta({
    description:
      'Stored status: active, suspended or revoked (`effectiveStatus` adds validity at the query time)',
  }),
  /** 1 at issue, +1 on every amendment. */
  version: z
    .number()
    .int()
    .meta({ description: 'Version of the licence (1 at issue, +1 on every amendment)', example: 1 }),
  /** SHA-256 of the licence document (PDF/OFD) of the current version. */
  documentHash: z.string().meta({
    description: 'SHA-256 (lower-case hex) of the licence document (PDF/OFD)',
    example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
  }),
  /** Claim name to `sha256(salt + "|" + value)`. */
  claimHashes: z.record(z.string(), z.string()).meta({
    description: 'Claim name to `sha256hex(salt + "|" + value)` of the clear claim value',
    example: { registeredCapital: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
  }),
  /** SHA-256 of the private record's bytes in `privateCollection`. */
  privateDataHash: z.string().meta({
    description:
      "SHA-256 (lower-case hex) of the private record's canonical JSON bytes in the issuing organisation's collection",
    example: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
  }),
  privateCollection: z.string().meta({
    description: 'The private data collection that holds the private record (`licencePrivate_<MSP>`)',
    example: 'licencePrivate_CityAMSP',
  }),
  /** The application it was issued through, if any. */
  applicationId: z
    .string()
    .nullable()
    .meta({ description: 'The application it was issued through, or null when issued directly' }),
  /** The licence this one renews. */
  previousLicenceId: z.string().nullable().meta({ description: 'The licence this one renews, or null' }),
  /** The licence that renews this one. */
  renewedBy: z.string().nullable().meta({ description: 'The licence that renews this one, or null' }),
  suspension: StatusReason.nullable().meta({
    description: 'The current suspension (why and when), or null when not suspended',
  }),
  revocation: StatusReason.nullable().meta({
    description: 'The revocation (why and when), or null when not revoked',
  }),
  lastChange: LicenceChange.meta({ description: 'The last change of the licence record' }),
  updatedAt: z.string().meta({
    format: 'date-time',
    description: 'When the record last changed (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-01-15T09:30:00Z',
  }),
});
/** A public licence record. */
export type Licence = z.infer<typeof Licence>;

/** A public licence record with its status at the time of the query. */
export const LicenceView = Licence.extend({
  effectiveStatus: EffectiveStatus.meta({
    description:
      "The status at the query's transaction time: valid, not-yet-valid, expired, suspended or revoked",
  }),
});
/** A licence with its effective status. */
export type LicenceView = z.infer<typeof LicenceView>;

/** One clear claim value and its salt (private). */
export const ClaimSecret = z
  .object({
    value: Schemas.value(4000).meta({
      description: 'Clear claim value (at most 4000 characters)',
      example: '1000000',
    }),
    salt: Schemas.salt.meta({
      description: 'Salt (lower-case hex, 32-128 characters), random per claim or record',
      example: '9f86d081884c7d659a2feaa0c55ad015',
    }),
  })
  .strict();
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
    holder: boundedRecord(HolderFieldName, Schemas.value(1000), MAX_HOLDER_FIELDS).meta({
      description: "The holder's personal data: field name to value (at most 50 fields)",
      example: { legalName: 'Harbour Trading Ltd', registeredAddress: '12 Quay Street, City A' },
    }),
    claims: boundedRecord(ClaimName, ClaimSecret, MAX_CLAIMS).meta({
      description:
        "The clear claims with their salts: claim name to {value, salt}; exactly the type's claims",
      example: { registeredCapital: { value: '1000000', salt: '9f86d081884c7d659a2feaa0c55ad015' } },
    }),
    salt: Schemas.salt.meta({
      description:
        'Salt of the whole record, so that its hash cannot be guessed from low-entropy personal data',
      example: '6b86b273ff34fce19d6b804eff5a3f57',
    }),
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
  z.object({
    event: z.literal('submitted').meta({ description: 'What happened' }),
    at: z.string().meta({
      format: 'date-time',
      description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
      example: '2026-01-15T09:30:00Z',
    }),
  }),
  z.object({
    event: z.literal('approved').meta({ description: 'What happened' }),
    at: z.string().meta({
      format: 'date-time',
      description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
      example: '2026-01-15T09:30:00Z',
    }),
    dept: z.string().meta({ description: 'Department code (`gov.dept`)', example: 'market' }),
    by: z
      .string()
      .meta({ description: 'Fabric id (certificate subject and issuer) of the official who did it' }),
  }),
  z.object({
    event: z.literal('rejected').meta({ description: 'What happened' }),
    at: z.string().meta({
      format: 'date-time',
      description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
      example: '2026-01-15T09:30:00Z',
    }),
    dept: z.string().meta({ description: 'Department code (`gov.dept`)', example: 'market' }),
    by: z
      .string()
      .meta({ description: 'Fabric id (certificate subject and issuer) of the official who did it' }),
    reasonCode: z.string().meta({ description: 'Reason code', example: 'NON_COMPLIANCE' }),
    reason: z.string().meta({
      description: 'Free-text reason (1-500 characters)',
      example: 'The premises failed the fire inspection',
    }),
  }),
  z.object({
    event: z.literal('issued').meta({ description: 'What happened' }),
    at: z.string().meta({
      format: 'date-time',
      description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
      example: '2026-01-15T09:30:00Z',
    }),
    licenceId: z.string().meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
  }),
  AutoApprovedEntry,
]);
/** An application timeline entry. */
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** An application for a licence, approved in parallel by the departments its type requires. */
export const Application = z.object({
  applicationId: z.string().meta({
    description: 'Application id, chosen by the applicant; the licence gets the same id',
    example: 'A-BIZ-APP-2026-0042',
  }),
  typeCode: z.string().meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
  ownerMsp: z
    .string()
    .meta({ description: 'MSP ID of the jurisdiction that owns the licence type', example: 'CityAMSP' }),
  /** The applicant (the future holder): home MSP and pseudonymous id. */
  applicant: Subject.meta({
    description: 'The applicant (the future holder): home MSP and pseudonymous id.',
  }),
  holderKind: HolderKind.meta({
    description: 'Who holds licences of this type: `person` (a citizen) or `enterprise`',
    example: 'enterprise',
  }),
  /** The departments that must approve, fixed at submission. */
  requiredDepts: z
    .array(z.string())
    .meta({ description: 'The departments that must approve, fixed at submission.' }),
  claimHashes: z.record(z.string(), z.string()).meta({
    description: 'Claim name to `sha256hex(salt + "|" + value)` of the clear claim value',
    example: { registeredCapital: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
  }),
  privateDataHash: z.string().meta({
    description:
      "SHA-256 (lower-case hex) of the private record's canonical JSON bytes in the issuing organisation's collection",
    example: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
  }),
  privateCollection: z.string().meta({
    description: 'The private data collection that holds the private record (`licencePrivate_<MSP>`)',
    example: 'licencePrivate_CityAMSP',
  }),
  status: ApplicationStatus.meta({
    description: 'Status as stored on the ledger (one of the listed values)',
  }),
  submittedAt: z.string().meta({
    format: 'date-time',
    description: 'When the application was submitted (RFC 3339 date-time, UTC)',
    example: '2026-02-10T08:15:00Z',
  }),
  closedAt: z.string().nullable().meta({
    format: 'date-time',
    description:
      'When the application was issued or rejected (RFC 3339 date-time, UTC), or null while pending',
  }),
  /** The issued licence's id (equal to the application id) once issued. */
  licenceId: z.string().nullable().meta({
    description: "The issued licence's id (equal to the application id) once issued",
    example: 'A-BIZ-2026-0001',
  }),
  timeline: z.array(TimelineEntry).meta({ description: 'What happened to the application, oldest first' }),
  ...applicationApplyFields,
});
/** An application. */
export type Application = z.infer<typeof Application>;

/** An application with its derived progress. */
export const ApplicationView = Application.extend({
  approvedDepts: z.array(z.string()).meta({ description: 'Departments that have approved' }),
  pendingDepts: z.array(z.string()).meta({ description: 'Departments whose approval is still needed' }),
  /** Milliseconds from submission to closing, or to the query time while pending. */
  elapsedMs: z
    .number()
    .meta({ description: 'Milliseconds from submission to closing, or to the query time while pending.' }),
  ...applicationViewApplyFields,
});
/** An application with its progress. */
export type ApplicationView = z.infer<typeof ApplicationView>;

/** How a licence is recognised by an organisation. */
export const RecognitionAnswer = z.object({
  /** The verifying organisation. */
  org: z.string().meta({ description: 'The verifying organisation.' }),
  recognised: z
    .boolean()
    .meta({ description: 'True when the organisation accepts the licence as one of its own types' }),
  /** `issuing-org`: the verifier issued it; `mutual-recognition`: an active recognition; `none`. */
  basis: z.enum(['issuing-org', 'mutual-recognition', 'none']).meta({
    description:
      '`issuing-org`: the verifier issued it; `mutual-recognition`: an active recognition; `none`.',
  }),
  /** The verifier's own type the licence counts as, or null. */
  localTypeCode: z
    .string()
    .nullable()
    .meta({ description: "The verifier's own type the licence counts as, or null", example: 'A-BIZ' }),
});
/** A recognition answer. */
export type RecognitionAnswer = z.infer<typeof RecognitionAnswer>;

/** The result of checking one disclosed claim. */
export const ClaimCheck = z.object({
  name: z.string().meta({ description: 'Claim name that was disclosed' }),
  /** The licence has a claim of that name. */
  known: z.boolean().meta({ description: 'The licence has a claim of that name.' }),
  /** sha256(salt + "|" + value) equals the licence's claim hash. */
  match: z.boolean().meta({ description: 'sha256(salt + "|" + value) equals the licence\'s claim hash.' }),
});
/** A disclosed claim's check. */
export type ClaimCheck = z.infer<typeof ClaimCheck>;

const reasonAt = z.object({
  reasonCode: z.string().meta({ description: 'Reason code', example: 'NON_COMPLIANCE' }),
  at: z.string().meta({
    format: 'date-time',
    description: 'When it happened (RFC 3339 date-time, UTC, the transaction time)',
    example: '2026-01-15T09:30:00Z',
  }),
});

/** The answer of VerifyLicence. Fields other than licenceId/found/status/checkedAt/valid are null for an unknown licence. */
export const VerifyResult = z.object({
  licenceId: z.string().meta({ description: 'The licence id asked about' }),
  found: z.boolean().meta({ description: 'True when the licence exists' }),
  status: EffectiveStatus.meta({
    description: 'Effective status at `checkedAt`; `unknown` for an unknown licence',
  }),
  /** The transaction time the status was computed at. */
  checkedAt: z.string().meta({ description: 'The transaction time the status was computed at.' }),
  /** status is valid and every check that was asked for matched. */
  valid: z.boolean().meta({ description: 'status is valid and every check that was asked for matched.' }),
  type: z
    .object({
      code: z.string().meta({
        description: 'Licence type code (letters, digits, `_-`, 1-64 characters)',
        example: 'A-BIZ',
      }),
      name: z
        .string()
        .nullable()
        .meta({ description: 'Name of the licence type, or null when the type is unknown' }),
      ownerMsp: z
        .string()
        .nullable()
        .meta({ description: "MSP ID of the type's owner, or null when the type is unknown" }),
    })
    .nullable()
    .meta({ description: 'The licence type: code, name and owner (null for an unknown licence)' }),
  issuer: z
    .object({
      mspId: z.string().meta({ description: 'MSP ID of the issuing organisation' }),
      dept: z.string().meta({ description: 'Department of the issuing official' }),
    })
    .nullable()
    .meta({ description: 'The issuing organisation and department (null for an unknown licence)' }),
  holder: Subject.nullable().meta({
    description: 'The holder: home MSP and pseudonymous id (null for an unknown licence)',
  }),
  holderKind: z
    .string()
    .nullable()
    .meta({ description: '`person` or `enterprise` (null for an unknown licence)' }),
  version: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Version of the licence (null for an unknown licence)' }),
  issuedAt: z.string().nullable().meta({
    format: 'date-time',
    description: 'When the licence was issued (RFC 3339 date-time, UTC), or null for an unknown licence',
  }),
  validFrom: z.string().nullable().meta({
    format: 'date-time',
    description: 'Start of validity (RFC 3339 date-time, UTC), or null for an unknown licence',
  }),
  validUntil: z.string().nullable().meta({
    format: 'date-time',
    description: 'End of validity (RFC 3339 date-time, UTC), or null (without end, or unknown licence)',
  }),
  previousLicenceId: z.string().nullable().meta({ description: 'The licence this one renews, or null' }),
  renewedBy: z.string().nullable().meta({ description: 'The licence that renews this one, or null' }),
  revocation: reasonAt.nullable().meta({ description: 'Why and when it was revoked, or null' }),
  suspension: reasonAt.nullable().meta({ description: 'Why and when it is suspended, or null' }),
  recognition: RecognitionAnswer.nullable().meta({
    description:
      'Whether the verifying organisation recognises the licence, and how (null for an unknown licence)',
  }),
  /** null when no document hash was given. */
  documentHashMatch: z.boolean().nullable().meta({ description: 'null when no document hash was given.' }),
  claims: z.array(ClaimCheck).meta({ description: 'The check of each disclosed claim' }),
  /** null when no private data hash was given. */
  privateDataMatch: z.boolean().nullable().meta({ description: 'null when no private data hash was given.' }),
  /** The collection's on-chain hash of the private record equals the public record's privateDataHash. */
  privateDataOnChain: z.boolean().nullable().meta({
    description:
      "The collection's on-chain hash of the private record equals the public record's privateDataHash.",
  }),
});
/** A verification answer. */
export type VerifyResult = z.infer<typeof VerifyResult>;

/** One modification of a licence key. */
export const HistoryEntry = z.object({
  txId: z.string().meta({ description: 'Id of the transaction that wrote this version' }),
  timestamp: z
    .string()
    .meta({ format: 'date-time', description: 'Time of that transaction (RFC 3339 date-time, UTC)' }),
  isDelete: z.boolean().meta({ description: 'True when that transaction deleted the key' }),
  /** The record as written by that transaction (null for a delete). */
  licence: Licence.nullable().meta({
    description: 'The record as written by that transaction (null for a delete).',
  }),
});
/** A licence history entry. */
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The full history of a licence, oldest first. */
export const LicenceHistory = z.object({
  licenceId: z.string().meta({
    description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
    example: 'A-BIZ-2026-0001',
  }),
  entries: z
    .array(HistoryEntry)
    .meta({ description: 'Every modification of the licence, oldest first (at most 1000)' }),
});
/** A licence history. */
export type LicenceHistory = z.infer<typeof LicenceHistory>;

/** A licence's private record and its exact bytes (the bytes whose SHA-256 is the public privateDataHash). */
export const PrivateDataResult = z.object({
  licenceId: z.string().meta({
    description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
    example: 'A-BIZ-2026-0001',
  }),
  version: z
    .number()
    .int()
    .meta({ description: 'Version of the licence (1 at issue, +1 on every amendment)', example: 1 }),
  privateDataHash: z.string().meta({
    description:
      "SHA-256 (lower-case hex) of the private record's canonical JSON bytes in the issuing organisation's collection",
    example: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
  }),
  record: PrivateRecord.meta({
    description: 'The private record (holder personal data, clear claims with salts, record salt)',
  }),
  /** The canonical JSON text of the record; hand it to a verifier, who hashes it. */
  recordJson: z
    .string()
    .meta({ description: 'The canonical JSON text of the record; hand it to a verifier, who hashes it.' }),
});
/** A private record read. */
export type PrivateDataResult = z.infer<typeof PrivateDataResult>;

/** The result of a renewal: the new licence and the previous one, now linked to it. */
export const RenewResult = z.object({
  licence: Licence.meta({ description: 'The new licence' }),
  previous: Licence.meta({ description: 'The renewed licence, now linked to the new one (`renewedBy`)' }),
});
/** A renewal's result. */
export type RenewResult = z.infer<typeof RenewResult>;

/** The result of an approval: the application, and the licence when this approval completed it. */
export const ApprovalResult = z.object({
  application: ApplicationView.meta({ description: 'The application with its progress' }),
  licence: Licence.nullable().meta({
    description:
      'The issued licence when this approval completed the application; null on every other approval',
  }),
});
/** An approval's result. */
export type ApprovalResult = z.infer<typeof ApprovalResult>;

// ---------------------------------------------------------------- requests: licence types

/** CreateLicenceType: the type is owned by the caller's organisation. */
export const CreateLicenceTypeRequest = z
  .object({
    code: Schemas.code.meta({
      description:
        'Code of the new type, unique across the consortium (by convention prefixed by the jurisdiction)',
      example: 'A-BIZ',
    }),
    name: Schemas.text(200).meta({
      description: 'Display name (1-200 characters)',
      example: 'Business operating licence',
    }),
    dept: DeptCode.meta({
      description: 'Department (`gov.dept`) whose issuers issue licences of the type',
      example: 'market',
    }),
    holderKind: HolderKind.meta({
      description: 'Who holds licences of this type: `person` (a citizen) or `enterprise`',
      example: 'enterprise',
    }),
    validity: ValidityRule.meta({
      description: 'How long a licence is valid',
      example: { kind: 'days', days: 365 },
    }),
    claims: uniqueList(ClaimName, 1, MAX_CLAIMS).meta({
      description:
        'Claim names of the type (1-50 distinct names), each hashed with a salt on the public record',
      example: ['registeredCapital', 'businessScope'],
    }),
    requiredApprovals: uniqueList(DeptCode, 0, 10).meta({
      description:
        'Departments of the owning organisation that must each approve an application (0-10 distinct); empty: issued directly',
      example: ['market', 'fire'],
    }),
    ...licenceTypeApplyRequestFields,
  })
  .strict();
/** CreateLicenceType request. */
export type CreateLicenceTypeRequest = z.infer<typeof CreateLicenceTypeRequest>;

/** The fields UpdateLicenceType may change (the object, before the at-least-one-change rule). */
export const UpdateLicenceTypeFields = z
  .object({
    code: Schemas.code.meta({ description: 'Code of the type to change', example: 'A-BIZ' }),
    name: Schemas.text(200)
      .optional()
      .meta({ description: 'New display name', example: 'Business operating licence (2026)' }),
    validity: ValidityRule.optional().meta({
      description: 'New validity rule',
      example: { kind: 'days', days: 730 },
    }),
    claims: uniqueList(ClaimName, 1, MAX_CLAIMS)
      .optional()
      .meta({
        description:
          'Claim names of the type (1-50 distinct names), each hashed with a salt on the public record',
        example: ['registeredCapital', 'businessScope'],
      }),
    requiredApprovals: uniqueList(DeptCode, 0, 10)
      .optional()
      .meta({
        description:
          'Departments of the owning organisation that must each approve an application (0-10 distinct); empty: issued directly',
        example: ['market', 'fire'],
      }),
    status: TypeStatus.optional().meta({
      description: '`retired`: no new licences under the type; `active` again to reopen it',
      example: 'active',
    }),
    ...licenceTypeApplyRequestFields,
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
export const GetLicenceTypeRequest = z
  .object({
    code: Schemas.code.meta({
      description: 'Licence type code (letters, digits, `_-`, 1-64 characters)',
      example: 'A-BIZ',
    }),
  })
  .strict();
/** GetLicenceType request. */
export type GetLicenceTypeRequest = z.infer<typeof GetLicenceTypeRequest>;

/** ListLicenceTypes: every type, in code order, paginated. */
export const ListLicenceTypesRequest = z.object({ ...page }).strict();
/** ListLicenceTypes request. */
export type ListLicenceTypesRequest = z.infer<typeof ListLicenceTypesRequest>;

// ---------------------------------------------------------------- requests: recognition

/** RecordRecognition: "our type localTypeCode is equivalent to their type foreignTypeCode". */
export const RecordRecognitionRequest = z
  .object({
    localTypeCode: Schemas.code.meta({
      description: "The recognising jurisdiction's own, equivalent type",
      example: 'A-BIZ',
    }),
    foreignTypeCode: Schemas.code.meta({ description: "The other jurisdiction's type", example: 'B-BIZ' }),
  })
  .strict();
/** RecordRecognition request. */
export type RecordRecognitionRequest = z.infer<typeof RecordRecognitionRequest>;

/** WithdrawRecognition: withdraws the caller organisation's recognition of a foreign type. */
export const WithdrawRecognitionRequest = z
  .object({
    foreignTypeCode: Schemas.code.meta({ description: "The other jurisdiction's type", example: 'B-BIZ' }),
  })
  .strict();
/** WithdrawRecognition request. */
export type WithdrawRecognitionRequest = z.infer<typeof WithdrawRecognitionRequest>;

/** ListRecognitions: of one recognising organisation, or of all. */
export const ListRecognitionsRequest = z
  .object({
    recognizerMsp: Schemas.mspId
      .optional()
      .meta({ description: 'Only the recognitions of this organisation', example: 'CityAMSP' }),
    ...page,
  })
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
  z
    .object({
      purpose: z
        .literal('issue')
        .meta({ description: 'What the staged record is for: `issue`, `amend` or `renew`' }),
      licenceId: Schemas.id.meta({
        description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
        example: 'A-BIZ-2026-0001',
      }),
      typeCode: Schemas.code.meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
    })
    .strict(),
  z
    .object({
      purpose: z
        .literal('amend')
        .meta({ description: 'What the staged record is for: `issue`, `amend` or `renew`' }),
      licenceId: Schemas.id.meta({
        description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
        example: 'A-BIZ-2026-0001',
      }),
    })
    .strict(),
  z
    .object({
      purpose: z
        .literal('renew')
        .meta({ description: 'What the staged record is for: `issue`, `amend` or `renew`' }),
      licenceId: Schemas.id.meta({
        description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
        example: 'A-BIZ-2026-0001',
      }),
      newLicenceId: Schemas.id.meta({
        description: 'Id of the renewing licence',
        example: 'A-BIZ-2027-0001',
      }),
    })
    .strict(),
]);
/** StageLicencePrivateData request. */
export type StageLicencePrivateDataRequest = z.infer<typeof StageLicencePrivateDataRequest>;

/**
 * The licensing city an application is made to (the owner of its licence type), which may be
 * another city than the applicant's home organisation: its peers alone endorse the staging step
 * and hold the personal data.
 */
const issuingMsp = Schemas.mspId.optional().meta({
  description:
    "MSP id of the licensing city applied to, the licence type's owner (default: the applicant's home organisation); " +
    "the applicant's personal data is staged on that city's peers only",
  example: 'CityAMSP',
});

/** StageApplicationPrivateData (private-only; + transient `licencePrivate`): the applicant's private record. */
export const StageApplicationPrivateDataRequest = z
  .object({
    applicationId: Schemas.id.meta({
      description: 'Application id, chosen by the applicant; the licence gets the same id',
      example: 'A-BIZ-APP-2026-0042',
    }),
    typeCode: Schemas.code.meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
    issuingMsp,
  })
  .strict();
/** StageApplicationPrivateData request. */
export type StageApplicationPrivateDataRequest = z.infer<typeof StageApplicationPrivateDataRequest>;

/** What a staging transaction wrote: where, and the hashes the public transaction must carry. */
export const StagedPrivateRecord = z.object({
  /** The licence (or application) id the record is for. */
  id: z.string().meta({ description: 'The licence (or application) id the record is for' }),
  collection: z.string().meta({ description: 'The collection the record was written to' }),
  privateDataHash: z.string().meta({
    description:
      "SHA-256 (lower-case hex) of the private record's canonical JSON bytes in the issuing organisation's collection",
    example: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
  }),
  claimHashes: z.record(z.string(), z.string()).meta({
    description: 'Claim name to `sha256hex(salt + "|" + value)` of the clear claim value',
    example: { registeredCapital: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae' },
  }),
});
/** A staged private record. */
export type StagedPrivateRecord = z.infer<typeof StagedPrivateRecord>;

/** IssueLicence: after StageLicencePrivateData (issue), with the staged record's hashes. */
export const IssueLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    typeCode: Schemas.code.meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
    holder: Subject.meta({ description: 'The holder: home MSP and pseudonymous id' }),
    documentHash: Schemas.sha256.meta({
      description: 'SHA-256 (lower-case hex) of the licence document (PDF/OFD)',
      example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
    }),
    validFrom: Schemas.isoDateTime.optional().meta({
      description: 'Start of validity (RFC 3339 date-time); default: the transaction time',
      example: '2026-03-01T00:00:00Z',
    }),
    validUntil: Schemas.isoDateTime.optional().meta({
      description: "End of validity (RFC 3339 date-time); default: as the type's validity rule allows",
      example: '2027-02-28T23:59:59Z',
    }),
    ...staged,
  })
  .strict();
/** IssueLicence request. */
export type IssueLicenceRequest = z.infer<typeof IssueLicenceRequest>;

/** One disclosed claim: its name, clear value and salt. */
export const DisclosedClaim = z
  .object({
    name: ClaimName.meta({ description: 'Claim name', example: 'registeredCapital' }),
    value: Schemas.value(4000).meta({
      description: 'Clear claim value (at most 4000 characters)',
      example: '1000000',
    }),
    salt: Schemas.salt.meta({
      description: 'Salt (lower-case hex, 32-128 characters), random per claim or record',
      example: '9f86d081884c7d659a2feaa0c55ad015',
    }),
  })
  .strict();
/** A disclosed claim. */
export type DisclosedClaim = z.infer<typeof DisclosedClaim>;

/** VerifyLicence: optional document hash, disclosed claims and private record hash to check. */
export const VerifyLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    documentHash: Schemas.sha256.optional().meta({
      description: "SHA-256 of the document the verifier was shown; checked against the licence's",
      example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
    }),
    claims: z.array(DisclosedClaim).max(MAX_CLAIMS).optional().meta({
      description:
        'Claims the holder disclosed (name, clear value, salt), each checked against its hash (at most 50)',
    }),
    privateDataHash: Schemas.sha256.optional().meta({
      description:
        "SHA-256 of the private record bytes the holder handed over; checked against the licence's",
      example: '8d969eef6ecad3c29a3a629280e686cf0c3f5d5a86aff3ca12020c923adc6c92',
    }),
  })
  .strict();
/** VerifyLicence request. */
export type VerifyLicenceRequest = z.infer<typeof VerifyLicenceRequest>;

/** GetLicence, GetLicenceHistory, GetLicencePrivateData. */
export const LicenceIdRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
  })
  .strict();
/** A request naming one licence. */
export type LicenceIdRequest = z.infer<typeof LicenceIdRequest>;

/** SuspendLicence. */
export const SuspendLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    reasonCode: z.enum(SUSPENSION_REASONS).meta({
      description: 'Why: INVESTIGATION, NON_COMPLIANCE, HOLDER_REQUEST or OTHER',
      example: 'INVESTIGATION',
    }),
    note: note.optional().meta({
      description: 'Free-text note of the official (at most 500 characters)',
      example: 'Inspection report 2026/114',
    }),
  })
  .strict();
/** SuspendLicence request. */
export type SuspendLicenceRequest = z.infer<typeof SuspendLicenceRequest>;

/** ReinstateLicence. */
export const ReinstateLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    note: note.optional().meta({
      description: 'Free-text note of the official (at most 500 characters)',
      example: 'Inspection report 2026/114',
    }),
  })
  .strict();
/** ReinstateLicence request. */
export type ReinstateLicenceRequest = z.infer<typeof ReinstateLicenceRequest>;

/** RevokeLicence. */
export const RevokeLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    reasonCode: z.enum(REVOCATION_REASONS).meta({
      description:
        'Why: FRAUD, NON_COMPLIANCE, HOLDER_REQUEST, ISSUED_IN_ERROR, HOLDER_CEASED, COURT_ORDER or OTHER',
      example: 'NON_COMPLIANCE',
    }),
    note: note.optional().meta({
      description: 'Free-text note of the official (at most 500 characters)',
      example: 'Inspection report 2026/114',
    }),
  })
  .strict();
/** RevokeLicence request. */
export type RevokeLicenceRequest = z.infer<typeof RevokeLicenceRequest>;

/**
 * RenewLicence: after StageLicencePrivateData (renew), a new licence (newLicenceId) with new
 * validity, linked to the previous one.
 */
export const RenewLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    newLicenceId: Schemas.id.meta({ description: 'Id of the renewing licence', example: 'A-BIZ-2027-0001' }),
    documentHash: Schemas.sha256.meta({
      description: "SHA-256 of the new licence's document",
      example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
    }),
    validFrom: Schemas.isoDateTime.optional().meta({
      description:
        "Start of the new licence's validity (RFC 3339 date-time); default: the end of the old one",
      example: '2027-03-01T00:00:00Z',
    }),
    validUntil: Schemas.isoDateTime.optional().meta({
      description: "End of the new licence's validity (RFC 3339 date-time)",
      example: '2028-02-29T23:59:59Z',
    }),
  })
  .strict();
/** RenewLicence request. */
export type RenewLicenceRequest = z.infer<typeof RenewLicenceRequest>;

/** AmendLicence: after StageLicencePrivateData (amend), a new version with a new document and claims. */
export const AmendLicenceRequest = z
  .object({
    licenceId: Schemas.id.meta({
      description: 'Licence id, chosen by the issuer (letters, digits and `._:-`, 1-128 characters)',
      example: 'A-BIZ-2026-0001',
    }),
    documentHash: Schemas.sha256.meta({
      description: 'SHA-256 of the amended licence document',
      example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
    }),
    note: note.optional().meta({
      description: 'Free-text note of the official (at most 500 characters)',
      example: 'Inspection report 2026/114',
    }),
    ...staged,
  })
  .strict();
/** AmendLicence request. */
export type AmendLicenceRequest = z.infer<typeof AmendLicenceRequest>;

/** ListLicencesByHolder: the licences of one holder (home MSP and pid). */
export const ListLicencesByHolderRequest = z
  .object({ holder: Subject.meta({ description: 'The holder: home MSP and pseudonymous id' }), ...page })
  .strict();
/** ListLicencesByHolder request. */
export type ListLicencesByHolderRequest = z.infer<typeof ListLicencesByHolderRequest>;

/** ListLicencesByTypeAndStatus (stored status). */
export const ListLicencesByTypeAndStatusRequest = z
  .object({
    typeCode: Schemas.code.meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
    status: LicenceStatus.meta({ description: 'Stored status to list', example: 'active' }),
    ...page,
  })
  .strict();
/** ListLicencesByTypeAndStatus request. */
export type ListLicencesByTypeAndStatusRequest = z.infer<typeof ListLicencesByTypeAndStatusRequest>;

// ---------------------------------------------------------------- requests: applications

/** SubmitApplication: after StageApplicationPrivateData, with the staged record's hashes. */
export const SubmitApplicationRequest = z
  .object({
    applicationId: Schemas.id.meta({
      description: 'Application id, chosen by the applicant; the licence gets the same id',
      example: 'A-BIZ-APP-2026-0042',
    }),
    typeCode: Schemas.code.meta({ description: 'Code of the licence type', example: 'A-BIZ' }),
    issuingMsp,
    ...staged,
    materials: MaterialRefs.optional().meta({
      description:
        "Existing licences and attestations of the applicant the application draws on (at most 10), verified and recorded by the chaincode; they can give a department's approval automatically (the type's autoApprovals)",
      example: [{ kind: 'licence', licenceId: 'A-FIRE-2026-0007' }],
    }),
  })
  .strict();
/** SubmitApplication request. */
export type SubmitApplicationRequest = z.infer<typeof SubmitApplicationRequest>;

/** ApproveApplication: documentHash is required on the approval that completes the application. */
export const ApproveApplicationRequest = z
  .object({
    applicationId: Schemas.id.meta({
      description: 'Application id, chosen by the applicant; the licence gets the same id',
      example: 'A-BIZ-APP-2026-0042',
    }),
    documentHash: Schemas.sha256.optional().meta({
      description: 'SHA-256 of the licence document; required on the approval that completes the application',
      example: '9b74c9897bac770ffc029102a200c5de3b0c8b5e0b6a1f2a7c4e2d3f1a0b9c8d',
    }),
  })
  .strict();
/** ApproveApplication request. */
export type ApproveApplicationRequest = z.infer<typeof ApproveApplicationRequest>;

/** RejectApplication. */
export const RejectApplicationRequest = z
  .object({
    applicationId: Schemas.id.meta({
      description: 'Application id, chosen by the applicant; the licence gets the same id',
      example: 'A-BIZ-APP-2026-0042',
    }),
    reasonCode: Schemas.code.meta({
      description: 'Reason code (letters, digits, `_-`)',
      example: 'INCOMPLETE_DOCUMENTS',
    }),
    reason: note.meta({
      description: 'Free-text reason (1-500 characters)',
      example: 'The premises failed the fire inspection',
    }),
  })
  .strict();
/** RejectApplication request. */
export type RejectApplicationRequest = z.infer<typeof RejectApplicationRequest>;

/** GetApplication. */
export const GetApplicationRequest = z
  .object({
    applicationId: Schemas.id.meta({
      description: 'Application id, chosen by the applicant; the licence gets the same id',
      example: 'A-BIZ-APP-2026-0042',
    }),
  })
  .strict();
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
  // presentations and the usage trace (e-licence-usage.ts)
  RegisterPresentationKey: {
    kind: 'submit',
    request: RegisterPresentationKeyRequest,
    response: PresentationKey,
  },
  ListPresentationKeys: {
    kind: 'evaluate',
    request: ListPresentationKeysRequest,
    response: PresentationKeyList,
  },
  CheckLicence: {
    kind: 'submit',
    request: CheckLicenceRequest,
    response: z.object({
      verification: VerifyResult.meta({ description: 'The verification, as VerifyLicence answers it' }),
      usage: LicenceUsage.meta({ description: 'The usage entry recorded' }),
    }),
  },
  RecordPresentationCheck: {
    kind: 'submit',
    request: RecordPresentationCheckRequest,
    response: LicenceUsage,
  },
  ListLicenceUsage: { kind: 'evaluate', request: ListLicenceUsageRequest, response: pageOf(LicenceUsage) },
  RaiseOverdueWarnings: {
    kind: 'submit',
    request: RaiseOverdueWarningsRequest,
    response: OverdueSweepResult,
  },
  ListOverdueWarnings: {
    kind: 'evaluate',
    request: ListOverdueWarningsRequest,
    response: pageOf(OverdueWarning),
  },
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
