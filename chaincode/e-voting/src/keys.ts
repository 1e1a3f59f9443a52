/**
 * Key layout. Records live under composite keys, except ballots: they use
 * simple keys `ballot/<electionId>/<receipt>` so that a tally can read them in
 * key order from a cursor with a bounded range read inside a write transaction
 * (Fabric refuses composite keys in getStateByRange and pagination in writes).
 * Election ids never contain `/`, receipts are lower-case hex, so the range
 * [`ballot/<id>/`, `ballot/<id>/~`) holds exactly one election's ballots.
 */
import type { Context } from 'fabric-contract-api';
import { compositeKey, type Subject } from '@govledger/chaincode-common';

/** Object types of the composite keys. */
export const KeyType = {
  Election: 'election',
  Voter: 'voter',
  RollBatch: 'rollBatch',
  Token: 'token',
  Tally: 'tally',
  Authority: 'authority',
  Issuance: 'issuance',
  IssuedCount: 'issuedCount',
  BallotCount: 'ballotCount',
} as const;

/** election~electionId */
export function electionKey(ctx: Context, electionId: string): string {
  return compositeKey(ctx, KeyType.Election, electionId);
}

/** voter~electionId~mspId~pid: a roll entry is a (home MSP, pid) pair. */
export function voterKey(ctx: Context, electionId: string, voter: Subject): string {
  return compositeKey(ctx, KeyType.Voter, electionId, voter.mspId, voter.pid);
}

/** rollBatch~electionId~batchId */
export function rollBatchKey(ctx: Context, electionId: string, batchId: string): string {
  return compositeKey(ctx, KeyType.RollBatch, electionId, batchId);
}

/** token~electionId~mspId~pid */
export function tokenKey(ctx: Context, electionId: string, voter: Subject): string {
  return compositeKey(ctx, KeyType.Token, electionId, voter.mspId, voter.pid);
}

/** authority~electionId~mspId: an authority's registered public key. */
export function authorityKey(ctx: Context, electionId: string, mspId: string): string {
  return compositeKey(ctx, KeyType.Authority, electionId, mspId);
}

/** issuance~electionId~voterMsp~pid~authorityMsp: one authority's issuance to one voter. */
export function issuanceKey(ctx: Context, electionId: string, voter: Subject, authority: string): string {
  return compositeKey(ctx, KeyType.Issuance, electionId, voter.mspId, voter.pid, authority);
}

/** issuedCount~electionId~shard: one shard of the count of voters issued tokens by k authorities. */
export function issuedCountKey(ctx: Context, electionId: string, shard: string): string {
  return compositeKey(ctx, KeyType.IssuedCount, electionId, shard);
}

/** ballotCount~electionId: the number of secret ballots cast. */
export function ballotCountKey(ctx: Context, electionId: string): string {
  return compositeKey(ctx, KeyType.BallotCount, electionId);
}

/** tally~electionId */
export function tallyKey(ctx: Context, electionId: string): string {
  return compositeKey(ctx, KeyType.Tally, electionId);
}

const BALLOT_PREFIX = 'ballot/';

/** ballot/electionId/receipt (a simple key). */
export function ballotKey(electionId: string, receipt: string): string {
  return `${BALLOT_PREFIX}${electionId}/${receipt}`;
}

/** The key range holding exactly one election's ballots: start inclusive, end exclusive. */
export function ballotRange(electionId: string): { start: string; end: string } {
  const prefix = `${BALLOT_PREFIX}${electionId}/`;
  return { start: prefix, end: `${prefix}~` };
}
