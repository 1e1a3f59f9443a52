/**
 * The e-voting Contract: a thin layer that parses each transaction's single
 * JSON argument with its schema, calls the rule in its domain file and returns
 * deterministic JSON. The rules live in election.ts, roll.ts, ballot.ts,
 * one-vote.ts, authority.ts, issuance.ts, counts.ts, tally.ts and authz.ts, the read paths in queries.ts; the request
 * schemas are the wire contract's (`@govledger/wire`, `eVoting`).
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, stableStringify } from '@govledger/chaincode-common';
import { registerAuthorityKey } from './authority';
import { castBallot, castSecretBallots } from './ballot';
import { createElection } from './election';
import { issueToken, requestToken } from './issuance';
import { getElection, getReceipt, getTally, listBallots, listElections, voterStatus } from './queries';
import { registerVoters } from './roll';
import {
  CastBallotRequest,
  CastSecretBallotsRequest,
  CreateElectionRequest,
  ElectionRef,
  IssueTokenRequest,
  RegisterAuthorityKeyRequest,
  RequestTokenRequest,
  ListBallotsRequest,
  ListElectionsRequest,
  ReceiptRequest,
  RegisterVotersRequest,
  TallyElectionRequest,
  VerifyTallyRequest,
  VoterStatusRequest,
} from './schemas';
import { tallyElection, verifyTally } from './tally';

/** Elections with a roll, open or secret (blind-signed) ballots and a tally anyone can recount. */
@Info({
  title: 'EVotingContract',
  description: 'GovLedger e-voting: elections, roll, open and secret ballots, tally and recount',
})
export class EVotingContract extends Contract {
  constructor() {
    super('e-voting');
  }

  /** Creates an election (role election-admin). */
  @Transaction()
  @Returns('string')
  async CreateElection(ctx: Context, request: string): Promise<string> {
    return stableStringify(await createElection(ctx, parseArg(CreateElectionRequest, request)));
  }

  /** Puts a batch of pseudonymous ids on the roll (election-admin of the organising org, before opening). */
  @Transaction()
  @Returns('string')
  async RegisterVoters(ctx: Context, request: string): Promise<string> {
    return stableStringify(await registerVoters(ctx, parseArg(RegisterVotersRequest, request)));
  }

  /** Registers the calling authority organisation's own public key (secret mode, election-admin). */
  @Transaction()
  @Returns('string')
  async RegisterAuthorityKey(ctx: Context, request: string): Promise<string> {
    return stableStringify(await registerAuthorityKey(ctx, parseArg(RegisterAuthorityKeyRequest, request)));
  }

  /** Records the calling eligible voter's one token request: a blinded-message hash per authority (secret mode). */
  @Transaction()
  @Returns('string')
  async RequestToken(ctx: Context, request: string): Promise<string> {
    return stableStringify(await requestToken(ctx, parseArg(RequestTokenRequest, request)));
  }

  /** Records the calling authority's issuance to a voter, before its gateway blind-signs (secret mode). */
  @Transaction()
  @Returns('string')
  async IssueToken(ctx: Context, request: string): Promise<string> {
    return stableStringify(await issueToken(ctx, parseArg(IssueTokenRequest, request)));
  }

  /** Casts the calling voter's ballot (open mode). */
  @Transaction()
  @Returns('string')
  async CastBallot(ctx: Context, request: string): Promise<string> {
    return stableStringify(await castBallot(ctx, parseArg(CastBallotRequest, request)));
  }

  /** Casts a batch of ballots carrying tokens signed by k authorities (secret mode, role ballot-box). */
  @Transaction()
  @Returns('string')
  async CastSecretBallots(ctx: Context, request: string): Promise<string> {
    return stableStringify(await castSecretBallots(ctx, parseArg(CastSecretBallotsRequest, request)));
  }

  /** Counts the next batch of ballots after closing; the last step stores the result (anyone). */
  @Transaction()
  @Returns('string')
  async TallyElection(ctx: Context, request: string): Promise<string> {
    return stableStringify(await tallyElection(ctx, parseArg(TallyElectionRequest, request)));
  }

  /** Recounts from the ballots and confirms or contradicts the stored result (query, anyone). */
  @Transaction(false)
  @Returns('string')
  async VerifyTally(ctx: Context, request: string): Promise<string> {
    return stableStringify(await verifyTally(ctx, parseArg(VerifyTallyRequest, request)));
  }

  /** An election, its phase, roll size and tally status (query). */
  @Transaction(false)
  @Returns('string')
  async GetElection(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getElection(ctx, parseArg(ElectionRef, request).electionId));
  }

  /** One page of elections (query). */
  @Transaction(false)
  @Returns('string')
  async ListElections(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listElections(ctx, parseArg(ListElectionsRequest, request)));
  }

  /** Roll, token and ballot status of one pid (query). */
  @Transaction(false)
  @Returns('string')
  async GetVoterStatus(ctx: Context, request: string): Promise<string> {
    return stableStringify(await voterStatus(ctx, parseArg(VoterStatusRequest, request)));
  }

  /** The ballot recorded under a receipt (query). */
  @Transaction(false)
  @Returns('string')
  async GetReceipt(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getReceipt(ctx, parseArg(ReceiptRequest, request)));
  }

  /** One page of an election's ballots (query). */
  @Transaction(false)
  @Returns('string')
  async ListBallots(ctx: Context, request: string): Promise<string> {
    return stableStringify(await listBallots(ctx, parseArg(ListBallotsRequest, request)));
  }

  /** The tally record, counting or final (query). */
  @Transaction(false)
  @Returns('string')
  async GetTally(ctx: Context, request: string): Promise<string> {
    return stableStringify(await getTally(ctx, parseArg(ElectionRef, request).electionId));
  }
}
