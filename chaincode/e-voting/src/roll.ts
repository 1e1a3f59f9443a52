/**
 * The roll: who may vote. Either the organiser registers pseudonymous ids in
 * bounded batches until voting opens (then the roll is frozen), or the
 * election admits everyone whose certificate matches an attribute rule.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  hasRole,
  keyExists,
  readAll,
  readIndexKeys,
  txTimeIso,
  txTimeMs,
  writeJson,
  type Caller,
} from '@govledger/chaincode-common';
import { EVotingError, refuse } from './errors';
import { loadElection, phaseAt, requireOrganiser } from './election';
import { KeyType, rollBatchKey, voterKey } from './keys';
import type { ElectionRecord, RollBatchRecord, VoterRecord } from './model';
import { Limits, type RegisterVotersRequest } from './schemas';

/** RegisterVoters result. */
export interface RegisterVotersResult {
  electionId: string;
  batchId: string;
  added: number;
  alreadyRegistered: number;
}

/**
 * RegisterVoters: an election admin of the organising organisation puts a batch
 * of pids on the roll. Refused once voting has opened (ROLL_FROZEN), for rule
 * elections (ROLL_NOT_APPLICABLE), for a batch id seen before (ROLL_BATCH_EXISTS)
 * and when the roll has its maximum number of batches (ROLL_FULL). Pids already
 * on the roll are skipped and reported, never counted twice.
 */
export async function registerVoters(
  ctx: Context,
  req: RegisterVotersRequest,
): Promise<RegisterVotersResult> {
  const caller = getCaller(ctx);
  const election = await loadElection(ctx, req.electionId);
  requireOrganiser(caller, election);
  if (election.eligibility.kind !== 'roll') {
    throw refuse(
      EVotingError.RollNotApplicable,
      `election ${req.electionId} admits voters by an attribute rule`,
    );
  }
  if (phaseAt(election, txTimeMs(ctx)) !== 'scheduled') {
    throw refuse(EVotingError.RollFrozen, `the roll of ${req.electionId} froze at ${election.opensAt}`);
  }
  const batchKey = rollBatchKey(ctx, req.electionId, req.batchId);
  if (await keyExists(ctx, batchKey)) {
    throw refuse(EVotingError.RollBatchExists, `batch ${req.batchId} is registered already`);
  }
  const batches = await readIndexKeys(ctx, KeyType.RollBatch, [req.electionId], Limits.maxRollBatches);
  if (batches.length >= Limits.maxRollBatches) {
    throw refuse(EVotingError.RollFull, `the roll has its maximum of ${Limits.maxRollBatches} batches`);
  }
  const now = txTimeIso(ctx);
  let added = 0;
  for (const pid of req.pids) {
    const key = voterKey(ctx, req.electionId, pid);
    if (await keyExists(ctx, key)) continue;
    const voter: VoterRecord = {
      docType: 'voter',
      electionId: req.electionId,
      pid,
      batchId: req.batchId,
      registeredAt: now,
    };
    await writeJson(ctx, key, voter);
    added += 1;
  }
  const batch: RollBatchRecord = {
    docType: 'rollBatch',
    electionId: req.electionId,
    batchId: req.batchId,
    added,
    alreadyRegistered: req.pids.length - added,
    registeredAt: now,
    registeredBy: caller.id,
    txId: ctx.stub.getTxID(),
  };
  await writeJson(ctx, batchKey, batch);
  const result = {
    electionId: req.electionId,
    batchId: req.batchId,
    added,
    alreadyRegistered: batch.alreadyRegistered,
  };
  emitEvent(ctx, 'VotersRegistered', result);
  return result;
}

/** The number of voters on an election's roll: the sum over its batches (at most maxRollBatches reads). */
export async function rollSize(ctx: Context, electionId: string): Promise<number> {
  const batches = await readAll<RollBatchRecord>(ctx, KeyType.RollBatch, [electionId], Limits.maxRollBatches);
  return batches.reduce((sum, b) => sum + b.value.added, 0);
}

/** True when the certificate matches the election's attribute rule. */
export function matchesRule(
  caller: Caller,
  election: ElectionRecord,
  attribute: (name: string) => string | null,
): boolean {
  const rule = election.eligibility;
  if (rule.kind !== 'rule') return false;
  if (!rule.mspIds.includes(caller.mspId)) return false;
  if (!hasRole(caller, ...rule.roles)) return false;
  return Object.entries(rule.attributes).every(([name, value]) => attribute(name) === value);
}

/**
 * Refuses with INELIGIBLE_VOTER unless the caller may vote in the election:
 * the caller's certificate must carry a pid (gov.pid) and the pid must be on
 * the roll, or the certificate must match the rule. Returns the pid.
 */
export async function requireEligible(ctx: Context, election: ElectionRecord): Promise<string> {
  const caller = getCaller(ctx);
  const pid = caller.pid;
  if (!pid)
    throw refuse(EVotingError.IneligibleVoter, 'the caller certificate carries no pseudonymous id (gov.pid)');
  if (election.eligibility.kind === 'roll') {
    if (!(await keyExists(ctx, voterKey(ctx, election.electionId, pid)))) {
      throw refuse(EVotingError.IneligibleVoter, `the caller is not on the roll of ${election.electionId}`);
    }
    return pid;
  }
  if (!matchesRule(caller, election, (name) => ctx.clientIdentity.getAttributeValue(name))) {
    throw refuse(
      EVotingError.IneligibleVoter,
      `the caller does not match the eligibility rule of ${election.electionId}`,
    );
  }
  return pid;
}
