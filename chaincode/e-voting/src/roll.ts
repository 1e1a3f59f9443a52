/**
 * The roll: the organiser registers voters, each the pair (home MSP, pid), in bounded batches until
 * voting opens (then the roll is frozen). Rule elections have no roll: who may
 * vote is decided in authz.ts.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  keyExists,
  protectRecord,
  readAll,
  readIndexKeys,
  txTimeIso,
  txTimeMs,
  writeJson,
} from '@govledger/chaincode-common';
import { requireOrganiser } from './authz';
import { loadElection, phaseAt } from './election';
import { errors } from './errors';
import { KeyType, rollBatchKey, voterKey } from './keys';
import type { RegisterVotersResult, RollBatch, Voter } from './model';
import { Limits, type RegisterVotersRequest } from './schemas';

/**
 * RegisterVoters: an election admin of the organising organisation puts a batch
 * of voters, each (home MSP, pid), on the roll. Refused once voting has opened
 * (ROLL_FROZEN), for rule elections (ROLL_NOT_APPLICABLE), for a batch id seen
 * before (ROLL_BATCH_EXISTS) and when the roll has its maximum number of batches
 * (ROLL_FULL). Voters already on the roll are skipped and reported, never
 * counted twice. The batch and every roll entry are protected for the organiser.
 */
export async function registerVoters(
  ctx: Context,
  req: RegisterVotersRequest,
): Promise<RegisterVotersResult> {
  const caller = getCaller(ctx);
  const election = await loadElection(ctx, req.electionId);
  requireOrganiser(caller, election);
  if (election.eligibility.kind !== 'roll') {
    throw errors.rollNotApplicable(`election ${req.electionId} admits voters by an attribute rule`);
  }
  if (phaseAt(election, txTimeMs(ctx)) !== 'scheduled') {
    throw errors.rollFrozen(`the roll of ${req.electionId} froze at ${election.opensAt}`);
  }
  const batchKey = rollBatchKey(ctx, req.electionId, req.batchId);
  if (await keyExists(ctx, batchKey)) {
    throw errors.rollBatchExists(`batch ${req.batchId} is registered already`);
  }
  const batches = await readIndexKeys(ctx, KeyType.RollBatch, [req.electionId], Limits.maxRollBatches);
  if (batches.length >= Limits.maxRollBatches) {
    throw errors.rollFull(`the roll has its maximum of ${Limits.maxRollBatches} batches`);
  }
  const now = txTimeIso(ctx);
  let added = 0;
  const organiser = election.organiser.mspId;
  for (const subject of req.voters) {
    const key = voterKey(ctx, req.electionId, subject);
    if (await keyExists(ctx, key)) continue;
    const voter: Voter = {
      docType: 'voter',
      electionId: req.electionId,
      voter: { mspId: subject.mspId, pid: subject.pid },
      batchId: req.batchId,
      registeredAt: now,
    };
    await writeJson(ctx, key, voter);
    await protectRecord(ctx, key, organiser);
    added += 1;
  }
  const batch: RollBatch = {
    docType: 'rollBatch',
    electionId: req.electionId,
    batchId: req.batchId,
    added,
    alreadyRegistered: req.voters.length - added,
    registeredAt: now,
    registeredBy: caller.id,
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, batchKey, batch);
  await protectRecord(ctx, batchKey, organiser);
  const result: RegisterVotersResult = {
    electionId: req.electionId,
    batchId: req.batchId,
    added,
    alreadyRegistered: batch.alreadyRegistered,
  };
  emitEvent(ctx, 'VotersRegistered', { ...result, organiser });
  return result;
}

/** The number of voters on an election's roll: the sum over its batches (at most maxRollBatches reads). */
export async function rollSize(ctx: Context, electionId: string): Promise<number> {
  const batches = await readAll<RollBatch>(ctx, KeyType.RollBatch, [electionId], Limits.maxRollBatches);
  return batches.reduce((sum, b) => sum + b.value.added, 0);
}
