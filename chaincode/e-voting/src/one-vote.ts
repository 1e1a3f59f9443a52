/**
 * The "one vote" rule, in one place: every voter gets one say per election.
 *
 * - Open mode: a voter's ballot lives under their own receipt, a function of
 *   (home MSP, pid); a second ballot replaces the first or is refused
 *   (ALREADY_VOTED), as the election says.
 * - Secret mode: a voter records exactly one token request (TOKEN_ALREADY_ISSUED
 *   for a second), each authority issues to a voter once (TOKEN_ALREADY_ISSUED),
 *   its gateway blind-signs only after that issuance committed, and each token
 *   casts exactly one ballot (TOKEN_ALREADY_USED): the ballot key is the
 *   token's nullifier, SHA-256 of the token.
 *
 * The gateway decides nothing of this: it relays these refusals.
 */
import type { Context } from 'fabric-contract-api';
import { keyExists, readJson, sha256Hex, subjectKey, type Subject } from '@govledger/chaincode-common';
import { errors } from './errors';
import { ballotKey, issuanceKey, tokenKey } from './keys';
import type { Ballot, Election, Mode } from './model';

/** The receipt of a voter's open ballot: SHA-256 of `<mspId>/<pid>`, lower-case hex. */
export function voterReceipt(voter: Subject): string {
  return sha256Hex(subjectKey(voter));
}

/** What an open-mode voter's new ballot is: the first, or the replacement of `previous`. */
export interface OpenBallotSlot {
  /** The voter's ballot key. */
  key: string;
  /** The voter's receipt. */
  receipt: string;
  /** The voter's earlier ballot, when this one replaces it. */
  previous: Ballot | undefined;
  /** The version the new ballot gets: 1, then +1 per replacement. */
  version: number;
}

/** Open mode: the slot of a voter's ballot; ALREADY_VOTED when the election refuses a second ballot. */
export async function claimOpenBallot(
  ctx: Context,
  election: Election,
  mode: Extract<Mode, { kind: 'open' }>,
  voter: Subject,
): Promise<OpenBallotSlot> {
  const receipt = voterReceipt(voter);
  const key = ballotKey(election.electionId, receipt);
  const previous = await readJson<Ballot>(ctx, key);
  if (previous && mode.secondBallot === 'refuse') {
    throw errors.alreadyVoted(`this voter has voted in ${election.electionId} already`);
  }
  return { key, receipt, previous, version: (previous?.version ?? 0) + 1 };
}

/** Secret mode: the key of a voter's one token request; TOKEN_ALREADY_ISSUED when it exists. */
export async function claimToken(ctx: Context, election: Election, voter: Subject): Promise<string> {
  const key = tokenKey(ctx, election.electionId, voter);
  if (await keyExists(ctx, key)) {
    throw errors.tokenAlreadyIssued(`this voter has requested a token for ${election.electionId} already`);
  }
  return key;
}

/** Secret mode: the key of one authority's one issuance to a voter; TOKEN_ALREADY_ISSUED when it exists. */
export async function claimIssuance(
  ctx: Context,
  election: Election,
  voter: Subject,
  authority: string,
): Promise<string> {
  const key = issuanceKey(ctx, election.electionId, voter, authority);
  if (await keyExists(ctx, key)) {
    throw errors.tokenAlreadyIssued(
      `${authority} has issued to this voter for ${election.electionId} already`,
    );
  }
  return key;
}

/** Secret mode: the key of the one ballot a token casts; TOKEN_ALREADY_USED when it exists. */
export async function claimTokenBallot(ctx: Context, election: Election, receipt: string): Promise<string> {
  const key = ballotKey(election.electionId, receipt);
  if (await keyExists(ctx, key)) throw errors.tokenAlreadyUsed('a ballot with this token was cast already');
  return key;
}
