/**
 * The gateway's event stream, `GET /api/v1/events?chaincode=...`, read with resume.
 *
 * Wire format (server-sent events, text/event-stream): a first `retry: 2000` and `: connected`,
 * then one message per chaincode event,
 *
 *     id: <blockNumber>:<transactionId>
 *     event: <eventName>            (`message` when the name is not [A-Za-z0-9_.-]{1,128})
 *     data: {"chaincode","eventName","transactionId","blockNumber","payload"}
 *
 * with `: keepalive` comments in between. `blockNumber` is a decimal string and `payload` the
 * chaincode's event payload (JSON when it is JSON). A client that reconnects with
 * `Last-Event-ID: <id>` gets the events after that one, none twice. {@link readEvents} does
 * that by itself when the connection ends or breaks.
 */
import { GatewayProblemError, retryAfterMs } from './problem';

/** The `data` of one event. */
export interface GatewayEventData<P = unknown> {
  /** Logical chaincode name (e-licence, data-sharing, fund-tracing, e-voting). */
  chaincode: string;
  eventName: string;
  transactionId: string;
  /** Block number, as a decimal string. */
  blockNumber: string;
  /** The chaincode's payload (parsed JSON when it is JSON, else text). */
  payload: P;
}

/** One chaincode event as the stream delivers it. */
export interface GatewayEvent<P = unknown> {
  /** The SSE id, `<blockNumber>:<transactionId>`: store it to resume after this event. */
  id: string;
  /** The SSE event name (the chaincode event name, or `message`). */
  event: string;
  data: GatewayEventData<P>;
}

/** One server-sent event message, before its data is parsed. */
export interface SseMessage {
  /** The last id the stream set (it persists across messages, as the SSE standard says). */
  id: string | undefined;
  event: string;
  data: string;
}

/** Options of {@link SseParser}. */
export interface SseParserOptions {
  /** Told each comment line (`: connected`, `: keepalive`), without the colon and leading space. */
  onComment?(comment: string): void;
}

/** An incremental parser of text/event-stream (the WHATWG algorithm: fields, comments, retry). */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #sawCr = false;
  /** The last `retry:` the stream sent, in milliseconds. */
  retryMs: number | undefined;

  readonly #onComment: ((comment: string) => void) | undefined;

  /** Starts with the id of the last event already seen, if any. */
  constructor(lastEventId?: string, options: SseParserOptions = {}) {
    this.#id = lastEventId;
    this.#onComment = options.onComment;
  }

  /** The id of the last message (what `Last-Event-ID` should carry). */
  get lastEventId(): string | undefined {
    return this.#id;
  }

  /** Feeds decoded text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    let chunk = text;
    if (this.#sawCr && chunk.startsWith('\n')) chunk = chunk.slice(1); // the \n of a \r\n split across chunks
    this.#sawCr = chunk.endsWith('\r');
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    const lines = this.#buffer.split(/\r\n|\r|\n/);
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      const message = this.#line(line);
      if (message) out.push(message);
    }
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') {
      const data = this.#data;
      const event = this.#event;
      this.#data = [];
      this.#event = '';
      if (data.length === 0) return undefined;
      return { id: this.#id, event: event || 'message', data: data.join('\n') };
    }
    if (line.startsWith(':')) {
      this.#onComment?.(line.slice(1).replace(/^ /, ''));
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }
}

/** Options of {@link readEvents}. */
export interface ReadEventsOptions {
  /** The gateway's base URL, e.g. `https://gateway.example.gov`. */
  baseUrl: string;
  /** The bearer token, or a function that returns a fresh one for each (re)connection. */
  token: string | (() => string | Promise<string>);
  /** Logical chaincode name. */
  chaincode: string;
  /** Only these event names (all by default). */
  events?: readonly string[];
  /** Resume after this event id (one your application stored). */
  lastEventId?: string;
  /** On a first connection without lastEventId: replay from this block. */
  startBlock?: bigint | number | string;
  /** Ends the stream. */
  signal?: AbortSignal;
  /** Wait before reconnecting (default: the stream's `retry:`, else 2000 ms). */
  reconnectDelayMs?: number;
  /** Reconnections allowed in a row without an event in between (default unlimited). */
  maxReconnects?: number;
  /** The fetch to call (default the global one). */
  fetch?: (input: Request) => Promise<Response>;
  /** Told before each reconnection. */
  onReconnect?(info: { attempt: number; lastEventId: string | undefined; error?: unknown }): void;
}

/** An event whose data is not the gateway's JSON: a wrong URL or an incompatible gateway, not a broken stream. */
export class EventFormatError extends Error {
  /** The SSE message that could not be read. */
  readonly sse: SseMessage;

  /** Wraps the unreadable message. */
  constructor(message: SseMessage) {
    super(`event ${message.id ?? '(no id)'} does not carry the gateway's JSON data`);
    this.name = 'EventFormatError';
    this.sse = message;
  }
}

function eventData<P>(message: SseMessage): GatewayEventData<P> {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw new EventFormatError(message);
  }
  if (!data || typeof data !== 'object' || typeof (data as { eventName?: unknown }).eventName !== 'string') {
    throw new EventFormatError(message);
  }
  return data as GatewayEventData<P>;
}

/** Statuses after which a reconnection may succeed; any other refusal is thrown. */
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Reads a chaincode's events, reconnecting with `Last-Event-ID` whenever the stream ends or
 * breaks (or the gateway answers 429/5xx), so that no event is missed or repeated. Stops when
 * `signal` aborts or the loop is left; throws a {@link GatewayProblemError} for a refusal
 * (400, 401, 403...) and after `maxReconnects` failed reconnections in a row.
 */
export async function* readEvents<P = unknown>(options: ReadEventsOptions): AsyncGenerator<GatewayEvent<P>> {
  const send = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const parser = new SseParser(options.lastEventId);
  let failures = 0;
  for (let connection = 0; !options.signal?.aborted; connection++) {
    const controller = new AbortController();
    const abort = () => controller.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    let delay: number | undefined;
    let error: unknown;
    try {
      const url = new URL('/api/v1/events', options.baseUrl);
      url.searchParams.set('chaincode', options.chaincode);
      if (options.events?.length) url.searchParams.set('events', options.events.join(','));
      const resumeAt = parser.lastEventId;
      if (resumeAt === undefined && options.startBlock !== undefined && connection === 0) {
        url.searchParams.set('startBlock', String(options.startBlock));
      }
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      const headers = new Headers({ Accept: 'text/event-stream', Authorization: `Bearer ${token}` });
      if (resumeAt !== undefined) headers.set('Last-Event-ID', resumeAt);
      const response = await send(new Request(url, { headers, signal: controller.signal }));
      if (!response.ok || !response.body) {
        if (!RETRYABLE.has(response.status)) throw await GatewayProblemError.from(response);
        delay = retryAfterMs(response.headers.get('Retry-After'));
        error = await GatewayProblemError.from(response);
      } else {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const message of parser.push(value)) {
              failures = 0;
              yield { id: message.id ?? '', event: message.event, data: eventData<P>(message) };
            }
          }
        } finally {
          await reader.cancel().catch(() => undefined);
        }
      }
    } catch (err) {
      if (err instanceof GatewayProblemError && !RETRYABLE.has(err.status)) throw err;
      if (err instanceof EventFormatError) throw err;
      if (options.signal?.aborted) return;
      error = err;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      controller.abort();
    }
    failures += 1;
    if (options.maxReconnects !== undefined && failures > options.maxReconnects) {
      throw error instanceof Error ? error : new Error('the event stream could not be resumed');
    }
    options.onReconnect?.({ attempt: failures, lastEventId: parser.lastEventId, error });
    await sleep(delay ?? options.reconnectDelayMs ?? parser.retryMs ?? 2000, options.signal);
  }
}
