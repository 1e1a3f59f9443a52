/**
 * The e-voting chaincode's stable error codes. Every refusal is a
 * ChaincodeError carrying one of these codes (or a common one: INVALID_ARGUMENT
 * for malformed requests, FORBIDDEN for callers without the needed role or
 * organisation, TOO_MANY_RECORDS for a bounded read that hit its limit) and the
 * HTTP-like status noted here. A refused transaction writes nothing.
 */
import { ChaincodeError, CommonErrorCode, type ErrorStatus } from '@govledger/chaincode-common';

/** Stable error codes of the e-voting chaincode, with their statuses in {@link ErrorStatusOf}. */
export const EVotingError = {
  /** 400: the request JSON is malformed or a field is invalid (names every bad field). */
  InvalidArgument: CommonErrorCode.InvalidArgument,
  /** 403: the caller lacks the role or organisation the transaction needs. */
  Forbidden: CommonErrorCode.Forbidden,
  /** 404: no election with this id. */
  ElectionNotFound: 'ELECTION_NOT_FOUND',
  /** 409: an election with this id exists already. */
  ElectionExists: 'ELECTION_EXISTS',
  /** 400: opensAt is not after the transaction time of CreateElection. */
  InvalidSchedule: 'INVALID_SCHEDULE',
  /** 400: the authority public key is not a usable RSA public key (2048-4096 bits, e = 65537). */
  InvalidPublicKey: 'INVALID_PUBLIC_KEY',
  /** 409: the roll is frozen because voting has opened (tx time >= opensAt). */
  RollFrozen: 'ROLL_FROZEN',
  /** 409: the election's eligibility is an attribute rule; it has no roll to register to. */
  RollNotApplicable: 'ROLL_NOT_APPLICABLE',
  /** 409: a roll batch with this id was registered already. */
  RollBatchExists: 'ROLL_BATCH_EXISTS',
  /** 409: the roll has reached its maximum number of batches. */
  RollFull: 'ROLL_FULL',
  /** 409: the transaction belongs to the other mode (open vs secret). */
  WrongMode: 'WRONG_MODE',
  /** 409: a ballot before the election opens. */
  VotingNotOpen: 'VOTING_NOT_OPEN',
  /** 409: a ballot or token request at or after the closing time. */
  VotingClosed: 'VOTING_CLOSED',
  /** 403: the caller is not eligible (not on the roll, or does not match the rule, or has no gov.pid). */
  IneligibleVoter: 'INELIGIBLE_VOTER',
  /** 400: a choice is not one of the election's options, or an option is chosen twice. */
  InvalidOption: 'INVALID_OPTION',
  /** 400: more choices than the election allows. */
  TooManyChoices: 'TOO_MANY_CHOICES',
  /** 409: open mode with secondBallot "refuse": this voter has voted already. */
  AlreadyVoted: 'ALREADY_VOTED',
  /** 409: this voter has requested their token for this election already. */
  TokenAlreadyIssued: 'TOKEN_ALREADY_ISSUED',
  /** 400: the token is not a token of this election (wrong format or bound to another election). */
  InvalidToken: 'INVALID_TOKEN',
  /** 400: the signature does not verify against the election's authority public key. */
  BadSignature: 'BAD_SIGNATURE',
  /** 409: a ballot with this token was cast already. */
  TokenAlreadyUsed: 'TOKEN_ALREADY_USED',
  /** 409: tally before the closing time. */
  ElectionNotClosed: 'ELECTION_NOT_CLOSED',
  /** 409: the tally is final already. */
  AlreadyTallied: 'ALREADY_TALLIED',
  /** 404: no tally has been started for this election. */
  TallyNotFound: 'TALLY_NOT_FOUND',
  /** 409: VerifyTally on a tally that is still counting. */
  TallyIncomplete: 'TALLY_INCOMPLETE',
  /** 404: no ballot with this receipt. */
  ReceiptNotFound: 'RECEIPT_NOT_FOUND',
  /** 409: a bounded read found more records than its limit (from the common library). */
  TooManyRecords: 'TOO_MANY_RECORDS',
} as const;

/** One of the e-voting error codes. */
export type EVotingErrorCode = (typeof EVotingError)[keyof typeof EVotingError];

/** The status each code is thrown with. */
export const ErrorStatusOf: Readonly<Record<EVotingErrorCode, ErrorStatus>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  ELECTION_NOT_FOUND: 404,
  ELECTION_EXISTS: 409,
  INVALID_SCHEDULE: 400,
  INVALID_PUBLIC_KEY: 400,
  ROLL_FROZEN: 409,
  ROLL_NOT_APPLICABLE: 409,
  ROLL_BATCH_EXISTS: 409,
  ROLL_FULL: 409,
  WRONG_MODE: 409,
  VOTING_NOT_OPEN: 409,
  VOTING_CLOSED: 409,
  INELIGIBLE_VOTER: 403,
  INVALID_OPTION: 400,
  TOO_MANY_CHOICES: 400,
  ALREADY_VOTED: 409,
  TOKEN_ALREADY_ISSUED: 409,
  INVALID_TOKEN: 400,
  BAD_SIGNATURE: 400,
  TOKEN_ALREADY_USED: 409,
  ELECTION_NOT_CLOSED: 409,
  ALREADY_TALLIED: 409,
  TALLY_NOT_FOUND: 404,
  TALLY_INCOMPLETE: 409,
  RECEIPT_NOT_FOUND: 404,
  TOO_MANY_RECORDS: 409,
};

/** Builds the refusal for a code, with the status the code always has. */
export function refuse(code: EVotingErrorCode, reason: string, details?: unknown): ChaincodeError {
  return new ChaincodeError(code, ErrorStatusOf[code], reason, details);
}
