/**
 * The data-sharing chaincode's wire contract: its request and response schemas, error
 * codes, limits and protocol constants.
 *
 * Every transaction takes exactly one string argument, the JSON text of its
 * request. The gateway builds its route bodies from the same schemas (path
 * parameters omitted), so it refuses exactly what the chaincode would refuse.
 * Cross-field rules are named functions here ({@link validityInOrder}, …),
 * applied once to each request schema and reused by the gateway on its own
 * variants of the shape, because zod cannot `.omit` a refined object.
 *
 * Citizens appear only as pseudonymous ids; no data value is ever stored, only
 * field names, codes and hashes.
 */
import { z } from 'zod';
import { CommonErrorCode } from './errors';
import { Schemas, pageOf, Subject } from './common';

// ================================================================ vocabulary

/** The purposes a department may name when it asks for a citizen's data (fixed list). */
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

/** One purpose code. */
export type Purpose = (typeof PURPOSES)[number];

/**
 * Sensitivity levels of a data category, lowest first. Accesses to a `special`
 * category (health, criminal records, …) are always flagged for audit.
 */
export const SENSITIVITIES = ['low', 'medium', 'high', 'special'] as const;

/** One sensitivity level. */
export type Sensitivity = (typeof SENSITIVITIES)[number];

/** Roles as certificate attributes carry them (`gov.role`). */
export const Role = {
  Officer: 'officer',
  LegalOfficer: 'legal-officer',
  Auditor: 'auditor',
  Citizen: 'citizen',
} as const;

/** Bounds of the chaincode (each keeps a write or a scan bounded). */
export const Limits = {
  /** Most fields a category can list. */
  maxFields: 64,
  /** Largest maxUses a consent may set (use counting scans at most this many keys). */
  maxUses: 1000,
  /** Live consents of one citizen for one grantee department and category. */
  maxConsentsPerGrantee: 20,
  /** Live legal bases of one department for one category and one scope (all citizens, or one). */
  maxLegalBasesPerScope: 20,
  /** Default lifetime of an access ticket, in seconds. */
  defaultTicketTtlSeconds: 900,
  /** Shortest lifetime a caller may ask for, in seconds. */
  minTicketTtlSeconds: 60,
  /** Longest lifetime a caller may ask for, in seconds. */
  maxTicketTtlSeconds: 86_400,
} as const;

/** The scope key part of a legal basis that applies to every citizen. */
export const ALL_CITIZENS = '*';

// ================================================================ error codes

/**
 * Every error code the chaincode throws or returns. Thrown codes refuse a
 * transaction (nothing is written). Refusal codes ({@link RefusalCode}) are not
 * thrown by RequestAccess: a refused access must be logged, and a throw would
 * discard the log entry, so RequestAccess returns `{ granted: false, code, reason }`
 * and commits the refusal entry instead.
 */
export const ErrorCode = {
  /** 400: the request is malformed (bad JSON, unknown or bad fields). */
  InvalidArgument: CommonErrorCode.InvalidArgument,
  /** 403: the caller lacks the role, department or pseudonymous id the transaction needs. */
  Forbidden: CommonErrorCode.Forbidden,
  /** 409: an index grew past its bound (should not happen; a paginated query is needed). */
  TooManyRecords: 'TOO_MANY_RECORDS',

  /** 400: a validity window ends in the past. */
  InvalidValidity: 'INVALID_VALIDITY',
  /** 400: a field is not one of the category's fields. */
  FieldNotInCategory: 'FIELD_NOT_IN_CATEGORY',

  /** 404: the data category does not exist. */
  CategoryNotFound: 'CATEGORY_NOT_FOUND',
  /** 409: a data category with this code exists already. */
  CategoryExists: 'CATEGORY_EXISTS',
  /** 409: the data category has been withdrawn by its holder. */
  CategoryWithdrawn: 'CATEGORY_WITHDRAWN',
  /** 409: an update would remove fields that consents may name. */
  FieldsCannotBeRemoved: 'FIELDS_CANNOT_BE_REMOVED',
  /** 403: the caller is not an officer of the category's holding department. */
  NotCategoryHolder: 'NOT_CATEGORY_HOLDER',

  /** 404: the consent does not exist. */
  ConsentNotFound: 'CONSENT_NOT_FOUND',
  /** 409: a consent with this id exists already. */
  ConsentExists: 'CONSENT_EXISTS',
  /** 403: a citizen acts on a consent of someone else. */
  NotConsentOwner: 'NOT_CONSENT_OWNER',
  /** 403: a citizen reads data of someone else. */
  NotOwnData: 'NOT_OWN_DATA',
  /** 409 (thrown) / refusal: the consent is revoked. */
  ConsentRevoked: 'CONSENT_REVOKED',
  /** 409 (thrown) / refusal: the consent's validity ended. */
  ConsentExpired: 'CONSENT_EXPIRED',
  /** 409 (thrown, pause twice) / refusal: the consent is paused. */
  ConsentPaused: 'CONSENT_PAUSED',
  /** 409: resume of a consent that is not paused. */
  ConsentNotPaused: 'CONSENT_NOT_PAUSED',
  /** 409: the citizen already has the maximum of live consents for this grantee and category. */
  TooManyConsents: 'TOO_MANY_CONSENTS',

  /** Refusal: the consent allows no more uses. */
  ConsentUsedUp: 'CONSENT_USED_UP',
  /** Refusal: the consent's validity has not started. */
  ConsentNotYetValid: 'CONSENT_NOT_YET_VALID',
  /** Refusal: the consent names another purpose. */
  ConsentPurposeMismatch: 'CONSENT_PURPOSE_MISMATCH',
  /** Refusal: the consent does not cover every requested field. */
  ConsentFieldsNotCovered: 'CONSENT_FIELDS_NOT_COVERED',
  /** Refusal: the named consent is for another citizen, grantee or category. */
  ConsentMismatch: 'CONSENT_MISMATCH',
  /** Refusal: neither a consent nor a legal basis covers the request. */
  NoConsentOrLegalBasis: 'NO_CONSENT_OR_LEGAL_BASIS',

  /** 404: the legal basis does not exist. */
  LegalBasisNotFound: 'LEGAL_BASIS_NOT_FOUND',
  /** 409: a legal basis with this id exists already. */
  LegalBasisExists: 'LEGAL_BASIS_EXISTS',
  /** 409 (thrown, withdraw twice) / refusal: the legal basis was withdrawn. */
  LegalBasisWithdrawn: 'LEGAL_BASIS_WITHDRAWN',
  /** 409: the department already has the maximum of live legal bases for this category and scope. */
  TooManyLegalBases: 'TOO_MANY_LEGAL_BASES',
  /** Refusal: the legal basis's validity ended. */
  LegalBasisExpired: 'LEGAL_BASIS_EXPIRED',
  /** Refusal: the legal basis's validity has not started. */
  LegalBasisNotYetValid: 'LEGAL_BASIS_NOT_YET_VALID',
  /** Refusal: the legal basis names another purpose. */
  LegalBasisPurposeMismatch: 'LEGAL_BASIS_PURPOSE_MISMATCH',
  /** Refusal: the legal basis does not cover every requested field. */
  LegalBasisFieldsNotCovered: 'LEGAL_BASIS_FIELDS_NOT_COVERED',
  /** Refusal: the named legal basis is for another department, category or citizen. */
  LegalBasisMismatch: 'LEGAL_BASIS_MISMATCH',

  /** Refusal: the legal basis awaits the approval of the organisation holding the data. */
  LegalBasisPending: 'LEGAL_BASIS_PENDING',
  /** Refusal: the organisation holding the data refused the legal basis. */
  LegalBasisRefused: 'LEGAL_BASIS_REFUSED',
  /** 409: a decision on a legal basis that is not pending (decided already, or needing no approval). */
  LegalBasisNotPending: 'LEGAL_BASIS_NOT_PENDING',

  /** 403: a department acts for another department. */
  DeptMismatch: 'DEPT_MISMATCH',
  /** 403: a record would be created in the name of another organisation than the caller's. */
  NotRecordOwner: 'NOT_RECORD_OWNER',
  /** 403: an auditor reads records of another organisation without being designated to audit others. */
  OutsideAuditScope: 'OUTSIDE_AUDIT_SCOPE',

  /** 404: the access log entry does not exist. */
  AccessNotFound: 'ACCESS_NOT_FOUND',
  /** 409: an access with this id exists already (an idempotent retry). */
  AccessExists: 'ACCESS_EXISTS',

  /** 404: no granted access has this ticket id. */
  TicketNotFound: 'TICKET_NOT_FOUND',
  /** 409: the ticket has expired. */
  TicketExpired: 'TICKET_EXPIRED',
  /** 409: the ticket's consent or legal basis is no longer valid. */
  TicketInvalid: 'TICKET_INVALID',
  /** 403: the caller is not the department the ticket was issued to. */
  TicketNotYours: 'TICKET_NOT_YOURS',
  /** 403: the caller is neither the grantee, the holder nor an auditor of the ticket. */
  NotTicketParty: 'NOT_TICKET_PARTY',

  /** 404: the attestation does not exist. */
  AttestationNotFound: 'ATTESTATION_NOT_FOUND',
  /** 409: an attestation with this id exists already. */
  AttestationExists: 'ATTESTATION_EXISTS',
  /** 409: the attestation was revoked. */
  AttestationRevoked: 'ATTESTATION_REVOKED',
  /** 409: the attestation has expired. */
  AttestationExpired: 'ATTESTATION_EXPIRED',
  /** 403: the ticket does not cover the attestation's citizen, category or field. */
  AttestationNotCovered: 'ATTESTATION_NOT_COVERED',
} as const;

/** One of the chaincode's error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The codes RequestAccess returns (and logs) when it refuses an access. */
export const REFUSAL_CODES = [
  ErrorCode.ConsentMismatch,
  ErrorCode.ConsentPurposeMismatch,
  ErrorCode.ConsentFieldsNotCovered,
  ErrorCode.ConsentRevoked,
  ErrorCode.ConsentExpired,
  ErrorCode.ConsentNotYetValid,
  ErrorCode.ConsentPaused,
  ErrorCode.ConsentUsedUp,
  ErrorCode.LegalBasisMismatch,
  ErrorCode.LegalBasisPurposeMismatch,
  ErrorCode.LegalBasisFieldsNotCovered,
  ErrorCode.LegalBasisWithdrawn,
  ErrorCode.LegalBasisExpired,
  ErrorCode.LegalBasisNotYetValid,
  ErrorCode.LegalBasisPending,
  ErrorCode.LegalBasisRefused,
  ErrorCode.NoConsentOrLegalBasis,
] as const;

/** A refusal code of RequestAccess. */
export const RefusalCode = z.enum(REFUSAL_CODES);
/** A refusal code of RequestAccess. */
export type RefusalCode = z.infer<typeof RefusalCode>;

// ================================================================ field schemas

/** A field name of a data category (letters, digits, `_`; starts with a letter). */
export const FieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ starting with a letter',
  );

/** A non-empty list of distinct field names. */
export const FieldList = z
  .array(FieldName)
  .min(1)
  .max(Limits.maxFields)
  .refine((fields) => new Set(fields).size === fields.length, 'must not repeat a field');

/** A purpose code from the fixed list. */
export const PurposeCode = z.enum(PURPOSES);

/** A sensitivity level. */
export const SensitivityLevel = z.enum(SENSITIVITIES);

/** A department of an organisation (a grantee, a holder, a requester). */
export const DeptRef = z.object({ mspId: Schemas.mspId, dept: Schemas.code }).strict();
/** A department of an organisation. */
export type DeptRef = z.infer<typeof DeptRef>;

/** A citizen or enterprise: the wire contract's shared (home MSP, pid) pair. */
export { Subject };

/** A reference to the holder's off-chain service: a URI such as `https://…` or `grpcs://…`. */
export const ServiceRef = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'must be a URI (scheme:rest, no spaces)');

/** The lifetime of an access ticket a caller may ask for, in seconds. */
export const TicketTtlSeconds = z
  .number()
  .int()
  .min(Limits.minTicketTtlSeconds)
  .max(Limits.maxTicketTtlSeconds);

/** The status a category holder may set. */
export const CategoryStatus = z.enum(['active', 'withdrawn']);

/** The pagination members of a list request (page size 50 when absent). */
export const page = { pageSize: Schemas.pageSize, bookmark: Schemas.bookmark };

// ================================================================ cross-field rules

function after(from: string | undefined, until: string | undefined): boolean {
  return from === undefined || until === undefined || Date.parse(until) > Date.parse(from);
}

/** Rule: `validUntil`, when given, is after `validFrom`. */
export function validityInOrder<T extends z.ZodType<{ validFrom?: string; validUntil?: string }>>(
  schema: T,
): T {
  return schema.refine((r) => after(r.validFrom, r.validUntil), {
    message: 'validUntil must be after validFrom',
    path: ['validUntil'],
  });
}

/** Rule: a category update changes at least one thing. */
export function changesSomething<
  T extends z.ZodType<{
    description?: string;
    fields?: string[];
    sensitivity?: string;
    serviceRef?: string;
    status?: string;
  }>,
>(schema: T): T {
  return schema.refine(
    (r) =>
      r.description !== undefined ||
      r.fields !== undefined ||
      r.sensitivity !== undefined ||
      r.serviceRef !== undefined ||
      r.status !== undefined,
    'must change at least one of description, fields, sensitivity, serviceRef, status',
  );
}

/** Rule: a holder department is named only with its organisation. */
export function holderDeptNeedsMsp<T extends z.ZodType<{ holderMspId?: string; holderDept?: string }>>(
  schema: T,
): T {
  return schema.refine((r) => r.holderDept === undefined || r.holderMspId !== undefined, {
    message: 'holderDept needs holderMspId',
    path: ['holderDept'],
  });
}

/** Rule: a department is named whole (organisation and department) or not at all. */
export function wholeDeptOrNone<T extends z.ZodType<{ mspId?: string; dept?: string }>>(schema: T): T {
  return schema.refine((r) => (r.mspId === undefined) === (r.dept === undefined), {
    message: 'give both mspId and dept, or neither',
    path: ['dept'],
  });
}

/** Rule: a citizen is named in a query string whole (home MSP and pid) or not at all. */
export function wholeCitizenOrNone<T extends z.ZodType<{ citizenMspId?: string; citizenPid?: string }>>(
  schema: T,
): T {
  return schema.refine((r) => (r.citizenMspId === undefined) === (r.citizenPid === undefined), {
    message: 'give both citizenMspId and citizenPid, or neither',
    path: ['citizenPid'],
  });
}

/** A citizen named in a query string (`citizenMspId`, `citizenPid`), as a request names one. */
export function citizenFromQuery(q: { citizenMspId?: string; citizenPid?: string }): {
  citizen?: Subject;
} {
  return q.citizenMspId !== undefined && q.citizenPid !== undefined
    ? { citizen: { mspId: q.citizenMspId, pid: q.citizenPid } }
    : {};
}

/** The members by which a query string names a citizen (flat: a query string has no objects). */
export const CitizenQuery = z
  .object({ citizenMspId: Schemas.mspId.optional(), citizenPid: Schemas.pid.optional() })
  .strict();

/** Rule: an access request names a consent or a legal basis, not both. */
export function oneBasisAtMost<T extends z.ZodType<{ consentId?: string; legalBasisId?: string }>>(
  schema: T,
): T {
  return schema.refine((r) => r.consentId === undefined || r.legalBasisId === undefined, {
    message: 'name a consentId or a legalBasisId, not both',
    path: ['legalBasisId'],
  });
}

// ================================================================ requests: catalogue

/** RegisterCategory: a holding department's officer adds a data category. */
export const RegisterCategoryRequest = z
  .object({
    code: Schemas.code,
    description: Schemas.text(512),
    fields: FieldList,
    sensitivity: SensitivityLevel,
    serviceRef: ServiceRef,
  })
  .strict();
/** RegisterCategory request. */
export type RegisterCategoryRequest = z.infer<typeof RegisterCategoryRequest>;

/** The members of an UpdateCategory request, without its rule ({@link changesSomething}). */
export const UpdateCategoryFields = z
  .object({
    code: Schemas.code,
    description: Schemas.text(512).optional(),
    fields: FieldList.optional(),
    sensitivity: SensitivityLevel.optional(),
    serviceRef: ServiceRef.optional(),
    status: CategoryStatus.optional(),
  })
  .strict();

/** UpdateCategory: the holder changes a category (fields may only be added) or withdraws/reactivates it. */
export const UpdateCategoryRequest = changesSomething(UpdateCategoryFields);
/** UpdateCategory request. */
export type UpdateCategoryRequest = z.infer<typeof UpdateCategoryRequest>;

/** GetCategory: one category by code. */
export const GetCategoryRequest = z.object({ code: Schemas.code }).strict();
/** GetCategory request. */
export type GetCategoryRequest = z.infer<typeof GetCategoryRequest>;

/** The filter of ListCategories (without pagination and its rule). */
export const ListCategoriesFilter = z
  .object({ holderMspId: Schemas.mspId.optional(), holderDept: Schemas.code.optional() })
  .strict();

/** ListCategories: every category, or those of one holder organisation (and department). */
export const ListCategoriesRequest = holderDeptNeedsMsp(ListCategoriesFilter.extend(page).strict());
/** ListCategories request. */
export type ListCategoriesRequest = z.infer<typeof ListCategoriesRequest>;

/** ListPurposes: the fixed vocabularies (no parameters). */
export const ListPurposesRequest = z.object({}).strict();
/** ListPurposes request. */
export type ListPurposesRequest = z.infer<typeof ListPurposesRequest>;

// ================================================================ requests: consent

/** The members of a GrantConsent request, without its rule ({@link validityInOrder}). */
export const GrantConsentFields = z
  .object({
    consentId: Schemas.id.optional(),
    grantee: DeptRef,
    categoryCode: Schemas.code,
    fields: FieldList,
    purpose: PurposeCode,
    validFrom: Schemas.isoDateTime,
    validUntil: Schemas.isoDateTime,
    maxUses: z.number().int().min(1).max(Limits.maxUses).optional(),
  })
  .strict();

/** GrantConsent: a citizen allows a department to access some fields of a category for one purpose. */
export const GrantConsentRequest = validityInOrder(GrantConsentFields);
/** GrantConsent request. */
export type GrantConsentRequest = z.infer<typeof GrantConsentRequest>;

/** PauseConsent, ResumeConsent, RevokeConsent, GetConsent: one consent by id. */
export const ConsentRefRequest = z.object({ consentId: Schemas.id }).strict();
/** A request naming one consent. */
export type ConsentRefRequest = z.infer<typeof ConsentRefRequest>;

/** The filter of ListConsents (without pagination). */
export const ListConsentsFilter = z.object({ citizen: Subject.optional() }).strict();

/** ListConsents: a citizen's own consents (an auditor names the citizen). */
export const ListConsentsRequest = ListConsentsFilter.extend(page).strict();
/** ListConsents request. */
export type ListConsentsRequest = z.infer<typeof ListConsentsRequest>;

// ================================================================ requests: legal basis

/** The members of a RecordLegalBasis request, without its rule ({@link validityInOrder}). */
export const RecordLegalBasisFields = z
  .object({
    legalBasisId: Schemas.id.optional(),
    categoryCode: Schemas.code,
    fields: FieldList,
    purpose: PurposeCode,
    statuteReference: Schemas.text(256),
    description: Schemas.text(1024).optional(),
    validFrom: Schemas.isoDateTime,
    validUntil: Schemas.isoDateTime.optional(),
    /** When given, the basis applies to this citizen only (e.g. a court order). */
    citizen: Subject.optional(),
  })
  .strict();

/** RecordLegalBasis: a legal officer records a statutory duty that lets their department access a category. */
export const RecordLegalBasisRequest = validityInOrder(RecordLegalBasisFields);
/** RecordLegalBasis request. */
export type RecordLegalBasisRequest = z.infer<typeof RecordLegalBasisRequest>;

/** WithdrawLegalBasis: the recording department ends a legal basis. */
export const WithdrawLegalBasisRequest = z
  .object({ legalBasisId: Schemas.id, reason: Schemas.text(512) })
  .strict();
/** WithdrawLegalBasis request. */
export type WithdrawLegalBasisRequest = z.infer<typeof WithdrawLegalBasisRequest>;

/** The decisions a holder organisation makes on a legal basis over its data. */
export const LegalBasisDecision = z.enum(['approve', 'refuse']);

/** DecideLegalBasis: an officer of the holding department approves or refuses a pending legal basis. */
export const DecideLegalBasisRequest = z
  .object({ legalBasisId: Schemas.id, decision: LegalBasisDecision, note: Schemas.text(512).optional() })
  .strict();
/** DecideLegalBasis request. */
export type DecideLegalBasisRequest = z.infer<typeof DecideLegalBasisRequest>;

/** GetLegalBasis: one legal basis by id. */
export const GetLegalBasisRequest = z.object({ legalBasisId: Schemas.id }).strict();
/** GetLegalBasis request. */
export type GetLegalBasisRequest = z.infer<typeof GetLegalBasisRequest>;

/** The filter of ListLegalBases (without pagination). */
export const ListLegalBasesFilter = z
  .object({ mspId: Schemas.mspId.optional(), dept: Schemas.code.optional() })
  .strict();

/** ListLegalBases: the legal bases of one department (the caller's own when omitted). */
export const ListLegalBasesRequest = wholeDeptOrNone(ListLegalBasesFilter.extend(page).strict());
/** ListLegalBases request. */
export type ListLegalBasesRequest = z.infer<typeof ListLegalBasesRequest>;

// ================================================================ requests: access

/** The members of a RequestAccess request, without its rule ({@link oneBasisAtMost}). */
export const RequestAccessFields = z
  .object({
    accessId: Schemas.id.optional(),
    citizen: Subject,
    categoryCode: Schemas.code,
    fields: FieldList,
    purpose: PurposeCode,
    consentId: Schemas.id.optional(),
    legalBasisId: Schemas.id.optional(),
    /** Ticket lifetime; {@link Limits.defaultTicketTtlSeconds} when absent. */
    ticketTtlSeconds: TicketTtlSeconds.optional(),
  })
  .strict();

/** RequestAccess: a department asks for some fields of one citizen's category for one purpose. */
export const RequestAccessRequest = oneBasisAtMost(RequestAccessFields);
/** RequestAccess request. */
export type RequestAccessRequest = z.infer<typeof RequestAccessRequest>;

/** GetAccess: one access log entry by id. */
export const GetAccessRequest = z.object({ accessId: Schemas.id }).strict();
/** GetAccess request. */
export type GetAccessRequest = z.infer<typeof GetAccessRequest>;

/** VerifyTicket: the holding department checks a ticket before it serves data. */
export const VerifyTicketRequest = z
  .object({ ticketId: Schemas.id, ticketHash: Schemas.sha256.optional(), fields: FieldList.optional() })
  .strict();
/** VerifyTicket request. */
export type VerifyTicketRequest = z.infer<typeof VerifyTicketRequest>;

/** The filter of ListCitizenAccesses (without pagination). */
export const ListCitizenAccessesFilter = z.object({ citizen: Subject.optional() }).strict();

/** ListCitizenAccesses: every access to a citizen's data, newest first (the caller's own; an auditor names the citizen). */
export const ListCitizenAccessesRequest = ListCitizenAccessesFilter.extend(page).strict();
/** ListCitizenAccesses request. */
export type ListCitizenAccessesRequest = z.infer<typeof ListCitizenAccessesRequest>;

/** The filter of ListDepartmentAccesses (without pagination). */
export const ListDepartmentAccessesFilter = z
  .object({ mspId: Schemas.mspId.optional(), dept: Schemas.code.optional() })
  .strict();

/** ListDepartmentAccesses: the accesses a department made, newest first (the caller's own when omitted). */
export const ListDepartmentAccessesRequest = ListDepartmentAccessesFilter.extend(page).strict();
/** ListDepartmentAccesses request. */
export type ListDepartmentAccessesRequest = z.infer<typeof ListDepartmentAccessesRequest>;

/** ListAllAccesses: every access (auditor), newest first; optionally only those flagged for audit. */
export const ListAllAccessesRequest = z.object({ flaggedOnly: z.boolean().default(false), ...page }).strict();
/** ListAllAccesses request. */
export type ListAllAccessesRequest = z.infer<typeof ListAllAccessesRequest>;

// ================================================================ requests: attestation

/** PublishAttestation: the holding department publishes a salted hash of one fact about a citizen. */
export const PublishAttestationRequest = z
  .object({
    attestationId: Schemas.id.optional(),
    categoryCode: Schemas.code,
    field: FieldName,
    citizen: Subject,
    factHash: Schemas.sha256,
    validUntil: Schemas.isoDateTime,
  })
  .strict();
/** PublishAttestation request. */
export type PublishAttestationRequest = z.infer<typeof PublishAttestationRequest>;

/** RevokeAttestation, GetAttestation: one attestation by id. */
export const AttestationRefRequest = z.object({ attestationId: Schemas.id }).strict();
/** A request naming one attestation. */
export type AttestationRefRequest = z.infer<typeof AttestationRefRequest>;

/** VerifyFact: a department with a valid ticket checks a claimed fact and its salt against an attestation. */
export const VerifyFactRequest = z
  .object({
    ticketId: Schemas.id,
    attestationId: Schemas.id,
    claimedValue: Schemas.text(1024),
    salt: Schemas.salt,
  })
  .strict();
/** VerifyFact request. */
export type VerifyFactRequest = z.infer<typeof VerifyFactRequest>;

// ================================================================ records

/** A department and the certificate id of its officer who acted. */
function officerRef() {
  return DeptRef.extend({
    /** Fabric id of the officer's certificate. */
    id: z.string(),
  });
}

/** A data category in the catalogue. Key: `category(code)`. */
export const Category = z.object({
  code: z.string(),
  description: z.string(),
  /** Names of the fields the holder can provide (sorted). */
  fields: z.array(z.string()),
  sensitivity: SensitivityLevel,
  /** Where the holder's system serves the data (off-chain). */
  serviceRef: z.string(),
  /** The holding department; only its officers change the category. */
  holder: DeptRef,
  status: CategoryStatus,
  version: z.number().int(),
  registeredAt: z.string(),
  registeredBy: z.string(),
  updatedAt: z.string(),
});
/** A data category in the catalogue. */
export type Category = z.infer<typeof Category>;

/** The stored status of a consent; `expired` is computed from the transaction time. */
export const StoredConsentStatus = z.enum(['active', 'paused', 'revoked']);
/** The stored status of a consent. */
export type StoredConsentStatus = z.infer<typeof StoredConsentStatus>;

/** A consent's state as every reader sees it. */
export const ConsentState = z.enum(['active', 'paused', 'revoked', 'expired']);
/** A consent's state as every reader sees it. */
export type ConsentState = z.infer<typeof ConsentState>;

/** The terms of a consent: what its hash covers (they never change). */
export const ConsentTerms = z.object({
  consentId: z.string(),
  /** The citizen who granted it (home MSP and pid from their certificate). */
  citizen: Subject,
  grantee: DeptRef,
  categoryCode: z.string(),
  holder: DeptRef,
  fields: z.array(z.string()),
  purpose: PurposeCode,
  validFrom: z.string(),
  validUntil: z.string(),
  /** Most accesses the consent allows; null for no limit. */
  maxUses: z.number().int().nullable(),
  grantedAt: z.string(),
});
/** The terms of a consent. */
export type ConsentTerms = z.infer<typeof ConsentTerms>;

/** A consent as stored. Key: `consent(consentId)`. */
export const Consent = ConsentTerms.extend({
  /** sha256 of the deterministic JSON of the terms. */
  hash: z.string(),
  status: StoredConsentStatus,
  updatedAt: z.string(),
  revokedAt: z.string().nullable(),
});
/** A consent as stored. */
export type Consent = z.infer<typeof Consent>;

/** A consent with its computed state and remaining uses (what every consent transaction returns). */
export const ConsentView = Consent.extend({
  state: ConsentState,
  /** Accesses made under a limited consent; null when the consent has no limit. */
  usesCount: z.number().int().nullable(),
  /** Accesses left under a limited consent; null when the consent has no limit. */
  usesLeft: z.number().int().nullable(),
});
/** A consent with its computed state. */
export type ConsentView = z.infer<typeof ConsentView>;

/** The terms of a legal basis: what its hash covers. */
export const LegalBasisTerms = z.object({
  legalBasisId: z.string(),
  /** The department the statutory duty applies to (the recording legal officer's own). */
  grantee: DeptRef,
  categoryCode: z.string(),
  holder: DeptRef,
  fields: z.array(z.string()),
  purpose: PurposeCode,
  statuteReference: z.string(),
  description: z.string().nullable(),
  validFrom: z.string(),
  validUntil: z.string().nullable(),
  /** When set, the basis applies to this citizen only (e.g. a court order). */
  citizen: Subject.nullable(),
  recordedAt: z.string(),
});
/** The terms of a legal basis. */
export type LegalBasisTerms = z.infer<typeof LegalBasisTerms>;

/**
 * The holder organisation's approval of a legal basis: `not-required` when the
 * grantee belongs to the organisation holding the data; otherwise `pending`
 * until an officer of the holding department approves or refuses it.
 */
export const LegalBasisApproval = z.object({
  status: z.enum(['not-required', 'pending', 'approved', 'refused']),
  /** The officer who decided (department and certificate); null until decided. */
  decidedBy: officerRef().nullable(),
  /** When the decision was recorded (transaction time); null until decided. */
  decidedAt: z.string().nullable(),
  /** The officer's note; null when none. */
  note: z.string().nullable(),
});
/** The holder organisation's approval of a legal basis. */
export type LegalBasisApproval = z.infer<typeof LegalBasisApproval>;

/** A legal basis as stored. Key: `legal(legalBasisId)`. */
export const LegalBasis = LegalBasisTerms.extend({
  hash: z.string(),
  status: z.enum(['active', 'withdrawn']),
  approval: LegalBasisApproval,
  recordedBy: z.string(),
  withdrawnAt: z.string().nullable(),
  withdrawReason: z.string().nullable(),
});
/** A legal basis as stored. */
export type LegalBasis = z.infer<typeof LegalBasis>;

/** A legal basis's state as every reader sees it. */
export const LegalBasisState = z.enum(['active', 'pending', 'refused', 'withdrawn', 'expired']);
/** A legal basis's state. */
export type LegalBasisState = z.infer<typeof LegalBasisState>;

/** A legal basis with its computed state (what every legal-basis transaction returns). */
export const LegalBasisView = LegalBasis.extend({ state: LegalBasisState });
/** A legal basis with its computed state. */
export type LegalBasisView = z.infer<typeof LegalBasisView>;

/** What an access rests on (granted), or what came closest (refused). */
export const BasisRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('consent'), id: z.string(), hash: z.string() }),
  z.object({ kind: z.literal('legal'), id: z.string(), hash: z.string(), statuteReference: z.string() }),
]);
/** What an access rests on. */
export type BasisRef = z.infer<typeof BasisRef>;

/** The kind and id of what a ticket rests on. */
export const BasisId = z.object({ kind: z.enum(['consent', 'legal']), id: z.string() });
/** The kind and id of what a ticket rests on. */
export type BasisId = z.infer<typeof BasisId>;

/** The terms of an access ticket: what its hash covers. */
export const TicketTerms = z.object({
  /** Equal to the access id. */
  ticketId: z.string(),
  citizen: Subject,
  categoryCode: z.string(),
  fields: z.array(z.string()),
  purpose: PurposeCode,
  grantee: DeptRef,
  holder: DeptRef,
  basis: BasisId,
  issuedAt: z.string(),
  expiresAt: z.string(),
});
/** The terms of an access ticket. */
export type TicketTerms = z.infer<typeof TicketTerms>;

/** A ticket as stored inside its access entry. */
export const Ticket = TicketTerms.extend({ hash: z.string() });
/** A ticket as stored. */
export type Ticket = z.infer<typeof Ticket>;

/** The department and certificate that made an access request (or a decision). */
export const Requester = officerRef();
/** The department and certificate that made an access request. */
export type Requester = z.infer<typeof Requester>;

/** One access log entry, granted or refused. Key: `access(accessId)`. */
export const Access = z.object({
  accessId: z.string(),
  time: z.string(),
  granted: z.boolean(),
  /** Refusal code; null when granted. */
  code: RefusalCode.nullable(),
  /** Refusal reason; null when granted. */
  reason: z.string().nullable(),
  requester: Requester,
  citizen: Subject,
  categoryCode: z.string(),
  holder: DeptRef,
  fields: z.array(z.string()),
  purpose: PurposeCode,
  basis: BasisRef.nullable(),
  /** True for accesses on a legal basis and accesses to a `special` category. */
  auditFlag: z.boolean(),
  ticket: Ticket.nullable(),
});
/** One access log entry. */
export type Access = z.infer<typeof Access>;

/** What RequestAccess returns: a ticket, or a refusal (an answer, logged on the ledger). */
export const AccessResult = z.discriminatedUnion('granted', [
  z.object({
    granted: z.literal(true),
    accessId: z.string(),
    ticket: z.object({ ticketId: z.string(), hash: z.string(), expiresAt: z.string() }),
    basis: BasisId,
    auditFlag: z.boolean(),
  }),
  z.object({
    granted: z.literal(false),
    accessId: z.string(),
    code: RefusalCode,
    reason: z.string(),
    auditFlag: z.boolean(),
  }),
]);
/** What RequestAccess returns. */
export type AccessResult = z.infer<typeof AccessResult>;

/** The statuses VerifyTicket reports. */
export const TicketStatus = z.enum([
  'valid',
  'unknown',
  'hash-mismatch',
  'expired',
  'basis-invalid',
  'fields-not-covered',
]);
/** A status VerifyTicket reports. */
export type TicketStatus = z.infer<typeof TicketStatus>;

/** What VerifyTicket returns. */
export const VerifyTicketResult = z.object({
  ticketId: z.string(),
  valid: z.boolean(),
  status: TicketStatus,
  /** The ticket's terms and hash; null when unknown. */
  ticket: Ticket.nullable(),
  /** State of the consent or legal basis now (active, paused, revoked, expired, withdrawn); null when unknown. */
  basisState: z.string().nullable(),
});
/** What VerifyTicket returns. */
export type VerifyTicketResult = z.infer<typeof VerifyTicketResult>;

/** A published attestation. Key: `attestation(attestationId)`. */
export const Attestation = z.object({
  attestationId: z.string(),
  categoryCode: z.string(),
  field: z.string(),
  citizen: Subject,
  /** saltedHash(salt, value) = sha256(salt + '|' + value), computed by the holder off-chain. */
  factHash: z.string(),
  holder: DeptRef,
  issuedAt: z.string(),
  validUntil: z.string(),
  status: z.enum(['active', 'revoked']),
  publishedBy: z.string(),
  revokedAt: z.string().nullable(),
});
/** A published attestation. */
export type Attestation = z.infer<typeof Attestation>;

/** An attestation's state as every reader sees it. */
export const AttestationState = z.enum(['active', 'revoked', 'expired']);

/** An attestation with its computed state (what every attestation transaction returns). */
export const AttestationView = Attestation.extend({ state: AttestationState });
/** An attestation with its computed state. */
export type AttestationView = z.infer<typeof AttestationView>;

/** What VerifyFact returns. */
export const VerifyFactResult = z.object({
  ticketId: z.string(),
  attestationId: z.string(),
  citizen: Subject,
  categoryCode: z.string(),
  field: z.string(),
  /** True when saltedHash(salt, claimedValue) equals the attested hash. */
  match: z.boolean(),
  validUntil: z.string(),
});
/** What VerifyFact returns. */
export type VerifyFactResult = z.infer<typeof VerifyFactResult>;

/** What ListPurposes returns: the fixed vocabularies and the limits. */
export const PurposesResult = z.object({
  purposes: z.array(PurposeCode),
  sensitivities: z.array(SensitivityLevel),
  limits: z.record(z.string(), z.number()),
});
/** What ListPurposes returns. */
export type PurposesResult = z.infer<typeof PurposesResult>;

// ================================================================ catalogue of transactions

/** Every transaction of the DataSharingContract: kind, request and response schema. */
export const transactions = {
  RegisterCategory: { kind: 'submit', request: RegisterCategoryRequest, response: Category },
  UpdateCategory: { kind: 'submit', request: UpdateCategoryRequest, response: Category },
  GetCategory: { kind: 'evaluate', request: GetCategoryRequest, response: Category },
  ListCategories: { kind: 'evaluate', request: ListCategoriesRequest, response: pageOf(Category) },
  ListPurposes: { kind: 'evaluate', request: ListPurposesRequest, response: PurposesResult },
  GrantConsent: { kind: 'submit', request: GrantConsentRequest, response: ConsentView },
  PauseConsent: { kind: 'submit', request: ConsentRefRequest, response: ConsentView },
  ResumeConsent: { kind: 'submit', request: ConsentRefRequest, response: ConsentView },
  RevokeConsent: { kind: 'submit', request: ConsentRefRequest, response: ConsentView },
  GetConsent: { kind: 'evaluate', request: ConsentRefRequest, response: ConsentView },
  ListConsents: { kind: 'evaluate', request: ListConsentsRequest, response: pageOf(ConsentView) },
  RecordLegalBasis: { kind: 'submit', request: RecordLegalBasisRequest, response: LegalBasisView },
  WithdrawLegalBasis: { kind: 'submit', request: WithdrawLegalBasisRequest, response: LegalBasisView },
  DecideLegalBasis: { kind: 'submit', request: DecideLegalBasisRequest, response: LegalBasisView },
  GetLegalBasis: { kind: 'evaluate', request: GetLegalBasisRequest, response: LegalBasisView },
  ListLegalBases: { kind: 'evaluate', request: ListLegalBasesRequest, response: pageOf(LegalBasisView) },
  RequestAccess: { kind: 'submit', request: RequestAccessRequest, response: AccessResult },
  VerifyTicket: { kind: 'evaluate', request: VerifyTicketRequest, response: VerifyTicketResult },
  GetAccess: { kind: 'evaluate', request: GetAccessRequest, response: Access },
  ListCitizenAccesses: {
    kind: 'evaluate',
    request: ListCitizenAccessesRequest,
    response: pageOf(Access),
  },
  ListDepartmentAccesses: {
    kind: 'evaluate',
    request: ListDepartmentAccessesRequest,
    response: pageOf(Access),
  },
  ListAllAccesses: { kind: 'evaluate', request: ListAllAccessesRequest, response: pageOf(Access) },
  PublishAttestation: { kind: 'submit', request: PublishAttestationRequest, response: AttestationView },
  RevokeAttestation: { kind: 'submit', request: AttestationRefRequest, response: AttestationView },
  GetAttestation: { kind: 'evaluate', request: AttestationRefRequest, response: AttestationView },
  VerifyFact: { kind: 'evaluate', request: VerifyFactRequest, response: VerifyFactResult },
} as const satisfies Record<
  string,
  { kind: 'submit' | 'evaluate'; request: z.ZodType; response?: z.ZodType }
>;

/** The name of a data-sharing transaction. */
export type TransactionName = keyof typeof transactions;
