/** Routes used only by the tests, declared with the same helper as the real ones. */
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../src/http/route';
import { S } from '../src/schemas';

/** A write and a read on the fake `e-licence` chaincode. */
export const testRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/test/things/{thingId}',
    operationId: 'createThing',
    summary: 'Create a thing',
    tags: ['test'],
    roles: ['issuer'],
    successStatus: 201,
    params: z.object({ thingId: S.id }).strict(),
    body: z
      .object({
        name: z.string().min(1).max(10),
        count: z.number().int().min(0),
        secret: z.string().optional(),
      })
      .strict(),
    response: z.object({ thingId: z.string() }),
    call: {
      chaincode: 'e-licence',
      transaction: 'CreateThing',
      mode: 'submit',
      request: ({ params, body }) => ({ thingId: params.thingId, name: body.name, count: body.count }),
      transient: ({ body }) => (body.secret ? { secret: { value: body.secret } } : undefined),
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/test/things/{thingId}',
    operationId: 'getThing',
    summary: 'Read a thing',
    tags: ['test'],
    roles: [],
    params: z.object({ thingId: S.id }).strict(),
    query: z.object({ pageSize: S.pageSizeQuery.optional() }).strict(),
    call: { chaincode: 'e-licence', transaction: 'GetThing', mode: 'evaluate' },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/test/departments/{dept}/things',
    operationId: 'deptThing',
    summary: 'Only for the caller department',
    tags: ['test'],
    roles: [],
    params: z.object({ dept: S.dept }).strict(),
    authorize: ({ params }, caller) =>
      params.dept === caller.dept
        ? undefined
        : `department ${caller.dept ?? 'none'} may not act for ${params.dept}`,
    call: { chaincode: 'e-licence', transaction: 'DeptThing', mode: 'submit' },
  }),
];
