/**
 * The records the e-voting chaincode keeps on the public ledger. None of them
 * holds personal data: voters appear only by pseudonymous id (gov.pid), and a
 * secret ballot holds no voter reference at all.
 */
import type { z } from 'zod';
import type { BlindRsaVariant, EligibilitySchema, QuorumSchema } from './schemas';

/** An option voters can choose. */
export interface ElectionOption {
  id: string;
  label: string;
}

/** What a ballot may contain, normalised: yes/no/abstain elections get their three options here. */
export interface BallotRules {
  kind: 'single' | 'multi' | 'yesNoAbstain';
  options: ElectionOption[];
  /** 1 for single and yesNoAbstain; k for "up to k of n". */
  maxChoices: number;
}

/** Eligibility as stored (defaults applied). */
export type Eligibility = z.output<typeof EligibilitySchema>;

/** Quorum as stored. */
export type Quorum = z.output<typeof QuorumSchema>;

/** The election authority's public key, normalised from the PEM or JWK given at creation. */
export interface AuthorityKey {
  /** RFC 9474 variant, e.g. RSABSSA-SHA384-PSS-Randomized. */
  variant: BlindRsaVariant;
  /** The key as SPKI PEM (canonical: re-encoded from the parsed key). */
  publicKeyPem: string;
  /** The key as a public JWK (kty, n, e only). */
  jwk: { kty: 'RSA'; n: string; e: string };
  /** SHA-256 of the SPKI DER, lower-case hex. */
  fingerprint: string;
  /** Modulus size in bits. */
  modulusBits: number;
}

/** Voting mode as stored. */
export type Mode =
  { kind: 'open'; secondBallot: 'replace' | 'refuse' } | { kind: 'secret'; authority: AuthorityKey };

/** An election (key: election~electionId). */
export interface ElectionRecord {
  docType: 'election';
  electionId: string;
  title: string;
  description?: string;
  ballot: BallotRules;
  opensAt: string;
  closesAt: string;
  eligibility: Eligibility;
  quorum: Quorum;
  passThresholdPerMille: number;
  mode: Mode;
  /** The organising organisation; only its election admins manage the roll. */
  organiser: { mspId: string; createdBy: string };
  createdAt: string;
  txId: string;
}

/** A voter on the roll (key: voter~electionId~pid). */
export interface VoterRecord {
  docType: 'voter';
  electionId: string;
  pid: string;
  batchId: string;
  registeredAt: string;
}

/** One registered batch of the roll (key: rollBatch~electionId~batchId); the roll size is the sum of `added`. */
export interface RollBatchRecord {
  docType: 'rollBatch';
  electionId: string;
  batchId: string;
  /** Pids newly put on the roll by this batch. */
  added: number;
  /** Pids of the batch that were on the roll already (not counted again). */
  alreadyRegistered: number;
  registeredAt: string;
  registeredBy: string;
  txId: string;
}

/** The record that a voter requested their blind-signed token (key: token~electionId~pid). Never the token. */
export interface TokenRequestRecord {
  docType: 'tokenRequest';
  electionId: string;
  pid: string;
  requestedAt: string;
  txId: string;
}

/** A ballot (key: ballot/electionId/receipt). */
export interface BallotRecord {
  docType: 'ballot';
  electionId: string;
  mode: 'open' | 'secret';
  /** Open mode: the voter's pid. Secret mode: SHA-256 of the token, the voter's receipt. */
  receipt: string;
  /** Chosen option ids, in the election's option order. */
  choices: string[];
  castAt: string;
  /** Open mode: 1 for the first ballot, +1 for each replacement. Secret mode: always 1. */
  version: number;
  /** Secret mode: the token (base64url) and its signature (base64url), so anyone can re-verify them. */
  token?: string;
  signature?: string;
}

/** Votes of one option. */
export interface OptionCount {
  option: string;
  votes: number;
}

/** The outcome computed from the counts (identical in TallyElection and VerifyTally). */
export interface TallyOutcome {
  turnout: number;
  /** Roll size for roll elections; null for rule elections. */
  rollSize: number | null;
  quorum: { kind: Quorum['kind']; required: number; met: boolean };
  counts: OptionCount[];
  /** Winning options (see README for each kind); empty when nothing passed. */
  winners: string[];
  /** True when a tie for first place (single) or at the k-th place (multi) kept options from winning. */
  tie: boolean;
  passed: boolean;
}

/** The tally (key: tally~electionId): counting in steps, then final. */
export interface TallyRecord {
  docType: 'tally';
  electionId: string;
  status: 'counting' | 'final';
  /** Ballots counted so far. */
  counted: number;
  /** Votes per option so far, keyed by option id. */
  partial: Record<string, number>;
  /** Key of the last ballot counted ('' before the first). */
  cursor: string;
  /** Hash chain over the ballots counted, in key order. */
  digest: string;
  steps: number;
  startedAt: string;
  /** Present once final. */
  result?: TallyOutcome;
  talliedAt?: string;
  finalTxId?: string;
}
