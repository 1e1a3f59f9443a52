/**
 * Allocations: the owning finance department gives parts of a program's budget
 * to implementing departments (organisation + department). The allocations of
 * a program never exceed its total budget.
 */
import type { Context } from 'fabric-contract-api';
import {
  getCaller,
  keyExists,
  protectRecord,
  readJson,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { emitWithAlerts } from './alert';
import { actorOf, requireFinanceOfficer, requireProgramOwner } from './authz';
import { errors } from './errors';
import { ObjectType, key, readTotal, writeTotal } from './keys';
import type { Allocation, AllocationResult } from './model';
import { fen, toFen } from './money';
import { loadProgram, requireOpen } from './program';
import { afterEndViolation, enforceRules } from './rules';
import { EventName, type AllocateFundsRequest } from './schemas';

/** Reads an allocation or refuses with ALLOCATION_NOT_FOUND. */
export async function loadAllocation(ctx: Context, allocationId: string): Promise<Allocation> {
  const allocation = await readJson<Allocation>(ctx, key(ctx, ObjectType.allocation, allocationId));
  if (allocation === undefined) throw errors.allocationNotFound(`allocation ${allocationId} does not exist`);
  return allocation;
}

/** AllocateFunds: the owner's finance officer allocates part of the budget to a department. */
export async function allocateFunds(ctx: Context, req: AllocateFundsRequest): Promise<AllocationResult> {
  const caller = getCaller(ctx);
  requireFinanceOfficer(caller);
  const program = await loadProgram(ctx, req.programId);
  requireProgramOwner(caller, program);
  const k = key(ctx, ObjectType.allocation, req.allocationId);
  if (await keyExists(ctx, k)) {
    throw errors.allocationExists(`allocation ${req.allocationId} exists already`);
  }
  requireOpen(program);

  const amount = toFen(req.amount);
  const allocated = await readTotal(ctx, 'program', program.programId);
  const budget = toFen(program.totalBudget);
  if (allocated.total + amount > budget) {
    throw errors.exceedsBudget(
      `allocating ${req.amount} would exceed the budget of program ${program.programId}`,
      {
        budget: program.totalBudget,
        allocated: fen(allocated.total),
        remaining: fen(budget - allocated.total),
      },
    );
  }
  const self = { kind: 'allocation', id: req.allocationId } as const;
  const alerts = await enforceRules(ctx, program, program.ownerMspId, [
    afterEndViolation(program, txTimeMs(ctx), [self]),
  ]);

  const allocation: Allocation = {
    allocationId: req.allocationId,
    programId: program.programId,
    mspId: req.mspId,
    dept: req.dept,
    amount: req.amount,
    createdAt: txTimeIso(ctx),
    createdBy: actorOf(caller),
  };
  await writeJson(ctx, k, allocation);
  await protectRecord(ctx, k, program.ownerMspId);
  await writeTotal(
    ctx,
    { total: allocated.total + amount, count: allocated.count + 1 },
    'program',
    program.programId,
  );
  await writeIndex(ctx, ObjectType.allocationByProgram, program.programId, allocation.allocationId);
  await writeIndex(
    ctx,
    ObjectType.allocationByDept,
    program.programId,
    allocation.mspId,
    allocation.dept,
    allocation.allocationId,
  );
  emitWithAlerts(
    ctx,
    program.programId,
    EventName.FundsAllocated,
    {
      programId: program.programId,
      ownerMspId: program.ownerMspId,
      allocationId: allocation.allocationId,
      mspId: allocation.mspId,
      dept: allocation.dept,
      amount: allocation.amount,
      alerts,
    },
    alerts,
  );
  return { allocation, alerts };
}
