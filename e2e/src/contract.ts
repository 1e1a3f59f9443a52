/**
 * The published API contract as the end-to-end suites hold the gateway to it: every response
 * they receive is checked, strictly, against the schema that the gateway's own OpenAPI document
 * (`GET /openapi.json`) declares for its route, status and media type. Strictly means:
 *
 * - a route (method + path) under /api/ that the document does not declare is drift, unless the
 *   gateway refuses it (404 or 405 with a body that matches the document's Problem schema);
 * - a status the document does not declare for the route (no exact code, `4XX` range or
 *   `default`) is drift, and so is a media type it does not declare for that status;
 * - a JSON body is validated with every object schema closed (`additionalProperties: false`
 *   wherever the document leaves it open), so a property the document does not list is an
 *   error, like a missing required one, a wrong type or a `null` the document does not allow.
 *
 * Any drift throws a {@link ContractDriftError}, which fails the test that made the call.
 *
 * The document is fetched once per run: the first suite that needs it reads it from the
 * gateway and, on a network the run brought up itself, keeps it in the network's state folder
 * for the later suites.
 *
 * Events (server-sent, `GET /api/v1/events`) are checked by {@link assertEventMatchesContract}:
 * the envelope strictly, and the payload against its published per-event schema (see
 * {@link eventPayloadSchema}).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs';
import path from 'path';

/** A JSON Schema object as the OpenAPI document writes it. */
type Schema = { [keyword: string]: unknown };

interface MediaType {
  schema?: Schema;
}
interface ResponseObject {
  description?: string;
  content?: Record<string, MediaType>;
}
interface Operation {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}
/** The parts of an OpenAPI 3.1 document the check reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** A response that does not match the published contract. */
export class ContractDriftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractDriftError';
  }
}

/** Paths outside the versioned API that the document may leave out (health, metrics, docs, itself). */
const OPERATIONAL = /^\/(livez|readyz|metrics|openapi\.json|docs)(\/|$)/;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** Literal path segments: the most specific template wins (`/x/citizen` over `/x/{id}`). */
  literals: number;
  operation: Operation;
}

/**
 * Closes every object schema the document leaves open: a schema that lists `properties` and says
 * nothing about `additionalProperties` gets `additionalProperties: false`. Returns a copy.
 */
export function closeObjects<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s) => closeObjects(s)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    // `properties` maps names to schemas, `example(s)` are data: copy their keys, not as schemas
    if (key === 'properties' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, closeObjects(s)]));
    } else if (
      key === 'example' ||
      key === 'examples' ||
      key === 'default' ||
      key === 'enum' ||
      key === 'const'
    ) {
      out[key] = value;
    } else {
      out[key] = closeObjects(value);
    }
  }
  if (
    'properties' in out &&
    out.additionalProperties === undefined &&
    out.unevaluatedProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out as T;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The response checker of one OpenAPI document. */
export class Contract {
  readonly #document: OpenApiDocument;
  readonly #routes: Route[] = [];
  readonly #ajv: Ajv.Ajv;
  readonly #components: { schemas: Record<string, Schema> };
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.#document = document;
    // extendRefs: in OpenAPI 3.1 (JSON Schema 2020-12) the keywords beside a $ref apply too
    this.#ajv = new Ajv({ allErrors: true, extendRefs: true, jsonPointers: true, format: 'full' });
    this.#components = { schemas: closeObjects(document.components?.schemas ?? {}) };
    for (const [template, item] of Object.entries(document.paths)) {
      const segments = template.split('/');
      const pattern = new RegExp(
        `^${segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : escapeRegExp(s))).join('/')}$`,
      );
      const literals = segments.filter((s) => s !== '' && !s.startsWith('{')).length;
      for (const [method, operation] of Object.entries(item)) {
        if (METHODS.has(method)) this.#routes.push({ method, template, pattern, literals, operation });
      }
    }
  }

  /** The document this contract was read from. */
  get document(): OpenApiDocument {
    return this.#document;
  }

  /** The declared route for a request, or undefined. */
  route(method: string, urlPath: string): Route | undefined {
    const pathOnly = urlPath.split('?')[0] as string;
    return this.#routes
      .filter((r) => r.method === method.toLowerCase() && r.pattern.test(pathOnly))
      .sort((a, b) => b.literals - a.literals)[0];
  }

  #validator(key: string, schema: Schema): ValidateFunction {
    let v = this.#validators.get(key);
    if (!v) {
      // `#/components/schemas/X` resolves inside the compiled schema: give it the (closed) components
      v = this.#ajv.compile({ ...closeObjects(schema), components: this.#components });
      this.#validators.set(key, v);
    }
    return v;
  }

  /**
   * Checks one response against the document; throws {@link ContractDriftError} on any drift.
   * `body` is the raw text of the response (empty when it had none).
   */
  check(method: string, urlPath: string, status: number, contentType: string | null, body: string): void {
    const call = `${method.toUpperCase()} ${urlPath} → ${status}`;
    const pathOnly = urlPath.split('?')[0] as string;
    const route = this.route(method, urlPath);
    if (!route) {
      if (OPERATIONAL.test(pathOnly)) return;
      // a route the document does not have may only be refused: 404 or 405 with a Problem body
      const problem = this.#document.components?.schemas?.Problem;
      if ((status === 404 || status === 405) && problem) {
        this.#checkBody(call, 'an undeclared route', contentType, body, {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        });
        return;
      }
      throw new ContractDriftError(
        `${call}: the OpenAPI document declares no ${method.toUpperCase()} ${pathOnly}`,
      );
    }
    const where = `${route.method.toUpperCase()} ${route.template}`;
    const responses = route.operation.responses ?? {};
    const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
    if (!declared) {
      throw new ContractDriftError(
        `${call}: status ${status} is not declared for ${where} (declared: ${Object.keys(responses).join(', ')})`,
      );
    }
    this.#checkBody(call, `${where} ${status}`, contentType, body, declared.content ?? {});
  }

  /** Checks a body against the content a response declares (its media type, then its schema). */
  #checkBody(
    call: string,
    where: string,
    contentType: string | null,
    body: string,
    content: Record<string, MediaType>,
  ): void {
    if (body === '') return;
    const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const entry = content[media];
    if (!entry) {
      throw new ContractDriftError(
        `${call}: ${where} declares no ${media || 'body'} ` +
          `(declared: ${Object.keys(content).join(', ') || 'no body'})`,
      );
    }
    if (!/^application\/([a-z.+-]+\+)?json$/.test(media) || !entry.schema) return;
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      throw new ContractDriftError(`${call}: the ${media} body is not JSON: ${body.slice(0, 200)}`);
    }
    const validate = this.#validator(`${where} ${media}`, entry.schema);
    if (!validate(data)) {
      throw new ContractDriftError(
        `${call}: the body does not match the schema of ${where} ${media}:\n` +
          describeErrors(validate.errors ?? []) +
          `\nbody: ${body.length > 1500 ? `${body.slice(0, 1500)}…` : body}`,
      );
    }
  }

  /**
   * Checks one server-sent event of `GET /api/v1/events`: its data must be the documented
   * envelope `{chaincode, eventName, transactionId, blockNumber, payload}` with nothing else, for
   * the chaincode the stream was opened for, and its payload must match the event's schema when
   * one is published ({@link eventPayloadSchema}).
   */
  checkEvent(chaincode: string, sseEvent: string, data: unknown): void {
    const validate = this.#validator('event envelope', EVENT_ENVELOPE);
    const what = `event ${sseEvent} of ${chaincode}`;
    if (!validate(data)) {
      throw new ContractDriftError(
        `${what}: the data is not the documented envelope:\n${describeErrors(validate.errors ?? [])}`,
      );
    }
    const envelope = data as { chaincode: string; eventName: string; payload: unknown };
    if (envelope.chaincode !== chaincode) {
      throw new ContractDriftError(`${what}: the data names chaincode ${envelope.chaincode}`);
    }
    const sseName = /^[A-Za-z0-9_.-]{1,128}$/.test(envelope.eventName) ? envelope.eventName : 'message';
    if (sseEvent !== sseName) {
      throw new ContractDriftError(`${what}: the SSE event name should be ${sseName}`);
    }
    const payloadSchema = eventPayloadSchema(this.#document, chaincode, envelope.eventName);
    if (!payloadSchema) {
      throw new ContractDriftError(`${what}: the document publishes no schema for ${envelope.eventName}`);
    }
    {
      const check = this.#validator(`event ${chaincode} ${envelope.eventName}`, payloadSchema);
      if (!check(envelope.payload)) {
        throw new ContractDriftError(
          `${what}: the payload does not match its published schema:\n${describeErrors(check.errors ?? [])}`,
        );
      }
    }
  }
}

/** The SSE data envelope of every chaincode event (the wire format the gateway documents). */
const EVENT_ENVELOPE: Schema = {
  type: 'object',
  properties: {
    chaincode: { type: 'string', enum: ['e-licence', 'data-sharing', 'fund-tracing', 'e-voting'] },
    eventName: { type: 'string', minLength: 1 },
    transactionId: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    blockNumber: { type: 'string', pattern: '^\\d+$' },
    payload: {},
  },
  required: ['chaincode', 'eventName', 'transactionId', 'blockNumber', 'payload'],
};

/**
 * The published schema of one event's payload: the document's `components.schemas`
 * `<EventName>Payload`, one per name of the wire events catalogue (packages/wire/src/events.ts),
 * which the `ChaincodeEvent` envelope's discriminator maps each `eventName` to.
 */
export function eventPayloadSchema(
  document: OpenApiDocument,
  _chaincode: string,
  eventName: string,
): Schema | undefined {
  const name = `${eventName}Payload`;
  return document.components?.schemas?.[name] ? { $ref: `#/components/schemas/${name}` } : undefined;
}

function describeErrors(errors: ErrorObject[]): string {
  return errors
    .map((e) => {
      const at = e.dataPath || '(root)';
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        return `  ${at}: property "${extra}" is not in the document`;
      }
      return `  ${at}: ${e.message ?? e.keyword}`;
    })
    .join('\n');
}

let loaded: Promise<Contract> | undefined;

/**
 * The contract of the gateway at `baseUrl`, fetched once per run (see the module comment).
 * `cacheFile` keeps it for the run's later suites.
 */
export function loadContract(baseUrl: string, cacheFile: string | undefined): Promise<Contract> {
  loaded ??= (async () => {
    if (cacheFile && existsSync(cacheFile)) {
      return new Contract(JSON.parse(readFileSync(cacheFile, 'utf8')) as OpenApiDocument);
    }
    const res = await fetch(`${baseUrl}/openapi.json`);
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
    const text = await res.text();
    const document = JSON.parse(text) as OpenApiDocument;
    if (!document.openapi?.startsWith('3.') || !document.paths) {
      throw new Error('GET /openapi.json is not an OpenAPI 3 document');
    }
    if (cacheFile) {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, cacheFile);
    }
    return new Contract(document);
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}

/** Where a run keeps the document: only in a state folder the run brought up itself. */
export function contractCacheFile(stateDir: string): string | undefined {
  return process.env.E2E_OWN_NETWORK === '1'
    ? path.join(stateDir, 'gateway', 'openapi.e2e-contract.json')
    : undefined;
}
