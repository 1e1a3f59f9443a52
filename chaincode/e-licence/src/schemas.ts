/**
 * The wire contract: one strict zod schema per transaction request (the single
 * JSON string argument) and one for the transient private record. The gateway
 * validates the same shapes on its side.
 */
import { Schemas } from '@govledger/chaincode-common';
import { z } from 'zod';
import { REVOCATION_REASONS, SUSPENSION_REASONS } from './model';

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

/** A field name of the holder's personal data. */
export const HolderFieldName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
    'must be 1-64 characters of letters, digits, _ . - (starting with a letter)',
  );

/** A licence type's validity rule. */
export const ValidityRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().int().min(1).max(36600) }).strict(),
  z.object({ kind: z.literal('permanent') }).strict(),
]);

/** Person or enterprise. */
export const HolderKindSchema = z.enum(['person', 'enterprise']);

function uniqueList<T extends z.ZodType<string>>(item: T, min: number, max: number) {
  return z
    .array(item)
    .min(min)
    .max(max)
    .refine((a) => new Set(a).size === a.length, 'must not contain duplicates');
}

function boundedRecord<V extends z.ZodType>(key: z.ZodType<string>, value: V, max: number) {
  return z.record(key, value).refine((r) => Object.keys(r).length <= max, `must have at most ${max} entries`);
}

const note = Schemas.text(500);
const page = { pageSize: Schemas.pageSize, bookmark: Schemas.bookmark };

// ---------------------------------------------------------------- licence types

/** CreateLicenceType: the type is owned by the caller's organisation. */
export const CreateLicenceTypeRequest = z
  .object({
    code: Schemas.code,
    name: Schemas.text(200),
    dept: DeptCode,
    holderKind: HolderKindSchema,
    validity: ValidityRuleSchema,
    claims: uniqueList(ClaimName, 1, 50),
    requiredApprovals: uniqueList(DeptCode, 0, 10),
  })
  .strict();
/** CreateLicenceType request. */
export type CreateLicenceTypeRequest = z.infer<typeof CreateLicenceTypeRequest>;

/** UpdateLicenceType: changes the given fields (at least one); code, owner, dept and holder kind are fixed. */
export const UpdateLicenceTypeRequest = z
  .object({
    code: Schemas.code,
    name: Schemas.text(200).optional(),
    validity: ValidityRuleSchema.optional(),
    claims: uniqueList(ClaimName, 1, 50).optional(),
    requiredApprovals: uniqueList(DeptCode, 0, 10).optional(),
    status: z.enum(['active', 'retired']).optional(),
  })
  .strict()
  .refine((r) => Object.keys(r).length > 1, 'must change at least one field');
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

// ---------------------------------------------------------------- recognition

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

// ---------------------------------------------------------------- licences

/** The transient field that carries a {@link LicencePrivateTransient} private record. */
export const PRIVATE_TRANSIENT_FIELD = 'licencePrivate';

/** Transient `licencePrivate`: the holder's personal data and the clear claim values with their salts. */
export const LicencePrivateTransient = z
  .object({
    holder: boundedRecord(HolderFieldName, z.string().max(1000), 50),
    claims: boundedRecord(
      ClaimName,
      z.object({ value: z.string().max(4000), salt: Schemas.salt }).strict(),
      50,
    ),
    salt: Schemas.salt,
  })
  .strict();
/** The transient private record. */
export type LicencePrivateTransient = z.infer<typeof LicencePrivateTransient>;

/** IssueLicence (+ transient `licencePrivate`). */
export const IssueLicenceRequest = z
  .object({
    licenceId: Schemas.id,
    typeCode: Schemas.code,
    holderPid: Schemas.pid,
    documentHash: Schemas.sha256,
    validFrom: Schemas.isoDateTime.optional(),
    validUntil: Schemas.isoDateTime.optional(),
  })
  .strict();
/** IssueLicence request. */
export type IssueLicenceRequest = z.infer<typeof IssueLicenceRequest>;

/** One disclosed claim: its name, clear value and salt. */
export const DisclosedClaim = z
  .object({ name: ClaimName, value: z.string().max(4000), salt: Schemas.salt })
  .strict();

/** VerifyLicence: optional document hash, disclosed claims and private record hash to check. */
export const VerifyLicenceRequest = z
  .object({
    licenceId: Schemas.id,
    documentHash: Schemas.sha256.optional(),
    claims: z.array(DisclosedClaim).max(50).optional(),
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

/** RenewLicence: a new licence (newLicenceId) with new validity, linked to the previous one. */
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

/** AmendLicence (+ transient `licencePrivate`): a new version with a new document and claims. */
export const AmendLicenceRequest = z
  .object({ licenceId: Schemas.id, documentHash: Schemas.sha256, note: note.optional() })
  .strict();
/** AmendLicence request. */
export type AmendLicenceRequest = z.infer<typeof AmendLicenceRequest>;

/** ListLicencesByHolder. */
export const ListLicencesByHolderRequest = z.object({ holderPid: Schemas.pid, ...page }).strict();
/** ListLicencesByHolder request. */
export type ListLicencesByHolderRequest = z.infer<typeof ListLicencesByHolderRequest>;

/** ListLicencesByTypeAndStatus (stored status). */
export const ListLicencesByTypeAndStatusRequest = z
  .object({ typeCode: Schemas.code, status: z.enum(['active', 'suspended', 'revoked']), ...page })
  .strict();
/** ListLicencesByTypeAndStatus request. */
export type ListLicencesByTypeAndStatusRequest = z.infer<typeof ListLicencesByTypeAndStatusRequest>;

// ---------------------------------------------------------------- applications

/** SubmitApplication (+ transient `licencePrivate`). */
export const SubmitApplicationRequest = z
  .object({ applicationId: Schemas.id, typeCode: Schemas.code })
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
