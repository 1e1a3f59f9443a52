/**
 * An in-memory {@link Ledger} for unit tests: transactions are answered by
 * handlers registered per chaincode and transaction name, commits get increasing
 * block numbers, events can be pushed, and the offline flow checks real ECDSA
 * signatures against the identity's certificate.
 */
import type { Checkpoint } from '@hyperledger/fabric-gateway';
import crypto from 'node:crypto';
import {
  ChaincodeRefusal,
  ledgerError,
  type LedgerError,
  type Committed,
  type EventStream,
  type FabricIdentity,
  type Invocation,
  type Ledger,
  type LedgerEvent,
  type OfflineSigning,
  type ReadinessReport,
  type SignableMessage,
  type SubmitHooks,
  type Submitted,
  type TransactionLookup,
} from '../src/fabric/ledger';

/** Answers a transaction: a value (JSON-encoded as the result) or a thrown LedgerError. */
export type Handler = (request: unknown, identity: FabricIdentity, invocation: Invocation) => unknown;

/** One recorded call. */
export interface RecordedCall {
  kind: 'evaluate' | 'submit';
  identity: FabricIdentity;
  invocation: Invocation;
  request: unknown;
}

/** Throws a chaincode refusal like a real endorsement failure would. */
export function chaincodeRefusal(
  code: string,
  status: 400 | 403 | 404 | 409 | 500,
  message: string,
  stage: 'evaluate' | 'endorse' = 'endorse',
): never {
  throw new ChaincodeRefusal(stage, { code, status, message }, { txId: 'a'.repeat(64) });
}

function txIdOf(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** The fake ledger. */
export class FakeLedger implements Ledger {
  readonly calls: RecordedCall[] = [];
  readonly handlers = new Map<string, Handler>();
  readonly committed = new Map<string, { valid: boolean; code: string; blockNumber: bigint }>();
  readonly events: LedgerEvent[] = [];
  block = 10n;
  /** Delay before a commit settles (ms); negative: never. */
  commitDelayMs = 0;
  /** When set, the next commits fail with this error. */
  commitFailure?: LedgerError;
  /** When set, the next submit fails before the orderer with this error. */
  submitFailure?: LedgerError;
  /** When set, the ledger throws this on open event streams. */
  eventsFailure?: LedgerError;
  readinessReport: ReadinessReport = { ready: true, checks: [{ name: 'peer:CityAMSP', ok: true }] };
  readonly #listeners = new Set<() => void>();
  readonly offline: OfflineSigning;
  closed = false;

  constructor() {
    this.offline = this.#offlineFlow();
  }

  /** Registers a handler for `chaincode` + `transaction`. */
  on(chaincode: string, transaction: string, handler: Handler): this {
    this.handlers.set(`${chaincode}:${transaction}`, handler);
    return this;
  }

  #run(kind: 'evaluate' | 'submit', identity: FabricIdentity, invocation: Invocation): Uint8Array {
    const request: unknown = invocation.args.length === 1 ? JSON.parse(invocation.args[0]) : invocation.args;
    this.calls.push({ kind, identity, invocation, request });
    const handler = this.handlers.get(`${invocation.chaincode}:${invocation.transaction}`);
    if (!handler)
      chaincodeRefusal(
        'UNKNOWN_TRANSACTION',
        400,
        `no handler for ${invocation.chaincode}:${invocation.transaction}`,
      );
    const value = handler(request, identity, invocation);
    return value === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(value));
  }

  async evaluate(identity: FabricIdentity, invocation: Invocation): Promise<Uint8Array> {
    return this.#run('evaluate', identity, invocation);
  }

  async submit(identity: FabricIdentity, invocation: Invocation, hooks?: SubmitHooks): Promise<Submitted> {
    const txId = txIdOf();
    const result = this.#run('submit', identity, invocation);
    await hooks?.onEndorsed?.(txId, result, 1);
    if (this.submitFailure) {
      const f = this.submitFailure;
      throw ledgerError(f.stage, f.failure, f.message, {
        txId,
        ...(f.notOrdered ? { notOrdered: true } : {}),
        ...(f.component ? { component: f.component } : {}),
      });
    }
    const failure = this.commitFailure;
    const commit = new Promise<Committed>((resolve, reject) => {
      if (this.commitDelayMs < 0) return;
      setTimeout(() => {
        if (failure) {
          this.committed.set(txId, {
            valid: false,
            code: failure.validationCode ?? 'MVCC_READ_CONFLICT',
            blockNumber: ++this.block,
          });
          reject(
            ledgerError(failure.stage, failure.failure, failure.message, {
              txId,
              ...(failure.validationCode ? { validationCode: failure.validationCode } : {}),
            }),
          );
          return;
        }
        const blockNumber = ++this.block;
        this.committed.set(txId, { valid: true, code: 'VALID', blockNumber });
        resolve({ txId, result, blockNumber, attempts: 1 });
      }, this.commitDelayMs);
    });
    commit.catch(() => undefined);
    return { txId, result, commit };
  }

  async lookupTransaction(_identity: FabricIdentity, txId: string): Promise<TransactionLookup> {
    const c = this.committed.get(txId);
    return c ? { state: 'committed', ...c } : { state: 'unknown' };
  }

  /** Appends an event and wakes open streams. */
  emit(
    event: Omit<LedgerEvent, 'blockNumber' | 'txId'> & { blockNumber?: bigint; txId?: string },
  ): LedgerEvent {
    const e: LedgerEvent = {
      ...event,
      blockNumber: event.blockNumber ?? ++this.block,
      txId: event.txId ?? txIdOf(),
    };
    this.events.push(e);
    for (const l of this.#listeners) l();
    return e;
  }

  async chaincodeEvents(
    _identity: FabricIdentity,
    chaincode: string,
    from: { checkpoint?: Checkpoint; startBlock?: bigint },
  ): Promise<EventStream> {
    if (this.eventsFailure) throw this.eventsFailure;
    let index: number;
    const cpBlock = from.checkpoint?.getBlockNumber();
    if (cpBlock !== undefined) {
      const cpTx = from.checkpoint?.getTransactionId();
      const at = this.events.findIndex((e) => e.blockNumber === cpBlock && e.txId === cpTx);
      index = at >= 0 ? at + 1 : this.events.findIndex((e) => e.blockNumber >= cpBlock);
    } else if (from.startBlock !== undefined) {
      const start = from.startBlock;
      index = this.events.findIndex((e) => e.blockNumber >= start);
    } else {
      index = this.events.length;
    }
    if (index < 0) index = this.events.length;
    let closed = false;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    this.#listeners.add(listener);
    const events = this.events;
    const listeners = this.#listeners;
    const failure = () => this.eventsFailure;
    return {
      close() {
        closed = true;
        listeners.delete(listener);
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        while (!closed) {
          const broken = failure();
          if (broken) throw broken;
          if (index < events.length) {
            const e = events[index++];
            if (e.chaincode === chaincode) yield e;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    };
  }

  #offlineFlow(): OfflineSigning {
    const message = (kind: string, txId: string, extra: unknown): SignableMessage => {
      const bytes = Buffer.from(JSON.stringify({ kind, txId, extra }));
      return { txId, bytes, digest: crypto.createHash('sha256').update(bytes).digest() };
    };
    const check = (identity: FabricIdentity, bytes: Uint8Array, signature: Uint8Array) => {
      const key = new crypto.X509Certificate(identity.certificate).publicKey;
      if (!crypto.verify('sha256', bytes, key, signature)) {
        throw ledgerError('endorse', 'rejected', 'bad signature');
      }
      return JSON.parse(Buffer.from(bytes).toString('utf8')) as {
        kind: string;
        txId: string;
        extra: unknown;
      };
    };
    return {
      prepare: (identity, invocation) => message('proposal', txIdOf(), { invocation, mspId: identity.mspId }),
      endorse: async (identity, bytes, signature) => {
        const p = check(identity, bytes, signature);
        const { invocation } = p.extra as { invocation: Invocation };
        const result = this.#run('submit', identity, invocation);
        return {
          ...message('transaction', p.txId, { result: Buffer.from(result).toString('base64') }),
          result,
        };
      },
      submit: async (identity, bytes, signature) => {
        const p = check(identity, bytes, signature);
        return message('commit', p.txId, {});
      },
      commitStatus: async (identity, bytes, signature) => {
        const p = check(identity, bytes, signature);
        const blockNumber = ++this.block;
        this.committed.set(p.txId, { valid: true, code: 'VALID', blockNumber });
        return { state: 'committed', valid: true, code: 'VALID', blockNumber };
      },
    };
  }

  async readiness(): Promise<ReadinessReport> {
    return this.readinessReport;
  }

  close(): void {
    this.closed = true;
  }
}
