/**
 * Server-sent events of chaincode events, filtered by chaincode and event name.
 * Each event's SSE id is its checkpoint (`<block>:<txId>`); a client that
 * reconnects with `Last-Event-ID` resumes right after it, through the fabric-gateway
 * checkpointer (events before and including that transaction are skipped). If
 * the peer connection breaks, the stream reconnects from the same checkpoint.
 */
import { checkpointers, type Checkpointer } from '@hyperledger/fabric-gateway';
import type { Logger } from 'pino';
import { z } from 'zod';
import { HttpProblem } from './http/problem';
import type { EventStream, Ledger, LedgerEvent } from './fabric/ledger';
import { defineRoute, type AnyRoute } from './http/route';
import type { TransactionService } from './writes/transactions';
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

/** Open event streams, so that shutdown can end them. */
export class EventStreams {
  readonly #open = new Set<() => void>();

  /** Registers a stream's closer; returns the function that unregisters it. */
  add(close: () => void): () => void {
    this.#open.add(close);
    return () => this.#open.delete(close);
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
  const route = defineRoute({
    method: 'get',
    path: '/api/v1/events',
    operationId: 'streamEvents',
    summary: 'Chaincode events as server-sent events',
    description:
      'Streams the events of one chaincode (optionally only some event names). Each SSE id is `<block>:<txId>`; reconnect with ' +
      '`Last-Event-ID` (or `lastEventId`) to resume after it. `startBlock` replays from a block on a first connection.',
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
    response: z.string().meta({ description: 'text/event-stream' }),
    async handle({ req, res, caller, input }) {
      const identity = await deps.transactions.identityFor(caller);
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
        res.end();
      };
      const unregister = streams.add(stop);
      req.on('close', stop);
      res.status(200);
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
              if (!wanted || wanted.has(e.eventName)) res.write(formatEvent(e, input.query.chaincode));
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
    },
  });
  return [route];
}
