/**
 * Ballots. Open mode: the voter casts under their own identity. Secret mode:
 * the voter gets blind signatures from k authorities (issuance.ts), and a
 * ballot box of a consortium organisation later casts the ballot, carrying the
 * unblinded token and signatures, in a shuffled batch with other voters'
 * ballots, so nothing links the voter to the ballot. How often a voter may vote
 * is decided in one-vote.ts, how many secret ballots may exist in counts.ts.
 */
import type { Context } from 'fabric-contract-api';
import { emitEvent, getCaller, protectRecord, txTimeIso, writeJson } from '@govledger/chaincode-common';
import { checkSignatures, decodeBase64url, loadAuthorities, receiptOf, tokenIsBound } from './authority';
import { requireBallotBox, requireEligible } from './authz';
import { countBallots, issuedTokens, secretBallots } from './counts';
import { loadElection, requireMode, requireOpen, validateChoices } from './election';
import { errors } from './errors';
import type { Ballot, CastBatchResult, CastResult } from './model';
import { claimOpenBallot, claimTokenBallot } from './one-vote';
import type { CastBallotRequest, CastSecretBallotsRequest } from './schemas';

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
 * CastSecretBallots (secret mode): a ballot box casts a batch of anonymous
 * ballots while the election is open; the whole batch commits or none of it.
 * Each ballot carries a token bound to this election (INVALID_TOKEN) that was
 * never used, in the ledger or earlier in the batch (TOKEN_ALREADY_USED), and
 * signatures of at least k distinct authorities of the election, every one of
 * which verifies (BAD_SIGNATURE for any that does not, INSUFFICIENT_SIGNATURES
 * below k). The batch is refused when the secret ballots would outnumber the
 * voters issued tokens by k authorities (BALLOTS_EXCEED_ISSUED). A refusal
 * names the ballot's index in the batch.
 */
export async function castSecretBallots(
  ctx: Context,
  req: CastSecretBallotsRequest,
): Promise<CastBatchResult> {
  const caller = getCaller(ctx);
  requireBallotBox(caller);
  const election = await loadElection(ctx, req.electionId);
  const mode = requireMode(election, 'secret');
  requireOpen(ctx, election);
  const authorities = await loadAuthorities(ctx, election, mode);
  const castAt = txTimeIso(ctx);
  const txId = ctx.stub.getTxID();
  const seen = new Set<string>();
  const ballots: { key: string; ballot: Ballot }[] = [];
  for (const [index, secret] of req.ballots.entries()) {
    const at = `ballot ${index}: `;
    const choices = validateChoices(election.ballot, secret.choices);
    const token = decodeBase64url(secret.token);
    if (!token || !tokenIsBound(mode.variant, token, election.electionId)) {
      throw errors.invalidToken(`${at}the token is not a token of election ${election.electionId}`);
    }
    const receipt = receiptOf(token);
    if (seen.has(receipt)) throw errors.tokenAlreadyUsed(`${at}the token appears twice in the batch`);
    seen.add(receipt);
    const key = await claimTokenBallot(ctx, election, receipt);
    const { valid, bad } = await checkSignatures(authorities, token, secret.signatures);
    if (bad.length > 0) {
      throw errors.badSignature(
        `${at}signatures that do not verify against a registered key: ${bad.join(', ')}`,
      );
    }
    if (valid.length < mode.threshold) {
      throw errors.insufficientSignatures(
        `${at}the token carries ${valid.length} authority signature(s); the election needs ${mode.threshold}`,
      );
    }
    const signatures = [...secret.signatures].sort((a, b) =>
      a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0,
    );
    ballots.push({
      key,
      ballot: {
        docType: 'ballot',
        electionId: election.electionId,
        mode: 'secret',
        receipt,
        choices,
        castAt,
        version: 1,
        token: secret.token,
        signatures,
        txId,
      },
    });
  }
  const issued = await issuedTokens(ctx, election.electionId);
  const cast = await secretBallots(ctx, election.electionId);
  if (cast + ballots.length > issued) {
    throw errors.ballotsExceedIssued(
      `${cast} ballots cast and ${ballots.length} more would exceed the ${issued} voters issued tokens by ${mode.threshold} authorities`,
    );
  }
  for (const { key, ballot } of ballots) {
    await writeJson(ctx, key, ballot);
    await protectRecord(ctx, key, caller.mspId);
  }
  await countBallots(ctx, election, ballots.length);
  const receipts = ballots.map((b) => b.ballot.receipt);
  emitEvent(ctx, 'BallotsCast', {
    electionId: election.electionId,
    organiser: election.organiser.mspId,
    mode: 'secret',
    count: receipts.length,
    txId,
  });
  return { electionId: election.electionId, receipts, castAt, txId };
}
