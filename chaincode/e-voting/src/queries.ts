/**
 * The read paths: an election with its phase, pages of elections and ballots,
 * a voter's status, a ballot by receipt and the tally record. None writes.
 */
import type { Context } from 'fabric-contract-api';
import {
  fromBytes,
  keyExists,
  pageMetadata,
  readAll,
  readJson,
  readPage,
  txTimeMs,
} from '@govledger/chaincode-common';
import { loadAuthorities } from './authority';
import { issuedTokens, secretBallots } from './counts';
import { loadElection, phaseAt } from './election';
import { errors } from './errors';
import { ballotKey, ballotRange, KeyType, tallyKey, tokenKey, voterKey } from './keys';
import type {
  Ballot,
  BallotPage,
  Election,
  ElectionPage,
  ElectionView,
  Issuance,
  Tally,
  TokenRequest,
  VoterStatus,
} from './model';
import { voterReceipt } from './one-vote';
import { rollSize } from './roll';
import { Limits } from './schemas';
import type {
  ListBallotsRequest,
  ListElectionsRequest,
  ReceiptRequest,
  Subject,
  VoterStatusRequest,
} from './schemas';

/**
 * GetElection: the election, its phase at the query's time, the roll size and
 * tally status; in secret mode also the registered authority keys (what a
 * voter's app blinds with), the voters issued tokens and the ballots cast.
 */
export async function getElection(ctx: Context, electionId: string): Promise<ElectionView> {
  const election = await loadElection(ctx, electionId);
  const tally = await readJson<Tally>(ctx, tallyKey(ctx, electionId));
  const secret = election.mode.kind === 'secret' ? election.mode : undefined;
  return {
    election,
    phase: phaseAt(election, txTimeMs(ctx)),
    rollSize: election.eligibility.kind === 'roll' ? await rollSize(ctx, electionId) : null,
    tallyStatus: tally?.status ?? 'none',
    authorities: secret ? [...(await loadAuthorities(ctx, election, secret)).values()] : null,
    issuedTokens: secret ? await issuedTokens(ctx, electionId) : null,
    secretBallots: secret ? await secretBallots(ctx, electionId) : null,
  };
}

/** ListElections: one page, in election id order. */
export async function listElections(ctx: Context, req: ListElectionsRequest): Promise<ElectionPage> {
  const page = await readPage<Election>(ctx, KeyType.Election, [], req.pageSize, req.bookmark);
  return { elections: page.records.map((r) => r.value), bookmark: page.bookmark };
}

/** GetReceipt: the ballot recorded under a receipt, or RECEIPT_NOT_FOUND. */
export async function getReceipt(ctx: Context, req: ReceiptRequest): Promise<Ballot> {
  await loadElection(ctx, req.electionId);
  const ballot = await readJson<Ballot>(ctx, ballotKey(req.electionId, req.receipt));
  if (!ballot) throw errors.receiptNotFound(`no ballot with receipt ${req.receipt} in ${req.electionId}`);
  return ballot;
}

/** GetVoterStatus: on the roll, token requested and issuances (secret mode), voted (open mode). */
export async function voterStatus(ctx: Context, req: VoterStatusRequest): Promise<VoterStatus> {
  const election = await loadElection(ctx, req.electionId);
  const voter: Subject = { mspId: req.mspId, pid: req.pid };
  const onRoll =
    election.eligibility.kind === 'roll' ? await keyExists(ctx, voterKey(ctx, req.electionId, voter)) : null;
  if (election.mode.kind === 'secret') {
    const tokenRequest = (await readJson<TokenRequest>(ctx, tokenKey(ctx, req.electionId, voter))) ?? null;
    const issuances = await readAll<Issuance>(
      ctx,
      KeyType.Issuance,
      [req.electionId, voter.mspId, voter.pid],
      Limits.maxAuthorities,
    );
    return {
      electionId: req.electionId,
      voter,
      onRoll,
      tokenRequest,
      issuances: issuances.map((i) => i.value),
      voted: null,
    };
  }
  const voted = await keyExists(ctx, ballotKey(req.electionId, voterReceipt(voter)));
  return { electionId: req.electionId, voter, onRoll, tokenRequest: null, issuances: null, voted };
}

/** ListBallots: one page of an election's ballots in key order, for independent recounts. */
export async function listBallots(ctx: Context, req: ListBallotsRequest): Promise<BallotPage> {
  await loadElection(ctx, req.electionId);
  const range = ballotRange(req.electionId);
  const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(
    range.start,
    range.end,
    req.pageSize,
    req.bookmark,
  );
  const ballots: Ballot[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      ballots.push(fromBytes<Ballot>(r.value.value));
    }
  } finally {
    await iterator.close();
  }
  return { ballots, bookmark: ballots.length < req.pageSize ? '' : pageMetadata(metadata).bookmark };
}

/** GetTally: the tally record (counting or final), or TALLY_NOT_FOUND. */
export async function getTally(ctx: Context, electionId: string): Promise<Tally> {
  await loadElection(ctx, electionId);
  const tally = await readJson<Tally>(ctx, tallyKey(ctx, electionId));
  if (!tally) throw errors.tallyNotFound(`election ${electionId} has no tally yet`);
  return tally;
}
