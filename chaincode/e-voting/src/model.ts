/**
 * The records the e-voting chaincode keeps on the public ledger and the results
 * it returns, as the wire contract (`@govledger/wire`, `eVoting`) defines them.
 * None of them holds personal data: voters appear only by pseudonymous id
 * (gov.pid), and a secret ballot holds no voter reference at all.
 */
import type { eVoting } from '@govledger/wire';

/** An option voters can choose. */
export type ElectionOption = eVoting.ElectionOption;
/** What a ballot may contain, normalised. */
export type BallotRules = eVoting.BallotRules;
/** Eligibility as stored (defaults applied). */
export type Eligibility = eVoting.Eligibility;
/** Quorum as stored. */
export type Quorum = eVoting.Quorum;
/** The election authority's public key, normalised. */
export type AuthorityKey = eVoting.AuthorityKey;
/** An authority's registered key (key: authority~electionId~mspId). */
export type AuthorityRecord = eVoting.AuthorityRecord;
/** One authority's issuance to one voter. */
export type Issuance = eVoting.Issuance;
/** One shard of the issued-token count. */
export type IssuedCount = eVoting.IssuedCount;
/** The number of secret ballots cast. */
export type BallotCount = eVoting.BallotCount;
/** CastSecretBallots result. */
export type CastBatchResult = eVoting.CastBatchResult;
/** One authority's signature on a token. */
export type AuthoritySignature = eVoting.AuthoritySignature;
/** Voting mode as stored. */
export type Mode = eVoting.Mode;
/** An election (key: election~electionId). */
export type Election = eVoting.Election;
/** A voter on the roll (key: voter~electionId~mspId~pid). */
export type Voter = eVoting.Voter;
/** One registered batch of the roll (key: rollBatch~electionId~batchId). */
export type RollBatch = eVoting.RollBatch;
/** The record that a voter requested their token (key: token~electionId~mspId~pid). */
export type TokenRequest = eVoting.TokenRequest;
/** A ballot (key: ballot/electionId/receipt). */
export type Ballot = eVoting.Ballot;
/** Votes of one option. */
export type OptionCount = eVoting.OptionCount;
/** The outcome computed from the counts. */
export type TallyOutcome = eVoting.TallyOutcome;
/** The tally (key: tally~electionId). */
export type Tally = eVoting.Tally;
/** Where an election stands at a given time. */
export type Phase = eVoting.Phase;
/** GetElection result. */
export type ElectionView = eVoting.ElectionView;
/** ListElections result. */
export type ElectionPage = eVoting.ElectionPage;
/** ListBallots result. */
export type BallotPage = eVoting.BallotPage;
/** RegisterVoters result. */
export type RegisterVotersResult = eVoting.RegisterVotersResult;
/** CastBallot / CastSecretBallot result. */
export type CastResult = eVoting.CastResult;
/** RequestToken result. */
export type TokenRequestResult = eVoting.TokenRequestResult;
/** GetVoterStatus result. */
export type VoterStatus = eVoting.VoterStatus;
/** A ballot VerifyTally found invalid. */
export type InvalidBallot = eVoting.InvalidBallot;
/** What VerifyTally recounted. */
export type Recount = eVoting.Recount;
/** VerifyTally result. */
export type VerifyTallyResult = eVoting.VerifyTallyResult;
