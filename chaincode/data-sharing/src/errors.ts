/**
 * The data-sharing chaincode's stable error codes.
 *
 * Thrown codes refuse a transaction (nothing is written). Refusal codes
 * ({@link RefusalCode}) are not thrown by RequestAccess: a refused access must be
 * logged, and a throw would discard the log entry, so RequestAccess returns
 * `{ granted: false, code, reason }` and commits the refusal entry instead.
 */
import { CommonErrorCode } from '@govledger/chaincode-common';

/** Every error code this chaincode throws or returns. */
export const DataSharingErrorCode = {
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

  /** 403: a department acts for another department. */
  DeptMismatch: 'DEPT_MISMATCH',

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

/** One of this chaincode's error codes. */
export type DataSharingErrorCodeValue = (typeof DataSharingErrorCode)[keyof typeof DataSharingErrorCode];

/** The codes RequestAccess returns (and logs) when it refuses an access. */
export type RefusalCode =
  | typeof DataSharingErrorCode.ConsentMismatch
  | typeof DataSharingErrorCode.ConsentPurposeMismatch
  | typeof DataSharingErrorCode.ConsentFieldsNotCovered
  | typeof DataSharingErrorCode.ConsentRevoked
  | typeof DataSharingErrorCode.ConsentExpired
  | typeof DataSharingErrorCode.ConsentNotYetValid
  | typeof DataSharingErrorCode.ConsentPaused
  | typeof DataSharingErrorCode.ConsentUsedUp
  | typeof DataSharingErrorCode.LegalBasisMismatch
  | typeof DataSharingErrorCode.LegalBasisPurposeMismatch
  | typeof DataSharingErrorCode.LegalBasisFieldsNotCovered
  | typeof DataSharingErrorCode.LegalBasisWithdrawn
  | typeof DataSharingErrorCode.LegalBasisExpired
  | typeof DataSharingErrorCode.LegalBasisNotYetValid
  | typeof DataSharingErrorCode.NoConsentOrLegalBasis;
