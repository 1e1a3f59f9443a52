/**
 * Token issuance of secret elections, by k of n authorities:
 *
 * 1. RequestToken, under the voter's own identity: an eligible voter records,
 *    once, the SHA-256 of the blinded message they send to each authority (the
 *    same token blinded under each authority's key). At least k authorities.
 * 2. IssueToken, under an election admin of one authority organisation: that
 *    authority records its issuance to the voter, one per (voter, authority),
 *    with the voter checked on the roll under (home MSP, pid) and the blinded
 *    hash equal to the one the voter recorded. Only then does the authority's
 *    gateway blind-sign. The issuance that brings a voter to k authorities
 *    counts the voter as issued (counts.ts).
 *
 * Neither transaction sees the token or a signature.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  keyExists,
  protectRecord,
  readAll,
  readJson,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Subject,
} from '@govledger/chaincode-common';
import { loadAuthorities } from './authority';
import { requireAuthorityAdmin, requireEligible } from './authz';
import { countIssued } from './counts';
import { loadElection, phaseAt, requireMode } from './election';
import { errors } from './errors';
import { KeyType, authorityKey, tokenKey, voterKey } from './keys';
import type { Election, Issuance, TokenRequest, TokenRequestResult } from './model';
import { claimIssuance, claimToken } from './one-vote';
import { Limits, type IssueTokenRequest, type RequestTokenRequest } from './schemas';

/** Refuses (VOTING_CLOSED) once the election has closed: tokens are requested and issued until then. */
function requireNotClosed(ctx: Context, election: Election): void {
  if (phaseAt(election, txTimeMs(ctx)) === 'closed') {
    throw errors.votingClosed(`election ${election.electionId} closed at ${election.closesAt}`);
  }
}

/**
 * RequestToken (secret mode): the calling eligible voter records the hash of
 * each authority's blinded message, once (TOKEN_ALREADY_ISSUED for a second
 * request). Every authority asked must be one of the election's with a
 * registered key (AUTHORITY_KEY_MISSING), and at least k must be asked
 * (INSUFFICIENT_SIGNATURES).
 */
export async function requestToken(ctx: Context, req: RequestTokenRequest): Promise<TokenRequestResult> {
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  requireNotClosed(ctx, election);
  const voter = await requireEligible(ctx, election);
  const authorities = await loadAuthorities(ctx, election, mode);
  const missing = req.blinded.filter((b) => !authorities.has(b.mspId)).map((b) => b.mspId);
  if (missing.length > 0) {
    throw errors.authorityKeyMissing(
      `not authorities of ${election.electionId} with a registered key: ${missing.join(', ')}`,
    );
  }
  if (req.blinded.length < mode.threshold) {
    throw errors.insufficientSignatures(
      `a token needs the signatures of ${mode.threshold} authorities; the request asks ${req.blinded.length}`,
    );
  }
  const key = await claimToken(ctx, election, voter);
  const blinded = [...req.blinded].sort((a, b) => (a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0));
  const record: TokenRequest = {
    docType: 'tokenRequest',
    electionId: election.electionId,
    voter,
    blinded,
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
    blinded,
  };
}

/**
 * IssueToken (secret mode): an election admin of an authority organisation
 * records that authority's issuance to a voter before its gateway signs.
 * Refuses a caller of another organisation (FORBIDDEN), an authority without a
 * registered key (AUTHORITY_KEY_MISSING), a voter not on the roll under (home
 * MSP, pid) (INELIGIBLE_VOTER), a voter without a token request
 * (TOKEN_NOT_REQUESTED), a blinded hash other than the voter's
 * (BLINDED_MISMATCH) and a second issuance by the same authority
 * (TOKEN_ALREADY_ISSUED).
 */
export async function issueToken(ctx: Context, req: IssueTokenRequest): Promise<Issuance> {
  const caller = getCaller(ctx);
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  requireAuthorityAdmin(caller, election, mode);
  requireNotClosed(ctx, election);
  const authority = caller.mspId;
  if (!(await keyExists(ctx, authorityKey(ctx, election.electionId, authority)))) {
    throw errors.authorityKeyMissing(`${authority} has registered no key for ${election.electionId}`);
  }
  const voter: Subject = { mspId: req.voter.mspId, pid: req.voter.pid };
  if (
    election.eligibility.kind === 'roll' &&
    !(await keyExists(ctx, voterKey(ctx, election.electionId, voter)))
  ) {
    throw errors.ineligibleVoter(`the voter is not on the roll of ${election.electionId} as ${voter.mspId}`);
  }
  const request = await readJson<TokenRequest>(ctx, tokenKey(ctx, election.electionId, voter));
  if (!request) throw errors.tokenNotRequested(`the voter has requested no token for ${election.electionId}`);
  const asked = request.blinded.find((b) => b.mspId === authority);
  if (!asked || asked.blindedHash !== req.blindedHash) {
    throw errors.blindedMismatch(`the blinded message is not the one the voter recorded for ${authority}`);
  }
  const key = await claimIssuance(ctx, election, voter, authority);
  const earlier = await readAll<Issuance>(
    ctx,
    KeyType.Issuance,
    [election.electionId, voter.mspId, voter.pid],
    Limits.maxAuthorities,
  );
  const issuance: Issuance = {
    docType: 'issuance',
    electionId: election.electionId,
    voter,
    authority,
    blindedHash: req.blindedHash,
    issuedBy: caller.id,
    issuedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, key, issuance);
  await protectRecord(ctx, key, authority);
  if (earlier.length + 1 === mode.threshold) await countIssued(ctx, election, voter);
  emitEvent(ctx, 'TokenIssued', {
    electionId: election.electionId,
    organiser: election.organiser.mspId,
    authority,
    voter,
    txId: issuance.txId,
  });
  return issuance;
}
