/**
 * The request schemas this chaincode parses, all from the wire contract
 * (`@govledger/wire`, namespace `eLicence`); nothing is defined here.
 */
import { eLicence } from '@govledger/wire';

/** The transaction catalogue (every transaction, submit or evaluate, its request and response). */
export const transactions = eLicence.transactions;

/** The transient field that carries the private record. */
export const PRIVATE_TRANSIENT_FIELD = eLicence.PRIVATE_TRANSIENT_FIELD;

/** Transient `licencePrivate`. */
export const LicencePrivateTransient = eLicence.LicencePrivateTransient;
/** The transient private record. */
export type LicencePrivateTransient = eLicence.LicencePrivateTransient;

/** CreateLicenceType. */
export const CreateLicenceTypeRequest = eLicence.CreateLicenceTypeRequest;
/** CreateLicenceType request. */
export type CreateLicenceTypeRequest = eLicence.CreateLicenceTypeRequest;

/** UpdateLicenceType. */
export const UpdateLicenceTypeRequest = eLicence.UpdateLicenceTypeRequest;
/** UpdateLicenceType request. */
export type UpdateLicenceTypeRequest = eLicence.UpdateLicenceTypeRequest;

/** GetLicenceType. */
export const GetLicenceTypeRequest = eLicence.GetLicenceTypeRequest;
/** GetLicenceType request. */
export type GetLicenceTypeRequest = eLicence.GetLicenceTypeRequest;

/** ListLicenceTypes. */
export const ListLicenceTypesRequest = eLicence.ListLicenceTypesRequest;
/** ListLicenceTypes request. */
export type ListLicenceTypesRequest = eLicence.ListLicenceTypesRequest;

/** RecordRecognition. */
export const RecordRecognitionRequest = eLicence.RecordRecognitionRequest;
/** RecordRecognition request. */
export type RecordRecognitionRequest = eLicence.RecordRecognitionRequest;

/** WithdrawRecognition. */
export const WithdrawRecognitionRequest = eLicence.WithdrawRecognitionRequest;
/** WithdrawRecognition request. */
export type WithdrawRecognitionRequest = eLicence.WithdrawRecognitionRequest;

/** ListRecognitions. */
export const ListRecognitionsRequest = eLicence.ListRecognitionsRequest;
/** ListRecognitions request. */
export type ListRecognitionsRequest = eLicence.ListRecognitionsRequest;

/** IssueLicence. */
export const IssueLicenceRequest = eLicence.IssueLicenceRequest;
/** IssueLicence request. */
export type IssueLicenceRequest = eLicence.IssueLicenceRequest;

/** VerifyLicence. */
export const VerifyLicenceRequest = eLicence.VerifyLicenceRequest;
/** VerifyLicence request. */
export type VerifyLicenceRequest = eLicence.VerifyLicenceRequest;

/** GetLicence, GetLicenceHistory, GetLicencePrivateData. */
export const LicenceIdRequest = eLicence.LicenceIdRequest;
/** A request naming one licence. */
export type LicenceIdRequest = eLicence.LicenceIdRequest;

/** SuspendLicence. */
export const SuspendLicenceRequest = eLicence.SuspendLicenceRequest;
/** SuspendLicence request. */
export type SuspendLicenceRequest = eLicence.SuspendLicenceRequest;

/** ReinstateLicence. */
export const ReinstateLicenceRequest = eLicence.ReinstateLicenceRequest;
/** ReinstateLicence request. */
export type ReinstateLicenceRequest = eLicence.ReinstateLicenceRequest;

/** RevokeLicence. */
export const RevokeLicenceRequest = eLicence.RevokeLicenceRequest;
/** RevokeLicence request. */
export type RevokeLicenceRequest = eLicence.RevokeLicenceRequest;

/** RenewLicence. */
export const RenewLicenceRequest = eLicence.RenewLicenceRequest;
/** RenewLicence request. */
export type RenewLicenceRequest = eLicence.RenewLicenceRequest;

/** AmendLicence. */
export const AmendLicenceRequest = eLicence.AmendLicenceRequest;
/** AmendLicence request. */
export type AmendLicenceRequest = eLicence.AmendLicenceRequest;

/** ListLicencesByHolder. */
export const ListLicencesByHolderRequest = eLicence.ListLicencesByHolderRequest;
/** ListLicencesByHolder request. */
export type ListLicencesByHolderRequest = eLicence.ListLicencesByHolderRequest;

/** ListLicencesByTypeAndStatus. */
export const ListLicencesByTypeAndStatusRequest = eLicence.ListLicencesByTypeAndStatusRequest;
/** ListLicencesByTypeAndStatus request. */
export type ListLicencesByTypeAndStatusRequest = eLicence.ListLicencesByTypeAndStatusRequest;

/** SubmitApplication. */
export const SubmitApplicationRequest = eLicence.SubmitApplicationRequest;
/** SubmitApplication request. */
export type SubmitApplicationRequest = eLicence.SubmitApplicationRequest;

/** ApproveApplication. */
export const ApproveApplicationRequest = eLicence.ApproveApplicationRequest;
/** ApproveApplication request. */
export type ApproveApplicationRequest = eLicence.ApproveApplicationRequest;

/** RejectApplication. */
export const RejectApplicationRequest = eLicence.RejectApplicationRequest;
/** RejectApplication request. */
export type RejectApplicationRequest = eLicence.RejectApplicationRequest;

/** GetApplication. */
export const GetApplicationRequest = eLicence.GetApplicationRequest;
/** GetApplication request. */
export type GetApplicationRequest = eLicence.GetApplicationRequest;

/** StageLicencePrivateData (private-only). */
export const StageLicencePrivateDataRequest = eLicence.StageLicencePrivateDataRequest;
/** StageLicencePrivateData request. */
export type StageLicencePrivateDataRequest = eLicence.StageLicencePrivateDataRequest;

/** StageApplicationPrivateData (private-only). */
export const StageApplicationPrivateDataRequest = eLicence.StageApplicationPrivateDataRequest;
/** StageApplicationPrivateData request. */
export type StageApplicationPrivateDataRequest = eLicence.StageApplicationPrivateDataRequest;

/** RaiseOverdueWarnings. */
export const RaiseOverdueWarningsRequest = eLicence.RaiseOverdueWarningsRequest;
/** RaiseOverdueWarnings request. */
export type RaiseOverdueWarningsRequest = eLicence.RaiseOverdueWarningsRequest;

/** ListOverdueWarnings. */
export const ListOverdueWarningsRequest = eLicence.ListOverdueWarningsRequest;
/** ListOverdueWarnings request. */
export type ListOverdueWarningsRequest = eLicence.ListOverdueWarningsRequest;

/** What a staging transaction wrote. */
export type StagedPrivateRecord = eLicence.StagedPrivateRecord;

// ---------------------------------------------------------------- presentations and usage (e-licence-usage)

/** RegisterPresentationKey. */
export const RegisterPresentationKeyRequest = eLicence.RegisterPresentationKeyRequest;
/** RegisterPresentationKey request. */
export type RegisterPresentationKeyRequest = eLicence.RegisterPresentationKeyRequest;
/** ListPresentationKeys. */
export const ListPresentationKeysRequest = eLicence.ListPresentationKeysRequest;
/** ListPresentationKeys request. */
export type ListPresentationKeysRequest = eLicence.ListPresentationKeysRequest;
/** A P-256 public JWK. */
export type PresentationPublicJwk = eLicence.PresentationPublicJwk;
/** A registered presentation key. */
export type PresentationKey = eLicence.PresentationKey;
/** ListPresentationKeys answer. */
export type PresentationKeyList = eLicence.PresentationKeyList;
/** CheckLicence. */
export const CheckLicenceRequest = eLicence.CheckLicenceRequest;
/** CheckLicence request. */
export type CheckLicenceRequest = eLicence.CheckLicenceRequest;
/** RecordPresentationCheck. */
export const RecordPresentationCheckRequest = eLicence.RecordPresentationCheckRequest;
/** RecordPresentationCheck request. */
export type RecordPresentationCheckRequest = eLicence.RecordPresentationCheckRequest;
/** ListLicenceUsage. */
export const ListLicenceUsageRequest = eLicence.ListLicenceUsageRequest;
/** ListLicenceUsage request. */
export type ListLicenceUsageRequest = eLicence.ListLicenceUsageRequest;
/** One usage entry. */
export type LicenceUsage = eLicence.LicenceUsage;
/** A stated purpose. */
export type UsagePurpose = eLicence.UsagePurpose;
/** Who checked. */
export type UsageVerifier = eLicence.UsageVerifier;
