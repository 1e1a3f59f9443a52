/**
 * Public transparency: the aggregates of a program that anyone may read
 * (GetPublicSummary, ListPublicSummaries): budget, allocated, disbursed,
 * pending, spent; totals by department and by category; alert counts by rule;
 * the fund flow. Built from the records on read (a running public total would
 * be one hot key every payment of the program writes) and bounded by
 * Limits.maxPublicRecords. Only aggregates and the program's public
 * description leave this file: no pid, account hash, payee id, document hash or
 * certificate id, so a gateway can serve the result without scrubbing it.
 */
import type { Context } from 'fabric-contract-api';
import { readJson, readPage } from '@govledger/chaincode-common';
import { errors } from './errors';
import { ObjectType, key, readTotal, scanKeys } from './keys';
import type { Alert, Allocation, Disbursement, Page, Program, Spend } from './model';
import { fen, toFen } from './money';
import { loadProgram } from './program';
import {
  AlertRule,
  Limits,
  type GetPublicSummaryRequest,
  type ListPublicSummariesRequest,
  type PublicProgramSummary,
} from './schemas';

interface DeptSum {
  mspId: string;
  dept: string;
  allocated: bigint;
  disbursed: bigint;
  pending: bigint;
  spent: bigint;
}

interface CategorySum {
  disbursed: bigint;
  pending: bigint;
  spent: bigint;
}

/** Counts records read and refuses past the bound. */
class Budget {
  #used = 0;
  constructor(private readonly programId: string) {}
  take(n = 1): void {
    this.#used += n;
    if (this.#used > Limits.maxPublicRecords) {
      throw errors.summaryTooLarge(
        `the public summary of program ${this.programId} would read more than ${Limits.maxPublicRecords} records`,
      );
    }
  }
}

async function ids(
  ctx: Context,
  objectType: string,
  prefix: string[],
  at: number,
  work: Budget,
): Promise<string[]> {
  const out: string[] = [];
  await scanKeys(ctx, objectType, prefix, (attrs) => {
    work.take();
    out.push(attrs[at] as string);
    return true;
  });
  return out;
}

async function read<T>(ctx: Context, objectType: string, id: string): Promise<T> {
  const value = await readJson<T>(ctx, key(ctx, objectType, id));
  if (value === undefined) throw new Error(`index names a missing ${objectType} ${id}`);
  return value;
}

/** The public summary of a program. */
export async function publicSummary(ctx: Context, program: Program): Promise<PublicProgramSummary> {
  const work = new Budget(program.programId);
  const depts = new Map<string, DeptSum>();
  const categories = new Map<string, CategorySum>();
  const category = (c: string): CategorySum => {
    let sum = categories.get(c);
    if (!sum) categories.set(c, (sum = { disbursed: 0n, pending: 0n, spent: 0n }));
    return sum;
  };
  for (const c of program.categories) category(c);
  let allocations = 0;
  let disbursements = 0;
  let spends = 0;

  for (const allocationId of await ids(ctx, ObjectType.allocationByProgram, [program.programId], 1, work)) {
    const a = await read<Allocation>(ctx, ObjectType.allocation, allocationId);
    allocations += 1;
    const deptKey = `${a.mspId}/${a.dept}`;
    let dept = depts.get(deptKey);
    if (!dept) {
      dept = { mspId: a.mspId, dept: a.dept, allocated: 0n, disbursed: 0n, pending: 0n, spent: 0n };
      depts.set(deptKey, dept);
    }
    dept.allocated += toFen(a.amount);
    for (const disbursementId of await ids(
      ctx,
      ObjectType.disbursementByAllocation,
      [allocationId],
      1,
      work,
    )) {
      const d = await read<Disbursement>(ctx, ObjectType.disbursement, disbursementId);
      if (d.status === 'rejected') continue;
      disbursements += 1;
      const amount = toFen(d.amount);
      if (d.status === 'paid') {
        dept.disbursed += amount;
        category(d.category).disbursed += amount;
      } else {
        dept.pending += amount;
        category(d.category).pending += amount;
      }
      dept.spent += (await readTotal(ctx, 'disbursement', d.disbursementId)).total;
      for (const spendId of await ids(ctx, ObjectType.spendByDisbursement, [disbursementId], 1, work)) {
        const s = await read<Spend>(ctx, ObjectType.spend, spendId);
        spends += 1;
        category(s.category).spent += toFen(s.amount);
      }
    }
  }

  const alertCounts = new Map<string, { open: number; acknowledged: number; resolved: number }>();
  for (const alertId of await ids(ctx, ObjectType.alertByProgram, [program.programId], 2, work)) {
    const alert = await read<Alert>(ctx, ObjectType.alert, alertId);
    let counts = alertCounts.get(alert.rule);
    if (!counts) alertCounts.set(alert.rule, (counts = { open: 0, acknowledged: 0, resolved: 0 }));
    counts[alert.status] += 1;
  }
  const refusedAttempts = (await ids(ctx, ObjectType.refusedByProgram, [program.programId], 2, work)).length;

  const byDepartment = [...depts.values()].sort((x, y) =>
    x.mspId === y.mspId ? (x.dept < y.dept ? -1 : 1) : x.mspId < y.mspId ? -1 : 1,
  );
  const sum = (f: (d: DeptSum) => bigint) => byDepartment.reduce((t, d) => t + f(d), 0n);
  const budget = toFen(program.totalBudget);
  const allocated = sum((d) => d.allocated);
  const disbursed = sum((d) => d.disbursed);
  const spent = sum((d) => d.spent);
  const categoryNames = [...categories.keys()].sort();
  const flow: PublicProgramSummary['flow'] = [];
  for (const d of byDepartment) {
    flow.push({ from: 'budget', to: `${d.mspId}/${d.dept}`, amount: fen(d.allocated) });
  }
  for (const d of byDepartment) {
    if (d.disbursed > 0n)
      flow.push({ from: `${d.mspId}/${d.dept}`, to: 'recipients', amount: fen(d.disbursed) });
  }
  for (const c of categoryNames) {
    const s = categories.get(c) as CategorySum;
    if (s.spent > 0n) flow.push({ from: 'recipients', to: c, amount: fen(s.spent) });
  }
  return {
    programId: program.programId,
    name: program.name,
    fiscalYear: program.fiscalYear,
    status: program.status,
    ownerMspId: program.ownerMspId,
    startDate: program.startDate,
    endDate: program.endDate,
    categories: program.categories,
    budget: program.totalBudget,
    allocated: fen(allocated),
    unallocated: fen(budget - allocated),
    disbursed: fen(disbursed),
    pending: fen(sum((d) => d.pending)),
    spent: fen(spent),
    unspent: fen(disbursed - spent),
    counts: { allocations, disbursements, spends, refusedAttempts },
    byDepartment: byDepartment.map((d) => ({
      mspId: d.mspId,
      dept: d.dept,
      allocated: fen(d.allocated),
      disbursed: fen(d.disbursed),
      pending: fen(d.pending),
      spent: fen(d.spent),
    })),
    byCategory: categoryNames.map((c) => {
      const s = categories.get(c) as CategorySum;
      return { category: c, disbursed: fen(s.disbursed), pending: fen(s.pending), spent: fen(s.spent) };
    }),
    alertsByRule: AlertRule.options
      .filter((rule) => alertCounts.has(rule))
      .map((rule) => ({
        rule,
        ...(alertCounts.get(rule) as { open: number; acknowledged: number; resolved: number }),
      })),
    flow,
  };
}

/** GetPublicSummary: anyone with a certificate reads a program's public aggregates. */
export async function getPublicSummary(
  ctx: Context,
  req: GetPublicSummaryRequest,
): Promise<PublicProgramSummary> {
  return publicSummary(ctx, await loadProgram(ctx, req.programId));
}

/** ListPublicSummaries: the public aggregates of programs, by id (paginated). */
export async function listPublicSummaries(
  ctx: Context,
  req: ListPublicSummariesRequest,
): Promise<Page<PublicProgramSummary>> {
  const page = await readPage<Program>(ctx, ObjectType.program, [], req.pageSize, req.bookmark);
  const records: PublicProgramSummary[] = [];
  for (const r of page.records) records.push(await publicSummary(ctx, r.value));
  return { records, bookmark: page.bookmark };
}
