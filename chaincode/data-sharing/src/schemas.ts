/**
 * The wire contract: one zod schema per transaction request. Every transaction
 * takes exactly one string argument, the JSON text of its request; the gateway
 * validates the same shapes on its side.
 */
import { Schemas } from '@govledger/chaincode-common';
import { z } from 'zod';
import { Limits, PURPOSES, SENSITIVITIES } from './vocabulary';

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

/** A department of an organisation. */
export const DeptRefSchema = z.object({ mspId: Schemas.mspId, dept: Schemas.code }).strict();

/** A reference to the holder's off-chain service: a URI such as `https://…` or `grpcs://…`. */
export const ServiceRef = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'must be a URI (scheme:rest, no spaces)');

const page = { pageSize: Schemas.pageSize, bookmark: Schemas.bookmark };

function after(from: string | undefined, until: string | undefined): boolean {
  return from === undefined || until === undefined || Date.parse(until) > Date.parse(from);
}

// ---------------------------------------------------------------- catalogue

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
export type RegisterCategoryInput = z.infer<typeof RegisterCategoryRequest>;

/** UpdateCategory: the holder changes a category (fields may only be added) or withdraws/reactivates it. */
export const UpdateCategoryRequest = z
  .object({
    code: Schemas.code,
    description: Schemas.text(512).optional(),
    fields: FieldList.optional(),
    sensitivity: SensitivityLevel.optional(),
    serviceRef: ServiceRef.optional(),
    status: z.enum(['active', 'withdrawn']).optional(),
  })
  .strict()
  .refine(
    (r) =>
      r.description !== undefined ||
      r.fields !== undefined ||
      r.sensitivity !== undefined ||
      r.serviceRef !== undefined ||
      r.status !== undefined,
    'must change at least one of description, fields, sensitivity, serviceRef, status',
  );
/** UpdateCategory request. */
export type UpdateCategoryInput = z.infer<typeof UpdateCategoryRequest>;

/** GetCategory: one category by code. */
export const GetCategoryRequest = z.object({ code: Schemas.code }).strict();
/** GetCategory request. */
export type GetCategoryInput = z.infer<typeof GetCategoryRequest>;

/** ListCategories: every category, or those of one holder organisation (and department). */
export const ListCategoriesRequest = z
  .object({ holderMspId: Schemas.mspId.optional(), holderDept: Schemas.code.optional(), ...page })
  .strict()
  .refine((r) => r.holderDept === undefined || r.holderMspId !== undefined, {
    message: 'holderDept needs holderMspId',
    path: ['holderDept'],
  });
/** ListCategories request. */
export type ListCategoriesInput = z.infer<typeof ListCategoriesRequest>;

/** ListPurposes: the fixed vocabularies (no parameters). */
export const ListPurposesRequest = z.object({}).strict();

// ---------------------------------------------------------------- consent

/** GrantConsent: a citizen allows a department to access some fields of a category for one purpose. */
export const GrantConsentRequest = z
  .object({
    consentId: Schemas.id.optional(),
    grantee: DeptRefSchema,
    categoryCode: Schemas.code,
    fields: FieldList,
    purpose: PurposeCode,
    validFrom: Schemas.isoDateTime,
    validUntil: Schemas.isoDateTime,
    maxUses: z.number().int().min(1).max(Limits.maxUses).optional(),
  })
  .strict()
  .refine((r) => after(r.validFrom, r.validUntil), {
    message: 'validUntil must be after validFrom',
    path: ['validUntil'],
  });
/** GrantConsent request. */
export type GrantConsentInput = z.infer<typeof GrantConsentRequest>;

/** PauseConsent, ResumeConsent, RevokeConsent, GetConsent: one consent by id. */
export const ConsentRefRequest = z.object({ consentId: Schemas.id }).strict();
/** A request naming one consent. */
export type ConsentRefInput = z.infer<typeof ConsentRefRequest>;

/** ListConsents: a citizen's own consents (an auditor names the citizen). */
export const ListConsentsRequest = z.object({ citizenPid: Schemas.pid.optional(), ...page }).strict();
/** ListConsents request. */
export type ListConsentsInput = z.infer<typeof ListConsentsRequest>;

// ---------------------------------------------------------------- legal basis

/** RecordLegalBasis: a legal officer records a statutory duty that lets their department access a category. */
export const RecordLegalBasisRequest = z
  .object({
    legalBasisId: Schemas.id.optional(),
    categoryCode: Schemas.code,
    fields: FieldList,
    purpose: PurposeCode,
    statuteReference: Schemas.text(256),
    description: Schemas.text(1024).optional(),
    validFrom: Schemas.isoDateTime,
    validUntil: Schemas.isoDateTime.optional(),
    citizenPid: Schemas.pid.optional(),
  })
  .strict()
  .refine((r) => after(r.validFrom, r.validUntil), {
    message: 'validUntil must be after validFrom',
    path: ['validUntil'],
  });
/** RecordLegalBasis request. */
export type RecordLegalBasisInput = z.infer<typeof RecordLegalBasisRequest>;

/** WithdrawLegalBasis: the recording department ends a legal basis. */
export const WithdrawLegalBasisRequest = z
  .object({ legalBasisId: Schemas.id, reason: Schemas.text(512) })
  .strict();
/** WithdrawLegalBasis request. */
export type WithdrawLegalBasisInput = z.infer<typeof WithdrawLegalBasisRequest>;

/** GetLegalBasis: one legal basis by id. */
export const GetLegalBasisRequest = z.object({ legalBasisId: Schemas.id }).strict();
/** GetLegalBasis request. */
export type GetLegalBasisInput = z.infer<typeof GetLegalBasisRequest>;

/** ListLegalBases: the legal bases of one department (the caller's own when omitted). */
export const ListLegalBasesRequest = z
  .object({ mspId: Schemas.mspId.optional(), dept: Schemas.code.optional(), ...page })
  .strict();
/** ListLegalBases request. */
export type ListLegalBasesInput = z.infer<typeof ListLegalBasesRequest>;

// ---------------------------------------------------------------- access

/** RequestAccess: a department asks for some fields of one citizen's category for one purpose. */
export const RequestAccessRequest = z
  .object({
    accessId: Schemas.id.optional(),
    citizenPid: Schemas.pid,
    categoryCode: Schemas.code,
    fields: FieldList,
    purpose: PurposeCode,
    consentId: Schemas.id.optional(),
    legalBasisId: Schemas.id.optional(),
    ticketTtlSeconds: z
      .number()
      .int()
      .min(Limits.minTicketTtlSeconds)
      .max(Limits.maxTicketTtlSeconds)
      .default(Limits.defaultTicketTtlSeconds),
  })
  .strict()
  .refine((r) => r.consentId === undefined || r.legalBasisId === undefined, {
    message: 'name a consentId or a legalBasisId, not both',
    path: ['legalBasisId'],
  });
/** RequestAccess request. */
export type RequestAccessInput = z.infer<typeof RequestAccessRequest>;

/** GetAccess: one access log entry by id. */
export const GetAccessRequest = z.object({ accessId: Schemas.id }).strict();
/** GetAccess request. */
export type GetAccessInput = z.infer<typeof GetAccessRequest>;

/** VerifyTicket: the holding department checks a ticket before it serves data. */
export const VerifyTicketRequest = z
  .object({ ticketId: Schemas.id, ticketHash: Schemas.sha256.optional(), fields: FieldList.optional() })
  .strict();
/** VerifyTicket request. */
export type VerifyTicketInput = z.infer<typeof VerifyTicketRequest>;

/** ListCitizenAccesses: every access to a citizen's data, newest first (the caller's own; an auditor names the citizen). */
export const ListCitizenAccessesRequest = z.object({ citizenPid: Schemas.pid.optional(), ...page }).strict();
/** ListCitizenAccesses request. */
export type ListCitizenAccessesInput = z.infer<typeof ListCitizenAccessesRequest>;

/** ListDepartmentAccesses: the accesses a department made, newest first (the caller's own when omitted). */
export const ListDepartmentAccessesRequest = z
  .object({ mspId: Schemas.mspId.optional(), dept: Schemas.code.optional(), ...page })
  .strict();
/** ListDepartmentAccesses request. */
export type ListDepartmentAccessesInput = z.infer<typeof ListDepartmentAccessesRequest>;

/** ListAllAccesses: every access (auditor), newest first; optionally only those flagged for audit. */
export const ListAllAccessesRequest = z.object({ flaggedOnly: z.boolean().default(false), ...page }).strict();
/** ListAllAccesses request. */
export type ListAllAccessesInput = z.infer<typeof ListAllAccessesRequest>;

// ---------------------------------------------------------------- attestation

/** PublishAttestation: the holding department publishes a salted hash of one fact about a citizen. */
export const PublishAttestationRequest = z
  .object({
    attestationId: Schemas.id.optional(),
    categoryCode: Schemas.code,
    field: FieldName,
    citizenPid: Schemas.pid,
    factHash: Schemas.sha256,
    validUntil: Schemas.isoDateTime,
  })
  .strict();
/** PublishAttestation request. */
export type PublishAttestationInput = z.infer<typeof PublishAttestationRequest>;

/** RevokeAttestation, GetAttestation: one attestation by id. */
export const AttestationRefRequest = z.object({ attestationId: Schemas.id }).strict();
/** A request naming one attestation. */
export type AttestationRefInput = z.infer<typeof AttestationRefRequest>;

/** VerifyFact: a department with a valid ticket checks a claimed fact and its salt against an attestation. */
export const VerifyFactRequest = z
  .object({
    ticketId: Schemas.id,
    attestationId: Schemas.id,
    claimedValue: z.string().min(1).max(1024),
    salt: Schemas.salt,
  })
  .strict();
/** VerifyFact request. */
export type VerifyFactInput = z.infer<typeof VerifyFactRequest>;
