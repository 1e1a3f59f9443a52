/**
 * The records this chaincode keeps on the public ledger and the answers it
 * gives, as the wire contract (`@govledger/wire`'s `dataSharing`) defines them.
 * Citizens appear only as pseudonymous ids; no data value is ever stored, only
 * field names, codes and hashes.
 */
import type { dataSharing } from '@govledger/wire';

/** A department of an organisation (a grantee, a holder, a requester). */
export type DeptRef = dataSharing.DeptRef;
/** A data category in the catalogue. Key: `category(code)`. */
export type CategoryRecord = dataSharing.Category;
/** The stored status of a consent; `expired` is computed from the transaction time. */
export type StoredConsentStatus = dataSharing.StoredConsentStatus;
/** A consent's state as every reader sees it. */
export type ConsentState = dataSharing.ConsentState;
/** The terms of a consent: what its hash covers (they never change). */
export type ConsentTerms = dataSharing.ConsentTerms;
/** A consent as stored. Key: `consent(consentId)`. */
export type ConsentRecord = dataSharing.Consent;
/** A consent with its computed state and remaining uses. */
export type ConsentView = dataSharing.ConsentView;
/** The terms of a legal basis: what its hash covers. */
export type LegalBasisTerms = dataSharing.LegalBasisTerms;
/** The holder organisation's approval of a legal basis. */
export type LegalBasisApproval = dataSharing.LegalBasisApproval;
/** A legal basis's state as every reader sees it. */
export type LegalBasisState = dataSharing.LegalBasisState;
/** A legal basis as stored. Key: `legal(legalBasisId)`. */
export type LegalBasisRecord = dataSharing.LegalBasis;
/** A legal basis with its computed state. */
export type LegalBasisView = dataSharing.LegalBasisView;
/** What an access rests on (granted), or what came closest (refused). */
export type BasisRef = dataSharing.BasisRef;
/** The terms of an access ticket: what its hash covers. */
export type TicketTerms = dataSharing.TicketTerms;
/** A ticket as stored inside its access entry. */
export type TicketRecord = dataSharing.Ticket;
/** The department and certificate that made an access request. */
export type Requester = dataSharing.Requester;
/** One access log entry, granted or refused. Key: `access(accessId)`. */
export type AccessRecord = dataSharing.Access;
/** What RequestAccess returns. */
export type AccessResult = dataSharing.AccessResult;
/** The statuses VerifyTicket reports. */
export type TicketStatus = dataSharing.TicketStatus;
/** What VerifyTicket returns. */
export type VerifyTicketResult = dataSharing.VerifyTicketResult;
/** A published attestation. Key: `attestation(attestationId)`. */
export type AttestationRecord = dataSharing.Attestation;
/** An attestation with its computed state. */
export type AttestationView = dataSharing.AttestationView;
/** What VerifyFact returns. */
export type VerifyFactResult = dataSharing.VerifyFactResult;
/** What ListPurposes returns. */
export type PurposesResult = dataSharing.PurposesResult;

/** One page of a listing. */
export interface PageResult<T> {
  /** The records of this page. */
  records: T[];
  /** Pass back to get the next page; '' when there is none. */
  bookmark: string;
}
