/**
 * `GET /api/v1/transactions/{txId}`: the status of a write. Asynchronous writes
 * recorded by this gateway answer from its store (status, attempts, block,
 * result or problem) for the caller who sent them; any other transaction id is
 * looked up on the ledger under the caller's identity.
 */
import { z } from 'zod';
import { publicView, type AsyncTransactions } from '../writes/async-transactions';
import { hasAnyRole } from '../auth';
import type { Ledger } from '../fabric/ledger';
import { HttpProblem } from '../http/problem';
import { defineRoute, type AnyRoute } from '../http/route';
import { S } from '../schemas';
import { callerKey, type TransactionService } from '../writes/transactions';

/** Dependencies of the transaction status route. */
export interface TransactionRoutesDeps {
  asyncTransactions: AsyncTransactions;
  ledger: Ledger;
  transactions: TransactionService;
}

const StatusSchema = z
  .object({
    transactionId: z.string(),
    currentTransactionId: z.string().optional(),
    status: z.enum(['submitted', 'committed', 'failed', 'invalid']),
    attempts: z.number().int().optional(),
    blockNumber: z.string().optional(),
    validationCode: z.string().optional(),
    result: z.unknown().optional(),
    problem: z.unknown().optional(),
  })
  .meta({ id: 'TransactionStatus' });

/** The transaction status route. */
export function transactionRoutes(deps: TransactionRoutesDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/transactions/{txId}',
      operationId: 'getTransactionStatus',
      summary: 'Status of a write (the status URL of a 202)',
      tags: ['transactions'],
      roles: [],
      params: z.object({ txId: S.txId }).strict(),
      response: StatusSchema,
      async handle({ caller, input }) {
        const rec = deps.asyncTransactions.get(input.params.txId);
        if (rec && (rec.caller === callerKey(caller) || hasAnyRole(caller, ['admin']))) {
          return { status: 200, body: publicView(rec) };
        }
        const identity = await deps.transactions.identityFor(caller);
        const found = await deps.ledger.lookupTransaction(identity, input.params.txId);
        if (found.state === 'unknown') {
          throw new HttpProblem(
            404,
            'TRANSACTION_NOT_FOUND',
            `transaction ${input.params.txId} is not known to the ledger (yet)`,
          );
        }
        return {
          status: 200,
          body: {
            transactionId: input.params.txId,
            status: found.valid ? 'committed' : 'invalid',
            blockNumber: found.blockNumber.toString(),
            ...(found.valid ? {} : { validationCode: found.code }),
          },
        };
      },
    }),
  ];
}
