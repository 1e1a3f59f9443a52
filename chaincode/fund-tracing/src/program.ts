/**
 * Programs: created and closed by the finance department of the owning
 * organisation; their configuration (categories, dates, co-signature, rules)
 * never changes after creation.
 */
import type { Context } from 'fabric-contract-api';
import {
  conflict,
  emitEvent,
  getCaller,
  keyExists,
  mustReadJson,
  readPage,
  txTimeIso,
  writeJson,
  alreadyExists,
} from '@govledger/chaincode-common';
import { actorOf, requireFinanceOfficer, requireProgramOwner } from './access';
import { FundErrorCode } from './errors';
import type { Program } from './model';
import { fen, toFen } from './money';
import type { CloseProgramInput, CreateProgramInput, GetProgramInput, ListProgramsInput } from './schemas';
import { ObjectType, key, readTotal } from './state';

/** A program with its allocation balance. */
export interface ProgramView {
  program: Program;
  allocated: string;
  unallocated: string;
  allocationCount: number;
}

/** Reads a program or refuses with PROGRAM_NOT_FOUND. */
export async function loadProgram(ctx: Context, programId: string): Promise<Program> {
  return mustReadJson<Program>(
    ctx,
    key(ctx, ObjectType.program, programId),
    `program ${programId}`,
    FundErrorCode.ProgramNotFound,
  );
}

/** Refuses with PROGRAM_CLOSED when the program is closed. */
export function requireOpen(program: Program): void {
  if (program.status === 'closed') {
    throw conflict(`program ${program.programId} is closed`, FundErrorCode.ProgramClosed);
  }
}

function iso(value: string): string {
  return new Date(Date.parse(value)).toISOString();
}

/** CreateProgram: a finance officer creates a program owned by the caller's organisation. */
export async function createProgram(ctx: Context, req: CreateProgramInput): Promise<Program> {
  const caller = getCaller(ctx);
  requireFinanceOfficer(caller);
  const k = key(ctx, ObjectType.program, req.programId);
  if (await keyExists(ctx, k)) {
    throw alreadyExists(`program ${req.programId} exists already`, FundErrorCode.ProgramExists);
  }
  const program: Program = {
    programId: req.programId,
    name: req.name,
    fiscalYear: req.fiscalYear,
    totalBudget: req.totalBudget,
    categories: req.categories,
    startDate: iso(req.startDate),
    endDate: iso(req.endDate),
    coSign: req.coSign,
    rules: req.rules,
    ownerMspId: caller.mspId,
    status: 'active',
    createdAt: txTimeIso(ctx),
    createdBy: actorOf(caller),
  };
  await writeJson(ctx, k, program);
  emitEvent(ctx, 'ProgramCreated', {
    programId: program.programId,
    ownerMspId: program.ownerMspId,
    totalBudget: program.totalBudget,
    fiscalYear: program.fiscalYear,
  });
  return program;
}

/** CloseProgram: the owner's finance department closes the program; pending disbursements can then only be rejected. */
export async function closeProgram(ctx: Context, req: CloseProgramInput): Promise<Program> {
  const caller = getCaller(ctx);
  const program = await loadProgram(ctx, req.programId);
  requireProgramOwner(caller, program);
  requireOpen(program);
  const closed: Program = {
    ...program,
    status: 'closed',
    closed: { at: txTimeIso(ctx), by: actorOf(caller), reason: req.reason },
  };
  await writeJson(ctx, key(ctx, ObjectType.program, program.programId), closed);
  emitEvent(ctx, 'ProgramClosed', { programId: program.programId, reason: req.reason });
  return closed;
}

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
export async function getProgram(ctx: Context, req: GetProgramInput): Promise<ProgramView> {
  return programView(ctx, await loadProgram(ctx, req.programId));
}

/** ListPrograms: every program, by id (paginated). */
export async function listPrograms(
  ctx: Context,
  req: ListProgramsInput,
): Promise<{ records: Program[]; bookmark: string }> {
  const page = await readPage<Program>(ctx, ObjectType.program, [], req.pageSize, req.bookmark);
  return { records: page.records.map((r) => r.value), bookmark: page.bookmark };
}
