/**
 * The records the e-licence chaincode keeps, as stored (deterministic JSON) and
 * returned on the wire. Their shapes are the wire contract's (`@govledger/wire`,
 * namespace `eLicence`); this file names them for the chaincode. Absent values
 * are `null`, never missing, so every field of a record is always present.
 */
import { eLicence } from '@govledger/wire';

/** Who a licence type is for: a natural person (citizen) or an enterprise. */
export type HolderKind = eLicence.HolderKind;
/** How long a licence of a type is valid: a maximum number of days, or without end. */
export type ValidityRule = eLicence.ValidityRule;
/** Whether new licences may be issued under a type. */
export type TypeStatus = eLicence.TypeStatus;
/** A licence type, owned by one jurisdiction (MSP) and one of its departments. */
export type LicenceType = eLicence.LicenceType;
/** A jurisdiction's statement that another jurisdiction's type is equivalent to one of its own. */
export type Recognition = eLicence.Recognition;
/** The stored status of a licence. */
export type LicenceStatus = eLicence.LicenceStatus;
/** The status a verifier sees, computed with the transaction time. */
export type EffectiveStatus = eLicence.EffectiveStatus;
/** What last happened to a licence record. */
export type LicenceAction = eLicence.LicenceAction;
/** The last change of a licence. */
export type LicenceChange = eLicence.LicenceChange;
/** A suspension or revocation: why and when. */
export type StatusReason = eLicence.StatusReason;
/** The public licence record. */
export type Licence = eLicence.Licence;
/** A public licence record with its status at the time of the query. */
export type LicenceView = eLicence.LicenceView;
/** One clear claim value and its salt (private). */
export type ClaimSecret = eLicence.ClaimSecret;
/** The private record of a licence or pending application. */
export type PrivateRecord = eLicence.PrivateRecord;
/** The state of an application. */
export type ApplicationStatus = eLicence.ApplicationStatus;
/** One entry of an application's timeline. */
export type TimelineEntry = eLicence.TimelineEntry;
/** An application for a licence. */
export type Application = eLicence.Application;
/** An application with its derived progress. */
export type ApplicationView = eLicence.ApplicationView;
/** How a licence is recognised by an organisation. */
export type RecognitionAnswer = eLicence.RecognitionAnswer;
/** The result of checking one disclosed claim. */
export type ClaimCheck = eLicence.ClaimCheck;
/** The answer of VerifyLicence. */
export type VerifyResult = eLicence.VerifyResult;
/** One modification of a licence key. */
export type HistoryEntry = eLicence.HistoryEntry;
/** A licence's full history. */
export type LicenceHistory = eLicence.LicenceHistory;
/** A licence's private record and its exact bytes. */
export type PrivateDataResult = eLicence.PrivateDataResult;
/** The result of a renewal. */
export type RenewResult = eLicence.RenewResult;
/** The result of an approval. */
export type ApprovalResult = eLicence.ApprovalResult;

/** Reasons a licence may be suspended. */
export const SUSPENSION_REASONS = eLicence.SUSPENSION_REASONS;
/** Reasons a licence may be revoked. */
export const REVOCATION_REASONS = eLicence.REVOCATION_REASONS;
/** The most history entries GetLicenceHistory returns. */
export const MAX_HISTORY = eLicence.MAX_HISTORY;

/** The event names this chaincode emits (one per transaction). */
export const ELicenceEvent = eLicence.Event;
/** One of the chaincode's event names. */
export type ELicenceEventName = eLicence.EventName;
