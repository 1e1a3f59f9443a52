/**
 * Server-sent events of chaincode events, filtered by chaincode and event name,
 * and scoped to the subscriber: each event's payload is parsed with the wire
 * contract's event catalogue (`@govledger/wire` events), whose scope rule says
 * whom the event is about, and {@link receives} says whether this caller's role
 * may read it. Events the catalogue does not know, or whose payload does not
 * parse, are sent to nobody. Replays (startBlock, Last-Event-ID) follow the same
 * rule, event by event.
 *
 * Each event's SSE id is its checkpoint (`<block>:<txId>`); a client that
 * reconnects with `Last-Event-ID` resumes right after it, through the fabric-gateway
 * checkpointer (events before and including that transaction are skipped). If
 * the peer connection breaks, the stream reconnects from the same checkpoint.
 * One caller may hold at most `maxStreamsPerCaller` streams open (429 beyond).
 */
import { checkpointers, type Checkpointer } from '@hyperledger/fabric-gateway';
import { ChaincodeEvent, parseEvent, type EventScope } from '@govledger/wire';
import type { Logger } from 'pino';
import { z } from 'zod';
import { certificateAttributes } from './auth';
import type { Caller } from './caller';
import { HttpProblem } from './http/problem';
import type { EventStream, FabricIdentity, Ledger, LedgerEvent } from './fabric/ledger';
import type { ApiRequest, ApiResponse } from './http/exchange';
import { defineRoute, type AnyRoute } from './http/route';
import { callerKey, type TransactionService } from './writes/transactions';
import { decodeResult } from './fabric/result';

/** Dependencies of the events route. */
export interface EventsDeps {
  ledger: Ledger;
  transactions: TransactionService;
  /** Logical chaincode name -> deployed name. */
  chaincodes: Record<string, string>;
  heartbeatMs: number;
  logger: Logger;
  /** Delay before reconnecting to the peer after a broken stream. */
  reconnectDelayMs?: number;
  /** Organisations designated as auditors of the others: their auditors receive every event. */
  auditOrgs: readonly string[];
  /** Most streams one caller may hold open at once. */
  maxStreamsPerCaller: number;
}

/** Roles of citizens and enterprises: they receive only events about themselves. */
const SUBJECT_ROLES = ['citizen', 'enterprise'];

/**
 * Whether a caller may receive an event of this scope (the rule of `GET /api/v1/events`):
 * - a citizen or enterprise (a token with a pid, or role citizen/enterprise): only events
 *   whose scope names them, the pair (their organisation, their pid);
 * - an auditor: every event if its organisation is designated as auditor of the others,
 *   else the events whose scope names its organisation (any department) or a subject of it;
 * - an admin: the events whose scope names its organisation (any department);
 * - any other staff member (at least one role): its organisation's organisation-wide events
 *   (no department) and its own department's events;
 * - a caller with no role: nothing.
 */
export function receives(caller: Caller, scope: EventScope, auditOrgs: ReadonlySet<string>): boolean {
  if (caller.pid !== undefined || caller.roles.some((r) => SUBJECT_ROLES.includes(r))) {
    return (
      caller.pid !== undefined && scope.subjects.some((s) => s.mspId === caller.org && s.pid === caller.pid)
    );
  }
  const ownOrg = scope.orgs.some((o) => o.mspId === caller.org);
  if (caller.roles.includes('auditor')) {
    if (auditOrgs.has(caller.org) || ownOrg || scope.subjects.some((s) => s.mspId === caller.org))
      return true;
  }
  if (caller.roles.includes('admin') && ownOrg) return true;
  if (caller.roles.length === 0) return false;
  return scope.orgs.some(
    (o) =>
      o.mspId === caller.org &&
      (o.dept === undefined || (caller.dept !== undefined && o.dept === caller.dept)),
  );
}

/**
 * Whom the scope rule judges: the caller as the certificate the gateway signs for it says (its
 * organisation and `gov.role`, `gov.dept`, `gov.pid`, what the chaincodes check), so a token claim
 * the certificate does not carry widens nothing; the token's claims only for a certificate that
 * carries no GovLedger attribute at all.
 */
export function readerOf(caller: Caller, identity: FabricIdentity): Caller {
  let attrs: Record<string, string>;
  try {
    attrs = certificateAttributes(identity.certificate);
  } catch {
    attrs = {};
  }
  if (!Object.keys(attrs).some((k) => k.startsWith('gov.'))) return caller;
  const reader: Caller = {
    subject: caller.subject,
    org: identity.mspId,
    roles: (attrs['gov.role'] ?? '')
      .split('+')
      .map((r) => r.trim())
      .filter(Boolean),
  };
  if (attrs['gov.dept']) reader.dept = attrs['gov.dept'];
  if (attrs['gov.pid']) reader.pid = attrs['gov.pid'];
  return reader;
}

/**
 * The parsed payload of a ledger event that this caller may receive, or undefined when the
 * catalogue does not know it, its payload does not parse, or the caller is out of scope (the
 * one rule of the event stream and of webhook deliveries).
 */
export function scopedPayload(
  e: LedgerEvent,
  logicalChaincode: string,
  caller: Caller,
  auditOrgs: ReadonlySet<string>,
  logger?: Logger,
): { payload: unknown } | undefined {
  const parsed = parseEvent(logicalChaincode, e.eventName, decodeResult(e.payload));
  if (!parsed.ok) {
    logger?.warn(
      { chaincode: logicalChaincode, txId: e.txId, problem: parsed.error },
      'event outside the contract withheld',
    );
    return undefined;
  }
  return receives(caller, parsed.scope, auditOrgs) ? { payload: parsed.payload } : undefined;
}

/**
 * The event of a ledger event that this caller may receive: its SSE message, or undefined
 * when the catalogue does not know it, its payload does not parse, or the caller is out of scope.
 */
export function scopedEvent(
  e: LedgerEvent,
  logicalChaincode: string,
  caller: Caller,
  auditOrgs: ReadonlySet<string>,
  logger?: Logger,
): string | undefined {
  return scopedPayload(e, logicalChaincode, caller, auditOrgs, logger)
    ? formatEvent(e, logicalChaincode)
    : undefined;
}

const EVENT_ID = /^(\d{1,20}):([0-9a-f]{64}|[A-Za-z0-9._-]{1,128})$/;

/** Parses an SSE id (`<block>:<txId>`); undefined when it is not one. */
export function parseEventId(id: string): { blockNumber: bigint; txId: string } | undefined {
  const m = EVENT_ID.exec(id.trim());
  return m ? { blockNumber: BigInt(m[1]), txId: m[2] } : undefined;
}

/** Formats one chaincode event as an SSE message. */
export function formatEvent(e: LedgerEvent, logicalChaincode: string): string {
  const data = {
    chaincode: logicalChaincode,
    eventName: e.eventName,
    transactionId: e.txId,
    blockNumber: e.blockNumber.toString(),
    payload: decodeResult(e.payload),
  };
  const name = /^[A-Za-z0-9_.-]{1,128}$/.test(e.eventName) ? e.eventName : 'message';
  return `id: ${e.blockNumber}:${e.txId}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Open event streams, so that shutdown can end them, counted per caller for the cap. */
export class EventStreams {
  readonly #open = new Set<() => void>();
  readonly #perCaller = new Map<string, number>();

  /** Registers a stream's closer; returns the function that unregisters it. */
  add(close: () => void): () => void {
    this.#open.add(close);
    return () => this.#open.delete(close);
  }

  /**
   * Reserves one of a caller's `max` stream slots; returns the function that frees it
   * (idempotent), or undefined when the caller already holds `max` streams.
   */
  reserve(key: string, max: number): (() => void) | undefined {
    const held = this.#perCaller.get(key) ?? 0;
    if (held >= max) return undefined;
    this.#perCaller.set(key, held + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const now = (this.#perCaller.get(key) ?? 1) - 1;
      if (now <= 0) this.#perCaller.delete(key);
      else this.#perCaller.set(key, now);
    };
  }

  /** Streams a caller holds open. */
  heldBy(key: string): number {
    return this.#perCaller.get(key) ?? 0;
  }

  /** Number of open streams. */
  get size(): number {
    return this.#open.size;
  }

  /** Ends every open stream. */
  closeAll(): void {
    for (const close of [...this.#open]) close();
    this.#open.clear();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SSE route `GET /api/v1/events`. */
export function eventRoutes(deps: EventsDeps, streams: EventStreams): AnyRoute[] {
  const names = Object.keys(deps.chaincodes) as [string, ...string[]];
  const auditOrgs = new Set(deps.auditOrgs);
  const route = defineRoute({
    method: 'get',
    path: '/api/v1/events',
    operationId: 'streamEvents',
    summary: 'Chaincode events as server-sent events',
    description: [
      'Streams the events of one chaincode (optionally only some event names) as server-sent events. Each message is ' +
        '`id: <block>:<txId>`, `event: <eventName>`, `data: <JSON>` where the JSON is a `ChaincodeEvent`: ' +
        '`{chaincode, eventName, transactionId, blockNumber, payload}` with the payload schema of its event name ' +
        '(components `<EventName>Event` / `<EventName>Payload`). The stream starts with `retry: 2000`; comment lines ' +
        '(`: connected`, `: keepalive` every SSE_HEARTBEAT_MS) carry no event. Reconnect with `Last-Event-ID` (or ' +
        '`lastEventId`) to resume right after that event; `startBlock` replays from a block on a first connection.',
      '**Scope: each caller receives only the events its role may read**, decided per event from its payload by the ' +
        "wire contract's scope of that event name (who it is about: subjects and organisations/departments), judging " +
        'the caller by the certificate the gateway signs for it (organisation, gov.role, gov.dept, gov.pid). A ' +
        'citizen or enterprise receives only events about themselves (their home MSP and pid); a staff member its ' +
        "organisation's organisation-wide events and its own department's; an admin every event of its organisation; " +
        'an auditor every event naming its organisation or one of its citizens, or every event when its organisation ' +
        'is designated as auditor of the others (the consortium data, `GOVLEDGER_AUDIT_ORGS`). Replays from old blocks ' +
        'follow the same rule; events outside the contract are sent to nobody. SSE ids of events not sent are not ' +
        'sent either; resuming after any id you received is exact.',
      'At most SSE_MAX_STREAMS_PER_CALLER (default 3) open streams per caller: one more answers 429 ' +
        '`TOO_MANY_STREAMS` (problem+json).',
    ].join('\n\n'),
    tags: ['events'],
    roles: [],
    produces: 'text/event-stream',
    query: z
      .object({
        chaincode: z.enum(names),
        events: z
          .string()
          .regex(/^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/, 'must be a comma-separated list of event names')
          .optional(),
        startBlock: z
          .string()
          .regex(/^\d{1,20}$/, 'must be a block number')
          .optional(),
        lastEventId: z.string().max(200).optional(),
      })
      .strict(),
    response: ChaincodeEvent,
    async handle({ req, res, caller, input }): Promise<undefined> {
      const release = streams.reserve(callerKey(caller), deps.maxStreamsPerCaller);
      if (!release) {
        throw new HttpProblem(
          429,
          'TOO_MANY_STREAMS',
          `at most ${deps.maxStreamsPerCaller} event streams may be open per caller; close one first`,
          {},
          5,
        );
      }
      try {
        return await streamEvents(req, res, caller, input.query, release);
      } catch (err) {
        release();
        throw err;
      }
    },
  });

  async function streamEvents(
    req: ApiRequest,
    res: ApiResponse,
    caller: Caller,
    query: { chaincode: string; events?: string; startBlock?: string; lastEventId?: string },
    release: () => void,
  ): Promise<undefined> {
    const input = { query };
    const identity = await deps.transactions.identityFor(caller);
    const reader = readerOf(caller, identity);
    const chaincode = deps.chaincodes[input.query.chaincode];
    const wanted = input.query.events ? new Set(input.query.events.split(',')) : undefined;
    const lastId = (req.headers['last-event-id'] as string | undefined) ?? input.query.lastEventId;
    const checkpointer: Checkpointer = checkpointers.inMemory();
    if (lastId !== undefined) {
      const at = parseEventId(lastId);
      if (!at) {
        throw new HttpProblem(400, 'INVALID_REQUEST', 'Last-Event-ID is not an event id of this stream', {
          errors: [{ location: 'header', path: 'Last-Event-ID', message: 'must be <block>:<txId>' }],
        });
      }
      await checkpointer.checkpointTransaction(at.blockNumber, at.txId);
    }
    const startBlock = input.query.startBlock !== undefined ? BigInt(input.query.startBlock) : undefined;
    const open = (): Promise<EventStream> =>
      deps.ledger.chaincodeEvents(
        identity,
        chaincode,
        checkpointer.getBlockNumber() !== undefined
          ? { checkpoint: checkpointer }
          : startBlock !== undefined
            ? { startBlock }
            : {},
      );
    let stream = await open(); // a failure here is an ordinary problem response
    let stopped = false;
    const heartbeat = setInterval(() => res.write(': keepalive\n\n'), deps.heartbeatMs);
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(heartbeat);
      stream.close();
      unregister();
      release();
      res.end();
    };
    const unregister = streams.add(stop);
    req.on('close', stop);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n: connected\n\n');
    void (async () => {
      while (!stopped) {
        try {
          for await (const e of stream) {
            if (stopped) break;
            await checkpointer.checkpointChaincodeEvent({
              blockNumber: e.blockNumber,
              transactionId: e.txId,
              chaincodeName: e.chaincode,
              eventName: e.eventName,
              payload: e.payload,
            });
            if (wanted && !wanted.has(e.eventName)) continue;
            const message = scopedEvent(e, input.query.chaincode, reader, auditOrgs, deps.logger);
            if (message !== undefined) res.write(message);
          }
          if (stopped) break;
        } catch (err) {
          if (stopped) break;
          deps.logger.warn({ chaincode, err: (err as Error).name }, 'event stream broke; reconnecting');
        }
        stream.close();
        await sleep(deps.reconnectDelayMs ?? 1000);
        if (stopped) break;
        try {
          stream = await open();
        } catch {
          // keep trying while the client is connected
        }
      }
    })();
    return undefined;
  }
  return [route];
}
