/**
 * The wire contract this chaincode reads and answers with, re-exported from
 * `@govledger/wire` (its `dataSharing` module): every transaction's request
 * schema, the vocabularies, limits and constants. Nothing is defined here.
 */
import { dataSharing } from '@govledger/wire';

/** Request schemas, field schemas, vocabularies, limits and the transaction catalogue. */
export const {
  ALL_CITIZENS,
  AttestationRefRequest,
  ConsentRefRequest,
  DecideLegalBasisRequest,
  FieldList,
  FieldName,
  GetAccessRequest,
  GetCategoryRequest,
  GetLegalBasisRequest,
  GrantConsentRequest,
  Limits,
  ListAllAccessesRequest,
  ListCategoriesRequest,
  ListCitizenAccessesRequest,
  ListConsentsRequest,
  ListDepartmentAccessesRequest,
  ListLegalBasesRequest,
  ListPurposesRequest,
  PURPOSES,
  PublishAttestationRequest,
  PurposeCode,
  RecordLegalBasisRequest,
  RegisterCategoryRequest,
  RequestAccessRequest,
  Role,
  SENSITIVITIES,
  SensitivityLevel,
  ServiceRef,
  Subject,
  UpdateCategoryRequest,
  VerifyFactRequest,
  VerifyTicketRequest,
  WithdrawLegalBasisRequest,
  transactions,
} = dataSharing;

/** AttestationRefRequest: one attestation by id. */
export type AttestationRefRequest = dataSharing.AttestationRefRequest;
/** ConsentRefRequest: one consent by id. */
export type ConsentRefRequest = dataSharing.ConsentRefRequest;
/** DecideLegalBasis request. */
export type DecideLegalBasisRequest = dataSharing.DecideLegalBasisRequest;
/** GetAccess request. */
export type GetAccessRequest = dataSharing.GetAccessRequest;
/** GetCategory request. */
export type GetCategoryRequest = dataSharing.GetCategoryRequest;
/** GetLegalBasis request. */
export type GetLegalBasisRequest = dataSharing.GetLegalBasisRequest;
/** GrantConsent request. */
export type GrantConsentRequest = dataSharing.GrantConsentRequest;
/** ListAllAccesses request. */
export type ListAllAccessesRequest = dataSharing.ListAllAccessesRequest;
/** ListCategories request. */
export type ListCategoriesRequest = dataSharing.ListCategoriesRequest;
/** ListCitizenAccesses request. */
export type ListCitizenAccessesRequest = dataSharing.ListCitizenAccessesRequest;
/** ListConsents request. */
export type ListConsentsRequest = dataSharing.ListConsentsRequest;
/** ListDepartmentAccesses request. */
export type ListDepartmentAccessesRequest = dataSharing.ListDepartmentAccessesRequest;
/** ListLegalBases request. */
export type ListLegalBasesRequest = dataSharing.ListLegalBasesRequest;
/** PublishAttestation request. */
export type PublishAttestationRequest = dataSharing.PublishAttestationRequest;
/** RecordLegalBasis request. */
export type RecordLegalBasisRequest = dataSharing.RecordLegalBasisRequest;
/** RegisterCategory request. */
export type RegisterCategoryRequest = dataSharing.RegisterCategoryRequest;
/** RequestAccess request. */
export type RequestAccessRequest = dataSharing.RequestAccessRequest;
/** UpdateCategory request. */
export type UpdateCategoryRequest = dataSharing.UpdateCategoryRequest;
/** VerifyFact request. */
export type VerifyFactRequest = dataSharing.VerifyFactRequest;
/** VerifyTicket request. */
export type VerifyTicketRequest = dataSharing.VerifyTicketRequest;
/** ListPurposes request (no parameters). */
export type ListPurposesRequest = dataSharing.ListPurposesRequest;
/** WithdrawLegalBasis request. */
export type WithdrawLegalBasisRequest = dataSharing.WithdrawLegalBasisRequest;
/** A citizen: home MSP and pseudonymous id. */
export type Subject = dataSharing.Subject;
/** One purpose code. */
export type Purpose = dataSharing.Purpose;
/** One sensitivity level. */
export type Sensitivity = dataSharing.Sensitivity;
/** A transaction name of the catalogue. */
export type TransactionName = dataSharing.TransactionName;

// ---------------------------------------------------------------- usage trace (issue 18 part 4)

/** CheckTicket. */
export const CheckTicketRequest = dataSharing.CheckTicketRequest;
/** CheckTicket request. */
export type CheckTicketRequest = dataSharing.CheckTicketRequest;
/** CheckFact. */
export const CheckFactRequest = dataSharing.CheckFactRequest;
/** CheckFact request. */
export type CheckFactRequest = dataSharing.CheckFactRequest;
/** ListDataChecks. */
export const ListDataChecksRequest = dataSharing.ListDataChecksRequest;
/** ListDataChecks request. */
export type ListDataChecksRequest = dataSharing.ListDataChecksRequest;
/** One recorded ticket or fact check. */
export type DataCheck = dataSharing.DataCheck;
