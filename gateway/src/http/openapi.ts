/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate
 * requests (every route registers itself through `route.ts`), served at
 * `/openapi.json`, with Swagger UI at `/docs`.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { z } from 'zod';

/** problem+json (RFC 9457) as the gateway writes it. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({
      description: 'URI of the problem type, one per `code`',
      example: 'urn:govledger:problem:licence-not-found',
    }),
    title: z.string().meta({ description: 'HTTP reason phrase of the status', example: 'Not Found' }),
    status: z.number().int().meta({ description: 'HTTP status', example: 404 }),
    detail: z
      .string()
      .meta({ description: 'What went wrong, in words', example: 'licence A-BIZ-2026-0001 does not exist' }),
    code: z.string().meta({
      description: 'Stable error code (the chaincode code for chaincode refusals)',
      example: 'LICENCE_NOT_FOUND',
    }),
    instance: z
      .string()
      .optional()
      .meta({ description: 'Path of the request (or the status URL of an asynchronous write)' }),
    requestId: z.string().optional().meta({ description: 'The request id (also in `X-Request-Id`)' }),
    stage: z.enum(['evaluate', 'endorse', 'submit', 'commit', 'proposal', 'transaction']).optional().meta({
      description:
        'Stage that failed: a Fabric stage (`evaluate`, `endorse`, `submit`, `commit`), or for offline signing the signature the gateway refused (`proposal`, `transaction`, `commit`)',
    }),
    transactionId: z
      .string()
      .optional()
      .meta({ description: 'Id of the Fabric transaction concerned, when known' }),
    retrySafe: z
      .boolean()
      .optional()
      .meta({ description: 'True when sending the same request again cannot write twice' }),
    statusUrl: z
      .string()
      .optional()
      .meta({ description: 'Where to ask for the outcome of a write that may still commit' }),
    errors: z
      .array(
        z.object({
          location: z
            .enum(['body', 'query', 'params', 'header'])
            .meta({ description: 'Where the field is: body, query, params or header' }),
          path: z
            .string()
            .meta({ description: "Dotted path of the field inside that location ('' for the whole)" }),
          message: z.string().meta({ description: 'What is wrong with it' }),
        }),
      )
      .optional()
      .meta({ description: 'Every field that failed validation (400 INVALID_REQUEST)' }),
    details: z
      .unknown()
      .optional()
      .meta({ description: "The chaincode's structured details of a refusal, when any" }),
    alertId: z.string().optional().meta({
      description: 'A recorded refusal (fund-tracing): the high-severity alert raised for supervisors',
      example: '4f9c2e0d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d.0',
    }),
    attemptId: z.string().optional().meta({
      description: 'A recorded refusal (fund-tracing): the refused attempt committed on the ledger',
      example: '4f9c2e0d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d',
    }),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem document' });

/** Body of a committed write around a result schema. */
export function WriteResultSchema(result: z.ZodType) {
  return z.object({
    transactionId: z.string().meta({
      description: 'Id of the transaction that committed (also in `X-Transaction-Id`)',
      example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
    }),
    blockNumber: z
      .string()
      .regex(/^\d+$/)
      .meta({ description: 'Number of the block that holds it (decimal string)', example: '42' }),
    // a registered record stays a $ref (its component has the description)
    result: z.globalRegistry.get(result)?.id
      ? result
      : result.meta({ description: "The chaincode's result" }),
  });
}

/** Body of a 202 answer. */
export const AcceptedSchema = z
  .object({
    transactionId: z.string().meta({
      description: 'Id of the transaction (also in `X-Transaction-Id`)',
      example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
    }),
    status: z
      .literal('submitted')
      .meta({ description: 'Always `submitted`: the orderer has the transaction' }),
    statusUrl: z.string().meta({
      description: 'Where its outcome can be asked for (also in `Location`)',
      example: '/api/v1/transactions/a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
    }),
  })
  .meta({
    id: 'Accepted',
    description: 'A write the orderer accepted; its commit is followed in the background',
  });

/** A registry with the gateway's shared components (bearer security). */
export function newRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  return registry;
}

/** Generates the OpenAPI 3.1 document. */
export function buildDocument(registry: OpenAPIRegistry, version: string): object {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'GovLedger gateway',
      version,
      description:
        'REST over the GovLedger chaincodes. Authenticate with a bearer JWT (sub, org, roles). Writes wait for commit and return ' +
        '{transactionId, blockNumber, result}; send `Prefer: respond-async` for 202 + status URL, and `Idempotency-Key` to make retries safe. ' +
        'Errors are RFC 9457 problem+json with a stable `code`. Hashes (canonical JSON, `sha256(salt|value)` claims, the ' +
        'private-record hash) are computed by clients as the chaincode READMEs say; @govledger/client does it.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'This gateway (paths start with /api/v1)' }],
    security: [{ bearer: [] }],
  });
}

/** Serves `/openapi.json` and Swagger UI at `/docs` (the document is generated once, lazily). */
export function docsRouter(registry: OpenAPIRegistry, version: string): Router {
  const router = express.Router();
  let doc: object | undefined;
  const document = () => (doc ??= buildDocument(registry, version));
  router.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  router.use(
    '/docs',
    swaggerUi.serveFiles(undefined, { swaggerUrl: '/openapi.json' }),
    swaggerUi.setup(undefined, { swaggerUrl: '/openapi.json' }),
  );
  return router;
}
