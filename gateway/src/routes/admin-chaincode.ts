/**
 * `POST /api/v1/admin/chaincodes/{name}/transactions/{fn}`: an organisation
 * admin calls any transaction of a configured chaincode, as submit or evaluate,
 * with the one JSON request argument (or raw string arguments). Writes get the
 * same commit waiting, `Prefer: respond-async` and `Idempotency-Key` handling as
 * every other write.
 */
import { z } from 'zod';
import { HttpProblem } from '../http/problem';
import { defineRoute, sendWrite, writeOptions, type AnyRoute } from '../http/route';
import type { TransactionService } from '../writes/transactions';

/** Dependencies of the generic admin route. */
export interface AdminChaincodeDeps {
  transactions: TransactionService;
  chaincodes: Record<string, string>;
}

/** The generic admin route. */
export function adminChaincodeRoutes(deps: AdminChaincodeDeps): AnyRoute[] {
  const deployed = new Map<string, string>();
  for (const [logical, name] of Object.entries(deps.chaincodes)) {
    deployed.set(logical, name);
    deployed.set(name, name);
  }
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/chaincodes/{name}/transactions/{fn}',
      operationId: 'adminCallChaincode',
      writes: true,
      summary: 'Call any transaction of a chaincode (admins)',
      description:
        'Give `request` (sent as the one JSON argument) or `args` (raw string arguments). `mode` defaults to submit.',
      tags: ['admin'],
      roles: ['admin'],
      params: z
        .object({
          name: z
            .string()
            .regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/, 'must be a chaincode name')
            .meta({ description: 'Deployed chaincode name', example: 'e-licence' }),
          fn: z
            .string()
            .regex(/^[A-Za-z][A-Za-z0-9_:]{0,127}$/, 'must be a transaction name')
            .meta({ description: 'Transaction name', example: 'GetLicenceType' }),
        })
        .strict(),
      body: z
        .object({
          mode: z.enum(['submit', 'evaluate']).default('submit').meta({
            description: '`submit` (endorse, order, commit) or `evaluate` (query one peer)',
            example: 'evaluate',
          }),
          request: z
            .record(z.string(), z.unknown())
            .optional()
            .meta({ description: 'The JSON request, sent as the one argument', example: { code: 'A-BIZ' } }),
          args: z
            .array(z.string().max(1_000_000))
            .max(16)
            .optional()
            .meta({ description: 'Raw string arguments, instead of `request`' }),
          transient: z
            .record(z.string(), z.unknown())
            .optional()
            .meta({ description: 'Transient fields (each sent as JSON)', example: {} }),
          endorsingOrganizations: z
            .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/))
            .max(16)
            .optional()
            .meta({
              description: 'Organisations whose peers must endorse (default: the peer gateway chooses)',
            }),
        })
        .strict()
        .refine((b) => (b.request === undefined) !== (b.args === undefined), {
          message: 'give exactly one of request or args',
        })
        .meta({ example: { mode: 'evaluate', request: { code: 'A-BIZ' } } }),
      async handle({ req, res, caller, input }) {
        const chaincode = deployed.get(input.params.name);
        if (!chaincode)
          throw new HttpProblem(
            404,
            'CHAINCODE_NOT_SERVED',
            `chaincode ${input.params.name} is not served by this gateway`,
          );
        const b = input.body;
        const invocation = {
          chaincode,
          transaction: input.params.fn,
          args: b.args ?? [JSON.stringify(b.request)],
          ...(b.transient
            ? {
                transient: Object.fromEntries(
                  Object.entries(b.transient).map(([k, v]) => [k, JSON.stringify(v)]),
                ),
              }
            : {}),
          ...(b.endorsingOrganizations ? { endorsingOrganizations: b.endorsingOrganizations } : {}),
        };
        if (b.mode === 'evaluate') {
          return { status: 200, body: { result: await deps.transactions.evaluate(caller, invocation) } };
        }
        sendWrite(res, await deps.transactions.submit(caller, invocation, writeOptions(req, res)), 200);
        return undefined;
      },
    }),
  ];
}
