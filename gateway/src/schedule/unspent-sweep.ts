/**
 * The scheduled unspent-funds sweep: for every program whose `unspent` rule is on, submits
 * fund-tracing's SweepUnspent (as the configured identity) until no due entry is left, so
 * unspent-funds alerts are raised without anyone calling the sweep.
 */
import { fundTracing as ft } from '@govledger/wire';
import { z } from 'zod';
import type { Caller } from '../caller';
import type { TransactionService } from '../writes/transactions';
import type { Job } from './scheduler';

/** What the sweep job needs. */
export interface UnspentSweepDeps {
  transactions: TransactionService;
  /** Deployed name of the fund-tracing chaincode. */
  chaincode: string;
  /** Who submits (the configured supervisor or service identity). */
  caller: Caller;
  intervalMs: number;
  /** Most SweepUnspent calls per program and run (each handles up to Limits.maxSweep entries). */
  maxCallsPerProgram?: number;
}

/** What the job reads of a ListPrograms page (only what it needs, so older records never trip it). */
const ProgramPage = z.object({
  records: z.array(
    z.object({ programId: z.string(), rules: z.object({ unspent: z.object({ mode: z.string() }) }) }),
  ),
  bookmark: z.string(),
});

/** The job name (its stored state and metrics label). */
export const UNSPENT_SWEEP_JOB = 'fund-tracing.unspent-sweep';

/** The unspent-funds sweep job. */
export function unspentSweepJob(deps: UnspentSweepDeps): Job {
  const maxCalls = deps.maxCallsPerProgram ?? 20;
  const call = (transaction: string, request: unknown) => ({
    chaincode: deps.chaincode,
    transaction,
    args: [JSON.stringify(request)],
  });
  return {
    name: UNSPENT_SWEEP_JOB,
    intervalMs: deps.intervalMs,
    async run() {
      let programs = 0;
      let calls = 0;
      let alerts = 0;
      let bookmark = '';
      do {
        const page = ProgramPage.parse(
          await deps.transactions.evaluate(deps.caller, call('ListPrograms', { pageSize: 200, bookmark })),
        );
        for (const program of page.records) {
          if (program.rules.unspent.mode === 'off') continue;
          programs += 1;
          for (let i = 0; i < maxCalls; i++) {
            const outcome = await deps.transactions.submit(
              deps.caller,
              call('SweepUnspent', { programId: program.programId, limit: ft.Limits.maxSweep }),
              { async: false },
            );
            calls += 1;
            if (outcome.kind !== 'committed') break;
            const swept = ft.SweepResult.parse(outcome.result);
            alerts += swept.alerts.length;
            if (!swept.more) break;
          }
        }
        bookmark = page.bookmark;
      } while (bookmark !== '');
      return { programs, calls, alerts };
    },
  };
}
