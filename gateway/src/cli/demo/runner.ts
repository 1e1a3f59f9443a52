/**
 * Runs the journeys' HTTP steps against the gateway and prints them: retries a
 * lost connection (a write with the same Idempotency-Key), a retry-safe 503, and
 * reads that another organisation's peer has not caught up with yet.
 *
 * The journeys call the gateway through the SDK, @govledger/client (`read` and
 * `write`: the typed client generated from the gateway's OpenAPI document, one per
 * demo user); `run` sends a raw request (method, path, JSON body), used only for
 * /readyz, which is outside the API document.
 */
import { createGovLedgerClient, IDEMPOTENCY_KEY_HEADER, type GovLedgerClient } from '@govledger/client';
import { DemoSetupError, type DemoContext, type DemoUser } from './context';
import type { Printer } from './printer';

/** A step that did not go as it should: exit code 1 with what the gateway answered. */
export class DemoStepError extends Error {
  constructor(
    message: string,
    readonly step: string,
    readonly request: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** The HTTP methods the journeys use. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A problem+json body, as far as the demo reads it. */
interface Problem {
  code?: string;
  detail?: string;
}

/** Body of a committed write. */
interface Written<T> {
  transactionId: string;
  blockNumber: string;
  result: T;
}

/** What a step does, whoever sends it (the SDK or a raw request). */
export interface StepSpec<T> {
  /** The demo user who calls, or undefined for a call without credentials. */
  who: string | undefined;
  /** What they do, in words. */
  what: string;
  /** Not a plain write, but the gateway commits a transaction for it (counted in the summary). */
  commits?: true;
  /** A refusal the step expects (status and problem code) instead of success. */
  refusal?: { status: number; code: string };
  /** A refusal as good as success ("already done"): printed, and the step returns undefined. */
  accept?: { status: number; code: string };
  /**
   * The step builds on what another organisation just committed, which that
   * organisation's peer may not have yet: retry a 404, and (for reads) an
   * answer that does not satisfy the predicate, for a few seconds.
   */
  settle?: true | ((result: T) => boolean);
  /** Checks the result; returns what is wrong, if anything. */
  check?: (result: T) => string | undefined;
  /** The key result, in words (may hold several lines). */
  show: (result: T) => string;
}

/** One raw HTTP step of a journey: method, path and JSON body. */
export interface Step<T> extends StepSpec<T> {
  method: Method;
  path: string;
  body?: unknown;
  /** A write that waits for the commit: the answer is `{transactionId, blockNumber, result}`. */
  write?: boolean;
}

/** What an SDK call answers (openapi-fetch's `{data, error, response}`). */
export interface SdkAnswer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** One step sent with the SDK: `call` makes one request with the step user's typed client. */
export interface SdkStep<D, T> extends StepSpec<T> {
  call: (api: GovLedgerClient) => Promise<SdkAnswer<D>>;
}

/** The chaincode result of a committed write's answer `{transactionId, blockNumber, result}`. */
export type Committed<D> = Extract<D, { result: unknown }>['result'];

/** What the gateway answered. */
interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

/** Sends a step's request once (with the Idempotency-Key, if any); a lost connection throws {@link ConnectionLost}. */
interface Transport {
  /** The request in words, `POST /api/v1/...` (known once it was sent). */
  readonly label: string;
  /** Whether the answer of a success is `{transactionId, blockNumber, result}`. */
  readonly write: boolean;
  send(idempotencyKey: string | undefined): Promise<{ status: number; body: unknown }>;
}

/** Ends a step with a failure. */
type Fail = (message: string, status?: number, body?: unknown) => never;

/** The connection failed or dropped before an answer arrived. */
class ConnectionLost extends Error {
  constructor(
    message: string,
    /** Whether sending again makes sense (not after a timeout: the gateway did answer nothing for long). */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

const RESEND_TRIES = 3;
const IN_FLIGHT_TRIES = 90;
const GATEWAY_BACK_MS = 60_000;
const SETTLE_TRIES = 24;
const SETTLE_PAUSE_MS = 250;
const REQUEST_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs steps against the gateway and prints them. */
export class Runner {
  /** HTTP steps run so far. */
  steps = 0;
  /** Transactions committed so far. */
  commits = 0;
  readonly #ctx: DemoContext;
  readonly #p: Printer;
  readonly #runId: string;

  /** `runId` makes the run's Idempotency-Keys unique. */
  constructor(ctx: DemoContext, printer: Printer, runId: string) {
    this.#ctx = ctx;
    this.#p = printer;
    this.#runId = runId;
  }

  /** A demo user (known to exist: loadContext checked the cast). */
  user(name: string): DemoUser {
    const u = this.#ctx.users.get(name);
    if (!u) throw new DemoSetupError(`no demo token for ${name}`);
    return u;
  }

  /**
   * Whether the gateway acts for an organisation: network.json lists it (its peer joined the
   * channel; the Audit Office only after `network.sh addorg`).
   */
  serves(mspId: string): boolean {
    return this.#ctx.orgLabels.has(mspId);
  }

  /** The pid of a citizen or enterprise. */
  pid(name: string): string {
    return this.user(name).pid as string;
  }

  /** A citizen or enterprise as a voter: home organisation (MSP ID) and pid. */
  voter(name: string): { mspId: string; pid: string } {
    return { mspId: this.user(name).org, pid: this.pid(name) };
  }

  #whoLabel(who: string | undefined): string {
    if (!who) return 'no credentials';
    const org = this.user(who).org;
    return `${who} · ${this.#ctx.orgLabels.get(org) ?? org}`;
  }

  /** Prints a journey heading. */
  journey(n: number, total: number, chaincode: string, title: string): void {
    this.#p.line();
    this.#p.line(this.#p.bold(`━━ ${n}/${total} ${chaincode} ━━ ${title}`));
  }

  /** Prints a step that happens on the caller's device, with no HTTP. */
  local(who: string, what: string, result: string): void {
    this.#p.line(`  ${this.#p.dim('··')} ${this.#p.cyan(`${who} · on the device`)}  ${what}`);
    this.#p.line(`     ${this.#p.green('→')} ${result}`);
  }

  /** A fetch that throws {@link ConnectionLost} when the connection fails, drops or times out. */
  static async #fetch(request: Request): Promise<Response> {
    try {
      return await fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError')
        throw new ConnectionLost(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`, false);
      throw new ConnectionLost(e.cause?.code ?? e.message, true);
    }
  }

  /** A raw step's request: method, path and JSON body. */
  #rawTransport(step: Step<unknown>): Transport {
    const baseUrl = this.#ctx.baseUrl;
    const token = step.who ? this.user(step.who).token : undefined;
    return {
      label: `${step.method} ${step.path}`,
      write: step.write === true,
      async send(idempotencyKey) {
        const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
        if (token) headers.authorization = `Bearer ${token}`;
        if (step.body !== undefined) headers['content-type'] = 'application/json';
        if (idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()] = idempotencyKey;
        const res = await Runner.#fetch(
          new Request(`${baseUrl}${step.path}`, {
            method: step.method,
            headers,
            body: step.body === undefined ? undefined : JSON.stringify(step.body),
          }),
        );
        let text: string;
        try {
          text = await res.text();
        } catch (err) {
          throw new ConnectionLost((err as Error).message, true);
        }
        let body: unknown = undefined;
        if (text) {
          try {
            body = JSON.parse(text) as unknown;
          } catch {
            body = text;
          }
        }
        return { status: res.status, body };
      },
    };
  }

  /**
   * An SDK step's request: the step user's typed client (@govledger/client), without its own
   * retries (the runner retries, printing what it does) and with the runner's Idempotency-Key.
   */
  #sdkTransport<D>(step: SdkStep<D, unknown>, write: boolean): Transport {
    const baseUrl = this.#ctx.baseUrl;
    const token = step.who ? this.user(step.who).token : undefined;
    let label = '(not sent)';
    return {
      get label() {
        return label;
      },
      write,
      async send(idempotencyKey) {
        const api = createGovLedgerClient({
          baseUrl,
          token,
          retry: false,
          fetch: (request) => {
            const url = new URL(request.url);
            label = `${request.method} ${url.pathname}${url.search}`;
            if (!idempotencyKey) return Runner.#fetch(request);
            const headers = new Headers(request.headers);
            headers.set(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
            return Runner.#fetch(new Request(request, { headers }));
          },
        });
        let answer: SdkAnswer<D>;
        try {
          answer = await step.call(api);
        } catch (err) {
          if (err instanceof ConnectionLost) throw err;
          throw new ConnectionLost((err as Error).message, true); // the body was cut off
        }
        return { status: answer.response.status, body: answer.error ?? answer.data };
      },
    };
  }

  /** Waits until the gateway answers /livez again (after a restart), up to `ms`. */
  async #waitForGateway(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      try {
        const res = await fetch(`${this.#ctx.baseUrl}/livez`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.ok) return true;
      } catch {
        // not back yet
      }
      await sleep(500);
    }
    return false;
  }

  /**
   * Sends a step, riding out a gateway restart or a ledger hiccup: after a lost
   * connection it waits for the gateway and sends the same request again — a
   * write with the same Idempotency-Key, so it is never written twice — and a
   * 503 that says `retrySafe` is tried again after Retry-After.
   */
  async #sendSafely(transport: Transport, idempotencyKey: string | undefined, fail: Fail): Promise<Answer> {
    const p = this.#p;
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      const started = Date.now();
      try {
        answer = { ...(await transport.send(idempotencyKey)), ms: Date.now() - started };
      } catch (err) {
        if (!(err instanceof ConnectionLost)) throw err;
        if (!err.retry || attempt > RESEND_TRIES) {
          return fail(
            `cannot reach the gateway at ${this.#ctx.baseUrl} (${err.message}); is it running? \`npm run gateway\``,
          );
        }
        p.line(
          `     ${p.yellow('↻')} connection lost (${err.message}); waiting for the gateway, then sending it again` +
            (idempotencyKey ? ` with the same Idempotency-Key` : ''),
        );
        if (!(await this.#waitForGateway(GATEWAY_BACK_MS)))
          return fail(
            `the gateway at ${this.#ctx.baseUrl} did not come back within ${GATEWAY_BACK_MS / 1000} s`,
          );
        continue;
      }
      const problem = answer.body as (Problem & { retrySafe?: boolean }) | undefined;
      const inUse = answer.status === 409 && problem?.code === 'IDEMPOTENCY_KEY_IN_USE';
      if (inUse && attempt <= IN_FLIGHT_TRIES) {
        // the first send is still being settled by the restarted gateway
        await sleep(1000);
        continue;
      }
      if (answer.status === 503 && problem?.retrySafe === true && attempt <= RESEND_TRIES) {
        p.line(`     ${p.yellow('↻')} ${answer.status} ${problem.code ?? ''}: trying again`);
        await sleep(1000 * Math.min(attempt, 3));
        continue;
      }
      return answer;
    }
  }

  /** Runs one raw step: sends it (retrying while it settles), checks and prints it; returns its result. */
  run<T>(step: Step<T>): Promise<T> {
    return this.#step(step, this.#rawTransport(step as Step<unknown>));
  }

  /** Runs one read with the SDK (retrying while it settles), checks and prints it; returns its data. */
  read<D>(step: SdkStep<D, D>): Promise<D> {
    return this.#step(step, this.#sdkTransport(step as SdkStep<D, unknown>, false));
  }

  /**
   * Runs one write with the SDK that waits for the commit, checks and prints it; returns the
   * chaincode result (the answer's `result`).
   */
  write<D>(step: SdkStep<D, Committed<D>>): Promise<Committed<D>> {
    return this.#step(step, this.#sdkTransport(step as SdkStep<D, unknown>, true));
  }

  /** Runs one step: sends it (retrying while it settles), checks and prints it; returns its result. */
  async #step<T>(step: StepSpec<T>, transport: Transport): Promise<T> {
    const n = ++this.steps;
    const p = this.#p;
    p.line(`  ${p.dim(String(n).padStart(2))} ${p.cyan(this.#whoLabel(step.who))}  ${step.what}`);
    const fail = (message: string, status?: number, body?: unknown): never => {
      throw new DemoStepError(
        message,
        `${n}. ${step.who ?? 'anyone'}: ${step.what}`,
        transport.label,
        status,
        body,
      );
    };

    let status = 0;
    let body: unknown;
    let ms = 0;
    let result: T | undefined;
    for (let attempt = 1; ; attempt++) {
      // a new key for each settling attempt: the previous one was refused, nothing was written
      const key = transport.write || step.commits ? `demo-${this.#runId}-${n}-${attempt}` : undefined;
      ({ status, body, ms } = await this.#sendSafely(transport, key, fail));
      const ok = status >= 200 && status < 300;
      const last = !step.settle || attempt >= SETTLE_TRIES;
      if (ok && !step.refusal) {
        result = (transport.write ? (body as Written<T>).result : body) as T;
        if (!last && !transport.write && typeof step.settle === 'function' && !step.settle(result)) {
          await sleep(SETTLE_PAUSE_MS);
          continue;
        }
        break;
      }
      if (status === 404 && !last) {
        await sleep(SETTLE_PAUSE_MS);
        continue;
      }
      break;
    }

    const request = transport.label;
    const statusText = `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
    const timing = `${(ms / 1000).toFixed(1)} s`;
    const accepted = (body as Problem | undefined)?.code;
    if (step.accept && status === step.accept.status && accepted === step.accept.code) {
      p.line(`     ${p.dim(request)}  ${p.yellow(statusText)}  ${p.dim(timing)}`);
      p.line(`     ${p.green('→')} ${accepted}: ${(body as Problem).detail ?? ''}`);
      return undefined as T;
    }
    if (step.refusal) {
      const code = (body as Problem | undefined)?.code;
      if (status !== step.refusal.status || code !== step.refusal.code)
        fail(
          `expected ${step.refusal.status} ${step.refusal.code}, got ${status} ${code ?? ''}`,
          status,
          body,
        );
      p.line(`     ${p.dim(request)}  ${p.yellow(statusText)}  ${p.dim(timing)}`);
      p.line(`     ${p.green('→')} refused, as it must be: ${code} — ${(body as Problem).detail ?? ''}`);
      return undefined as T;
    }
    if (status < 200 || status >= 300) fail(`the gateway answered ${statusText}`, status, body);
    if (typeof step.settle === 'function' && !step.settle(result as T))
      fail('the result never showed what the step waits for', status, body);
    const problem = step.check?.(result as T);
    if (problem) fail(`unexpected result: ${problem}`, status, body);
    let shown: string;
    try {
      shown = step.show(result as T);
    } catch (err) {
      return fail(`unexpected result (${(err as Error).message})`, status, body);
    }
    const block = transport.write ? `  block ${(body as Written<T>).blockNumber}` : '';
    if (transport.write || step.commits) this.commits++;
    p.line(`     ${p.dim(request)}  ${p.green(statusText)}${p.dim(block)}  ${p.dim(timing)}`);
    p.line(`     ${p.green('→')} ${shown.split('\n').join('\n       ')}`);
    return result as T;
  }

  /** Waits until `atMs`, showing a countdown. */
  async countdown(label: string, atMs: number): Promise<void> {
    const p = this.#p;
    const left = () => Math.max(0, Math.ceil((atMs - Date.now()) / 1000));
    if (p.tty) {
      while (Date.now() < atMs) {
        p.overwrite(`     ${p.yellow('⏳')} ${label} in ${left()} s`);
        await sleep(Math.min(1000, Math.max(10, atMs - Date.now())));
      }
      p.overwrite(`     ${p.yellow('⏳')} ${label} now\n`);
      return;
    }
    let next = left();
    while (Date.now() < atMs) {
      if (left() <= next) {
        p.line(`     ⏳ ${label} in ${left()} s`);
        next = left() - 5;
      }
      await sleep(Math.min(1000, Math.max(10, atMs - Date.now())));
    }
    p.line(`     ⏳ ${label} now`);
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
