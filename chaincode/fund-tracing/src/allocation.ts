/**
 * Allocations: the owning finance department gives parts of a program's budget
 * to implementing departments (organisation + department). The allocations of
 * a program never exceed its total budget.
 */
import type { Context } from 'fabric-contract-api';
import {
  alreadyExists,
  emitEvent,
  getCaller,
  keyExists,
  mustReadJson,
  txTimeIso,
  txTimeMs,
  writeIndex,
  writeJson,
} from '@govledger/chaincode-common';
import { actorOf, requireFinanceOfficer, requireProgramOwner, requireStaff } from './access';
import { conflictWith, FundErrorCode } from './errors';
import type { AlertSummary, Allocation } from './model';
import { fen, toFen } from './money';
import { loadProgram, requireOpen } from './program';
import { afterEndViolation, enforceRules } from './rules';
import type { AllocateFundsInput, GetAllocationInput, ListAllocationsInput } from './schemas';
import { ObjectType, key, readIndexPage, readTotal, writeTotal } from './state';
import { allocationTranches, readTranchedTotal } from './tranche';

/** An allocation with its disbursement balance. */
export interface AllocationView {
  allocation: Allocation;
  disbursed: string;
  remaining: string;
  disbursementCount: number;
}

/** Reads an allocation or refuses with ALLOCATION_NOT_FOUND. */
export async function loadAllocation(ctx: Context, allocationId: string): Promise<Allocation> {
  return mustReadJson<Allocation>(
    ctx,
    key(ctx, ObjectType.allocation, allocationId),
    `allocation ${allocationId}`,
    FundErrorCode.AllocationNotFound,
  );
}

/** AllocateFunds: the owner's finance officer allocates part of the budget to a department. */
export async function allocateFunds(
  ctx: Context,
  req: AllocateFundsInput,
): Promise<{ allocation: Allocation; alerts: AlertSummary[] }> {
  const caller = getCaller(ctx);
  requireFinanceOfficer(caller);
  const program = await loadProgram(ctx, req.programId);
  requireProgramOwner(caller, program);
  const k = key(ctx, ObjectType.allocation, req.allocationId);
  if (await keyExists(ctx, k)) {
    throw alreadyExists(`allocation ${req.allocationId} exists already`, FundErrorCode.AllocationExists);
  }
  requireOpen(program);

  const amount = toFen(req.amount);
  const allocated = await readTotal(ctx, 'program', program.programId);
  const budget = toFen(program.totalBudget);
  if (allocated.total + amount > budget) {
    throw conflictWith(
      FundErrorCode.ExceedsBudget,
      `allocating ${req.amount} would exceed the budget of program ${program.programId}`,
      {
        budget: program.totalBudget,
        allocated: fen(allocated.total),
        remaining: fen(budget - allocated.total),
      },
    );
  }
  const self = { kind: 'allocation', id: req.allocationId } as const;
  const alerts = await enforceRules(ctx, program, [afterEndViolation(program, txTimeMs(ctx), [self])]);

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
  emitEvent(ctx, 'FundsAllocated', {
    programId: program.programId,
    allocationId: allocation.allocationId,
    mspId: allocation.mspId,
    dept: allocation.dept,
    amount: allocation.amount,
    alerts,
  });
  return { allocation, alerts };
}

/** The allocation with its disbursed (pending + paid) and remaining amounts. */
export async function allocationView(ctx: Context, allocation: Allocation): Promise<AllocationView> {
  const disbursed = await readTranchedTotal(ctx, allocationTranches(allocation.allocationId));
  return {
    allocation,
    disbursed: fen(disbursed.total),
    remaining: fen(toFen(allocation.amount) - disbursed.total),
    disbursementCount: disbursed.count,
  };
}

/** GetAllocation: staff read any allocation. */
export async function getAllocation(ctx: Context, req: GetAllocationInput): Promise<AllocationView> {
  requireStaff(getCaller(ctx));
  return allocationView(ctx, await loadAllocation(ctx, req.allocationId));
}

/** ListAllocations: a program's allocations with balances, by id (paginated). */
export async function listAllocations(
  ctx: Context,
  req: ListAllocationsInput,
): Promise<{ records: AllocationView[]; bookmark: string }> {
  requireStaff(getCaller(ctx));
  await loadProgram(ctx, req.programId);
  const page = await readIndexPage(
    ctx,
    ObjectType.allocationByProgram,
    [req.programId],
    req.pageSize,
    req.bookmark,
  );
  const records: AllocationView[] = [];
  for (const k of page.keys)
    records.push(await allocationView(ctx, await loadAllocation(ctx, k[1] as string)));
  return { records, bookmark: page.bookmark };
}
