/**
 * One declaration per route. A route names its method and path, its request
 * schemas (path parameters, query, body), its response schema, the roles it
 * requires, and either the chaincode transaction it calls (submit or evaluate)
 * or a custom handler. From that single declaration come the route's handler on the
 * API pipeline (role check, validation before anything reaches Fabric, the Fabric
 * call, the response), its place in the route table and the OpenAPI operation.
 */
import type { OpenAPIRegistry, ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { assertRole, callerOf, type Caller } from '../auth';
import type { EndorsementPin, PinnedInvocation } from '../fabric/endorsement';
import { ChaincodeRefusal } from '../fabric/ledger';
import { requestHash } from '../writes/idempotency';
import type { WriteOutcome } from '../writes/outcome';
import type { TransactionService, WriteOptions } from '../writes/transactions';
import { sendJson, sendText, type ApiRequest, type ApiResponse } from './exchange';
import { AcceptedSchema, ProblemSchema, WriteResultSchema } from './openapi';
import { HttpProblem, PROBLEM_JSON, type FieldIssue } from './problem';
import { renderWrite } from './write-result';

/** A schema of an object (path parameters and query strings are objects). */
export type ObjectSchema = z.ZodObject;

/** Validated input of a route. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** How a route calls a chaincode. */
export interface ChaincodeCall<P, Q, B> {
  /** Logical chaincode name (e-licence, data-sharing, fund-tracing, e-voting, or a configured one). */
  chaincode: string;
  /** Transaction name, e.g. `IssueLicence`. */
  transaction: string;
  /** submit (endorse, order, commit) or evaluate (query one peer). */
  mode: 'submit' | 'evaluate';
  /**
   * The chaincode's JSON request; by default path parameters, query and body merged. With a
   * {@link ChaincodeCall.prepare} step, `prepared` is that step's decoded chaincode result.
   */
  request?(input: RouteInput<P, Q, B>, caller: Caller, prepared?: unknown): unknown;
  /** Transient fields (each sent as JSON), for private inputs. */
  transient?(input: RouteInput<P, Q, B>, caller: Caller): Record<string, unknown> | undefined;
  /**
   * Organisations whose peers must endorse (or, for evaluate, answer), instead of leaving the
   * choice to the peer gateway: `'caller-org'` for the caller's own organisation (transactions on
   * its private data collection), or a function of the chaincode request. Data, not code in the
   * handler: the write pipeline and the offline-signing flow both read it ({@link endorsementCatalogue}).
   */
  endorsement?: EndorsementPin;
  /**
   * A write submitted (and committed) first, in the same chaincode, e.g. a private-only
   * transaction pinned to the caller's organisation whose result the main call then carries
   * (verify-by-hash). Submit routes only; its idempotency key is the request's plus `#prepare`.
   */
  prepare?: PrepareStep<P, Q, B>;
  /**
   * A committed result that is a refusal the transaction recorded (it committed, e.g. a refused
   * attempt and its alert): the problem to answer instead of the success. Submit routes only.
   */
  refusal?(result: unknown, transactionId: string): HttpProblem | undefined;
}

/** The first transaction of a two-transaction route (see {@link ChaincodeCall.prepare}). */
export interface PrepareStep<P, Q, B> {
  /** Transaction name, e.g. `StageLicencePrivateData`. */
  transaction: string;
  /** Its JSON request. */
  request(input: RouteInput<P, Q, B>, caller: Caller): unknown;
  /** Its transient fields (each sent as JSON). */
  transient?(input: RouteInput<P, Q, B>, caller: Caller): Record<string, unknown> | undefined;
  /** Its endorsing organisations (see {@link ChaincodeCall.endorsement}). */
  endorsement?: EndorsementPin;
  /**
   * The chaincode refusal code of the main call that means an endorser has not yet committed
   * this step's block (the caller's own peer reports the commit; another organisation's peer may
   * be a block behind). The main call is tried again on it, for at most {@link LAGGING_ENDORSER_MS}.
   */
  laggingCode?: string;
}

/** What a custom handler returns; `undefined` when it wrote the response itself (streams). */
export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Context of a custom handler. */
export interface HandlerContext<P, Q, B> {
  req: ApiRequest;
  res: ApiResponse;
  caller: Caller;
  input: RouteInput<P, Q, B>;
}

/** A route declaration. */
export interface RouteSpec<
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  B extends z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path, e.g. `/api/v1/licences/{licenceId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Roles of which the caller needs one; empty: any authenticated caller. */
  roles: readonly string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of the success body (the chaincode result for chaincode routes). */
  response?: z.ZodType;
  /** Status of a synchronous success (default 200; use 201 for creations). */
  successStatus?: number;
  /** Extra refusal before Fabric is called: return a reason to answer 403. */
  authorize?(input: RouteInput<Out<P>, Out<Q>, Out<B>>, caller: Caller): string | undefined;
  /** The chaincode transaction this route is. */
  call?: ChaincodeCall<Out<P>, Out<Q>, Out<B>>;
  /** A custom handler, for routes that are not one chaincode call. */
  handle?(ctx: HandlerContext<Out<P>, Out<Q>, Out<B>>): Promise<HandlerResult | undefined>;
  /** Media type of the success body (default application/json). */
  produces?: string;
  /** Reachable without a bearer token (the handler then gets an anonymous caller with no roles). */
  public?: boolean;
  /**
   * Who may do this beyond the gateway role: the chaincode's own rule (or the handler's), stated
   * in the operation's description, e.g. "the member organisation of the collection only".
   */
  access?: string;
  /** A custom handler that answers as a write ({@link sendWrite}): documented like a submit route. */
  writes?: boolean;
  /** Headers a custom handler sets on its success answer (name to description), for the OpenAPI document. */
  successHeaders?: Readonly<Record<string, string>>;
  /** False for a custom handler that never reaches Fabric or the CA (no 502/503/504 documented). */
  ledger?: boolean;
  /** A cacheable read that answers 304 Not Modified on a matching `If-None-Match` (documented). */
  conditional?: boolean;
}

/** Output type of an optional schema. */
export type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Declares a route (identity function that gives the declaration its types). */
export function defineRoute<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  if (!spec.call === !spec.handle)
    throw new Error(`route ${spec.operationId} needs exactly one of call or handle`);
  return spec;
}

/** A route declaration with its types erased, as registries hold them (callbacks are methods, so bivariant). */
export type AnyRoute = RouteSpec<ObjectSchema | undefined, ObjectSchema | undefined, z.ZodType | undefined>;

/** What routes need at run time. */
export interface RouteServices {
  transactions: TransactionService;
  /** Logical chaincode name -> deployed name. */
  chaincodes: Record<string, string>;
}

function issues(location: FieldIssue['location'], error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ location, path: i.path.map(String).join('.'), message: i.message }));
}

function parsePart(
  location: FieldIssue['location'],
  schema: z.ZodType | undefined,
  value: unknown,
  out: FieldIssue[],
): unknown {
  if (!schema) {
    if (
      location === 'body' &&
      value !== undefined &&
      !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)
    ) {
      out.push({ location, path: '', message: 'this operation takes no request body' });
    }
    return undefined;
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    out.push(...issues(location, r.error));
    return undefined;
  }
  return r.data;
}

function preferAsync(req: ApiRequest): boolean {
  const prefer = req.headers.prefer;
  return (
    typeof prefer === 'string' && prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === 'respond-async')
  );
}

/** A declared path as the metrics label it, `:name` for each parameter (`/api/v1/licences/:licenceId`). */
function routeLabel(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

/** Validates a request against a route's schemas; throws 400 INVALID_REQUEST naming every bad field. */
export function validateInput(spec: AnyRoute, req: ApiRequest): ErasedInput {
  const found: FieldIssue[] = [];
  if (spec.body && req.body === undefined && spec.method !== 'get') {
    const ct = req.headers['content-type'];
    if (ct && !/^application\/(.+\+)?json\b/i.test(ct)) {
      throw new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json');
    }
  }
  const params = parsePart('params', spec.params, { ...req.params }, found);
  const query = parsePart('query', spec.query, { ...req.query }, found);
  const body = parsePart('body', spec.body, req.body, found);
  if (!spec.query && Object.keys(req.query).length > 0) {
    found.push({ location: 'query', path: '', message: 'this operation takes no query parameters' });
  }
  if (found.length > 0) {
    const summary = found.map((f) => `${f.location}${f.path ? `.${f.path}` : ''}: ${f.message}`).join('; ');
    throw new HttpProblem(400, 'INVALID_REQUEST', `the request is invalid: ${summary}`, { errors: found });
  }
  return {
    params: params as Record<string, unknown> | undefined,
    query: query as Record<string, unknown> | undefined,
    body,
  };
}

/** Validated input with its types erased. */
export type ErasedInput = RouteInput<
  Record<string, unknown> | undefined,
  Record<string, unknown> | undefined,
  unknown
>;

function defaultRequest(input: ErasedInput): unknown {
  const merged: Record<string, unknown> = {};
  for (const part of [input.params, input.query, input.body]) {
    if (part && typeof part === 'object' && !Array.isArray(part)) Object.assign(merged, part);
  }
  return merged;
}

/** The caller of a public route. */
export const ANONYMOUS: Caller = { subject: 'anonymous', org: '', roles: [] };

/** The handler of a route on the API pipeline. */
export function routeHandler(spec: AnyRoute, services: RouteServices) {
  return async (req: ApiRequest, res: ApiResponse): Promise<void> => {
    const caller = spec.public ? ANONYMOUS : callerOf(res);
    assertRole(caller, spec.roles);
    const input = validateInput(spec, req);
    const refusal = spec.authorize?.(input, caller);
    if (refusal) throw new HttpProblem(403, 'FORBIDDEN', refusal);
    if (spec.handle) {
      const result = await spec.handle({ req, res, caller, input });
      if (!result) return;
      for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
      sendText(res, result.status, spec.produces ?? 'application/json', JSON.stringify(result.body));
      return;
    }
    const call = spec.call as ChaincodeCall<
      Record<string, unknown> | undefined,
      Record<string, unknown> | undefined,
      unknown
    >;
    const chaincode = services.chaincodes[call.chaincode];
    if (!chaincode) throw new HttpProblem(500, 'INTERNAL', 'the gateway failed to handle the request');
    let prepared: unknown;
    if (call.prepare && call.mode === 'submit') {
      const step = call.prepare;
      const options = writeOptions(req, res);
      const done = await services.transactions.submit(
        caller,
        invocationOf(
          chaincode,
          step.transaction,
          step.request(input, caller),
          step.transient?.(input, caller),
          step.endorsement,
        ),
        {
          ...options,
          async: false,
          ...(options.idempotencyKey ? { idempotencyKey: `${options.idempotencyKey}#prepare` } : {}),
        },
      );
      prepared = done.kind === 'committed' ? done.result : undefined;
    }
    const request = call.request ? call.request(input, caller, prepared) : defaultRequest(input);
    const invocation = invocationOf(
      chaincode,
      call.transaction,
      request,
      call.transient?.(input, caller),
      call.endorsement,
    );
    if (call.mode === 'evaluate') {
      const result = await services.transactions.evaluate(caller, invocation);
      sendJson(res, 200, result);
      return;
    }
    const submitMain = () => services.transactions.submit(caller, invocation, writeOptions(req, res));
    const lagging = call.prepare?.laggingCode;
    const written = lagging ? await retryWhileLagging(submitMain, lagging) : await submitMain();
    const refused =
      written.kind === 'committed' ? call.refusal?.(written.result, written.transactionId) : undefined;
    if (refused) throw refused;
    sendWrite(res, written, spec.successStatus ?? 200);
  };
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Reads and checks the `Idempotency-Key` header (400 INVALID_IDEMPOTENCY_KEY); undefined when absent. */
export function idempotencyKeyOf(req: ApiRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  const unquoted = key.startsWith('"') && key.endsWith('"') && key.length >= 2 ? key.slice(1, -1) : key;
  if (!KEY_PATTERN.test(unquoted)) {
    throw new HttpProblem(
      400,
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key must be 1-255 visible ASCII characters',
      {
        errors: [
          { location: 'header', path: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
        ],
      },
    );
  }
  return unquoted;
}

/** How long the main call of a two-transaction route waits for endorsers to commit its first step. */
export const LAGGING_ENDORSER_MS = 3_000;

/**
 * Submits, and submits again (a new transaction: the refusal wrote nothing and freed the
 * idempotency key) while the chaincode refuses with `code`, every 100-400 ms for at most
 * {@link LAGGING_ENDORSER_MS}; any other outcome, or the last refusal, is returned or thrown.
 */
async function retryWhileLagging(submit: () => Promise<WriteOutcome>, code: string): Promise<WriteOutcome> {
  const deadline = Date.now() + LAGGING_ENDORSER_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 400)) {
    try {
      return await submit();
    } catch (err) {
      if (!(err instanceof ChaincodeRefusal) || err.body.code !== code || Date.now() + delay > deadline)
        throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The invocation of one chaincode transaction: its JSON request, transient fields (as JSON) and pin. */
function invocationOf(
  chaincode: string,
  transaction: string,
  request: unknown,
  transientFields: Record<string, unknown> | undefined,
  endorsement: EndorsementPin | undefined,
): PinnedInvocation {
  return {
    chaincode,
    transaction,
    args: [JSON.stringify(request)],
    ...(transientFields
      ? {
          transient: Object.fromEntries(
            Object.entries(transientFields)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => [k, JSON.stringify(v)]),
          ),
        }
      : {}),
    ...(endorsement ? { endorsement } : {}),
  };
}

/** The write options a request asks for: Prefer: respond-async, Idempotency-Key (with the request's hash). */
export function writeOptions(req: ApiRequest, res: ApiResponse): WriteOptions {
  const key = idempotencyKeyOf(req);
  return {
    async: preferAsync(req),
    ...(key
      ? {
          idempotencyKey: key,
          requestHash: requestHash(req.method ?? '', req.path, { query: req.query, body: req.body }),
        }
      : {}),
    ...(res.locals.requestId !== undefined ? { requestId: res.locals.requestId } : {}),
  };
}

/** Answers with a write's outcome; `successStatus` is the status of a committed write (200, or 201 for creations). */
export function sendWrite(res: ApiResponse, outcome: WriteOutcome, successStatus: number): void {
  const written = renderWrite(outcome, successStatus);
  for (const [k, v] of Object.entries(written.headers)) res.setHeader(k, v);
  sendText(res, written.statusCode, 'application/json', written.body);
}

/** Finds the endorsement pin a route declares for a chaincode transaction (by logical chaincode name). */
export type EndorsementLookup = (chaincode: string, transaction: string) => EndorsementPin | undefined;

/**
 * The endorsement pins the routes declare, by logical chaincode name and transaction, so that a
 * flow that is not a route (offline signing) pins a transaction exactly as its route does.
 */
export function endorsementCatalogue(routes: readonly AnyRoute[]): EndorsementLookup {
  const pins = new Map<string, EndorsementPin>();
  for (const r of routes) {
    if (r.call?.endorsement) pins.set(`${r.call.chaincode}\n${r.call.transaction}`, r.call.endorsement);
    const step = r.call?.prepare;
    if (r.call && step?.endorsement) pins.set(`${r.call.chaincode}\n${step.transaction}`, step.endorsement);
  }
  return (chaincode, transaction) => pins.get(`${chaincode}\n${transaction}`);
}

const idempotencyHeader = z
  .string()
  .min(1)
  .max(255)
  .meta({
    description:
      'Makes a retried write return the first outcome instead of writing again (1-255 visible ASCII characters, scoped to the caller); ' +
      'the same key with a different request is refused 422 IDEMPOTENCY_KEY_REUSED',
    example: '7f9c2ba4-e88f-4a2c-9d1e-2f0a6c3b5d10',
  });
const preferHeader = z.string().meta({
  description:
    "`respond-async`: answer 202 with the transaction's status URL once the orderer has the transaction, instead of waiting for its commit",
  example: 'respond-async',
});

/** A response header as OpenAPI declares it. */
interface HeaderObject {
  description: string;
  required?: boolean;
  schema: { type: 'string' | 'integer'; example?: string | number; enum?: readonly string[] };
}

/** The `headers` member of an OpenAPI response. */
type ResponseHeaders = Exclude<ResponseConfig['headers'], z.ZodObject | undefined>;

/** The response headers the gateway sends, by name. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description:
      "The request's id (the caller's `X-Request-Id` when valid, else a new one); also in the logs and problem bodies",
    required: true,
    schema: { type: 'string', example: '3b1f8c52-0c7a-4d8e-9a51-8f4e2b7c6d90' },
  },
  RateLimit: {
    description:
      "The caller's rate-limit state (IETF draft-7 `RateLimit`): limit, requests remaining and seconds until the window resets",
    schema: { type: 'string', example: 'limit=1200, remaining=1187, reset=42' },
  },
  'RateLimit-Policy': {
    description: 'The rate-limit policy (IETF draft-7): requests allowed per window of `w` seconds',
    schema: { type: 'string', example: '1200;w=60' },
  },
  'X-Transaction-Id': {
    description: 'Id of the Fabric transaction of this write (also on a replayed answer)',
    required: true,
    schema: { type: 'string', example: 'a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456' },
  },
  Location: {
    description: "The transaction's status URL (`GET /api/v1/transactions/{txId}`)",
    required: true,
    schema: {
      type: 'string',
      example: '/api/v1/transactions/a3c1e0f2b4d6789012345678901234567890abcdef1234567890abcdef123456',
    },
  },
  'Preference-Applied': {
    description:
      '`respond-async` when the gateway honoured `Prefer: respond-async` (absent on a replayed answer)',
    schema: { type: 'string', enum: ['respond-async'] },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored answer of an earlier request with the same `Idempotency-Key` (nothing was written again)',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before sending the request again',
    required: true,
    schema: { type: 'integer', example: 1 },
  },
  'WWW-Authenticate': {
    description: 'The authentication scheme the gateway expects',
    required: true,
    schema: { type: 'string', example: 'Bearer' },
  },
} as const satisfies Record<string, HeaderObject>;

type HeaderName = keyof typeof RESPONSE_HEADERS;

/** The headers named, as an OpenAPI `headers` object; `optional` ones are marked not required. */
function headersOf(names: readonly HeaderName[], optional: readonly HeaderName[] = []): ResponseHeaders {
  return Object.fromEntries(
    names.map((n) => {
      const h: HeaderObject = { ...RESPONSE_HEADERS[n] };
      if (optional.includes(n)) delete h.required;
      return [n, h];
    }),
  ) as ResponseHeaders;
}

/** The route classes of an operation: what decides which statuses and headers it can answer with. */
export function routeClass(spec: AnyRoute): {
  write: boolean;
  authenticated: boolean;
  body: boolean;
  ledger: boolean;
} {
  return {
    write: spec.call?.mode === 'submit' || spec.writes === true,
    authenticated: !spec.public,
    body: spec.body !== undefined,
    ledger: spec.call !== undefined || (spec.handle !== undefined && spec.ledger !== false),
  };
}

/** The access rule of a route, as its description states it: the gateway role and the chaincode's rule. */
export function accessRule(spec: AnyRoute): string {
  const role = spec.public
    ? 'Gateway: no bearer token needed.'
    : spec.roles.length > 0
      ? `Gateway role: ${spec.roles.map((r) => `\`${r}\``).join(' or ')}.`
      : 'Gateway role: any authenticated caller.';
  return spec.access ? `${role} Rule: ${spec.access}` : role;
}

/** The OpenAPI operation of a route. */
export function openApiRoute(spec: AnyRoute): RouteConfig {
  const always: HeaderName[] = ['X-Request-Id', 'RateLimit', 'RateLimit-Policy'];
  const problem = (description: string, extra: HeaderName[] = [], optional: HeaderName[] = []) => ({
    description,
    headers: headersOf([...always, ...extra], optional),
    content: { [PROBLEM_JSON]: { schema: ProblemSchema } },
  });
  const cls = routeClass(spec);
  const success = spec.response ?? z.unknown();
  const responses: RouteConfig['responses'] = {};
  if (cls.write) {
    responses[String(spec.successStatus ?? 200)] = {
      description:
        'Committed: the chaincode result, the transaction id and the block number (the answer to a write sent without `Prefer: respond-async`)',
      headers: headersOf([...always, 'X-Transaction-Id', 'Idempotent-Replayed']),
      content: { 'application/json': { schema: WriteResultSchema(success) } },
    };
    responses['202'] = {
      description:
        'Accepted, only when the request sent `Prefer: respond-async`: the orderer has the transaction; follow `statusUrl` (also in `Location`) for its outcome',
      headers: headersOf([
        ...always,
        'X-Transaction-Id',
        'Location',
        'Preference-Applied',
        'Idempotent-Replayed',
      ]),
      content: { 'application/json': { schema: AcceptedSchema } },
    };
  } else {
    const own = Object.fromEntries(
      Object.entries(spec.successHeaders ?? {}).map(([name, description]) => [
        name,
        { description, required: true, schema: { type: 'string' } },
      ]),
    );
    responses[String(spec.successStatus ?? 200)] = {
      description: 'Success',
      headers: { ...headersOf(always), ...own } as ResponseHeaders,
      content: { [spec.produces ?? 'application/json']: { schema: success } },
    };
  }
  if (spec.conditional) {
    responses['304'] = {
      description: 'Not Modified: the `If-None-Match` sent names the current `ETag`; no body',
      headers: headersOf(always),
    };
  }
  responses['400'] = problem(
    'Invalid request: `INVALID_REQUEST` (every bad field in `errors`), `MALFORMED_JSON`' +
      (cls.write ? ', `INVALID_IDEMPOTENCY_KEY`' : '') +
      (spec.call ? ", or the chaincode's own code" : ''),
  );
  if (cls.authenticated)
    responses['401'] = problem(
      'Missing, expired or invalid bearer token (`UNAUTHENTICATED`, `TOKEN_EXPIRED`, `INVALID_TOKEN`)',
      ['WWW-Authenticate'],
    );
  responses['403'] = problem(
    'The caller may not do this: `FORBIDDEN` (gateway role or route rule)' +
      (cls.ledger ? ", `IDENTITY_NOT_ENROLLED`, or the chaincode's refusal code" : ''),
  );
  if (cls.ledger || spec.params) responses['404'] = problem('Unknown record (a stable `*_NOT_FOUND` code)');
  if (cls.ledger || cls.write)
    responses['409'] = problem(
      'Conflict: the record is in a state that does not allow this (chaincode code), `TRANSACTION_CONFLICT`' +
        (cls.write
          ? ', or `IDEMPOTENCY_KEY_IN_USE` while the first request with that key runs (with `Retry-After`)'
          : ''),
      cls.write ? ['Retry-After'] : [],
      ['Retry-After'],
    );
  if (cls.body) {
    responses['413'] = problem('The request body is larger than the gateway accepts (`PAYLOAD_TOO_LARGE`)');
    responses['415'] = problem('The request body is not JSON (`UNSUPPORTED_MEDIA_TYPE`)');
  }
  if (cls.write)
    responses['422'] = problem(
      'The `Idempotency-Key` was used before for a different request (`IDEMPOTENCY_KEY_REUSED`)',
    );
  responses['429'] = problem('Too many requests from this caller (`RATE_LIMITED`)', ['Retry-After']);
  responses['500'] = problem('The gateway failed (`INTERNAL`; no details are given)');
  if (cls.ledger) {
    responses['502'] = problem(
      'Fabric refused at a stage, or the chaincode failed (`stage`, `transactionId`, `retrySafe`)',
    );
    responses['503'] = problem(
      'Fabric (or the CA) is unreachable: retry after `Retry-After` seconds',
      ['Retry-After'],
      ['Retry-After'],
    );
    responses['504'] = problem(
      'Fabric did not answer in time (`LEDGER_TIMEOUT`; `statusUrl` when the write may still commit)',
    );
  }
  const config: RouteConfig = {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    tags: spec.tags,
    security: spec.public ? [] : [{ bearer: [] }],
    request: {},
    responses,
  };
  const descParts = [spec.description, accessRule(spec)];
  if (spec.call)
    descParts.push(
      `Chaincode \`${spec.call.chaincode}\`, transaction \`${spec.call.transaction}\` (${spec.call.mode}).`,
    );
  config.description = descParts.filter(Boolean).join('\n\n');
  const request = config.request as NonNullable<RouteConfig['request']>;
  if (spec.params) request.params = spec.params;
  if (spec.query) request.query = spec.query;
  if (spec.body) request.body = { required: true, content: { 'application/json': { schema: spec.body } } };
  if (cls.write)
    request.headers = z.object({
      'Idempotency-Key': idempotencyHeader.optional(),
      Prefer: preferHeader.optional(),
    });
  const ext = config as RouteConfig & Record<string, unknown>;
  ext['x-required-roles'] = [...spec.roles];
  if (spec.call)
    ext['x-chaincode'] = {
      name: spec.call.chaincode,
      transaction: spec.call.transaction,
      mode: spec.call.mode,
    };
  return config;
}

/** A route of the table: its declaration, how it matches a path, and its handler. */
export interface MountedRoute {
  spec: AnyRoute;
  /** Upper-case HTTP method. */
  method: string;
  /** Matches the whole request path (any case, one optional trailing slash); a group per parameter. */
  pattern: RegExp;
  /** Names of the path parameters, in the order of the pattern's groups. */
  names: string[];
  /** The metrics label of the route ({@link routeLabel}). */
  label: string;
  handle(req: ApiRequest, res: ApiResponse): Promise<void>;
}

/** The route a request matched, with its path parameters (percent-decoded). */
export interface RouteMatch {
  route: MountedRoute;
  params: Record<string, string>;
}

/** Finds the route of a request. */
export interface RouteTable {
  /**
   * The first declared route matching `method` (HEAD as GET) and `path`; undefined when none does.
   * Throws 400 BAD_REQUEST when a path parameter is not valid percent-encoding.
   */
  find(method: string, path: string): RouteMatch | undefined;
}

/** How many leading path segments pick a route's bucket in {@link mountRoutes}. */
const BUCKET_SEGMENTS = 3;

/**
 * Builds the route table and registers the routes' OpenAPI operations. A request is matched
 * against the routes of its bucket only: the routes whose first {@link BUCKET_SEGMENTS} path
 * segments are its own, with every route that has a parameter among those segments, in declaration
 * order (with over a hundred routes, a scan of all of them would cost more than the rest of routing).
 */
export function mountRoutes(
  routes: readonly AnyRoute[],
  services: RouteServices,
  registry: OpenAPIRegistry,
): RouteTable {
  const mounted = routes.map((spec) => {
    registry.registerPath(openApiRoute(spec));
    const names: string[] = [];
    const source = spec.path
      .split(/(\{[A-Za-z0-9_]+\})/)
      .map((part) => {
        const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
        if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]);
        return '([^/]+)';
      })
      .join('');
    const route: MountedRoute = {
      spec,
      method: spec.method.toUpperCase(),
      pattern: new RegExp(`^${source}/?$`, 'i'),
      names,
      label: routeLabel(spec.path),
      handle: routeHandler(spec, services),
    };
    return { route, key: bucketKey(spec.path) };
  });
  const bucketOf = (key: string | undefined) =>
    mounted.filter((m) => m.key === undefined || m.key === key).map((m) => m.route);
  const buckets = new Map<string, MountedRoute[]>();
  for (const m of mounted)
    if (m.key !== undefined && !buckets.has(m.key)) buckets.set(m.key, bucketOf(m.key));
  const rest = bucketOf(undefined);
  return {
    find(method, path) {
      const wanted = method === 'HEAD' ? 'GET' : method;
      for (const route of buckets.get(requestBucketKey(path)) ?? rest) {
        if (route.method !== wanted) continue;
        const found = route.pattern.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => {
          params[name] = decodeParam(found[i + 1]);
        });
        return { route, params };
      }
      return undefined;
    },
  };
}

/** A percent-decoded path parameter; 400 BAD_REQUEST when it is not valid percent-encoding. */
function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpProblem(
      400,
      'BAD_REQUEST',
      `the path parameter ${JSON.stringify(raw)} is not valid percent-encoding`,
    );
  }
}

/** The bucket of a declared path (its leading segments, lower case), or undefined when a parameter is among them. */
function bucketKey(path: string): string | undefined {
  const segments = path.split('/').slice(1, BUCKET_SEGMENTS + 1);
  if (segments.length < BUCKET_SEGMENTS || segments.some((s) => s.includes('{') || s === ''))
    return undefined;
  return segments.join('/').toLowerCase();
}

/** The bucket a request path falls in (paths match in any case). */
function requestBucketKey(path: string): string {
  return path
    .split('/', BUCKET_SEGMENTS + 1)
    .slice(1)
    .join('/')
    .toLowerCase();
}
