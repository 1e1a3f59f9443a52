/**
 * Ballots. Open mode: the voter casts under their own identity. Secret mode:
 * the voter first records their token request under their own identity, gets
 * the blind signature from the organiser's gateway off-chain, and later a
 * shared ballot-box identity casts the ballot carrying the unblinded token and
 * signature, so nothing links the voter to the ballot. How often a voter may
 * vote is decided in one-vote.ts.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  protectRecord,
  txTimeIso,
  txTimeMs,
  writeJson,
} from '@govledger/chaincode-common';
import { decodeBase64url, receiptOf, tokenIsBound, verifyTokenSignature } from './authority';
import { requireBallotBox, requireEligible } from './authz';
import { loadElection, phaseAt, requireMode, requireOpen, validateChoices } from './election';
import { errors } from './errors';
import type { Ballot, CastResult, TokenRequest, TokenRequestResult } from './model';
import { claimOpenBallot, claimToken, claimTokenBallot } from './one-vote';
import type { CastBallotRequest, CastSecretBallotRequest, ElectionRef } from './schemas';

/**
 * CastBallot (open mode): an eligible voter casts under their own identity
 * while the election is open. A second ballot replaces the first or is refused
 * (ALREADY_VOTED), as the election says.
 */
export async function castBallot(ctx: Context, req: CastBallotRequest): Promise<CastResult> {
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'open');
  requireOpen(ctx, election);
  const voter = await requireEligible(ctx, election);
  const choices = validateChoices(election.ballot, req.choices);
  const slot = await claimOpenBallot(ctx, election, mode, voter);
  const ballot: Ballot = {
    docType: 'ballot',
    electionId: election.electionId,
    mode: 'open',
    receipt: slot.receipt,
    voter,
    choices,
    castAt: txTimeIso(ctx),
    version: slot.version,
  };
  await writeJson(ctx, slot.key, ballot);
  if (!slot.previous) await protectRecord(ctx, slot.key, voter.mspId);
  const result: CastResult = {
    electionId: election.electionId,
    receipt: slot.receipt,
    castAt: ballot.castAt,
    replaced: slot.previous !== undefined,
  };
  emitEvent(ctx, 'BallotCast', {
    electionId: election.electionId,
    organiser: election.organiser.mspId,
    mode: 'open',
    receipt: slot.receipt,
    version: ballot.version,
  });
  return result;
}

/**
 * RequestToken (secret mode): an eligible voter records that they get their one
 * blind signature for this election. The transaction sees neither the token nor
 * the blinded message. Allowed until the election closes; a second request is
 * refused (TOKEN_ALREADY_ISSUED).
 */
export async function requestToken(ctx: Context, req: ElectionRef): Promise<TokenRequestResult> {
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  if (phaseAt(election, txTimeMs(ctx)) === 'closed') {
    throw errors.votingClosed(`election ${election.electionId} closed at ${election.closesAt}`);
  }
  const voter = await requireEligible(ctx, election);
  const key = await claimToken(ctx, election, voter);
  const record: TokenRequest = {
    docType: 'tokenRequest',
    electionId: election.electionId,
    voter,
    requestedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, key, record);
  await protectRecord(ctx, key, voter.mspId);
  emitEvent(ctx, 'TokenRequested', {
    electionId: election.electionId,
    organiser: election.organiser.mspId,
    voter,
    txId: record.txId,
  });
  return {
    electionId: election.electionId,
    voter,
    requestedAt: record.requestedAt,
    txId: record.txId,
    keyFingerprint: mode.authority.fingerprint,
  };
}

/**
 * CastSecretBallot (secret mode): the ballot box casts a ballot carrying a
 * token bound to this election and the authority's signature on it, while the
 * election is open. Refuses a malformed or foreign token (INVALID_TOKEN), a
 * reused token (TOKEN_ALREADY_USED) and a signature that does not verify
 * against the election's public key (BAD_SIGNATURE).
 */
export async function castSecretBallot(ctx: Context, req: CastSecretBallotRequest): Promise<CastResult> {
  const caller = getCaller(ctx);
  requireBallotBox(caller);
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  requireOpen(ctx, election);
  const choices = validateChoices(election.ballot, req.choices);
  const token = decodeBase64url(req.token);
  if (!token || !tokenIsBound(mode.authority.variant, token, election.electionId)) {
    throw errors.invalidToken(`the token is not a token of election ${election.electionId}`);
  }
  const receipt = receiptOf(token);
  const key = await claimTokenBallot(ctx, election, receipt);
  const signature = decodeBase64url(req.signature);
  if (!signature || !(await verifyTokenSignature(mode.authority, token, signature))) {
    throw errors.badSignature("the signature does not verify against the election's public key");
  }
  const ballot: Ballot = {
    docType: 'ballot',
    electionId: election.electionId,
    mode: 'secret',
    receipt,
    choices,
    castAt: txTimeIso(ctx),
    version: 1,
    token: req.token,
    signature: req.signature,
  };
  await writeJson(ctx, key, ballot);
  await protectRecord(ctx, key, caller.mspId);
  emitEvent(ctx, 'BallotCast', {
    electionId: election.electionId,
    organiser: election.organiser.mspId,
    mode: 'secret',
    receipt,
    version: 1,
  });
  return { electionId: election.electionId, receipt, castAt: ballot.castAt, replaced: false };
}
