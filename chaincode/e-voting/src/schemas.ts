/**
 * The wire contract this chaincode speaks, re-exported from `@govledger/wire`
 * (`eVoting`): one zod schema per transaction request, the record shapes, the
 * limits, the RSABSSA variants and the token protocol constants. Nothing here is
 * defined twice: the gateway validates the same shapes before calling.
 */
import { eVoting } from '@govledger/wire';

export const {
  /** Bounds of the chaincode. */
  Limits,
  /** Stable error codes. */
  ErrorCode,
  /** The status each error code is thrown with. */
  ErrorStatusOf,
  /** The RFC 9474 RSABSSA variants an authority key may use. */
  BlindRsaVariants,
  /** Domain tag that starts every token message. */
  TOKEN_DOMAIN,
  /** The token message of an election. */
  tokenMessage,
  /** The nonce of a token message. */
  TokenNonce,
  /** Bytes prepare() puts in front of the token message. */
  preparePrefixLength,
  /** Every transaction of the contract. */
  transactions,
  /** CreateElection. */
  CreateElectionRequest,
  /** RegisterVoters. */
  RegisterVotersRequest,
  /** GetElection, GetTally. */
  ElectionRef,
  /** RegisterAuthorityKey. */
  RegisterAuthorityKeyRequest,
  /** RequestToken. */
  RequestTokenRequest,
  /** IssueToken. */
  IssueTokenRequest,
  /** CastBallot. */
  CastBallotRequest,
  /** CastSecretBallots. */
  CastSecretBallotsRequest,
  /** TallyElection. */
  TallyElectionRequest,
  /** VerifyTally. */
  VerifyTallyRequest,
  /** GetVoterStatus. */
  VoterStatusRequest,
  /** GetReceipt. */
  ReceiptRequest,
  /** ListElections. */
  ListElectionsRequest,
  /** ListBallots. */
  ListBallotsRequest,
  /** A voter as (home MSP, pid). */
  Subject,
} = eVoting;

/** A citizen or enterprise as (home MSP, pid). */
export type Subject = eVoting.Subject;
/** One of the e-voting error codes. */
export type ErrorCode = eVoting.ErrorCode;
/** One of the supported RSABSSA variants. */
export type BlindRsaVariant = eVoting.BlindRsaVariant;
/** The public key as given in CreateElection. */
export type PublicKey = eVoting.PublicKey;
/** CreateElection request. */
export type CreateElectionRequest = eVoting.CreateElectionRequest;
/** RegisterVoters request. */
export type RegisterVotersRequest = eVoting.RegisterVotersRequest;
/** A request naming only an election. */
export type ElectionRef = eVoting.ElectionRef;
/** CastBallot request. */
export type CastBallotRequest = eVoting.CastBallotRequest;
/** RegisterAuthorityKey request. */
export type RegisterAuthorityKeyRequest = eVoting.RegisterAuthorityKeyRequest;
/** RequestToken request. */
export type RequestTokenRequest = eVoting.RequestTokenRequest;
/** IssueToken request. */
export type IssueTokenRequest = eVoting.IssueTokenRequest;
/** CastSecretBallots request. */
export type CastSecretBallotsRequest = eVoting.CastSecretBallotsRequest;
/** One secret ballot of a batch. */
export type SecretBallot = eVoting.SecretBallot;
/** Where a paged recount stands. */
export type VerifyProgress = eVoting.VerifyProgress;
/** TallyElection request. */
export type TallyElectionRequest = eVoting.TallyElectionRequest;
/** VerifyTally request. */
export type VerifyTallyRequest = eVoting.VerifyTallyRequest;
/** GetVoterStatus request. */
export type VoterStatusRequest = eVoting.VoterStatusRequest;
/** GetReceipt request. */
export type ReceiptRequest = eVoting.ReceiptRequest;
/** ListElections request. */
export type ListElectionsRequest = eVoting.ListElectionsRequest;
/** ListBallots request. */
export type ListBallotsRequest = eVoting.ListBallotsRequest;
