/**
 * The API's request pipeline (`/api/...`) on Node's own HTTP request and response, one step after
 * another: the request line (path, query, client address), the JSON body (size limit, media type,
 * nesting depth), bearer authentication unless the route is public (failures limited per client
 * address), the rate limit per caller, the route's handler; a failure at any step is answered as
 * problem+json by `refuse`. Before it, the app has given the request its id, its log line, its
 * timer and the security headers (app.ts).
 */
import { json } from 'body-parser';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticate } from '../auth';
import { assertJsonDepth, type Limiter } from '../request-limits';
import { localsOf, readRequestLine, type ApiRequest, type ApiResponse } from './exchange';
import { HttpProblem } from './problem';
import type { RouteMatch, RouteTable } from './route';

/** What the pipeline is built from. */
export interface ApiPipelineOptions {
  /** The declared routes. */
  routes: RouteTable;
  /** Authentication of non-public routes. */
  authenticate: Authenticate;
  /** The rate limit per caller. */
  limiter: Limiter;
  /** Largest JSON body, as body-parser reads it (`256kb`). */
  bodyLimit: string;
  /** Deepest nesting of a JSON body. */
  jsonMaxDepth: number;
  /** Read the client address from `X-Forwarded-For` (the gateway is behind a proxy it trusts). */
  trustProxy: boolean;
  /** True once the gateway is shutting down (new event streams are refused 503). */
  draining(): boolean;
  /** Answers a failure (problem+json, metrics, log). */
  refuse(err: unknown, req: ApiRequest, res: ApiResponse): void;
}

/** A connect-style step (body-parser, the limiters): `next(err)` to refuse, `next()` to go on. */
type Step<Req, Res> = (req: Req, res: Res, next: (err?: unknown) => void) => unknown;

/** Runs a connect-style step; resolves when it calls `next()`, rejects with what it passes to `next`. */
function run<Req, Res>(step: Step<Req, Res>, req: Req, res: Res): Promise<void> {
  return new Promise((resolve, reject) => {
    step(req, res, (err?: unknown) => (err === undefined || err === null ? resolve() : reject(err)));
  });
}

/** True for a path the API pipeline answers (`/api` and below, in any case). */
export function isApiPath(url: string | undefined): boolean {
  return url !== undefined && /^\/api(?:[/?]|$)/i.test(url);
}

/** Builds the pipeline: a request listener for the paths {@link isApiPath} accepts. */
export function apiPipeline(options: ApiPipelineOptions) {
  const readBody = json({ limit: options.bodyLimit, type: ['application/json', 'application/*+json'] });
  return (request: IncomingMessage, response: ServerResponse): void => {
    const req = readRequestLine(request, options.trustProxy);
    localsOf(response);
    const res = response as ApiResponse;
    void (async () => {
      await run(readBody, req, res);
      // the route is found first, so that a public route skips authentication; a path with a bad
      // parameter, like an unknown path, is refused only after authentication
      let match: RouteMatch | undefined;
      let unmatched: unknown;
      try {
        match = options.routes.find(req.method ?? '', req.path);
      } catch (err) {
        unmatched = err;
      }
      if (!match?.route.spec.public) await run(options.authenticate, req, res);
      await run(options.limiter, req, res);
      assertJsonDepth(req.body, options.jsonMaxDepth);
      if (unmatched !== undefined) throw unmatched;
      if (!match) throw new HttpProblem(404, 'NOT_FOUND', `no resource at ${req.method} ${req.path}`);
      if (options.draining() && /^\/api\/v1\/events\/?$/i.test(req.path))
        throw new HttpProblem(503, 'SHUTTING_DOWN', 'the gateway is shutting down', {}, 1);
      req.params = match.params;
      res.locals.route = match.route.label;
      await match.route.handle(req, res);
    })().catch((err: unknown) => options.refuse(err, req, res));
  };
}
