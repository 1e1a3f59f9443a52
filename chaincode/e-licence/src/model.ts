/**
 * The records the e-licence chaincode keeps, as stored (deterministic JSON) and
 * returned on the wire. Absent values are `null`, never missing, so every field
 * of a record is always present.
 */

/** Who a licence type is for: a natural person (citizen) or an enterprise. */
export type HolderKind = 'person' | 'enterprise';

/** How long a licence of a type is valid: a maximum number of days, or without end. */
export type ValidityRule = { kind: 'days'; days: number } | { kind: 'permanent' };

/** Whether new licences may be issued under a type. */
export type TypeStatus = 'active' | 'retired';

/** A licence type, owned by one jurisdiction (MSP) and one of its departments. */
export interface LicenceType {
  /** Unique across the consortium (by convention prefixed by the jurisdiction, e.g. `A-BIZ`). */
  code: string;
  name: string;
  ownerMsp: string;
  /** The department whose issuers issue it. */
  dept: string;
  holderKind: HolderKind;
  validity: ValidityRule;
  /** The names of the licence's claims (fields), each hashed with a salt on the public record. */
  claims: string[];
  /** Departments of the owning org that must each approve an application; empty: direct issue only. */
  requiredApprovals: string[];
  status: TypeStatus;
  createdAt: string;
  updatedAt: string;
  /** 1 at creation, +1 on every update. */
  revision: number;
}

/** A jurisdiction's statement that another jurisdiction's type is equivalent to one of its own. */
export interface Recognition {
  /** The recognising jurisdiction. */
  recognizerMsp: string;
  /** The other jurisdiction's type. */
  foreignTypeCode: string;
  foreignOwnerMsp: string;
  /** The recognising jurisdiction's own, equivalent type. */
  localTypeCode: string;
  status: 'active' | 'withdrawn';
  recordedAt: string;
  recordedBy: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
}

/** The stored status of a licence. */
export type LicenceStatus = 'active' | 'suspended' | 'revoked';

/** The status a verifier sees, computed with the transaction time. */
export type EffectiveStatus = 'valid' | 'not-yet-valid' | 'expired' | 'suspended' | 'revoked' | 'unknown';

/** Reasons a licence may be suspended. */
export const SUSPENSION_REASONS = ['INVESTIGATION', 'NON_COMPLIANCE', 'HOLDER_REQUEST', 'OTHER'] as const;

/** Reasons a licence may be revoked. */
export const REVOCATION_REASONS = [
  'FRAUD',
  'NON_COMPLIANCE',
  'HOLDER_REQUEST',
  'ISSUED_IN_ERROR',
  'HOLDER_CEASED',
  'COURT_ORDER',
  'OTHER',
] as const;

/** What last happened to a licence record. */
export type LicenceAction = 'issued' | 'suspended' | 'reinstated' | 'revoked' | 'renewed' | 'amended';

/** The last change of a licence: action, time, and the official's Fabric id. */
export interface LicenceChange {
  action: LicenceAction;
  at: string;
  by: string;
  reasonCode: string | null;
  note: string | null;
}

/** A suspension or revocation: why and when. */
export interface StatusReason {
  reasonCode: string;
  at: string;
  note: string | null;
}

/** The public licence record. Personal data and clear claim values are never in it. */
export interface Licence {
  licenceId: string;
  typeCode: string;
  /** The holder's pseudonymous id (gov.pid). */
  holderPid: string;
  holderKind: HolderKind;
  issuerMsp: string;
  issuerDept: string;
  issuedAt: string;
  validFrom: string;
  /** null: without end (permanent types). */
  validUntil: string | null;
  status: LicenceStatus;
  /** 1 at issue, +1 on every amendment. */
  version: number;
  /** SHA-256 of the licence document (PDF/OFD) of the current version. */
  documentHash: string;
  /** Claim name to `sha256(salt + "|" + value)`. */
  claimHashes: Record<string, string>;
  /** SHA-256 of the private record's bytes in {@link Licence.privateCollection}. */
  privateDataHash: string;
  privateCollection: string;
  /** The application it was issued through, if any. */
  applicationId: string | null;
  /** The licence this one renews. */
  previousLicenceId: string | null;
  /** The licence that renews this one. */
  renewedBy: string | null;
  suspension: StatusReason | null;
  revocation: StatusReason | null;
  lastChange: LicenceChange;
  updatedAt: string;
}

/** A public licence record with its status at the time of the query. */
export interface LicenceView extends Licence {
  effectiveStatus: EffectiveStatus;
}

/** One clear claim value and its salt (private). */
export interface ClaimSecret {
  value: string;
  salt: string;
}

/**
 * The private record of a licence (or of an application waiting for approval),
 * kept in the issuing organisation's collection. Its bytes are its deterministic
 * JSON; their SHA-256 is {@link Licence.privateDataHash}.
 */
export interface PrivateRecord {
  /** The holder's personal data (name, identifier, address...), field name to value. */
  holder: Record<string, string>;
  /** Claim name to clear value and salt. */
  claims: Record<string, ClaimSecret>;
  /** A random salt so that the record's hash cannot be guessed from low-entropy personal data. */
  salt: string;
}

/** The state of an application. */
export type ApplicationStatus = 'pending' | 'issued' | 'rejected';

/** One entry of an application's timeline. */
export type TimelineEntry =
  | { event: 'submitted'; at: string }
  | { event: 'approved'; at: string; dept: string; by: string }
  | { event: 'rejected'; at: string; dept: string; by: string; reasonCode: string; reason: string }
  | { event: 'issued'; at: string; licenceId: string };

/** An application for a licence, approved in parallel by the departments its type requires. */
export interface Application {
  applicationId: string;
  typeCode: string;
  ownerMsp: string;
  applicantPid: string;
  holderKind: HolderKind;
  /** The departments that must approve, fixed at submission. */
  requiredDepts: string[];
  claimHashes: Record<string, string>;
  privateDataHash: string;
  privateCollection: string;
  status: ApplicationStatus;
  submittedAt: string;
  closedAt: string | null;
  /** The issued licence's id (equal to the application id) once issued. */
  licenceId: string | null;
  timeline: TimelineEntry[];
}

/** An application with its derived progress. */
export interface ApplicationView extends Application {
  approvedDepts: string[];
  pendingDepts: string[];
  /** Milliseconds from submission to closing, or to the query time while pending. */
  elapsedMs: number;
}

/** The event names this chaincode emits (one per transaction). */
export const ELicenceEvent = {
  LicenceTypeCreated: 'LicenceTypeCreated',
  LicenceTypeUpdated: 'LicenceTypeUpdated',
  RecognitionRecorded: 'RecognitionRecorded',
  RecognitionWithdrawn: 'RecognitionWithdrawn',
  LicenceIssued: 'LicenceIssued',
  LicenceSuspended: 'LicenceSuspended',
  LicenceReinstated: 'LicenceReinstated',
  LicenceRevoked: 'LicenceRevoked',
  LicenceRenewed: 'LicenceRenewed',
  LicenceAmended: 'LicenceAmended',
  ApplicationSubmitted: 'ApplicationSubmitted',
  ApplicationApproved: 'ApplicationApproved',
  ApplicationRejected: 'ApplicationRejected',
} as const;

/** One of the chaincode's event names. */
export type ELicenceEventName = (typeof ELicenceEvent)[keyof typeof ELicenceEvent];
