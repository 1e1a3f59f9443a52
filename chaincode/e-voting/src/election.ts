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
  protectRecord,
  txTimeIso,
  txTimeMs,
  writeJson,
} from '@govledger/chaincode-common';
import { checkAuthorities, organiserOf } from './authz';
import { errors } from './errors';
import { electionKey } from './keys';
import type { BallotRules, Election, Mode, Phase } from './model';
import { ErrorCode, type CreateElectionRequest } from './schemas';

/** The options of every yes/no/abstain election. */
export const YES_NO_ABSTAIN = [
  { id: 'yes', label: 'Yes' },
  { id: 'no', label: 'No' },
  { id: 'abstain', label: 'Abstain' },
] as const;

/** The phase at time `ms`: scheduled before opensAt, open in [opensAt, closesAt), closed from closesAt. */
export function phaseAt(election: Election, ms: number): Phase {
  if (ms < isoToMs(election.opensAt)) return 'scheduled';
  if (ms < isoToMs(election.closesAt)) return 'open';
  return 'closed';
}

/** Refuses unless the election is open at the transaction time (VOTING_NOT_OPEN / VOTING_CLOSED). */
export function requireOpen(ctx: Context, election: Election): void {
  const phase = phaseAt(election, txTimeMs(ctx));
  if (phase === 'scheduled') {
    throw errors.votingNotOpen(`election ${election.electionId} opens at ${election.opensAt}`);
  }
  if (phase === 'closed') {
    throw errors.votingClosed(`election ${election.electionId} closed at ${election.closesAt}`);
  }
}

/** Refuses unless the election has the given mode (WRONG_MODE). */
export function requireMode<K extends Mode['kind']>(election: Election, kind: K): Extract<Mode, { kind: K }> {
  if (election.mode.kind !== kind) {
    throw errors.wrongMode(
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
    throw errors.invalidOption(`not an option of this election: ${unknown.join(', ')}`);
  }
  const chosen = new Set(choices);
  if (chosen.size !== choices.length) {
    throw errors.invalidOption('an option is chosen more than once');
  }
  if (choices.length > rules.maxChoices) {
    throw errors.tooManyChoices(
      `at most ${rules.maxChoices} choice(s) allowed; ballot has ${choices.length}`,
    );
  }
  return rules.options.map((o) => o.id).filter((id) => chosen.has(id));
}

/** Reads an election or refuses with ELECTION_NOT_FOUND. */
export function loadElection(ctx: Context, electionId: string): Promise<Election> {
  return mustReadJson<Election>(
    ctx,
    electionKey(ctx, electionId),
    `election ${electionId}`,
    ErrorCode.ElectionNotFound,
  );
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

/**
 * CreateElection: an election admin creates an election that opens in the
 * future. A secret election names its authorities and threshold (checked by
 * checkAuthorities); each authority registers its own key afterwards.
 */
export async function createElection(ctx: Context, req: CreateElectionRequest): Promise<Election> {
  const caller = getCaller(ctx);
  const organiser = organiserOf(caller, req.organiser);
  const now = txTimeMs(ctx);
  if (isoToMs(req.opensAt) <= now) {
    throw errors.invalidSchedule(`opensAt must be after the transaction time ${txTimeIso(ctx)}`);
  }
  const key = electionKey(ctx, req.electionId);
  if (await keyExists(ctx, key)) {
    throw errors.electionExists(`election ${req.electionId} exists already`);
  }
  let mode: Mode;
  if (req.mode.kind === 'open') {
    mode = { kind: 'open', secondBallot: req.mode.secondBallot };
  } else {
    const authorities = req.mode.authorities.map((a) => a.mspId);
    checkAuthorities(authorities, req.mode.threshold);
    mode = { kind: 'secret', variant: req.mode.variant, authorities, threshold: req.mode.threshold };
  }
  const election: Election = {
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
    organiser: { mspId: organiser, createdBy: caller.id },
    createdAt: txTimeIso(ctx),
    txId: ctx.stub.getTxID(),
  };
  if (req.description !== undefined) election.description = req.description;
  await writeJson(ctx, key, election);
  await protectRecord(ctx, key, organiser);
  emitEvent(ctx, 'ElectionCreated', {
    electionId: election.electionId,
    mode: mode.kind,
    opensAt: election.opensAt,
    closesAt: election.closesAt,
    organiser,
  });
  return election;
}
