/**
 * Trace: from any record (program, allocation, disbursement, spend) the chain up
 * to its program and down to every spend below it, with amounts and balances
 * at each level. The result is one tree rooted at the program: the ancestors of
 * the requested record list only the child on the path (`complete: false`),
 * the requested record and everything below it list every child.
 */
import type { Context } from 'fabric-contract-api';
import { getCaller } from '@govledger/chaincode-common';
import { requireStaff, requireStaffOrRecipient } from './access';
import { loadAllocation } from './allocation';
import { loadDisbursement } from './disbursement';
import { conflictWith, FundErrorCode } from './errors';
import type { Allocation, Disbursement, Program, RecordRef, Spend } from './model';
import { fen, toFen } from './money';
import { loadProgram } from './program';
import { Limits, type TraceFundsInput } from './schemas';
import { ObjectType, readKeysBounded, readTotal, scanKeys, type TotalValue } from './state';
import { allocationTranches, readTranchedTotal } from './tranche';
import { loadSpend } from './spend';

/** Alert ids listed per node at most. */
const MAX_NODE_ALERTS = 50;

/** One record in a trace. */
export interface TraceNode {
  kind: RecordRef['kind'];
  id: string;
  /** The record's own amount (a program's total budget). */
  amount: string;
  /**
   * What its children hold: allocated (program), disbursed pending + paid
   * (allocation), spent (disbursement); absent for a spend.
   */
  committed?: string;
  /** amount - committed; absent for a spend. */
  remaining?: string;
  /** Number of live children (rejected disbursements are not counted). */
  childCount?: number;
  /** True when `children` lists every child (rejected disbursements included). */
  complete: boolean;
  /** Ids of the alerts that name this record (at most 50). */
  alertIds: string[];
  /** The stored record. */
  record: Program | Allocation | Disbursement | Spend;
  children: TraceNode[];
}

/** A trace. */
export interface TraceResult {
  record: RecordRef;
  /** From the program down to the requested record. */
  path: RecordRef[];
  root: TraceNode;
  /** Records in the tree. */
  records: number;
}

class Budget {
  used = 0;
  take(n = 1): void {
    this.used += n;
    if (this.used > Limits.maxTraceRecords) throw tooLarge();
  }
  left(): number {
    return Limits.maxTraceRecords - this.used;
  }
}

function tooLarge(): Error {
  return conflictWith(
    FundErrorCode.TraceTooLarge,
    `the trace would hold more than ${Limits.maxTraceRecords} records; trace a lower level or use the list queries`,
  );
}

async function alertIdsOf(ctx: Context, kind: RecordRef['kind'], id: string): Promise<string[]> {
  const ids: string[] = [];
  await scanKeys(ctx, ObjectType.alertByRecord, [kind, id], (attrs) => {
    ids.push(attrs[2] as string);
    return ids.length < MAX_NODE_ALERTS;
  });
  return ids;
}

async function node(
  ctx: Context,
  kind: RecordRef['kind'],
  id: string,
  amount: string,
  record: TraceNode['record'],
  totalOf?: () => Promise<TotalValue>,
): Promise<TraceNode> {
  const n: TraceNode = {
    kind,
    id,
    amount,
    complete: totalOf === undefined,
    alertIds: await alertIdsOf(ctx, kind, id),
    record,
    children: [],
  };
  if (totalOf) {
    const t = await totalOf();
    n.committed = fen(t.total);
    n.remaining = fen(toFen(amount) - t.total);
    n.childCount = t.count;
  }
  return n;
}

const programNode = (ctx: Context, p: Program): Promise<TraceNode> =>
  node(ctx, 'program', p.programId, p.totalBudget, p, () => readTotal(ctx, 'program', p.programId));
const allocationNode = (ctx: Context, a: Allocation): Promise<TraceNode> =>
  node(ctx, 'allocation', a.allocationId, a.amount, a, () =>
    readTranchedTotal(ctx, allocationTranches(a.allocationId)),
  );
const disbursementNode = (ctx: Context, d: Disbursement): Promise<TraceNode> =>
  node(ctx, 'disbursement', d.disbursementId, d.amount, d, () =>
    readTotal(ctx, 'disbursement', d.disbursementId),
  );
const spendNode = (ctx: Context, s: Spend): Promise<TraceNode> => node(ctx, 'spend', s.spendId, s.amount, s);

async function childIds(
  ctx: Context,
  objectType: string,
  parentId: string,
  budget: Budget,
): Promise<string[]> {
  const keys = await readKeysBounded(ctx, objectType, [parentId], budget.left(), tooLarge);
  budget.take(keys.length);
  return keys.map((k) => k[1] as string);
}

async function expandDisbursement(ctx: Context, n: TraceNode, budget: Budget): Promise<TraceNode> {
  for (const id of await childIds(ctx, ObjectType.spendByDisbursement, n.id, budget)) {
    n.children.push(await spendNode(ctx, await loadSpend(ctx, id)));
  }
  n.complete = true;
  return n;
}

async function expandAllocation(ctx: Context, n: TraceNode, budget: Budget): Promise<TraceNode> {
  for (const id of await childIds(ctx, ObjectType.disbursementByAllocation, n.id, budget)) {
    const child = await disbursementNode(ctx, await loadDisbursement(ctx, id));
    n.children.push(await expandDisbursement(ctx, child, budget));
  }
  n.complete = true;
  return n;
}

async function expandProgram(ctx: Context, n: TraceNode, budget: Budget): Promise<TraceNode> {
  for (const id of await childIds(ctx, ObjectType.allocationByProgram, n.id, budget)) {
    const child = await allocationNode(ctx, await loadAllocation(ctx, id));
    n.children.push(await expandAllocation(ctx, child, budget));
  }
  n.complete = true;
  return n;
}

/** Hangs `child` under `parent` as its only listed child (the parent is not complete). */
function on(parent: TraceNode, child: TraceNode): TraceNode {
  parent.children = [child];
  parent.complete = false;
  return parent;
}

/** TraceFunds: staff trace anything; a recipient traces its own disbursements and spends. */
export async function traceFunds(ctx: Context, req: TraceFundsInput): Promise<TraceResult> {
  const caller = getCaller(ctx);
  const budget = new Budget();
  let spend: Spend | undefined;
  let disbursement: Disbursement | undefined;
  let allocation: Allocation | undefined;
  let program: Program;
  switch (req.kind) {
    case 'spend':
      spend = await loadSpend(ctx, req.id);
      disbursement = await loadDisbursement(ctx, spend.disbursementId);
      allocation = await loadAllocation(ctx, disbursement.allocationId);
      program = await loadProgram(ctx, allocation.programId);
      break;
    case 'disbursement':
      disbursement = await loadDisbursement(ctx, req.id);
      allocation = await loadAllocation(ctx, disbursement.allocationId);
      program = await loadProgram(ctx, allocation.programId);
      break;
    case 'allocation':
      allocation = await loadAllocation(ctx, req.id);
      program = await loadProgram(ctx, allocation.programId);
      break;
    case 'program':
      program = await loadProgram(ctx, req.id);
      break;
  }
  if (disbursement) requireStaffOrRecipient(caller, disbursement.recipientPid);
  else requireStaff(caller);

  const path: RecordRef[] = [{ kind: 'program', id: program.programId }];
  let root = await programNode(ctx, program);
  budget.take();
  if (!allocation) {
    root = await expandProgram(ctx, root, budget);
    return { record: { kind: req.kind, id: req.id }, path, root, records: budget.used };
  }
  path.push({ kind: 'allocation', id: allocation.allocationId });
  let allocNode = await allocationNode(ctx, allocation);
  budget.take();
  if (!disbursement) {
    allocNode = await expandAllocation(ctx, allocNode, budget);
  } else {
    path.push({ kind: 'disbursement', id: disbursement.disbursementId });
    let disbNode = await disbursementNode(ctx, disbursement);
    budget.take();
    if (!spend) {
      disbNode = await expandDisbursement(ctx, disbNode, budget);
    } else {
      path.push({ kind: 'spend', id: spend.spendId });
      budget.take();
      on(disbNode, await spendNode(ctx, spend));
    }
    on(allocNode, disbNode);
  }
  on(root, allocNode);
  return { record: { kind: req.kind, id: req.id }, path, root, records: budget.used };
}
