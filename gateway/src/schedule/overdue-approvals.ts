/**
 * The scheduled overdue-approvals sweep: submits e-licence's RaiseOverdueWarnings (as the
 * configured identity) until it answers `more: false`, so a department that lets an application's
 * decision deadline pass gets its warning without anyone calling the sweep. The chaincode raises
 * one warning per application and department, ever, so a run that repeats is harmless.
 */
import { eLicence } from '@govledger/wire';
import type { Caller } from '../caller';
import type { TransactionService } from '../writes/transactions';
import type { Job } from './scheduler';

/** What the overdue-approvals job needs. */
export interface OverdueApprovalsDeps {
  transactions: TransactionService;
  /** Deployed name of the e-licence chaincode. */
  chaincode: string;
  /** Who submits (the configured supervisor or service identity: an admin, auditor or approver). */
  caller: Caller;
  intervalMs: number;
  /** Most RaiseOverdueWarnings calls per run (each raises up to eLicence.MAX_OVERDUE_SWEEP warnings). */
  maxCalls?: number;
}

/** The job name (its stored state and metrics label). */
export const OVERDUE_APPROVALS_JOB = 'e-licence.overdue-approvals';

/** The overdue-approvals job. */
export function overdueApprovalsJob(deps: OverdueApprovalsDeps): Job {
  const maxCalls = deps.maxCalls ?? 20;
  return {
    name: OVERDUE_APPROVALS_JOB,
    intervalMs: deps.intervalMs,
    async run() {
      let calls = 0;
      let warnings = 0;
      for (let i = 0; i < maxCalls; i++) {
        const outcome = await deps.transactions.submit(
          deps.caller,
          {
            chaincode: deps.chaincode,
            transaction: 'RaiseOverdueWarnings',
            args: [JSON.stringify({ limit: eLicence.MAX_OVERDUE_SWEEP })],
          },
          { async: false },
        );
        calls += 1;
        if (outcome.kind !== 'committed') break;
        const swept = eLicence.OverdueSweepResult.parse(outcome.result);
        warnings += swept.raised.length;
        if (!swept.more) break;
      }
      return { calls, warnings };
    },
  };
}
