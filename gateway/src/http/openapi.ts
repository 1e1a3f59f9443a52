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
    type: z.string().meta({ example: 'urn:govledger:problem:licence-not-found' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable error code (the chaincode code for chaincode refusals)' }),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    stage: z
      .enum(['evaluate', 'endorse', 'submit', 'commit'])
      .optional()
      .meta({ description: 'Fabric stage that failed' }),
    transactionId: z.string().optional(),
    retrySafe: z
      .boolean()
      .optional()
      .meta({ description: 'True when sending the same request again cannot write twice' }),
    statusUrl: z.string().optional(),
    errors: z
      .array(
        z.object({
          location: z.enum(['body', 'query', 'params', 'header']),
          path: z.string(),
          message: z.string(),
        }),
      )
      .optional(),
    details: z.unknown().optional(),
    alertId: z.string().optional().meta({
      description: 'A recorded refusal (fund-tracing): the high-severity alert raised for supervisors',
      example: '4f9c2e0d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d.0',
    }),
    attemptId: z.string().optional().meta({
      description: 'A recorded refusal (fund-tracing): the refused attempt committed on the ledger',
      example: '4f9c2e0d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d',
    }),
  })
  .meta({ id: 'Problem' });

/** Body of a committed write around a result schema. */
export function WriteResultSchema(result: z.ZodType) {
  return z.object({
    transactionId: z.string(),
    blockNumber: z.string().regex(/^\d+$/).meta({ description: 'Block number (decimal string)' }),
    result,
  });
}

/** Body of a 202 answer. */
export const AcceptedSchema = z
  .object({ transactionId: z.string(), status: z.literal('submitted'), statusUrl: z.string() })
  .meta({ id: 'Accepted' });

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
