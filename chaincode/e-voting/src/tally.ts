/**
 * Close and tally. After the closing time anyone counts the ballots, in key
 * order, in bounded steps: each TallyElection reads at most `maxBallots` ballots
 * from the cursor left by the previous step (a bounded range read, never a
 * paginated one, since this is a write), and the step that reaches the end
 * computes and stores turnout, quorum, counts and the result. VerifyTally
 * recounts in pages the same way (each page a bounded read from the cursor the
 * caller hands back with the sums so far) and the last page confirms or
 * contradicts the stored result. Both check turnout <= roll and, in secret
 * mode, ballots <= voters issued tokens by k authorities: an excess fails the
 * election (nothing passes) and is never confirmed.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  fromBytes,
  protectRecord,
  readJson,
  sha256Hex,
  stableStringify,
  txTimeIso,
  txTimeMs,
  writeJson,
} from '@govledger/chaincode-common';
import { checkSignatures, decodeBase64url, loadAuthorities, receiptOf, tokenIsBound } from './authority';
import { issuedTokens } from './counts';
import { loadElection, phaseAt, validateChoices } from './election';
import { voterReceipt } from './one-vote';
import { errors } from './errors';
import { ballotKey, ballotRange, tallyKey, voterKey } from './keys';
import type {
  AuthorityRecord,
  Ballot,
  Election,
  OptionCount,
  Recount,
  Tally,
  TallyOutcome,
  VerifyTallyResult,
} from './model';
import { rollSize } from './roll';
import { type TallyElectionRequest, type VerifyProgress, type VerifyTallyRequest } from './schemas';

/** The first link of a tally's hash chain. */
export function digestSeed(electionId: string): string {
  return sha256Hex(`GOVLEDGER-EVOTE-TALLY-1|${electionId}`);
}

/** The next link: sha256(previous | receipt | choices joined by ","). */
export function chainDigest(previous: string, ballot: Ballot): string {
  return sha256Hex(`${previous}|${ballot.receipt}|${ballot.choices.join(',')}`);
}

/** A ballot with its key. */
interface BallotEntry {
  key: string;
  value: Ballot;
}

/**
 * Reads an election's ballots in key order, starting after `cursor` ('' for the
 * start), at most `max`; `more` tells whether ballots remain after them.
 */
export async function scanBallots(
  ctx: Context,
  electionId: string,
  cursor: string,
  max: number,
): Promise<{ entries: BallotEntry[]; more: boolean }> {
  const range = ballotRange(electionId);
  const iterator = await ctx.stub.getStateByRange(cursor || range.start, range.end);
  const entries: BallotEntry[] = [];
  let more = false;
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (r.value.key === cursor) continue;
      if (entries.length >= max) {
        more = true;
        break;
      }
      entries.push({ key: r.value.key, value: fromBytes<Ballot>(r.value.value) });
    }
  } finally {
    await iterator.close();
  }
  return { entries, more };
}

/** ceil(a / b) for non-negative integers, without fractions. */
function ceilDiv(a: number, b: number): number {
  const rest = a % b;
  return (a - rest) / b + (rest === 0 ? 0 : 1);
}

/**
 * The result from the counts, with integer arithmetic only:
 * - quorum: none; count (turnout >= minBallots); perMilleOfRoll (turnout >= ceil(perMille * roll / 1000));
 * - yesNoAbstain: passes when yes * 1000 > threshold * (yes + no); abstentions count only for turnout;
 * - single: the unique option with most votes wins when votes * 1000 > threshold * turnout; a tie for
 *   first place wins nothing;
 * - multi (up to k of n): options with votes * 1000 > threshold * turnout qualify; the k with most votes
 *   win; a tie at the k-th place excludes the tied options;
 * - without quorum nothing wins; passed = at least one winner;
 * - integrity: turnout beyond the roll (roll elections) or beyond the voters
 *   issued tokens (secret elections, `issued`) fails the election: nothing wins.
 */
export function computeOutcome(
  election: Election,
  partial: Readonly<Record<string, number>>,
  turnout: number,
  roll: number | null,
  issued: number | null = null,
): TallyOutcome {
  const p = election.passThresholdPerMille;
  const counts: OptionCount[] = election.ballot.options.map((o) => ({
    option: o.id,
    votes: partial[o.id] ?? 0,
  }));
  const q = election.quorum;
  const required =
    q.kind === 'none' ? 0 : q.kind === 'count' ? q.minBallots : ceilDiv(q.perMille * (roll ?? 0), 1000);
  const quorum = { kind: q.kind, required, met: turnout >= required };
  const overRoll = roll === null ? 0 : Math.max(0, turnout - roll);
  const overIssued = issued === null ? 0 : Math.max(0, turnout - issued);
  const base: TallyOutcome = {
    turnout,
    rollSize: roll,
    quorum,
    counts,
    winners: [],
    tie: false,
    passed: false,
    issuedTokens: issued,
    integrity: { ok: overRoll === 0 && overIssued === 0, overRoll, overIssued },
  };
  if (!quorum.met || !base.integrity.ok) return base;
  const votesOf = (id: string) => partial[id] ?? 0;
  let winners: string[] = [];
  let tie = false;
  if (election.ballot.kind === 'yesNoAbstain') {
    const yes = votesOf('yes');
    const no = votesOf('no');
    if (yes * 1000 > p * (yes + no)) winners = ['yes'];
  } else {
    // by votes, most first; equal votes keep the election's option order
    const ranked = [...counts].sort((a, b) => b.votes - a.votes);
    const qualified = ranked.filter((c) => c.votes > 0 && c.votes * 1000 > p * turnout);
    const seats = election.ballot.maxChoices;
    if (election.ballot.kind === 'single') {
      const top = ranked[0]?.votes ?? 0;
      tie = top > 0 && ranked.filter((c) => c.votes === top).length > 1;
      if (!tie && qualified.length > 0) winners = [(qualified[0] as OptionCount).option];
    } else if (qualified.length <= seats) {
      winners = qualified.map((c) => c.option);
    } else {
      const last = (qualified[seats - 1] as OptionCount).votes;
      tie = (qualified[seats] as OptionCount).votes === last;
      winners = qualified.filter((c, i) => i < seats && (!tie || c.votes > last)).map((c) => c.option);
    }
  }
  return { ...base, winners, tie, passed: winners.length > 0 };
}

/**
 * TallyElection: one counting step (anyone, after closesAt). Refuses before the
 * closing time (ELECTION_NOT_CLOSED) and once final (ALREADY_TALLIED). Returns
 * the tally record: status "counting" (call again) or "final" with the result.
 */
export async function tallyElection(ctx: Context, req: TallyElectionRequest): Promise<Tally> {
  const election = await loadElection(ctx, req.electionId);
  if (phaseAt(election, txTimeMs(ctx)) !== 'closed') {
    throw errors.electionNotClosed(`election ${req.electionId} closes at ${election.closesAt}`);
  }
  const key = tallyKey(ctx, req.electionId);
  const existing = await readJson<Tally>(ctx, key);
  if (existing?.status === 'final') {
    throw errors.alreadyTallied(`election ${req.electionId} was tallied at ${existing.talliedAt}`);
  }
  const tally: Tally = existing ?? {
    docType: 'tally',
    electionId: req.electionId,
    status: 'counting',
    counted: 0,
    partial: Object.fromEntries(election.ballot.options.map((o) => [o.id, 0])),
    cursor: '',
    digest: digestSeed(req.electionId),
    steps: 0,
    startedAt: txTimeIso(ctx),
  };
  if (!existing) await protectRecord(ctx, key, election.organiser.mspId);
  const { entries, more } = await scanBallots(ctx, req.electionId, tally.cursor, req.maxBallots);
  for (const { key: k, value: ballot } of entries) {
    for (const choice of ballot.choices) tally.partial[choice] = (tally.partial[choice] ?? 0) + 1;
    tally.counted += 1;
    tally.digest = chainDigest(tally.digest, ballot);
    tally.cursor = k;
  }
  tally.steps += 1;
  if (more) {
    await writeJson(ctx, key, tally);
    emitEvent(ctx, 'TallyProgressed', {
      electionId: req.electionId,
      organiser: election.organiser.mspId,
      counted: tally.counted,
      steps: tally.steps,
    });
    return tally;
  }
  const result = computeOutcome(election, tally.partial, tally.counted, ...(await limitsOf(ctx, election)));
  const final: Tally = {
    ...tally,
    status: 'final',
    result,
    talliedAt: txTimeIso(ctx),
    finalTxId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, key, final);
  emitEvent(ctx, 'ElectionTallied', {
    electionId: req.electionId,
    organiser: election.organiser.mspId,
    turnout: result.turnout,
    quorumMet: result.quorum.met,
    passed: result.passed,
    winners: result.winners,
    counts: result.counts,
    digest: final.digest,
    integrity: result.integrity,
  });
  return final;
}

/** The roll size (roll elections, else null) and the issued tokens (secret elections, else null). */
async function limitsOf(ctx: Context, election: Election): Promise<[number | null, number | null]> {
  const roll = election.eligibility.kind === 'roll' ? await rollSize(ctx, election.electionId) : null;
  const issued = election.mode.kind === 'secret' ? await issuedTokens(ctx, election.electionId) : null;
  return [roll, issued];
}

async function ballotProblem(
  ctx: Context,
  election: Election,
  authorities: ReadonlyMap<string, AuthorityRecord>,
  entry: BallotEntry,
): Promise<string | undefined> {
  const ballot = entry.value;
  if (
    ballot.electionId !== election.electionId ||
    entry.key !== ballotKey(election.electionId, ballot.receipt)
  ) {
    return 'stored under the wrong key';
  }
  try {
    const canonical = validateChoices(election.ballot, ballot.choices);
    if (ballot.choices.length === 0 || canonical.join(',') !== ballot.choices.join(','))
      return 'choices not canonical';
  } catch {
    return 'invalid choices';
  }
  const mode = election.mode;
  if (mode.kind === 'secret') {
    const token = ballot.token === undefined ? undefined : decodeBase64url(ballot.token);
    if (!token || !tokenIsBound(mode.variant, token, election.electionId)) return 'token not bound';
    if (receiptOf(token) !== ballot.receipt) return 'receipt is not the token hash';
    const { valid, bad } = await checkSignatures(authorities, token, ballot.signatures ?? []);
    if (bad.length > 0) return `bad signature of ${bad.join(', ')}`;
    if (valid.length < mode.threshold)
      return `signatures of ${valid.length} authorities; needs ${mode.threshold}`;
  } else {
    const voter = ballot.voter;
    if (election.eligibility.kind === 'roll') {
      const onRoll = voter && (await readJson(ctx, voterKey(ctx, election.electionId, voter)));
      if (!onRoll) return 'voter not on the roll';
    }
    if (!voter) return 'no voter';
    if (voterReceipt(voter) !== ballot.receipt) return "receipt is not the voter's";
  }
  return undefined;
}

/**
 * VerifyTally (query, anyone): recounts one page of at most `maxBallots`
 * ballots from where `from` left off (the progress of the previous page),
 * optionally re-checking each one. The page that reaches the end compares the
 * whole recount with the stored final result, and checks turnout against the
 * roll and the issued tokens. Refuses without a tally (TALLY_NOT_FOUND) or
 * with one still counting (TALLY_INCOMPLETE). The caller hands back the sums:
 * a verifier recounts on its own peer, so it trusts only its own sums.
 */
export async function verifyTally(ctx: Context, req: VerifyTallyRequest): Promise<VerifyTallyResult> {
  const election = await loadElection(ctx, req.electionId);
  const tally = await readJson<Tally>(ctx, tallyKey(ctx, req.electionId));
  if (!tally) throw errors.tallyNotFound(`election ${req.electionId} has no tally yet`);
  if (tally.status !== 'final' || !tally.result) {
    throw errors.tallyIncomplete(`the tally of ${req.electionId} is still counting`);
  }
  const progress: VerifyProgress = req.from
    ? { ...req.from, partial: { ...req.from.partial }, invalidBallots: [...req.from.invalidBallots] }
    : {
        cursor: '',
        counted: 0,
        partial: {},
        digest: digestSeed(req.electionId),
        invalidBallotCount: 0,
        invalidBallots: [],
      };
  const authorities =
    election.mode.kind === 'secret' && req.checkBallots
      ? await loadAuthorities(ctx, election, election.mode)
      : new Map<string, AuthorityRecord>();
  const { entries, more } = await scanBallots(ctx, req.electionId, progress.cursor, req.maxBallots);
  for (const entry of entries) {
    const ballot = entry.value;
    for (const choice of ballot.choices) progress.partial[choice] = (progress.partial[choice] ?? 0) + 1;
    progress.counted += 1;
    progress.digest = chainDigest(progress.digest, ballot);
    progress.cursor = entry.key;
    const problem = req.checkBallots ? await ballotProblem(ctx, election, authorities, entry) : undefined;
    if (problem !== undefined) {
      progress.invalidBallotCount += 1;
      if (progress.invalidBallots.length < 100) {
        progress.invalidBallots.push({ receipt: ballot.receipt, reason: problem });
      }
    }
  }
  const base = {
    electionId: req.electionId,
    progress,
    invalidBallotCount: progress.invalidBallotCount,
    invalidBallots: progress.invalidBallots,
  };
  if (more) return { ...base, complete: false, confirmed: false, mismatches: [] };
  const recount: Recount = {
    ...computeOutcome(election, progress.partial, progress.counted, ...(await limitsOf(ctx, election))),
    digest: progress.digest,
  };
  const stored: Recount = { ...tally.result, digest: tally.digest };
  const fields: (keyof Recount)[] = [
    'turnout',
    'rollSize',
    'quorum',
    'counts',
    'winners',
    'tie',
    'passed',
    'issuedTokens',
    'digest',
  ];
  const mismatches: string[] = fields.filter(
    (f) => stableStringify(stored[f]) !== stableStringify(recount[f]),
  );
  // counts of choices that are not options of the election show up as a mismatch too
  const foreign = Object.keys(progress.partial).filter(
    (c) => !election.ballot.options.some((o) => o.id === c),
  );
  if (foreign.length > 0 && !mismatches.includes('counts')) mismatches.push('counts');
  // an excess of ballots over the roll or the issued tokens is a failure even when both sides agree on it
  if (!recount.integrity.ok || !stored.integrity?.ok) mismatches.push('integrity');
  return {
    ...base,
    complete: true,
    confirmed: mismatches.length === 0 && progress.invalidBallotCount === 0,
    mismatches,
    stored,
    recount,
  };
}
