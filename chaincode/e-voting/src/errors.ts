/**
 * The e-voting chaincode's refusals, declared once with `defineErrors`: each
 * with its stable code (from the wire contract) and status. Every refusal is a
 * ChaincodeError; a refused transaction writes nothing. Malformed requests are
 * refused by the common parser with INVALID_ARGUMENT, bounded reads that hit
 * their limit with TOO_MANY_RECORDS.
 */
import { defineErrors } from '@govledger/chaincode-common';
import { ErrorCode, ErrorStatusOf } from './schemas';

const spec = <C extends ErrorCode>(code: C) => [code, ErrorStatusOf[code]] as const;

/** One factory per refusal: `throw errors.electionNotFound('no election E-1')`. */
export const errors = defineErrors({
  /** 403: the caller lacks the role or organisation the transaction needs. */
  forbidden: spec(ErrorCode.Forbidden),
  /** 404: no election with this id. */
  electionNotFound: spec(ErrorCode.ElectionNotFound),
  /** 409: an election with this id exists already. */
  electionExists: spec(ErrorCode.ElectionExists),
  /** 400: opensAt is not after the transaction time. */
  invalidSchedule: spec(ErrorCode.InvalidSchedule),
  /** 400: the authority public key is not usable. */
  invalidPublicKey: spec(ErrorCode.InvalidPublicKey),
  /** 400: the authorities or threshold of a secret election break the k-of-n rules. */
  invalidThreshold: spec(ErrorCode.InvalidThreshold),
  /** 409: the authority registered its key already. */
  authorityKeyExists: spec(ErrorCode.AuthorityKeyExists),
  /** 409: another authority registered the same key. */
  duplicateAuthorityKey: spec(ErrorCode.DuplicateAuthorityKey),
  /** 409: authority keys are registered only before voting opens. */
  authorityKeysFrozen: spec(ErrorCode.AuthorityKeysFrozen),
  /** 409: the authority has no registered key. */
  authorityKeyMissing: spec(ErrorCode.AuthorityKeyMissing),
  /** 409: the voter has recorded no token request. */
  tokenNotRequested: spec(ErrorCode.TokenNotRequested),
  /** 409: the blinded message hash is not the one the voter recorded. */
  blindedMismatch: spec(ErrorCode.BlindedMismatch),
  /** 400: fewer valid distinct authority signatures than the threshold. */
  insufficientSignatures: spec(ErrorCode.InsufficientSignatures),
  /** 409: the secret ballots would outnumber the voters issued tokens. */
  ballotsExceedIssued: spec(ErrorCode.BallotsExceedIssued),
  /** 409: the roll froze when voting opened. */
  rollFrozen: spec(ErrorCode.RollFrozen),
  /** 409: a rule election has no roll. */
  rollNotApplicable: spec(ErrorCode.RollNotApplicable),
  /** 409: the roll batch was registered already. */
  rollBatchExists: spec(ErrorCode.RollBatchExists),
  /** 409: the roll has its maximum number of batches. */
  rollFull: spec(ErrorCode.RollFull),
  /** 409: the transaction belongs to the other mode. */
  wrongMode: spec(ErrorCode.WrongMode),
  /** 409: before the election opens. */
  votingNotOpen: spec(ErrorCode.VotingNotOpen),
  /** 409: at or after the closing time. */
  votingClosed: spec(ErrorCode.VotingClosed),
  /** 403: the caller may not vote in this election. */
  ineligibleVoter: spec(ErrorCode.IneligibleVoter),
  /** 400: a choice is not an option, or is chosen twice. */
  invalidOption: spec(ErrorCode.InvalidOption),
  /** 400: more choices than allowed. */
  tooManyChoices: spec(ErrorCode.TooManyChoices),
  /** 409: the voter has voted already (open mode, second ballot refused). */
  alreadyVoted: spec(ErrorCode.AlreadyVoted),
  /** 409: the voter has requested their token already, or the authority issued to them already. */
  tokenAlreadyIssued: spec(ErrorCode.TokenAlreadyIssued),
  /** 400: the token is not a token of this election. */
  invalidToken: spec(ErrorCode.InvalidToken),
  /** 400: the signature does not verify. */
  badSignature: spec(ErrorCode.BadSignature),
  /** 409: a ballot with this token was cast already. */
  tokenAlreadyUsed: spec(ErrorCode.TokenAlreadyUsed),
  /** 409: tally before the closing time. */
  electionNotClosed: spec(ErrorCode.ElectionNotClosed),
  /** 409: the tally is final already. */
  alreadyTallied: spec(ErrorCode.AlreadyTallied),
  /** 404: no tally yet. */
  tallyNotFound: spec(ErrorCode.TallyNotFound),
  /** 409: the tally is still counting. */
  tallyIncomplete: spec(ErrorCode.TallyIncomplete),
  /** 404: no ballot with this receipt. */
  receiptNotFound: spec(ErrorCode.ReceiptNotFound),
});
