/**
 * @govledger/e-voting: elections, the roll, open and secret (RFC 9474 blind
 * signature) ballots, and a tally anyone can recount.
 */
import { EVotingContract } from './contract';

/** The chaincode's contracts: exactly one, the default. */
export const contracts = [EVotingContract];

export { EVotingContract };
export * from './errors';
export * from './schemas';
export * from './model';
export { receiptOf, tokenIsBound } from './authority';
export { issuedShard } from './counts';
export { voterReceipt } from './one-vote';
export { computeOutcome, digestSeed, chainDigest } from './tally';
export { YES_NO_ABSTAIN } from './election';
export { BALLOT_BOX, ELECTION_ADMIN } from './authz';
