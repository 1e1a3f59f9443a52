/**
 * Programs: created and closed by the finance department of the owning
 * organisation; their configuration (categories, dates, co-signature, rules)
 * never changes after creation.
 */
import type { Context } from 'fabric-contract-api';
import {
  emitEvent,
  getCaller,
  keyExists,
  protectRecord,
  readJson,
  txTimeIso,
  writeJson,
} from '@govledger/chaincode-common';
import { actorOf, requireFinanceOfficer, requireProgramOwner } from './authz';
import { errors } from './errors';
import { ObjectType, key } from './keys';
import type { Program } from './model';
import type { CloseProgramRequest, CreateProgramRequest } from './schemas';

/** Reads a program or refuses with PROGRAM_NOT_FOUND. */
export async function loadProgram(ctx: Context, programId: string): Promise<Program> {
  const program = await readJson<Program>(ctx, key(ctx, ObjectType.program, programId));
  if (program === undefined) throw errors.programNotFound(`program ${programId} does not exist`);
  return program;
}

/** Refuses with PROGRAM_CLOSED when the program is closed. */
export function requireOpen(program: Program): void {
  if (program.status === 'closed') {
    throw errors.programClosed(`program ${program.programId} is closed`);
  }
}

function iso(value: string): string {
  return new Date(Date.parse(value)).toISOString();
}

/** CreateProgram: a finance officer creates a program owned by the caller's organisation. */
export async function createProgram(ctx: Context, req: CreateProgramRequest): Promise<Program> {
  const caller = getCaller(ctx);
  requireFinanceOfficer(caller);
  const k = key(ctx, ObjectType.program, req.programId);
  if (await keyExists(ctx, k)) {
    throw errors.programExists(`program ${req.programId} exists already`);
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
  await protectRecord(ctx, k, program.ownerMspId);
  emitEvent(ctx, 'ProgramCreated', {
    programId: program.programId,
    ownerMspId: program.ownerMspId,
    totalBudget: program.totalBudget,
    fiscalYear: program.fiscalYear,
  });
  return program;
}

/** CloseProgram: the owner's finance department closes the program; pending disbursements can then only be rejected. */
export async function closeProgram(ctx: Context, req: CloseProgramRequest): Promise<Program> {
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
  emitEvent(ctx, 'ProgramClosed', {
    programId: program.programId,
    ownerMspId: program.ownerMspId,
    reason: req.reason,
  });
  return closed;
}
