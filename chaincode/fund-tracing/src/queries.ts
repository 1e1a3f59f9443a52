/**
 * Read paths: the Get/List queries with their balances, and the trace.
 *
 * Trace: from any record (program, allocation, disbursement, spend) the chain up
 * to its program and down to every spend below it, with amounts and balances
 * at each level. The result is one tree rooted at the program: the ancestors of
 * the requested record list only the child on the path (`complete: false`),
 * the requested record and everything below it list every child.
 */
import type { Context } from 'fabric-contract-api';
import { getCaller, readPage } from '@govledger/chaincode-common';
import { recipientOf, requireAlertReader, requireStaff, requireStaffOrRecipient } from './authz';
import { loadAlert } from './alert';
import { loadAllocation } from './allocation';
import { loadDisbursement } from './disbursement';
import { errors } from './errors';
import { ObjectType, readIndexPage, readKeysBounded, readTotal, scanKeys, type TotalValue } from './keys';
import type {
  Alert,
  Allocation,
  AllocationView,
  Disbursement,
  DisbursementView,
  Page,
  Program,
  ProgramView,
  Recipient,
  RecordRef,
  Spend,
  TraceNode,
  TraceResult,
} from './model';
import { fen, toFen } from './money';
import { loadProgram } from './program';
import { loadRecipient } from './recipient';
import {
  Limits,
  type GetAlertRequest,
  type GetAllocationRequest,
  type GetDisbursementRequest,
  type GetProgramRequest,
  type GetRecipientRequest,
  type GetSpendRequest,
  type ListAlertsRequest,
  type ListAllocationsRequest,
  type ListDisbursementsRequest,
  type ListPendingDisbursementsRequest,
  type ListProgramsRequest,
  type ListRecipientsRequest,
  type ListSpendsRequest,
  type TraceFundsRequest,
} from './schemas';
import { loadSpend } from './spend';
import { allocationTranches, readTranchedTotal } from './tranche';

// ------------------------------------------------------------ programs

/** The program with its allocated and unallocated amounts. */
export async function programView(ctx: Context, program: Program): Promise<ProgramView> {
  const allocated = await readTotal(ctx, 'program', program.programId);
  return {
    program,
    allocated: fen(allocated.total),
    unallocated: fen(toFen(program.totalBudget) - allocated.total),
    allocationCount: allocated.count,
  };
}

/** GetProgram: any member reads a program (public money; no personal data in it). */
export async function getProgram(ctx: Context, req: GetProgramRequest): Promise<ProgramView> {
  return programView(ctx, await loadProgram(ctx, req.programId));
}

/** ListPrograms: every program, by id (paginated). */
export async function listPrograms(ctx: Context, req: ListProgramsRequest): Promise<Page<Program>> {
  const page = await readPage<Program>(ctx, ObjectType.program, [], req.pageSize, req.bookmark);
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark };
}

// ------------------------------------------------------------ allocations

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
export async function getAllocation(ctx: Context, req: GetAllocationRequest): Promise<AllocationView> {
  requireStaff(getCaller(ctx));
  return allocationView(ctx, await loadAllocation(ctx, req.allocationId));
}

/** ListAllocations: a program's allocations with balances, by id (paginated). */
export async function listAllocations(
  ctx: Context,
  req: ListAllocationsRequest,
): Promise<Page<AllocationView>> {
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

// ------------------------------------------------------------ recipients

/** GetRecipient: staff, or the recipient itself. */
export async function getRecipient(ctx: Context, req: GetRecipientRequest): Promise<Recipient> {
  requireStaffOrRecipient(getCaller(ctx), recipientOf(req));
  return loadRecipient(ctx, req.programId, recipientOf(req));
}

/** ListRecipients: a program's recipients, by pseudonymous id (paginated; staff only). */
export async function listRecipients(ctx: Context, req: ListRecipientsRequest): Promise<Page<Recipient>> {
  requireStaff(getCaller(ctx));
  const page = await readPage<Recipient>(
    ctx,
    ObjectType.recipient,
    [req.programId],
    req.pageSize,
    req.bookmark,
  );
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark };
}

// ------------------------------------------------------------ disbursements

/** The disbursement with its spent and remaining amounts. */
export async function disbursementView(ctx: Context, d: Disbursement): Promise<DisbursementView> {
  const spent = await readTotal(ctx, 'disbursement', d.disbursementId);
  return {
    disbursement: d,
    spent: fen(spent.total),
    remaining: fen(toFen(d.amount) - spent.total),
    spendCount: spent.count,
  };
}

/** GetDisbursement: staff, or the recipient. */
export async function getDisbursement(ctx: Context, req: GetDisbursementRequest): Promise<DisbursementView> {
  const d = await loadDisbursement(ctx, req.disbursementId);
  requireStaffOrRecipient(getCaller(ctx), recipientOf(d));
  return disbursementView(ctx, d);
}

async function viewsOf(ctx: Context, ids: string[]): Promise<DisbursementView[]> {
  const out: DisbursementView[] = [];
  for (const id of ids) out.push(await disbursementView(ctx, await loadDisbursement(ctx, id)));
  return out;
}

/** A page of disbursement views from a page of index keys whose attribute `idAt` is the disbursement id. */
async function viewPage(
  ctx: Context,
  page: { keys: unknown[][]; bookmark: string },
  idAt: number,
): Promise<Page<DisbursementView>> {
  return {
    records: await viewsOf(
      ctx,
      page.keys.map((k) => k[idAt] as string),
    ),
    bookmark: page.bookmark,
  };
}

/** ListDisbursements: of an allocation (staff), or of a recipient in a program (staff or the recipient). */
export async function listDisbursements(
  ctx: Context,
  req: ListDisbursementsRequest,
): Promise<Page<DisbursementView>> {
  const caller = getCaller(ctx);
  if (req.allocationId !== undefined) {
    requireStaff(caller);
    await loadAllocation(ctx, req.allocationId);
    const page = await readIndexPage(
      ctx,
      ObjectType.disbursementByAllocation,
      [req.allocationId],
      req.pageSize,
      req.bookmark,
    );
    return viewPage(ctx, page, 1);
  }
  const programId = req.programId as string;
  const who = { mspId: req.recipientMspId as string, pid: req.recipientPid as string };
  requireStaffOrRecipient(caller, who);
  const page = await readIndexPage(
    ctx,
    ObjectType.disbursementByRecipient,
    [programId, who.mspId, who.pid],
    req.pageSize,
    req.bookmark,
  );
  return viewPage(ctx, page, 3);
}

/** ListPendingDisbursements: a program's disbursements waiting for a co-signature (staff). */
export async function listPendingDisbursements(
  ctx: Context,
  req: ListPendingDisbursementsRequest,
): Promise<Page<DisbursementView>> {
  requireStaff(getCaller(ctx));
  await loadProgram(ctx, req.programId);
  const page = await readIndexPage(
    ctx,
    ObjectType.pendingDisbursement,
    [req.programId],
    req.pageSize,
    req.bookmark,
  );
  return viewPage(ctx, page, 1);
}

// ------------------------------------------------------------ spends

/** GetSpend: staff, or the recipient who recorded it. */
export async function getSpend(ctx: Context, req: GetSpendRequest): Promise<Spend> {
  const spend = await loadSpend(ctx, req.spendId);
  requireStaffOrRecipient(getCaller(ctx), { mspId: spend.recordedByMspId, pid: spend.recordedBy });
  return spend;
}

/** ListSpends: a disbursement's spends, by id (paginated; staff or the recipient). */
export async function listSpends(ctx: Context, req: ListSpendsRequest): Promise<Page<Spend>> {
  const d = await loadDisbursement(ctx, req.disbursementId);
  requireStaffOrRecipient(getCaller(ctx), recipientOf(d));
  const page = await readIndexPage(
    ctx,
    ObjectType.spendByDisbursement,
    [d.disbursementId],
    req.pageSize,
    req.bookmark,
  );
  const records: Spend[] = [];
  for (const k of page.keys) records.push(await loadSpend(ctx, k[1] as string));
  return { records, bookmark: page.bookmark };
}

// ------------------------------------------------------------ alerts

/** GetAlert: auditors and the owning finance department. */
export async function getAlert(ctx: Context, req: GetAlertRequest): Promise<Alert> {
  const alert = await loadAlert(ctx, req.alertId);
  requireAlertReader(getCaller(ctx), await loadProgram(ctx, alert.programId));
  return alert;
}

/** ListAlerts: a program's alerts, newest first within the chosen index, by status and/or severity. */
export async function listAlerts(ctx: Context, req: ListAlertsRequest): Promise<Page<Alert>> {
  requireAlertReader(getCaller(ctx), await loadProgram(ctx, req.programId));
  let objectType: string = ObjectType.alertByProgram;
  let attrs = [req.programId];
  if (req.status !== undefined) {
    objectType = ObjectType.alertByStatus;
    attrs =
      req.severity !== undefined ? [req.programId, req.status, req.severity] : [req.programId, req.status];
  } else if (req.severity !== undefined) {
    objectType = ObjectType.alertBySeverity;
    attrs = [req.programId, req.severity];
  }
  const page = await readIndexPage(ctx, objectType, attrs, req.pageSize, req.bookmark);
  const records: Alert[] = [];
  for (const k of page.keys) records.push(await loadAlert(ctx, k[k.length - 1] as string));
  return { records, bookmark: page.bookmark };
}

// ------------------------------------------------------------ trace

/** Alert ids listed per node at most. */
const MAX_NODE_ALERTS = 50;

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
  return errors.traceTooLarge(
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
export async function traceFunds(ctx: Context, req: TraceFundsRequest): Promise<TraceResult> {
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
  if (disbursement) requireStaffOrRecipient(caller, recipientOf(disbursement));
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
