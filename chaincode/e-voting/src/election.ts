/**
 * Elections: creation by an election admin, the voting window and what a
 * ballot may contain. Each rule lives here once.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  isoToMs,
  keyExists,
  mustReadJson,
  readJson,
  readPage,
  requireRole,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
} from '@govledger/chaincode-common';
import { parseAuthorityKey } from './authority';
import { EVotingError, refuse } from './errors';
import { electionKey, KeyType, tallyKey } from './keys';
import type { BallotRules, ElectionRecord, Mode, TallyRecord } from './model';
import type { CreateElectionRequest, ListElectionsRequest } from './schemas';
import { rollSize } from './roll';

/** Role that creates elections and manages their roll. */
export const ELECTION_ADMIN = 'election-admin';

/** The options of every yes/no/abstain election. */
export const YES_NO_ABSTAIN = [
  { id: 'yes', label: 'Yes' },
  { id: 'no', label: 'No' },
  { id: 'abstain', label: 'Abstain' },
] as const;

/** Where an election stands at a given time. */
export type Phase = 'scheduled' | 'open' | 'closed';

/** The phase at time `ms`: scheduled before opensAt, open in [opensAt, closesAt), closed from closesAt. */
export function phaseAt(election: ElectionRecord, ms: number): Phase {
  if (ms < isoToMs(election.opensAt)) return 'scheduled';
  if (ms < isoToMs(election.closesAt)) return 'open';
  return 'closed';
}

/** Refuses unless the election is open at the transaction time (VOTING_NOT_OPEN / VOTING_CLOSED). */
export function requireOpen(ctx: Context, election: ElectionRecord): void {
  const phase = phaseAt(election, txTimeMs(ctx));
  if (phase === 'scheduled') {
    throw refuse(EVotingError.VotingNotOpen, `election ${election.electionId} opens at ${election.opensAt}`);
  }
  if (phase === 'closed') {
    throw refuse(EVotingError.VotingClosed, `election ${election.electionId} closed at ${election.closesAt}`);
  }
}

/** Refuses unless the election has the given mode (WRONG_MODE). */
export function requireMode<K extends Mode['kind']>(
  election: ElectionRecord,
  kind: K,
): Extract<Mode, { kind: K }> {
  if (election.mode.kind !== kind) {
    throw refuse(
      EVotingError.WrongMode,
      `election ${election.electionId} is a ${election.mode.kind} election; this needs a ${kind} one`,
    );
  }
  return election.mode as Extract<Mode, { kind: K }>;
}

/**
 * Checks a ballot's choices against the election and returns them in the
 * election's option order: every choice must be an option, none twice
 * (INVALID_OPTION), and at most maxChoices (TOO_MANY_CHOICES).
 */
export function validateChoices(rules: BallotRules, choices: readonly string[]): string[] {
  const known = new Set(rules.options.map((o) => o.id));
  const unknown = choices.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw refuse(EVotingError.InvalidOption, `not an option of this election: ${unknown.join(', ')}`);
  }
  const chosen = new Set(choices);
  if (chosen.size !== choices.length) {
    throw refuse(EVotingError.InvalidOption, 'an option is chosen more than once');
  }
  if (choices.length > rules.maxChoices) {
    throw refuse(
      EVotingError.TooManyChoices,
      `at most ${rules.maxChoices} choice(s) allowed; ballot has ${choices.length}`,
    );
  }
  return rules.options.map((o) => o.id).filter((id) => chosen.has(id));
}

/** Reads an election or refuses with ELECTION_NOT_FOUND. */
export function loadElection(ctx: Context, electionId: string): Promise<ElectionRecord> {
  return mustReadJson<ElectionRecord>(
    ctx,
    electionKey(ctx, electionId),
    `election ${electionId}`,
    EVotingError.ElectionNotFound,
  );
}

/** Refuses unless the caller is an election admin of the organising organisation (FORBIDDEN). */
export function requireOrganiser(caller: Caller, election: ElectionRecord): void {
  requireRole(caller, ELECTION_ADMIN);
  if (caller.mspId !== election.organiser.mspId) {
    throw refuse(
      EVotingError.Forbidden,
      `only election admins of ${election.organiser.mspId} manage election ${election.electionId}`,
    );
  }
}

function ballotRules(ballot: CreateElectionRequest['ballot']): BallotRules {
  switch (ballot.kind) {
    case 'single':
      return { kind: 'single', options: ballot.options, maxChoices: 1 };
    case 'multi':
      return { kind: 'multi', options: ballot.options, maxChoices: ballot.maxChoices };
    case 'yesNoAbstain':
      return { kind: 'yesNoAbstain', options: YES_NO_ABSTAIN.map((o) => ({ ...o })), maxChoices: 1 };
  }
}

/** CreateElection: an election admin creates an election that opens in the future. */
export async function createElection(ctx: Context, req: CreateElectionRequest): Promise<ElectionRecord> {
  const caller = getCaller(ctx);
  requireRole(caller, ELECTION_ADMIN);
  const now = txTimeMs(ctx);
  if (isoToMs(req.opensAt) <= now) {
    throw refuse(
      EVotingError.InvalidSchedule,
      `opensAt must be after the transaction time ${txTimeIso(ctx)}`,
    );
  }
  const key = electionKey(ctx, req.electionId);
  if (await keyExists(ctx, key)) {
    throw refuse(EVotingError.ElectionExists, `election ${req.electionId} exists already`);
  }
  const mode: Mode =
    req.mode.kind === 'open'
      ? { kind: 'open', secondBallot: req.mode.secondBallot }
      : {
          kind: 'secret',
          authority: await parseAuthorityKey(req.mode.authority.variant, req.mode.authority.publicKey),
        };
  const election: ElectionRecord = {
    docType: 'election',
    electionId: req.electionId,
    title: req.title,
    ballot: ballotRules(req.ballot),
    opensAt: new Date(isoToMs(req.opensAt)).toISOString(),
    closesAt: new Date(isoToMs(req.closesAt)).toISOString(),
    eligibility: req.eligibility,
    quorum: req.quorum,
    passThresholdPerMille: req.passThresholdPerMille,
    mode,
    organiser: { mspId: caller.mspId, createdBy: caller.id },
    createdAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  if (req.description !== undefined) election.description = req.description;
  await writeJson(ctx, key, election);
  emitEvent(ctx, 'ElectionCreated', {
    electionId: election.electionId,
    mode: mode.kind,
    opensAt: election.opensAt,
    closesAt: election.closesAt,
    organiser: caller.mspId,
  });
  return election;
}

/** GetElection result: the election, its phase at the query's time, the roll size and tally status. */
export interface ElectionView {
  election: ElectionRecord;
  phase: Phase;
  rollSize: number | null;
  tallyStatus: 'none' | 'counting' | 'final';
}

/** GetElection. */
export async function getElection(ctx: Context, electionId: string): Promise<ElectionView> {
  const election = await loadElection(ctx, electionId);
  const tally = await readJson<TallyRecord>(ctx, tallyKey(ctx, electionId));
  return {
    election,
    phase: phaseAt(election, txTimeMs(ctx)),
    rollSize: election.eligibility.kind === 'roll' ? await rollSize(ctx, electionId) : null,
    tallyStatus: tally?.status ?? 'none',
  };
}

/** ListElections: one page, in election id order. */
export async function listElections(
  ctx: Context,
  req: ListElectionsRequest,
): Promise<{ elections: ElectionRecord[]; bookmark: string }> {
  const page = await readPage<ElectionRecord>(ctx, KeyType.Election, [], req.pageSize, req.bookmark);
  return { elections: page.records.map((r) => r.value), bookmark: page.bookmark };
}
