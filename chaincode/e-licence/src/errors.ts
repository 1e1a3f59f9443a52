/**
 * The e-licence chaincode's stable error codes. Every refusal is a
 * {@link ChaincodeError} with one of these codes (or a common one), always with
 * the same HTTP-like status, so callers can branch on the code.
 */
import { ChaincodeError, CommonErrorCode, type ErrorStatus } from '@govledger/chaincode-common';

/** Every code this chaincode refuses with. */
export const ELicenceErrorCode = {
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
} as const;

/** One of the chaincode's error codes. */
export type ELicenceErrorCodeValue = (typeof ELicenceErrorCode)[keyof typeof ELicenceErrorCode];

/** The status each code is always reported with. */
export const ELicenceErrorStatus: Readonly<Record<ELicenceErrorCodeValue, ErrorStatus>> = {
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
};

/** Builds the refusal for a code, with the code's fixed status. */
export function fail(code: ELicenceErrorCodeValue, reason: string, details?: unknown): ChaincodeError {
  return new ChaincodeError(code, ELicenceErrorStatus[code], reason, details);
}
