/**
 * The records this chaincode keeps on the public ledger. Citizens appear only
 * as pseudonymous ids; no data value is ever stored, only field names, codes
 * and hashes.
 */
import type { RefusalCode } from './errors';
import type { Purpose, Sensitivity } from './vocabulary';

/** A department of an organisation (a grantee, a holder, a requester). */
export interface DeptRef {
  mspId: string;
  dept: string;
}

/** A data category in the catalogue. Key: `category(code)`. */
export interface CategoryRecord {
  code: string;
  description: string;
  /** Names of the fields the holder can provide (sorted). */
  fields: string[];
  sensitivity: Sensitivity;
  /** Where the holder's system serves the data (off-chain). */
  serviceRef: string;
  /** The holding department; only its officers change the category. */
  holder: DeptRef;
  status: 'active' | 'withdrawn';
  version: number;
  registeredAt: string;
  registeredBy: string;
  updatedAt: string;
}

/** The stored status of a consent; `expired` is computed from the transaction time. */
export type StoredConsentStatus = 'active' | 'paused' | 'revoked';

/** A consent's state as every reader sees it. */
export type ConsentState = 'active' | 'paused' | 'revoked' | 'expired';

/** The terms of a consent: what its hash covers (they never change). */
export interface ConsentTerms {
  consentId: string;
  citizenPid: string;
  grantee: DeptRef;
  categoryCode: string;
  holder: DeptRef;
  fields: string[];
  purpose: Purpose;
  validFrom: string;
  validUntil: string;
  /** Most accesses the consent allows; null for no limit. */
  maxUses: number | null;
  grantedAt: string;
}

/** A consent as stored. Key: `consent(consentId)`. */
export interface ConsentRecord extends ConsentTerms {
  /** sha256 of the deterministic JSON of the terms. */
  hash: string;
  status: StoredConsentStatus;
  updatedAt: string;
  revokedAt: string | null;
}

/** A consent with its computed state and remaining uses. */
export interface ConsentView extends ConsentRecord {
  state: ConsentState;
  /** Accesses made under a limited consent; null when the consent has no limit. */
  usesCount: number | null;
  /** Accesses left under a limited consent; null when the consent has no limit. */
  usesLeft: number | null;
}

/** The terms of a legal basis: what its hash covers. */
export interface LegalBasisTerms {
  legalBasisId: string;
  /** The department the statutory duty applies to (the recording legal officer's own). */
  grantee: DeptRef;
  categoryCode: string;
  holder: DeptRef;
  fields: string[];
  purpose: Purpose;
  statuteReference: string;
  description: string | null;
  validFrom: string;
  validUntil: string | null;
  /** When set, the basis applies to this citizen only (e.g. a court order). */
  citizenPid: string | null;
  recordedAt: string;
}

/** A legal basis as stored. Key: `legal(legalBasisId)`. */
export interface LegalBasisRecord extends LegalBasisTerms {
  hash: string;
  status: 'active' | 'withdrawn';
  recordedBy: string;
  withdrawnAt: string | null;
  withdrawReason: string | null;
}

/** A legal basis with its computed state. */
export interface LegalBasisView extends LegalBasisRecord {
  state: 'active' | 'withdrawn' | 'expired';
}

/** What an access rests on (granted), or what came closest (refused). */
export type BasisRef =
  | { kind: 'consent'; id: string; hash: string }
  | { kind: 'legal'; id: string; hash: string; statuteReference: string };

/** The terms of an access ticket: what its hash covers. */
export interface TicketTerms {
  /** Equal to the access id. */
  ticketId: string;
  citizenPid: string;
  categoryCode: string;
  fields: string[];
  purpose: Purpose;
  grantee: DeptRef;
  holder: DeptRef;
  basis: { kind: 'consent' | 'legal'; id: string };
  issuedAt: string;
  expiresAt: string;
}

/** A ticket as stored inside its access entry. */
export interface TicketRecord extends TicketTerms {
  hash: string;
}

/** The department and certificate that made an access request. */
export interface Requester extends DeptRef {
  /** Fabric id of the requesting officer's certificate. */
  id: string;
}

/** One access log entry, granted or refused. Key: `access(accessId)`. */
export interface AccessRecord {
  accessId: string;
  time: string;
  granted: boolean;
  /** Refusal code; null when granted. */
  code: RefusalCode | null;
  /** Refusal reason; null when granted. */
  reason: string | null;
  requester: Requester;
  citizenPid: string;
  categoryCode: string;
  holder: DeptRef;
  fields: string[];
  purpose: Purpose;
  basis: BasisRef | null;
  /** True for accesses on a legal basis and accesses to a `special` category. */
  auditFlag: boolean;
  ticket: TicketRecord | null;
}

/** A published attestation. Key: `attestation(attestationId)`. */
export interface AttestationRecord {
  attestationId: string;
  categoryCode: string;
  field: string;
  citizenPid: string;
  /** saltedHash(salt, value) = sha256(salt + '|' + value), computed by the holder off-chain. */
  factHash: string;
  holder: DeptRef;
  issuedAt: string;
  validUntil: string;
  status: 'active' | 'revoked';
  publishedBy: string;
  revokedAt: string | null;
}

/** An attestation with its computed state. */
export interface AttestationView extends AttestationRecord {
  state: 'active' | 'revoked' | 'expired';
}

/** One page of a listing. */
export interface PageResult<T> {
  records: T[];
  /** Pass back to get the next page; '' when there is none. */
  bookmark: string;
}
