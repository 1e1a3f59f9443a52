/**
 * Ballots. Open mode: the voter casts under their own identity. Secret mode:
 * the voter first records their token request under their own identity, gets
 * the blind signature from the organiser's gateway off-chain, and later a
 * shared ballot-box identity casts the ballot carrying the unblinded token and
 * signature, so nothing links the voter to the ballot.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  fromBytes,
  getCaller,
  keyExists,
  pageMetadata,
  readJson,
  requireRole,
  txTimeIso,
  txTimeMs,
  writeJson,
} from '@govledger/chaincode-common';
import { decodeBase64url, receiptOf, tokenIsBound, verifyTokenSignature } from './authority';
import { loadElection, phaseAt, requireMode, requireOpen, validateChoices } from './election';
import { EVotingError, refuse } from './errors';
import { ballotKey, ballotRange, tokenKey, voterKey } from './keys';
import type { BallotRecord, TokenRequestRecord } from './model';
import { requireEligible } from './roll';
import type {
  CastBallotRequest,
  CastSecretBallotRequest,
  ElectionRef,
  ListBallotsRequest,
  ReceiptRequest,
  VoterStatusRequest,
} from './schemas';

/** Role of the shared identity that submits secret ballots. */
export const BALLOT_BOX = 'ballot-box';

/** CastBallot / CastSecretBallot result: the receipt the voter keeps. */
export interface CastResult {
  electionId: string;
  receipt: string;
  castAt: string;
  /** Open mode: true when this ballot replaced the voter's earlier one. */
  replaced: boolean;
}

/**
 * CastBallot (open mode): an eligible voter casts under their own identity
 * while the election is open. A second ballot replaces the first or is refused
 * (ALREADY_VOTED), as the election says.
 */
export async function castBallot(ctx: Context, req: CastBallotRequest): Promise<CastResult> {
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'open');
  requireOpen(ctx, election);
  const pid = await requireEligible(ctx, election);
  const choices = validateChoices(election.ballot, req.choices);
  const key = ballotKey(election.electionId, pid);
  const previous = await readJson<BallotRecord>(ctx, key);
  if (previous && mode.secondBallot === 'refuse') {
    throw refuse(EVotingError.AlreadyVoted, `this voter has voted in ${election.electionId} already`);
  }
  const ballot: BallotRecord = {
    docType: 'ballot',
    electionId: election.electionId,
    mode: 'open',
    receipt: pid,
    choices,
    castAt: txTimeIso(ctx),
    version: (previous?.version ?? 0) + 1,
  };
  await writeJson(ctx, key, ballot);
  const result: CastResult = {
    electionId: election.electionId,
    receipt: pid,
    castAt: ballot.castAt,
    replaced: previous !== undefined,
  };
  emitEvent(ctx, 'BallotCast', {
    electionId: election.electionId,
    mode: 'open',
    receipt: pid,
    version: ballot.version,
  });
  return result;
}

/** RequestToken result: what the gateway checks before it blind-signs. */
export interface TokenRequestResult {
  electionId: string;
  pid: string;
  requestedAt: string;
  txId: string;
  /** The authority key the voter blinds with (fingerprint of the SPKI DER). */
  keyFingerprint: string;
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
    throw refuse(EVotingError.VotingClosed, `election ${election.electionId} closed at ${election.closesAt}`);
  }
  const pid = await requireEligible(ctx, election);
  const key = tokenKey(ctx, election.electionId, pid);
  if (await keyExists(ctx, key)) {
    throw refuse(
      EVotingError.TokenAlreadyIssued,
      `this voter has requested a token for ${election.electionId} already`,
    );
  }
  const record: TokenRequestRecord = {
    docType: 'tokenRequest',
    electionId: election.electionId,
    pid,
    requestedAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, key, record);
  emitEvent(ctx, 'TokenRequested', { electionId: election.electionId, pid, txId: record.txId });
  return {
    electionId: election.electionId,
    pid,
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
  requireRole(getCaller(ctx), BALLOT_BOX);
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  requireOpen(ctx, election);
  const choices = validateChoices(election.ballot, req.choices);
  const token = decodeBase64url(req.token);
  if (!token || !tokenIsBound(mode.authority.variant, token, election.electionId)) {
    throw refuse(EVotingError.InvalidToken, `the token is not a token of election ${election.electionId}`);
  }
  const receipt = receiptOf(token);
  const key = ballotKey(election.electionId, receipt);
  if (await keyExists(ctx, key)) {
    throw refuse(EVotingError.TokenAlreadyUsed, 'a ballot with this token was cast already');
  }
  const signature = decodeBase64url(req.signature);
  if (!signature || !(await verifyTokenSignature(mode.authority, token, signature))) {
    throw refuse(
      EVotingError.BadSignature,
      "the signature does not verify against the election's public key",
    );
  }
  const ballot: BallotRecord = {
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
  emitEvent(ctx, 'BallotCast', { electionId: election.electionId, mode: 'secret', receipt, version: 1 });
  return { electionId: election.electionId, receipt, castAt: ballot.castAt, replaced: false };
}

/** GetReceipt: the ballot recorded under a receipt, or RECEIPT_NOT_FOUND. */
export async function getReceipt(ctx: Context, req: ReceiptRequest): Promise<BallotRecord> {
  await loadElection(ctx, req.electionId);
  const ballot = await readJson<BallotRecord>(ctx, ballotKey(req.electionId, req.receipt));
  if (!ballot)
    throw refuse(EVotingError.ReceiptNotFound, `no ballot with receipt ${req.receipt} in ${req.electionId}`);
  return ballot;
}

/** GetVoterStatus result. */
export interface VoterStatus {
  electionId: string;
  pid: string;
  /** On the roll (roll elections); null when the election uses an attribute rule. */
  onRoll: boolean | null;
  /** Secret mode: the token request record, or null. Open mode: null. */
  tokenRequest: TokenRequestRecord | null;
  /** Open mode: whether this pid has a ballot. Secret mode: null (ballots are not linked to voters). */
  voted: boolean | null;
}

/** GetVoterStatus. */
export async function voterStatus(ctx: Context, req: VoterStatusRequest): Promise<VoterStatus> {
  const election = await loadElection(ctx, req.electionId);
  const onRoll =
    election.eligibility.kind === 'roll'
      ? await keyExists(ctx, voterKey(ctx, req.electionId, req.pid))
      : null;
  if (election.mode.kind === 'secret') {
    const tokenRequest =
      (await readJson<TokenRequestRecord>(ctx, tokenKey(ctx, req.electionId, req.pid))) ?? null;
    return { electionId: req.electionId, pid: req.pid, onRoll, tokenRequest, voted: null };
  }
  const voted = await keyExists(ctx, ballotKey(req.electionId, req.pid));
  return { electionId: req.electionId, pid: req.pid, onRoll, tokenRequest: null, voted };
}

/** ListBallots: one page of an election's ballots in key order, for independent recounts (query). */
export async function listBallots(
  ctx: Context,
  req: ListBallotsRequest,
): Promise<{ ballots: BallotRecord[]; bookmark: string }> {
  await loadElection(ctx, req.electionId);
  const range = ballotRange(req.electionId);
  const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(
    range.start,
    range.end,
    req.pageSize,
    req.bookmark,
  );
  const ballots: BallotRecord[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      ballots.push(fromBytes<BallotRecord>(r.value.value));
    }
  } finally {
    await iterator.close();
  }
  return { ballots, bookmark: ballots.length < req.pageSize ? '' : pageMetadata(metadata).bookmark };
}
