/**
 * `GET /api/v1/transactions/{txId}`: the status of a write. Asynchronous writes
 * recorded by this gateway answer from its store (status, attempts, block,
 * result or problem) for the caller who sent them, and without the result for a
 * certified admin of that caller's organisation (writes/async-transactions.ts
 * `asyncAccess`). For anyone else the store is as if empty: the id is looked up on
 * the ledger under the caller's identity (status and block only), as any other
 * transaction id is.
 */
import { z } from 'zod';
import {
  adminView,
  asyncAccess,
  publicView,
  type AsyncTransactionStorage,
} from '../writes/async-transactions';
import { certificateRoles, hasAnyRole, type Caller } from '../auth';
import type { Ledger } from '../fabric/ledger';
import { HttpProblem } from '../http/problem';
import { defineRoute, type AnyRoute } from '../http/route';
import { S } from '../schemas';
import { callerKey, type TransactionService } from '../writes/transactions';

/** Dependencies of the transaction status route. */
export interface TransactionRoutesDeps {
  asyncTransactions: AsyncTransactionStorage;
  ledger: Ledger;
  transactions: TransactionService;
}

const StatusSchema = z
  .object({
    transactionId: z.string().meta({
      description: "Id of the write's transaction (the first attempt's; the status URL's id)",
      example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
    }),
    chaincode: z.string().optional().meta({
      description: 'Chaincode the write called (asynchronous writes recorded by this gateway)',
      example: 'data-sharing',
    }),
    transaction: z.string().optional().meta({
      description:
        'Transaction (contract function) the write called (asynchronous writes recorded by this gateway)',
      example: 'GrantConsent',
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

const notFound = (txId: string) =>
  new HttpProblem(404, 'TRANSACTION_NOT_FOUND', `transaction ${txId} is not known to the ledger (yet)`);

/** True when the caller claims role admin and its own certificate in the wallet carries `gov.role` admin. */
async function certifiedAdmin(caller: Caller, transactions: TransactionService): Promise<boolean> {
  if (!hasAnyRole(caller, ['admin'])) return false;
  const identity = await transactions.identityFor(caller).catch(() => undefined);
  return identity !== undefined && certificateRoles(identity.certificate).includes('admin');
}

/** The transaction status route. */
export function transactionRoutes(deps: TransactionRoutesDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/transactions/{txId}',
      operationId: 'getTransactionStatus',
      summary: 'Status of a write (the status URL of a 202)',
      description:
        "An asynchronous write answers from the gateway's store to its submitter (same organisation, subject and pid) with " +
        "its result or problem; a certified admin of the submitter's organisation (role admin and gov.role admin in its " +
        'certificate) sees its status and failure code but not its result; to anyone else it is 404 TRANSACTION_NOT_FOUND, ' +
        'like an unknown id. Other transaction ids are looked up on the ledger (status and block only).',
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
        const rec = await deps.asyncTransactions.get(input.params.txId);
        if (rec) {
          const access = asyncAccess(rec, {
            key: callerKey(caller),
            org: caller.org,
            ...(caller.pid ? { pid: caller.pid } : {}),
            certifiedAdmin: await certifiedAdmin(caller, deps.transactions),
          });
          if (access === 'submitter') return { status: 200, body: publicView(rec) };
          if (access === 'org-admin') return { status: 200, body: adminView(rec) };
          // someone else's write: answered as if the gateway stored nothing, from the ledger
        }
        const identity = await deps.transactions.identityFor(caller);
        const found = await deps.ledger.lookupTransaction(identity, input.params.txId);
        if (found.state === 'unknown') throw notFound(input.params.txId);
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
