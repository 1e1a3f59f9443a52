/**
 * The two counts that keep secret elections from being stuffed, in one place:
 *
 * - issued: voters issued tokens by at least k distinct authorities. A voter is
 *   counted once, by the issuance that brings them to k. The count is sharded
 *   by voter (16 shards: first hex digit of SHA-256 of `<mspId>/<pid>`), so
 *   concurrent issuances to different voters rarely touch the same key.
 * - ballots: secret ballots cast. One key, read and written by every
 *   CastSecretBallots batch (batches are few: the ballot box submits them).
 *
 * Casting refuses a batch that would make ballots exceed issued; the tally and
 * VerifyTally report any excess as a failure.
 */
import type { Context } from 'fabric-contract-api';
import {
  protectRecord,
  readJson,
  sha256Hex,
  subjectKey,
  writeJson,
  type Subject,
} from '@govledger/chaincode-common';
import { ballotCountKey, issuedCountKey } from './keys';
import type { BallotCount, Election, IssuedCount } from './model';
import { Limits } from './schemas';

const HEX = '0123456789abcdef';

/** The shard of a voter's issued count: one hex digit. */
export function issuedShard(voter: Subject): string {
  return sha256Hex(subjectKey(voter)).slice(0, 1);
}

/** All shard names, in order. */
export function issuedShards(): string[] {
  return HEX.slice(0, Limits.issuedShards).split('');
}

/** Counts one more voter issued tokens by k authorities (in the voter's shard). */
export async function countIssued(ctx: Context, election: Election, voter: Subject): Promise<void> {
  const shard = issuedShard(voter);
  const key = issuedCountKey(ctx, election.electionId, shard);
  const existing = await readJson<IssuedCount>(ctx, key);
  const next: IssuedCount = existing
    ? { ...existing, voters: existing.voters + 1 }
    : { docType: 'issuedCount', electionId: election.electionId, shard, voters: 1 };
  await writeJson(ctx, key, next);
  if (!existing) await protectRecord(ctx, key, election.organiser.mspId);
}

/** Voters issued tokens by at least k authorities: the sum of the shards. */
export async function issuedTokens(ctx: Context, electionId: string): Promise<number> {
  let total = 0;
  for (const shard of issuedShards()) {
    total += (await readJson<IssuedCount>(ctx, issuedCountKey(ctx, electionId, shard)))?.voters ?? 0;
  }
  return total;
}

/** Secret ballots cast so far. */
export async function secretBallots(ctx: Context, electionId: string): Promise<number> {
  return (await readJson<BallotCount>(ctx, ballotCountKey(ctx, electionId)))?.ballots ?? 0;
}

/** Adds a batch to the secret-ballot count. */
export async function countBallots(ctx: Context, election: Election, added: number): Promise<number> {
  const key = ballotCountKey(ctx, election.electionId);
  const existing = await readJson<BallotCount>(ctx, key);
  const ballots = (existing?.ballots ?? 0) + added;
  await writeJson(ctx, key, { docType: 'ballotCount', electionId: election.electionId, ballots });
  if (!existing) await protectRecord(ctx, key, election.organiser.mspId);
  return ballots;
}
