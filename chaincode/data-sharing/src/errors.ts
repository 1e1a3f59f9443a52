/**
 * The data-sharing chaincode's refusals: one factory per error, each with its
 * stable code (from the wire contract) and class of failure.
 *
 * Thrown errors refuse a transaction (nothing is written). Refusal codes
 * ({@link RefusalCode}) are not thrown by RequestAccess: a refused access must
 * be logged, and a throw would discard the log entry, so RequestAccess returns
 * `{ granted: false, code, reason }` and commits the refusal entry instead.
 */
import { defineErrors } from '@govledger/chaincode-common';
import { dataSharing } from '@govledger/wire';

const E = dataSharing.ErrorCode;

/** Every error code this chaincode throws or returns (the wire contract's). */
export const DataSharingErrorCode = E;

/** One of this chaincode's error codes. */
export type DataSharingErrorCodeValue = dataSharing.ErrorCode;

/** The codes RequestAccess returns (and logs) when it refuses an access. */
export type RefusalCode = dataSharing.RefusalCode;

/** The chaincode's thrown refusals. */
export const errors = defineErrors({
  invalidArgument: [E.InvalidArgument, 400],
  forbidden: [E.Forbidden, 403],
  invalidValidity: [E.InvalidValidity, 400],
  fieldNotInCategory: [E.FieldNotInCategory, 400],
  categoryNotFound: [E.CategoryNotFound, 404],
  categoryExists: [E.CategoryExists, 409],
  categoryWithdrawn: [E.CategoryWithdrawn, 409],
  fieldsCannotBeRemoved: [E.FieldsCannotBeRemoved, 409],
  notCategoryHolder: [E.NotCategoryHolder, 403],
  consentNotFound: [E.ConsentNotFound, 404],
  consentExists: [E.ConsentExists, 409],
  notConsentOwner: [E.NotConsentOwner, 403],
  notOwnData: [E.NotOwnData, 403],
  consentRevoked: [E.ConsentRevoked, 409],
  consentExpired: [E.ConsentExpired, 409],
  consentPaused: [E.ConsentPaused, 409],
  consentNotPaused: [E.ConsentNotPaused, 409],
  tooManyConsents: [E.TooManyConsents, 409],
  legalBasisNotFound: [E.LegalBasisNotFound, 404],
  legalBasisExists: [E.LegalBasisExists, 409],
  legalBasisWithdrawn: [E.LegalBasisWithdrawn, 409],
  tooManyLegalBases: [E.TooManyLegalBases, 409],
  legalBasisNotPending: [E.LegalBasisNotPending, 409],
  deptMismatch: [E.DeptMismatch, 403],
  notRecordOwner: [E.NotRecordOwner, 403],
  outsideAuditScope: [E.OutsideAuditScope, 403],
  accessNotFound: [E.AccessNotFound, 404],
  accessExists: [E.AccessExists, 409],
  ticketNotFound: [E.TicketNotFound, 404],
  ticketExpired: [E.TicketExpired, 409],
  ticketInvalid: [E.TicketInvalid, 409],
  ticketNotYours: [E.TicketNotYours, 403],
  notTicketParty: [E.NotTicketParty, 403],
  attestationNotFound: [E.AttestationNotFound, 404],
  attestationExists: [E.AttestationExists, 409],
  attestationRevoked: [E.AttestationRevoked, 409],
  attestationExpired: [E.AttestationExpired, 409],
  attestationNotCovered: [E.AttestationNotCovered, 403],
});
