/**
 * The fund-tracing contract: thin transaction functions that parse the one JSON
 * argument, call the rules in the domain files and return deterministic JSON.
 * The README lists who may call each one, its events and its error codes.
 */
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { parseArg, stableStringify } from '@govledger/chaincode-common';
import type { z } from 'zod';
import { changeAlertStatus } from './alert';
import { allocateFunds } from './allocation';
import { coSignDisbursement, disburse, rejectDisbursement } from './disbursement';
import { closeProgram, createProgram } from './program';
import { getPublicSummary, listPublicSummaries } from './public';
import {
  getAlert,
  getAllocation,
  getDisbursement,
  getProgram,
  getRecipient,
  getSpend,
  listAlerts,
  listAllocations,
  listDisbursements,
  listPendingDisbursements,
  listPrograms,
  listRecipients,
  listSpends,
  traceFunds,
} from './queries';
import { registerRecipient, updateRecipientAccounts } from './recipient';
import * as S from './schemas';
import { recordingRefusals } from './refusal';
import { recordSpend } from './spend';
import { sweepUnspent } from './unspent';

async function run<T extends z.ZodType, R>(
  schema: T,
  request: string,
  fn: (input: z.infer<T>) => Promise<R>,
): Promise<string> {
  return stableStringify(await fn(parseArg(schema, request)));
}

/** Public money from budget to final spend, with early warnings. */
@Info({
  title: 'FundTracingContract',
  description: 'GovLedger fund tracing: programs, allocations, disbursements, spends, alerts',
})
export class FundTracingContract extends Contract {
  constructor() {
    super('FundTracingContract');
  }

  // ------------------------------------------------------------ programs

  /** A finance officer creates a program owned by the caller's organisation. */
  @Transaction()
  @Returns('string')
  async CreateProgram(ctx: Context, request: string): Promise<string> {
    return run(S.CreateProgramRequest, request, (r) => createProgram(ctx, r));
  }

  /** The owner's finance officer closes a program. */
  @Transaction()
  @Returns('string')
  async CloseProgram(ctx: Context, request: string): Promise<string> {
    return run(S.CloseProgramRequest, request, (r) => closeProgram(ctx, r));
  }

  /** A program with its allocated and unallocated amounts. */
  @Transaction(false)
  @Returns('string')
  async GetProgram(ctx: Context, request: string): Promise<string> {
    return run(S.GetProgramRequest, request, (r) => getProgram(ctx, r));
  }

  /** Every program (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListPrograms(ctx: Context, request: string): Promise<string> {
    return run(S.ListProgramsRequest, request, (r) => listPrograms(ctx, r));
  }

  // ------------------------------------------------------------ allocations

  /**
   * The owner's finance officer allocates part of the budget to an implementing department
   * (an allocation refused by a blocking rule is recorded as a refused attempt).
   */
  @Transaction()
  @Returns('string')
  async AllocateFunds(ctx: Context, request: string): Promise<string> {
    return run(S.AllocateFundsRequest, request, (r) =>
      recordingRefusals(ctx, 'AllocateFunds', r, () => allocateFunds(ctx, r)),
    );
  }

  /** An allocation with its disbursed and remaining amounts. */
  @Transaction(false)
  @Returns('string')
  async GetAllocation(ctx: Context, request: string): Promise<string> {
    return run(S.GetAllocationRequest, request, (r) => getAllocation(ctx, r));
  }

  /** A program's allocations (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListAllocations(ctx: Context, request: string): Promise<string> {
    return run(S.ListAllocationsRequest, request, (r) => listAllocations(ctx, r));
  }

  // ------------------------------------------------------------ recipients

  /** An implementing department registers a recipient and its approved account hashes. */
  @Transaction()
  @Returns('string')
  async RegisterRecipient(ctx: Context, request: string): Promise<string> {
    return run(S.RegisterRecipientRequest, request, (r) => registerRecipient(ctx, r));
  }

  /** The registering department approves or withdraws account hashes. */
  @Transaction()
  @Returns('string')
  async UpdateRecipientAccounts(ctx: Context, request: string): Promise<string> {
    return run(S.UpdateRecipientAccountsRequest, request, (r) => updateRecipientAccounts(ctx, r));
  }

  /** A recipient of a program. */
  @Transaction(false)
  @Returns('string')
  async GetRecipient(ctx: Context, request: string): Promise<string> {
    return run(S.GetRecipientRequest, request, (r) => getRecipient(ctx, r));
  }

  /** A program's recipients (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListRecipients(ctx: Context, request: string): Promise<string> {
    return run(S.ListRecipientsRequest, request, (r) => listRecipients(ctx, r));
  }

  // ------------------------------------------------------------ disbursements

  /**
   * An implementing department pays a recipient from its allocation (a payment refused by a
   * blocking rule, its allocation or its account is recorded as a refused attempt).
   */
  @Transaction()
  @Returns('string')
  async Disburse(ctx: Context, request: string): Promise<string> {
    return run(S.DisburseRequest, request, (r) =>
      recordingRefusals(ctx, 'Disburse', r, () => disburse(ctx, r)),
    );
  }

  /** An officer of another organisation co-signs a pending disbursement (blocking-rule refusals are recorded). */
  @Transaction()
  @Returns('string')
  async CoSignDisbursement(ctx: Context, request: string): Promise<string> {
    return run(S.CoSignDisbursementRequest, request, (r) =>
      recordingRefusals(ctx, 'CoSignDisbursement', {}, () => coSignDisbursement(ctx, r)),
    );
  }

  /** A co-signer rejects, or the disbursing department withdraws, a pending disbursement. */
  @Transaction()
  @Returns('string')
  async RejectDisbursement(ctx: Context, request: string): Promise<string> {
    return run(S.RejectDisbursementRequest, request, (r) => rejectDisbursement(ctx, r));
  }

  /** A disbursement with its spent and remaining amounts. */
  @Transaction(false)
  @Returns('string')
  async GetDisbursement(ctx: Context, request: string): Promise<string> {
    return run(S.GetDisbursementRequest, request, (r) => getDisbursement(ctx, r));
  }

  /** The disbursements of an allocation or of a recipient (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListDisbursements(ctx: Context, request: string): Promise<string> {
    return run(S.ListDisbursementsRequest, request, (r) => listDisbursements(ctx, r));
  }

  /** A program's disbursements waiting for a co-signature (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListPendingDisbursements(ctx: Context, request: string): Promise<string> {
    return run(S.ListPendingDisbursementsRequest, request, (r) => listPendingDisbursements(ctx, r));
  }

  // ------------------------------------------------------------ spends

  /** The recipient records onward spending of a paid disbursement (blocking-rule refusals are recorded). */
  @Transaction()
  @Returns('string')
  async RecordSpend(ctx: Context, request: string): Promise<string> {
    return run(S.RecordSpendRequest, request, (r) =>
      recordingRefusals(ctx, 'RecordSpend', r, () => recordSpend(ctx, r)),
    );
  }

  /** A spend. */
  @Transaction(false)
  @Returns('string')
  async GetSpend(ctx: Context, request: string): Promise<string> {
    return run(S.GetSpendRequest, request, (r) => getSpend(ctx, r));
  }

  /** A disbursement's spends (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListSpends(ctx: Context, request: string): Promise<string> {
    return run(S.ListSpendsRequest, request, (r) => listSpends(ctx, r));
  }

  // ------------------------------------------------------------ early warnings, trace

  /** Anyone raises the unspent-funds alerts that are due (bounded work per call). */
  @Transaction()
  @Returns('string')
  async SweepUnspent(ctx: Context, request: string): Promise<string> {
    return run(S.SweepUnspentRequest, request, (r) => sweepUnspent(ctx, r));
  }

  /** The chain from any record up to its program and down to every spend, with balances. */
  @Transaction(false)
  @Returns('string')
  async TraceFunds(ctx: Context, request: string): Promise<string> {
    return run(S.TraceFundsRequest, request, (r) => traceFunds(ctx, r));
  }

  /** An alert. */
  @Transaction(false)
  @Returns('string')
  async GetAlert(ctx: Context, request: string): Promise<string> {
    return run(S.GetAlertRequest, request, (r) => getAlert(ctx, r));
  }

  /** A program's alerts by status and/or severity (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListAlerts(ctx: Context, request: string): Promise<string> {
    return run(S.ListAlertsRequest, request, (r) => listAlerts(ctx, r));
  }

  // ------------------------------------------------------------ public transparency

  /** Anyone with a certificate reads a program's public aggregates (nothing personal). */
  @Transaction(false)
  @Returns('string')
  async GetPublicSummary(ctx: Context, request: string): Promise<string> {
    return run(S.GetPublicSummaryRequest, request, (r) => getPublicSummary(ctx, r));
  }

  /** The public aggregates of every program, by id (paginated). */
  @Transaction(false)
  @Returns('string')
  async ListPublicSummaries(ctx: Context, request: string): Promise<string> {
    return run(S.ListPublicSummariesRequest, request, (r) => listPublicSummaries(ctx, r));
  }

  /** An auditor acknowledges an open alert with a note. */
  @Transaction()
  @Returns('string')
  async AcknowledgeAlert(ctx: Context, request: string): Promise<string> {
    return run(S.AlertNoteRequest, request, (r) => changeAlertStatus(ctx, r, 'acknowledged'));
  }

  /** An auditor resolves an open or acknowledged alert with a note. */
  @Transaction()
  @Returns('string')
  async ResolveAlert(ctx: Context, request: string): Promise<string> {
    return run(S.AlertNoteRequest, request, (r) => changeAlertStatus(ctx, r, 'resolved'));
  }
}
