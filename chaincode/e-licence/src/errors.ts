/**
 * The e-licence chaincode's refusals, declared once with `defineErrors`: each
 * with its stable code (from the wire contract) and fixed status, so callers can
 * branch on the code. `errors.licenceNotFound('no licence L1')` builds the
 * {@link ChaincodeError} to throw.
 */
import { defineErrors } from '@govledger/chaincode-common';
import { eLicence } from '@govledger/wire';

/** Every code this chaincode refuses with (the wire contract's `eLicence.ErrorCode`). */
export const ELicenceErrorCode = eLicence.ErrorCode;
/** One of the chaincode's error codes. */
export type ELicenceErrorCodeValue = eLicence.ErrorCodeValue;
/** The status each code is always reported with. */
export const ELicenceErrorStatus = eLicence.ErrorStatusOf;

const C = ELicenceErrorCode;
const S = ELicenceErrorStatus;

/** One factory per refusal. */
export const errors = defineErrors({
  invalidArgument: [C.InvalidArgument, S.INVALID_ARGUMENT],
  forbidden: [C.Forbidden, S.FORBIDDEN],
  tooManyRecords: [C.TooManyRecords, S.TOO_MANY_RECORDS],
  orgNotLicensing: [C.OrgNotLicensing, S.ORG_NOT_LICENSING],
  typeNotFound: [C.TypeNotFound, S.TYPE_NOT_FOUND],
  typeAlreadyExists: [C.TypeAlreadyExists, S.TYPE_ALREADY_EXISTS],
  typeNotActive: [C.TypeNotActive, S.TYPE_NOT_ACTIVE],
  notTypeOwner: [C.NotTypeOwner, S.NOT_TYPE_OWNER],
  selfRecognition: [C.SelfRecognition, S.SELF_RECOGNITION],
  recognitionAlreadyExists: [C.RecognitionAlreadyExists, S.RECOGNITION_ALREADY_EXISTS],
  recognitionNotFound: [C.RecognitionNotFound, S.RECOGNITION_NOT_FOUND],
  licenceNotFound: [C.LicenceNotFound, S.LICENCE_NOT_FOUND],
  licenceAlreadyExists: [C.LicenceAlreadyExists, S.LICENCE_ALREADY_EXISTS],
  notIssuingOrg: [C.NotIssuingOrg, S.NOT_ISSUING_ORG],
  licenceRevoked: [C.LicenceRevoked, S.LICENCE_REVOKED],
  licenceAlreadySuspended: [C.LicenceAlreadySuspended, S.LICENCE_ALREADY_SUSPENDED],
  licenceNotSuspended: [C.LicenceNotSuspended, S.LICENCE_NOT_SUSPENDED],
  licenceSuspended: [C.LicenceSuspended, S.LICENCE_SUSPENDED],
  licenceAlreadyRenewed: [C.LicenceAlreadyRenewed, S.LICENCE_ALREADY_RENEWED],
  invalidValidity: [C.InvalidValidity, S.INVALID_VALIDITY],
  claimsMismatch: [C.ClaimsMismatch, S.CLAIMS_MISMATCH],
  privateDataUnavailable: [C.PrivateDataUnavailable, S.PRIVATE_DATA_UNAVAILABLE],
  endorserNotCollectionMember: [C.EndorserNotCollectionMember, S.ENDORSER_NOT_COLLECTION_MEMBER],
  applicationNotFound: [C.ApplicationNotFound, S.APPLICATION_NOT_FOUND],
  applicationAlreadyExists: [C.ApplicationAlreadyExists, S.APPLICATION_ALREADY_EXISTS],
  applicationClosed: [C.ApplicationClosed, S.APPLICATION_CLOSED],
  alreadyDecided: [C.AlreadyDecided, S.ALREADY_DECIDED],
  deptNotRequired: [C.DeptNotRequired, S.DEPT_NOT_REQUIRED],
  holderKindMismatch: [C.HolderKindMismatch, S.HOLDER_KIND_MISMATCH],
  applicantOrgMismatch: [C.ApplicantOrgMismatch, S.APPLICANT_ORG_MISMATCH],
  noApprovalsRequired: [C.NoApprovalsRequired, S.NO_APPROVALS_REQUIRED],
  documentHashRequired: [C.DocumentHashRequired, S.DOCUMENT_HASH_REQUIRED],
  privateDataHashMismatch: [C.PrivateDataHashMismatch, S.PRIVATE_DATA_HASH_MISMATCH],
  presentationKeyExists: [C.PresentationKeyExists, S.PRESENTATION_KEY_EXISTS],
  materialNotFound: [C.MaterialNotFound, S.MATERIAL_NOT_FOUND],
  materialNotOwned: [C.MaterialNotOwned, S.MATERIAL_NOT_OWNED],
  materialNotValid: [C.MaterialNotValid, S.MATERIAL_NOT_VALID],
  materialUnavailable: [C.MaterialUnavailable, S.MATERIAL_UNAVAILABLE],
  invalidApprovalRules: [C.InvalidApprovalRules, S.INVALID_APPROVAL_RULES],
});
