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
    transactionId: z.string().meta({
      description: "Id of the write's transaction (the first attempt's; the status URL's id)",
      example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
    }),
    currentTransactionId: z.string().optional().meta({
      description: 'Id of the latest attempt, when the gateway retried the write after an MVCC conflict',
    }),
    status: z.enum(['submitted', 'committed', 'failed', 'invalid']).meta({
      description:
        '`submitted`: not yet committed; `committed`; `failed`: refused (see `problem`); `invalid`: committed as invalid (see `validationCode`)',
    }),
    attempts: z
      .number()
      .int()
      .optional()
      .meta({ description: 'How many times the gateway submitted the write' }),
    blockNumber: z.string().optional().meta({
      description: 'Number of the block that holds the transaction (decimal string), once committed',
    }),
    validationCode: z.string().optional().meta({
      description: 'Fabric validation code of a transaction committed as invalid, e.g. MVCC_READ_CONFLICT',
    }),
    result: z.unknown().optional().meta({ description: "The chaincode's result, once committed" }),
    problem: z
      .unknown()
      .optional()
      .meta({ description: 'The problem document the write would have been answered with, when it failed' }),
  })
  .meta({ id: 'TransactionStatus', description: 'Where a write stands (the status URL of a 202)' });

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
      params: z
        .object({
          txId: S.txId.meta({
            description: "Id of the write's transaction",
            example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
          }),
        })
        .strict(),
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
