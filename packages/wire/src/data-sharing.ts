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
import { UsagePurpose } from './e-licence-usage';

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
export const DeptRef = z
  .object({
    mspId: Schemas.mspId.meta({ description: 'MSP ID of the organisation', example: 'CityAMSP' }),
    dept: Schemas.code.meta({
      description: 'Department code (`gov.dept`) inside the organisation',
      example: 'civil-affairs',
    }),
  })
  .strict();
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
export const page = {
  pageSize: Schemas.pageSize.meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
  bookmark: Schemas.bookmark.meta({
    description: 'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
    example: '',
  }),
};

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
  .object({
    citizenMspId: Schemas.mspId
      .optional()
      .meta({ description: 'Home MSP of the citizen to read (give with `citizenPid`)', example: 'CityAMSP' }),
    citizenPid: Schemas.pid.optional().meta({
      description: 'Pseudonymous id of the citizen to read (give with `citizenMspId`)',
      example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
    }),
  })
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
    code: Schemas.code.meta({
      description: 'Data category code (letters, digits, `_-`, 1-64 characters)',
      example: 'household-register',
    }),
    description: Schemas.text(512).meta({
      description: 'What the data category holds (at most 512 characters)',
      example: 'Household register entries: members, address, relation to the head of household',
    }),
    fields: FieldList.meta({
      description: 'Field names (distinct, letters, digits, `_`)',
      example: ['address', 'householdSize'],
    }),
    sensitivity: SensitivityLevel.meta({
      description: 'Sensitivity level: low, medium, high or special',
      example: 'medium',
    }),
    serviceRef: ServiceRef.meta({
      description: "URI of the holder's off-chain service that serves the data against a ticket",
      example: 'https://data.civil-affairs.city-a.gov/api/household',
    }),
  })
  .strict();
/** RegisterCategory request. */
export type RegisterCategoryRequest = z.infer<typeof RegisterCategoryRequest>;

/** The members of an UpdateCategory request, without its rule ({@link changesSomething}). */
export const UpdateCategoryFields = z
  .object({
    code: Schemas.code.meta({
      description: 'Data category code (letters, digits, `_-`, 1-64 characters)',
      example: 'household-register',
    }),
    description: Schemas.text(512).optional().meta({
      description: 'What the data category holds (at most 512 characters)',
      example: 'Household register entries: members, address, relation to the head of household',
    }),
    fields: FieldList.optional().meta({
      description: 'Field names (distinct, letters, digits, `_`)',
      example: ['address', 'householdSize'],
    }),
    sensitivity: SensitivityLevel.optional().meta({
      description: 'Sensitivity level: low, medium, high or special',
      example: 'medium',
    }),
    serviceRef: ServiceRef.optional().meta({
      description: "URI of the holder's off-chain service that serves the data against a ticket",
      example: 'https://data.civil-affairs.city-a.gov/api/household',
    }),
    status: CategoryStatus.optional().meta({
      description: '`withdrawn`: no new consents, bases or accesses; `active` to reopen',
      example: 'active',
    }),
  })
  .strict();

/** UpdateCategory: the holder changes a category (fields may only be added) or withdraws/reactivates it. */
export const UpdateCategoryRequest = changesSomething(UpdateCategoryFields);
/** UpdateCategory request. */
export type UpdateCategoryRequest = z.infer<typeof UpdateCategoryRequest>;

/** GetCategory: one category by code. */
export const GetCategoryRequest = z
  .object({
    code: Schemas.code.meta({
      description: 'Data category code (letters, digits, `_-`, 1-64 characters)',
      example: 'household-register',
    }),
  })
  .strict();
/** GetCategory request. */
export type GetCategoryRequest = z.infer<typeof GetCategoryRequest>;

/** The filter of ListCategories (without pagination and its rule). */
export const ListCategoriesFilter = z
  .object({
    holderMspId: Schemas.mspId
      .optional()
      .meta({ description: 'Only categories held by this organisation', example: 'CityAMSP' }),
    holderDept: Schemas.code.optional().meta({
      description: 'Only categories held by this department (needs `holderMspId`)',
      example: 'civil-affairs',
    }),
  })
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
    consentId: Schemas.id.optional().meta({
      description: 'Consent id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'consent-2026-0001',
    }),
    grantee: DeptRef.meta({
      description: 'The department the consent or basis lets read the data (organisation and department)',
    }),
    categoryCode: Schemas.code.meta({
      description: 'Code of the data category',
      example: 'household-register',
    }),
    fields: FieldList.meta({
      description: 'Field names (distinct, letters, digits, `_`)',
      example: ['address', 'householdSize'],
    }),
    purpose: PurposeCode.meta({
      description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
      example: 'HOUSING_SUBSIDY',
    }),
    validFrom: Schemas.isoDateTime.meta({
      description: 'Start of validity (RFC 3339 date-time)',
      example: '2026-03-01T00:00:00Z',
    }),
    validUntil: Schemas.isoDateTime.meta({
      description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
      example: '2026-12-31T23:59:59Z',
    }),
    maxUses: z.number().int().min(1).max(Limits.maxUses).optional().meta({
      description: 'Most accesses the consent allows (1-1000); absent or null: unlimited',
      example: 5,
    }),
  })
  .strict();

/** GrantConsent: a citizen allows a department to access some fields of a category for one purpose. */
export const GrantConsentRequest = validityInOrder(GrantConsentFields);
/** GrantConsent request. */
export type GrantConsentRequest = z.infer<typeof GrantConsentRequest>;

/** PauseConsent, ResumeConsent, RevokeConsent, GetConsent: one consent by id. */
export const ConsentRefRequest = z
  .object({
    consentId: Schemas.id.meta({
      description: 'Consent id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'consent-2026-0001',
    }),
  })
  .strict();
/** A request naming one consent. */
export type ConsentRefRequest = z.infer<typeof ConsentRefRequest>;

/** The filter of ListConsents (without pagination). */
export const ListConsentsFilter = z
  .object({
    citizen: Subject.optional().meta({
      description: 'The citizen whose consents to list (auditors must name one; a citizen reads their own)',
    }),
  })
  .strict();

/** ListConsents: a citizen's own consents (an auditor names the citizen). */
export const ListConsentsRequest = ListConsentsFilter.extend(page).strict();
/** ListConsents request. */
export type ListConsentsRequest = z.infer<typeof ListConsentsRequest>;

// ================================================================ requests: legal basis

/** The members of a RecordLegalBasis request, without its rule ({@link validityInOrder}). */
export const RecordLegalBasisFields = z
  .object({
    legalBasisId: Schemas.id.optional().meta({
      description: 'Legal basis id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'lb-housing-2026',
    }),
    categoryCode: Schemas.code.meta({
      description: 'Code of the data category',
      example: 'household-register',
    }),
    fields: FieldList.meta({
      description: 'Field names (distinct, letters, digits, `_`)',
      example: ['address', 'householdSize'],
    }),
    purpose: PurposeCode.meta({
      description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
      example: 'HOUSING_SUBSIDY',
    }),
    statuteReference: Schemas.text(256).meta({
      description: 'The statute the basis rests on (at most 256 characters)',
      example: 'Housing Subsidy Regulation 2025, art. 12',
    }),
    description: Schemas.text(1024).optional().meta({
      description: 'What the basis allows, in words (at most 1024 characters)',
      example: 'Verification of household size for housing subsidy applications',
    }),
    validFrom: Schemas.isoDateTime.meta({
      description: 'Start of validity (RFC 3339 date-time)',
      example: '2026-03-01T00:00:00Z',
    }),
    validUntil: Schemas.isoDateTime.optional().meta({
      description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
      example: '2026-12-31T23:59:59Z',
    }),
    /** When given, the basis applies to this citizen only (e.g. a court order). */
    citizen: Subject.optional().meta({
      description: 'When given, the basis applies to this citizen only (e.g. a court order)',
    }),
  })
  .strict();

/** RecordLegalBasis: a legal officer records a statutory duty that lets their department access a category. */
export const RecordLegalBasisRequest = validityInOrder(RecordLegalBasisFields);
/** RecordLegalBasis request. */
export type RecordLegalBasisRequest = z.infer<typeof RecordLegalBasisRequest>;

/** WithdrawLegalBasis: the recording department ends a legal basis. */
export const WithdrawLegalBasisRequest = z
  .object({
    legalBasisId: Schemas.id.meta({
      description: 'Legal basis id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'lb-housing-2026',
    }),
    reason: Schemas.text(512).meta({
      description: 'Why (at most 512 characters)',
      example: 'Regulation repealed',
    }),
  })
  .strict();
/** WithdrawLegalBasis request. */
export type WithdrawLegalBasisRequest = z.infer<typeof WithdrawLegalBasisRequest>;

/** The decisions a holder organisation makes on a legal basis over its data. */
export const LegalBasisDecision = z.enum(['approve', 'refuse']);

/** DecideLegalBasis: an officer of the holding department approves or refuses a pending legal basis. */
export const DecideLegalBasisRequest = z
  .object({
    legalBasisId: Schemas.id.meta({
      description: 'Legal basis id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'lb-housing-2026',
    }),
    decision: LegalBasisDecision.meta({
      description: "`approve` or `refuse` the legal basis over the caller's category",
      example: 'approve',
    }),
    note: Schemas.text(512).optional().meta({
      description: 'Note of the deciding officer (at most 512 characters)',
      example: 'Approved for 2026 applications',
    }),
  })
  .strict();
/** DecideLegalBasis request. */
export type DecideLegalBasisRequest = z.infer<typeof DecideLegalBasisRequest>;

/** GetLegalBasis: one legal basis by id. */
export const GetLegalBasisRequest = z
  .object({
    legalBasisId: Schemas.id.meta({
      description: 'Legal basis id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'lb-housing-2026',
    }),
  })
  .strict();
/** GetLegalBasis request. */
export type GetLegalBasisRequest = z.infer<typeof GetLegalBasisRequest>;

/** The filter of ListLegalBases (without pagination). */
export const ListLegalBasesFilter = z
  .object({
    mspId: Schemas.mspId.optional().meta({ description: 'MSP ID of the organisation', example: 'CityAMSP' }),
    dept: Schemas.code
      .optional()
      .meta({ description: 'Department code (`gov.dept`)', example: 'civil-affairs' }),
  })
  .strict();

/** ListLegalBases: the legal bases of one department (the caller's own when omitted). */
export const ListLegalBasesRequest = wholeDeptOrNone(ListLegalBasesFilter.extend(page).strict());
/** ListLegalBases request. */
export type ListLegalBasesRequest = z.infer<typeof ListLegalBasesRequest>;

// ================================================================ requests: access

/** The members of a RequestAccess request, without its rule ({@link oneBasisAtMost}). */
export const RequestAccessFields = z
  .object({
    accessId: Schemas.id.optional().meta({
      description: 'Access id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'access-2026-0001',
    }),
    citizen: Subject.meta({ description: 'The citizen: home MSP and pseudonymous id' }),
    categoryCode: Schemas.code.meta({
      description: 'Code of the data category',
      example: 'household-register',
    }),
    fields: FieldList.meta({
      description: 'Field names (distinct, letters, digits, `_`)',
      example: ['address', 'householdSize'],
    }),
    purpose: PurposeCode.meta({
      description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
      example: 'HOUSING_SUBSIDY',
    }),
    consentId: Schemas.id.optional().meta({
      description: 'Consent id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'consent-2026-0001',
    }),
    legalBasisId: Schemas.id.optional().meta({
      description: 'Legal basis id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'lb-housing-2026',
    }),
    /** Ticket lifetime; {@link Limits.defaultTicketTtlSeconds} when absent. */
    ticketTtlSeconds: TicketTtlSeconds.optional().meta({
      description: 'Ticket lifetime in seconds (60-86400); 900 when absent',
      example: 900,
    }),
  })
  .strict();

/** RequestAccess: a department asks for some fields of one citizen's category for one purpose. */
export const RequestAccessRequest = oneBasisAtMost(RequestAccessFields);
/** RequestAccess request. */
export type RequestAccessRequest = z.infer<typeof RequestAccessRequest>;

/** GetAccess: one access log entry by id. */
export const GetAccessRequest = z
  .object({
    accessId: Schemas.id.meta({
      description: 'Access id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'access-2026-0001',
    }),
  })
  .strict();
/** GetAccess request. */
export type GetAccessRequest = z.infer<typeof GetAccessRequest>;

/** VerifyTicket: the holding department checks a ticket before it serves data. */
export const VerifyTicketRequest = z
  .object({
    ticketId: Schemas.id.meta({ description: 'Id of the access ticket', example: 'access-2026-0001' }),
    ticketHash: Schemas.sha256.optional().meta({
      description: 'SHA-256 of the ticket the holder was shown; checked against the stored one',
      example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    }),
    fields: FieldList.optional().meta({
      description: 'Fields the holder is asked for; each must be covered by the ticket',
      example: ['address'],
    }),
  })
  .strict();
/** VerifyTicket request. */
export type VerifyTicketRequest = z.infer<typeof VerifyTicketRequest>;

/** The filter of ListCitizenAccesses (without pagination). */
export const ListCitizenAccessesFilter = z
  .object({
    citizen: Subject.optional().meta({
      description: 'The citizen whose access log to list (auditors must name one; a citizen reads their own)',
    }),
  })
  .strict();

/** ListCitizenAccesses: every access to a citizen's data, newest first (the caller's own; an auditor names the citizen). */
export const ListCitizenAccessesRequest = ListCitizenAccessesFilter.extend(page).strict();
/** ListCitizenAccesses request. */
export type ListCitizenAccessesRequest = z.infer<typeof ListCitizenAccessesRequest>;

/** The filter of ListDepartmentAccesses (without pagination). */
export const ListDepartmentAccessesFilter = z
  .object({
    mspId: Schemas.mspId.optional().meta({ description: 'MSP ID of the organisation', example: 'CityAMSP' }),
    dept: Schemas.code
      .optional()
      .meta({ description: 'Department code (`gov.dept`)', example: 'civil-affairs' }),
  })
  .strict();

/** ListDepartmentAccesses: the accesses a department made, newest first (the caller's own when omitted). */
export const ListDepartmentAccessesRequest = ListDepartmentAccessesFilter.extend(page).strict();
/** ListDepartmentAccesses request. */
export type ListDepartmentAccessesRequest = z.infer<typeof ListDepartmentAccessesRequest>;

/** ListAllAccesses: every access (auditor), newest first; optionally only those flagged for audit. */
export const ListAllAccessesRequest = z
  .object({
    flaggedOnly: z
      .boolean()
      .default(false)
      .meta({ description: 'Only entries flagged for audit', example: false }),
    ...page,
  })
  .strict();
/** ListAllAccesses request. */
export type ListAllAccessesRequest = z.infer<typeof ListAllAccessesRequest>;

// ================================================================ requests: attestation

/** PublishAttestation: the holding department publishes a salted hash of one fact about a citizen. */
export const PublishAttestationRequest = z
  .object({
    attestationId: Schemas.id.optional().meta({
      description: 'Attestation id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'att-2026-0001',
    }),
    categoryCode: Schemas.code.meta({
      description: 'Code of the data category',
      example: 'household-register',
    }),
    field: FieldName.meta({ description: 'The category field the fact is about', example: 'address' }),
    citizen: Subject.meta({ description: 'The citizen: home MSP and pseudonymous id' }),
    factHash: Schemas.sha256.meta({
      description: '`sha256hex(salt + "|" + value)` of the attested value (lower-case hex)',
      example: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    }),
    validUntil: Schemas.isoDateTime.meta({
      description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
      example: '2026-12-31T23:59:59Z',
    }),
  })
  .strict();
/** PublishAttestation request. */
export type PublishAttestationRequest = z.infer<typeof PublishAttestationRequest>;

/** RevokeAttestation, GetAttestation: one attestation by id. */
export const AttestationRefRequest = z
  .object({
    attestationId: Schemas.id.meta({
      description: 'Attestation id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'att-2026-0001',
    }),
  })
  .strict();
/** A request naming one attestation. */
export type AttestationRefRequest = z.infer<typeof AttestationRefRequest>;

/** VerifyFact: a department with a valid ticket checks a claimed fact and its salt against an attestation. */
export const VerifyFactRequest = z
  .object({
    ticketId: Schemas.id.meta({ description: 'Id of the access ticket', example: 'access-2026-0001' }),
    attestationId: Schemas.id.meta({
      description: 'Attestation id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'att-2026-0001',
    }),
    claimedValue: Schemas.text(1024).meta({
      description: 'The value the grantee was told (1-1024 characters)',
      example: '12 Harbour Road, City A',
    }),
    salt: Schemas.salt.meta({
      description: 'Salt of the fact hash (lower-case hex, 32-128 characters)',
      example: '9f86d081884c7d659a2feaa0c55ad015',
    }),
  })
  .strict();
/** VerifyFact request. */
export type VerifyFactRequest = z.infer<typeof VerifyFactRequest>;

// ================================================================ records

/** A department and the certificate id of its officer who acted. */
function officerRef() {
  return DeptRef.extend({
    /** Fabric id of the officer's certificate. */
    id: z.string().meta({ description: "Fabric id of the officer's certificate" }),
  });
}

/** A data category in the catalogue. Key: `category(code)`. */
export const Category = z.object({
  code: z.string().meta({
    description: 'Data category code (letters, digits, `_-`, 1-64 characters)',
    example: 'household-register',
  }),
  description: z.string().meta({
    description: 'What the data category holds (at most 512 characters)',
    example: 'Household register entries: members, address, relation to the head of household',
  }),
  /** Names of the fields the holder can provide (sorted). */
  fields: z.array(z.string()).meta({
    description: 'Names of the fields the holder can provide (sorted)',
    example: ['address', 'householdSize'],
  }),
  sensitivity: SensitivityLevel.meta({
    description: 'Sensitivity level: low, medium, high or special',
    example: 'medium',
  }),
  /** Where the holder's system serves the data (off-chain). */
  serviceRef: z.string().meta({
    description: "Where the holder's system serves the data (off-chain)",
    example: 'https://data.civil-affairs.city-a.gov/api/household',
  }),
  /** The holding department; only its officers change the category. */
  holder: DeptRef.meta({ description: 'The holding department; only its officers change the category' }),
  status: CategoryStatus.meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  version: z
    .number()
    .int()
    .meta({ description: 'Version of the record (1 at creation, +1 on every change)' }),
  registeredAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the category was registered (RFC 3339 date-time, UTC)' }),
  registeredBy: z.string().meta({ description: 'Fabric id of the officer who registered it' }),
  updatedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the record last changed (RFC 3339 date-time, UTC)' }),
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
  consentId: z.string().meta({
    description: 'Consent id (chosen by the caller, or derived from the transaction id when left out)',
    example: 'consent-2026-0001',
  }),
  /** The citizen who granted it (home MSP and pid from their certificate). */
  citizen: Subject.meta({
    description: 'The citizen who granted it (home MSP and pid from their certificate)',
  }),
  grantee: DeptRef.meta({
    description: 'The department the consent or basis lets read the data (organisation and department)',
  }),
  categoryCode: z.string().meta({ description: 'Code of the data category', example: 'household-register' }),
  holder: DeptRef.meta({ description: 'The department that holds the data (organisation and department)' }),
  fields: z.array(z.string()).meta({
    description: 'Field names (distinct, letters, digits, `_`)',
    example: ['address', 'householdSize'],
  }),
  purpose: PurposeCode.meta({
    description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
    example: 'HOUSING_SUBSIDY',
  }),
  validFrom: z.string().meta({
    format: 'date-time',
    description: 'Start of validity (RFC 3339 date-time)',
    example: '2026-03-01T00:00:00Z',
  }),
  validUntil: z.string().meta({
    format: 'date-time',
    description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
    example: '2026-12-31T23:59:59Z',
  }),
  /** Most accesses the consent allows; null for no limit. */
  maxUses: z.number().int().nullable().meta({
    description: 'Most accesses the consent allows; null for no limit',
    example: 5,
  }),
  grantedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the consent was granted (RFC 3339 date-time, UTC)' }),
});
/** The terms of a consent. */
export type ConsentTerms = z.infer<typeof ConsentTerms>;

/** A consent as stored. Key: `consent(consentId)`. */
export const Consent = ConsentTerms.extend({
  /** sha256 of the deterministic JSON of the terms. */
  hash: z.string().meta({
    description: 'sha256 of the deterministic JSON of the terms',
  }),
  status: StoredConsentStatus.meta({
    description: 'Status as stored on the ledger (one of the listed values)',
  }),
  updatedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the record last changed (RFC 3339 date-time, UTC)' }),
  revokedAt: z
    .string()
    .nullable()
    .meta({ format: 'date-time', description: 'When it was revoked (RFC 3339 date-time, UTC), or null' }),
});
/** A consent as stored. */
export type Consent = z.infer<typeof Consent>;

/** A consent with its computed state and remaining uses (what every consent transaction returns). */
export const ConsentView = Consent.extend({
  state: ConsentState.meta({
    description:
      "Status at the query's transaction time: `revoked` > `expired` > `paused` > `active` (stored `status` with expiry applied)",
  }),
  /** Accesses made under a limited consent; null when the consent has no limit. */
  usesCount: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Accesses made under a limited consent; null when the consent has no limit.' }),
  /** Accesses left under a limited consent; null when the consent has no limit. */
  usesLeft: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Accesses left under a limited consent; null when the consent has no limit.' }),
});
/** A consent with its computed state. */
export type ConsentView = z.infer<typeof ConsentView>;

/** The terms of a legal basis: what its hash covers. */
export const LegalBasisTerms = z.object({
  legalBasisId: z.string().meta({
    description: 'Legal basis id (chosen by the caller, or derived from the transaction id when left out)',
    example: 'lb-housing-2026',
  }),
  /** The department the statutory duty applies to (the recording legal officer's own). */
  grantee: DeptRef.meta({
    description: "The department the statutory duty applies to (the recording legal officer's own)",
  }),
  categoryCode: z.string().meta({ description: 'Code of the data category', example: 'household-register' }),
  holder: DeptRef.meta({ description: 'The department that holds the data (organisation and department)' }),
  fields: z.array(z.string()).meta({
    description: 'Field names (distinct, letters, digits, `_`)',
    example: ['address', 'householdSize'],
  }),
  purpose: PurposeCode.meta({
    description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
    example: 'HOUSING_SUBSIDY',
  }),
  statuteReference: z.string().meta({
    description: 'The statute the basis rests on (at most 256 characters)',
    example: 'Housing Subsidy Regulation 2025, art. 12',
  }),
  description: z.string().nullable().meta({ description: 'What the basis allows, in words, or null' }),
  validFrom: z.string().meta({
    format: 'date-time',
    description: 'Start of validity (RFC 3339 date-time)',
    example: '2026-03-01T00:00:00Z',
  }),
  validUntil: z.string().nullable().meta({
    format: 'date-time',
    description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
    example: '2026-12-31T23:59:59Z',
  }),
  /** When set, the basis applies to this citizen only (e.g. a court order). */
  citizen: Subject.nullable().meta({
    description: 'When set, the basis applies to this citizen only (e.g. a court order)',
  }),
  recordedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was recorded (RFC 3339 date-time, UTC)' }),
});
/** The terms of a legal basis. */
export type LegalBasisTerms = z.infer<typeof LegalBasisTerms>;

/**
 * The holder organisation's approval of a legal basis: `not-required` when the
 * grantee belongs to the organisation holding the data; otherwise `pending`
 * until an officer of the holding department approves or refuses it.
 */
export const LegalBasisApproval = z.object({
  status: z
    .enum(['not-required', 'pending', 'approved', 'refused'])
    .meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  /** The officer who decided (department and certificate); null until decided. */
  decidedBy: officerRef()
    .nullable()
    .meta({ description: 'The officer who decided (department and certificate); null until decided.' }),
  /** When the decision was recorded (transaction time); null until decided. */
  decidedAt: z
    .string()
    .nullable()
    .meta({ description: 'When the decision was recorded (transaction time); null until decided.' }),
  /** The officer's note; null when none. */
  note: z.string().nullable().meta({
    description: "The officer's note; null when none",
    example: 'Approved for 2026 applications',
  }),
});
/** The holder organisation's approval of a legal basis. */
export type LegalBasisApproval = z.infer<typeof LegalBasisApproval>;

/** A legal basis as stored. Key: `legal(legalBasisId)`. */
export const LegalBasis = LegalBasisTerms.extend({
  hash: z.string().meta({
    description: "SHA-256 of the record's canonical JSON (lower-case hex), checkable by any organisation",
  }),
  status: z
    .enum(['active', 'withdrawn'])
    .meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  approval: LegalBasisApproval.meta({
    description:
      "The holder's decision on a basis over another organisation's category (`not-required` for its own)",
  }),
  recordedBy: z.string().meta({ description: 'Fabric id of the officer who recorded it' }),
  withdrawnAt: z
    .string()
    .nullable()
    .meta({ format: 'date-time', description: 'When it was withdrawn (RFC 3339 date-time, UTC), or null' }),
  withdrawReason: z.string().nullable().meta({ description: 'Why it was withdrawn, or null' }),
});
/** A legal basis as stored. */
export type LegalBasis = z.infer<typeof LegalBasis>;

/** A legal basis's state as every reader sees it. */
export const LegalBasisState = z.enum(['active', 'pending', 'refused', 'withdrawn', 'expired']);
/** A legal basis's state. */
export type LegalBasisState = z.infer<typeof LegalBasisState>;

/** A legal basis with its computed state (what every legal-basis transaction returns). */
export const LegalBasisView = LegalBasis.extend({
  state: LegalBasisState.meta({
    description:
      "State at the query's transaction time: the stored status and approval, with expiry applied (`active`, `pending`, `refused`, `withdrawn` or `expired`)",
  }),
});
/** A legal basis with its computed state. */
export type LegalBasisView = z.infer<typeof LegalBasisView>;

/** What an access rests on (granted), or what came closest (refused). */
export const BasisRef = z.discriminatedUnion('kind', [
  z.object({
    kind: z
      .literal('consent')
      .meta({ description: '`consent` or `legal` (a legal basis): what the access rests on' }),
    id: z.string().meta({ description: 'Id of the consent or legal basis' }),
    hash: z.string().meta({
      description: "SHA-256 of the record's canonical JSON (lower-case hex), checkable by any organisation",
    }),
  }),
  z.object({
    kind: z
      .literal('legal')
      .meta({ description: '`consent` or `legal` (a legal basis): what the access rests on' }),
    id: z.string().meta({ description: 'Id of the consent or legal basis' }),
    hash: z.string().meta({
      description: "SHA-256 of the record's canonical JSON (lower-case hex), checkable by any organisation",
    }),
    statuteReference: z.string().meta({ description: 'The statute, for a legal basis' }),
  }),
]);
/** What an access rests on. */
export type BasisRef = z.infer<typeof BasisRef>;

/** The kind and id of what a ticket rests on. */
export const BasisId = z.object({
  kind: z
    .enum(['consent', 'legal'])
    .meta({ description: '`consent` or `legal` (a legal basis): what the access rests on' }),
  id: z.string().meta({ description: 'Id of the consent or legal basis' }),
});
/** The kind and id of what a ticket rests on. */
export type BasisId = z.infer<typeof BasisId>;

/** The terms of an access ticket: what its hash covers. */
export const TicketTerms = z.object({
  /** Equal to the access id. */
  ticketId: z.string().meta({ description: 'Equal to the access id', example: 'access-2026-0001' }),
  citizen: Subject.meta({ description: 'The citizen: home MSP and pseudonymous id' }),
  categoryCode: z.string().meta({ description: 'Code of the data category', example: 'household-register' }),
  fields: z.array(z.string()).meta({
    description: 'Field names (distinct, letters, digits, `_`)',
    example: ['address', 'householdSize'],
  }),
  purpose: PurposeCode.meta({
    description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
    example: 'HOUSING_SUBSIDY',
  }),
  grantee: DeptRef.meta({
    description: 'The department the consent or basis lets read the data (organisation and department)',
  }),
  holder: DeptRef.meta({ description: 'The department that holds the data (organisation and department)' }),
  basis: BasisId.meta({ description: 'What the access rests on: a consent or a legal basis, with its hash' }),
  issuedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was issued (RFC 3339 date-time, UTC)' }),
  expiresAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the ticket expires (RFC 3339 date-time, UTC)' }),
});
/** The terms of an access ticket. */
export type TicketTerms = z.infer<typeof TicketTerms>;

/** A ticket as stored inside its access entry. */
export const Ticket = TicketTerms.extend({
  hash: z.string().meta({
    description: "SHA-256 of the record's canonical JSON (lower-case hex), checkable by any organisation",
  }),
});
/** A ticket as stored. */
export type Ticket = z.infer<typeof Ticket>;

/** The department and certificate that made an access request (or a decision). */
export const Requester = officerRef();
/** The department and certificate that made an access request. */
export type Requester = z.infer<typeof Requester>;

/** One access log entry, granted or refused. Key: `access(accessId)`. */
export const Access = z.object({
  accessId: z.string().meta({
    description: 'Access id (chosen by the caller, or derived from the transaction id when left out)',
    example: 'access-2026-0001',
  }),
  time: z.string().meta({
    format: 'date-time',
    description: 'When the access was requested (RFC 3339 date-time, UTC, the transaction time)',
  }),
  granted: z.boolean().meta({ description: 'True when the access was granted (refusals are logged too)' }),
  /** Refusal code; null when granted. */
  code: RefusalCode.nullable().meta({
    description: 'Refusal code: why the access was refused; null when granted',
    example: 'NO_CONSENT_OR_LEGAL_BASIS',
  }),
  /** Refusal reason; null when granted. */
  reason: z
    .string()
    .nullable()
    .meta({ description: 'Refusal reason; null when granted', example: 'Regulation repealed' }),
  requester: Requester.meta({ description: 'The requesting department (organisation and department)' }),
  citizen: Subject.meta({ description: 'The citizen: home MSP and pseudonymous id' }),
  categoryCode: z.string().meta({ description: 'Code of the data category', example: 'household-register' }),
  holder: DeptRef.meta({ description: 'The department that holds the data (organisation and department)' }),
  fields: z.array(z.string()).meta({
    description: 'Field names (distinct, letters, digits, `_`)',
    example: ['address', 'householdSize'],
  }),
  purpose: PurposeCode.meta({
    description: 'Purpose of use, from the fixed list (see GET /api/v1/purposes)',
    example: 'HOUSING_SUBSIDY',
  }),
  basis: BasisRef.nullable().meta({
    description: 'What the access rests on: a consent or a legal basis, with its hash',
  }),
  /** True for accesses on a legal basis and accesses to a `special` category. */
  auditFlag: z.boolean().meta({
    description: 'True for accesses on a legal basis and accesses to a `special` category',
  }),
  ticket: Ticket.nullable().meta({
    description: 'The access ticket the holder checks before serving the data (null when refused)',
  }),
});
/** One access log entry. */
export type Access = z.infer<typeof Access>;

/** What RequestAccess returns: a ticket, or a refusal (an answer, logged on the ledger). */
export const AccessResult = z.discriminatedUnion('granted', [
  z.object({
    granted: z
      .literal(true)
      .meta({ description: 'True when the access was granted (refusals are logged too)' }),
    accessId: z.string().meta({
      description: 'Access id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'access-2026-0001',
    }),
    ticket: z
      .object({
        ticketId: z.string().meta({ description: 'Id of the access ticket', example: 'access-2026-0001' }),
        hash: z.string().meta({
          description:
            "SHA-256 of the record's canonical JSON (lower-case hex), checkable by any organisation",
        }),
        expiresAt: z
          .string()
          .meta({ format: 'date-time', description: 'When the ticket expires (RFC 3339 date-time, UTC)' }),
      })
      .meta({
        description: 'The access ticket the holder checks before serving the data (null when refused)',
      }),
    basis: BasisId.meta({
      description: 'What the access rests on: a consent or a legal basis, with its hash',
    }),
    auditFlag: z.boolean().meta({
      description: 'True when the access is flagged for audit (e.g. special sensitivity or a refusal)',
    }),
  }),
  z.object({
    granted: z
      .literal(false)
      .meta({ description: 'True when the access was granted (refusals are logged too)' }),
    accessId: z.string().meta({
      description: 'Access id (chosen by the caller, or derived from the transaction id when left out)',
      example: 'access-2026-0001',
    }),
    code: RefusalCode.meta({ description: 'Refusal code: why the access was refused' }),
    reason: z.string().meta({ description: 'Why, in words' }),
    auditFlag: z.boolean().meta({
      description: 'True when the access is flagged for audit (e.g. special sensitivity or a refusal)',
    }),
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
  ticketId: z.string().meta({ description: 'Id of the access ticket', example: 'access-2026-0001' }),
  valid: z
    .boolean()
    .meta({ description: 'True when the ticket exists, is not expired, and matches what was asked' }),
  status: TicketStatus.meta({
    description:
      "The ticket's state: `valid`, `unknown`, `hash-mismatch`, `expired`, `basis-invalid` (its consent or basis no longer holds) or `fields-not-covered`",
  }),
  /** The ticket's terms and hash; null when unknown. */
  ticket: Ticket.nullable().meta({
    description: "The ticket's terms and hash; null when unknown",
  }),
  /** State of the consent or legal basis now (active, paused, revoked, expired, withdrawn); null when unknown. */
  basisState: z.string().nullable().meta({
    description:
      'State of the consent or legal basis now (active, paused, revoked, expired, withdrawn); null when unknown.',
  }),
});
/** What VerifyTicket returns. */
export type VerifyTicketResult = z.infer<typeof VerifyTicketResult>;

/** A published attestation. Key: `attestation(attestationId)`. */
export const Attestation = z.object({
  attestationId: z.string().meta({
    description: 'Attestation id (chosen by the caller, or derived from the transaction id when left out)',
    example: 'att-2026-0001',
  }),
  categoryCode: z.string().meta({ description: 'Code of the data category', example: 'household-register' }),
  field: z.string().meta({ description: 'The category field the fact is about', example: 'address' }),
  citizen: Subject.meta({ description: 'The citizen: home MSP and pseudonymous id' }),
  /** saltedHash(salt, value) = sha256(salt + '|' + value), computed by the holder off-chain. */
  factHash: z.string().meta({
    description: '`sha256hex(salt + "|" + value)` of the attested value (lower-case hex)',
    example: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
  }),
  holder: DeptRef.meta({ description: 'The department that holds the data (organisation and department)' }),
  issuedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was issued (RFC 3339 date-time, UTC)' }),
  validUntil: z.string().meta({
    format: 'date-time',
    description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
    example: '2026-12-31T23:59:59Z',
  }),
  status: z
    .enum(['active', 'revoked'])
    .meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  publishedBy: z.string().meta({ description: 'Fabric id of the officer who published it' }),
  revokedAt: z
    .string()
    .nullable()
    .meta({ format: 'date-time', description: 'When it was revoked (RFC 3339 date-time, UTC), or null' }),
});
/** A published attestation. */
export type Attestation = z.infer<typeof Attestation>;

/** An attestation's state as every reader sees it. */
export const AttestationState = z.enum(['active', 'revoked', 'expired']);

/** An attestation with its computed state (what every attestation transaction returns). */
export const AttestationView = Attestation.extend({
  state: AttestationState.meta({
    description: "State at the query's transaction time: `revoked` > `expired` > `active`",
  }),
});
/** An attestation with its computed state. */
export type AttestationView = z.infer<typeof AttestationView>;

/** What VerifyFact returns. */
export const VerifyFactResult = z.object({
  ticketId: z.string().meta({ description: 'Id of the access ticket', example: 'access-2026-0001' }),
  attestationId: z.string().meta({
    description: 'Attestation id (chosen by the caller, or derived from the transaction id when left out)',
    example: 'att-2026-0001',
  }),
  citizen: Subject.meta({ description: 'The citizen: home MSP and pseudonymous id' }),
  categoryCode: z.string().meta({ description: 'Code of the data category', example: 'household-register' }),
  field: z.string().meta({ description: 'The category field the fact is about', example: 'address' }),
  /** True when saltedHash(salt, claimedValue) equals the attested hash. */
  match: z
    .boolean()
    .meta({ description: 'True when saltedHash(salt, claimedValue) equals the attested hash.' }),
  validUntil: z.string().meta({
    format: 'date-time',
    description: 'End of validity (RFC 3339 date-time; after `validFrom` where the record has one)',
    example: '2026-12-31T23:59:59Z',
  }),
});
/** What VerifyFact returns. */
export type VerifyFactResult = z.infer<typeof VerifyFactResult>;

/** What ListPurposes returns: the fixed vocabularies and the limits. */
export const PurposesResult = z.object({
  purposes: z.array(PurposeCode).meta({ description: 'Every purpose code' }),
  sensitivities: z.array(SensitivityLevel).meta({ description: 'Every sensitivity level' }),
  limits: z
    .record(z.string(), z.number())
    .meta({ description: "The chaincode's limits (fields per category, ticket lifetimes, ...)" }),
});
/** What ListPurposes returns. */
export type PurposesResult = z.infer<typeof PurposesResult>;

// ================================================================ usage trace (issue 18 part 4)

/** CheckTicket: VerifyTicket that leaves a trace entry the citizen can list (why: a purpose). */
export const CheckTicketRequest = VerifyTicketRequest.extend({
  purpose: UsagePurpose.meta({ description: 'Why the ticket is checked' }),
}).strict();
/** CheckTicket request. */
export type CheckTicketRequest = z.infer<typeof CheckTicketRequest>;

/**
 * CheckFact: VerifyFact that leaves a trace entry. The checker sends the salted hash it computed,
 * `sha256(salt + "|" + claimedValue)`, never the clear value (it would stay in the block).
 */
export const CheckFactRequest = z
  .object({
    ticketId: Schemas.id.meta({ description: 'Id of the access ticket', example: 'access-2026-0001' }),
    attestationId: Schemas.id.meta({ description: 'Attestation id', example: 'att-2026-0001' }),
    claimedHash: Schemas.sha256.meta({
      description: 'sha256(salt + "|" + claimed value), lower-case hex, computed by the checker',
      example: 'd64e134efeb2bb351a78774ef5cfa6844db3e0d590507d3c9ac338fe7edeb39c',
    }),
    purpose: UsagePurpose.meta({ description: 'Why the fact is checked' }),
  })
  .strict();
/** CheckFact request. */
export type CheckFactRequest = z.infer<typeof CheckFactRequest>;

/** One recorded check of a citizen's ticket or fact: who, what, when, why (no personal value). */
export const DataCheck = z.object({
  usageId: Schemas.txId.meta({
    description: 'The recording transaction',
    example: 'a3f1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  }),
  kind: z.enum(['ticket', 'fact']).meta({ description: 'What was checked', example: 'fact' }),
  ticketId: Schemas.id.meta({ description: 'The ticket', example: 'access-2026-0001' }),
  attestationId: Schemas.id.nullable().meta({
    description: 'The attestation (fact checks); null for a ticket check',
    example: 'att-2026-0001',
  }),
  citizen: Subject.meta({ description: 'The citizen (home MSP, pseudonymous id)' }),
  verifier: z
    .object({
      mspId: Schemas.mspId.meta({ description: 'Organisation of the checker', example: 'CityBMSP' }),
      dept: Schemas.code.nullable().meta({ description: 'Department of the checker', example: 'housing' }),
      role: Schemas.code.nullable().meta({ description: 'First role of the checker', example: 'officer' }),
    })
    .meta({ description: 'Who checked (no name, no certificate id)' }),
  purpose: UsagePurpose.meta({ description: 'Why' }),
  valid: z.boolean().meta({ description: 'Ticket valid / fact matches', example: true }),
  outcome: Schemas.code.meta({
    description: "The ticket's status (`valid`, `expired`, ...) or the fact check's `match` / `mismatch`",
    example: 'match',
  }),
  checkedAt: Schemas.isoDateTime.meta({
    description: 'When (transaction time)',
    example: '2026-01-01T00:00:00.000Z',
  }),
});
/** One recorded ticket or fact check. */
export type DataCheck = z.infer<typeof DataCheck>;

/** ListDataChecks: the calling citizen's own trace, oldest first, paginated. */
export const ListDataChecksRequest = z.object({ ...page }).strict();
/** ListDataChecks request. */
export type ListDataChecksRequest = z.infer<typeof ListDataChecksRequest>;

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
  CheckTicket: {
    kind: 'submit',
    request: CheckTicketRequest,
    response: z.object({
      verification: VerifyTicketResult.meta({ description: 'The verification, as VerifyTicket answers it' }),
      usage: DataCheck.meta({ description: 'The trace entry recorded' }),
    }),
  },
  CheckFact: {
    kind: 'submit',
    request: CheckFactRequest,
    response: z.object({
      verification: VerifyFactResult.meta({ description: 'The verification, as VerifyFact answers it' }),
      usage: DataCheck.meta({ description: 'The trace entry recorded' }),
    }),
  },
  ListDataChecks: { kind: 'evaluate', request: ListDataChecksRequest, response: pageOf(DataCheck) },
} as const satisfies Record<
  string,
  { kind: 'submit' | 'evaluate'; request: z.ZodType; response?: z.ZodType }
>;

/** The name of a data-sharing transaction. */
export type TransactionName = keyof typeof transactions;
