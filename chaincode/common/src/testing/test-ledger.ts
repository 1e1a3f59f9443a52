/**
 * An in-memory ledger for chaincode unit tests.
 *
 * It behaves like Fabric where it matters for correctness:
 * - a transaction's writes are committed only when the transaction function
 *   resolves; a throw leaves the ledger untouched ("nothing is half-written");
 * - reads inside a transaction see the state before it, never its own writes;
 * - composite-key range queries, pagination with bookmarks, key history,
 *   private data collections and their hashes, key-level endorsement
 *   parameters, transient data and a single chaincode event per transaction.
 */
import { createHash } from 'crypto';
import type { Context } from 'fabric-contract-api';
import type {
  ChaincodeStub,
  ClientIdentity,
  Iterators,
  QueryResponseMetadata,
  StateQueryResponse,
} from 'fabric-shim-api';
import Long from 'long';
import { chaincodeOfEvent, parseEvent } from '@govledger/wire';

/** Who submits a test transaction: organisation and certificate attributes. */
export interface TestIdentity {
  mspId: string;
  /** Certificate subject's common name; part of the Fabric id. */
  name: string;
  attrs?: Record<string, string>;
}

/** Options for one test transaction. */
export interface TxOptions {
  /** Transaction time, ISO-8601; defaults to the ledger's clock, advanced 1 s per transaction. */
  time?: string;
  /** Transient data, as JSON values (each serialised) or raw strings. */
  transient?: Record<string, unknown>;
  /** MSP of the endorsing peer (ctx.stub.getMspID()); defaults to the caller's. */
  peerMspId?: string;
}

/** A chaincode event as recorded by the test ledger. */
export interface RecordedEvent {
  txId: string;
  name: string;
  payload: unknown;
}

interface HistoryEntry {
  txId: string;
  timestampMs: number;
  isDelete: boolean;
  value: Uint8Array;
}

type Writes = Map<string, Uint8Array | null>;

/** A pending private write: a value, a delete (null) or a purge. */
type PrivateWrite = Uint8Array | null | typeof PURGE;
const PURGE = Symbol('purge');

const SEP = '\u0000';
const MAX_UNICODE = '\u{10FFFF}';

/** Throws unless the wire catalogue lists the event, its payload parses and its scope names someone. */
export function checkEvent(name: string, payload: unknown): void {
  const parsed = parseEvent(chaincodeOfEvent(name) ?? '(no chaincode)', name, payload);
  if (!parsed.ok) throw new Error(`event not in the wire contract: ${parsed.error}`);
  if (parsed.scope.subjects.length === 0 && parsed.scope.orgs.length === 0) {
    throw new Error(`event ${name} concerns nobody: its scope names no subject and no organisation`);
  }
}

/** The in-memory ledger. */
export class TestLedger {
  private readonly state = new Map<string, Uint8Array>();
  private readonly validation = new Map<string, Uint8Array>();
  private readonly privateData = new Map<string, Map<string, Uint8Array>>();
  /**
   * Every value a private key has had, as the peer's private data store keeps them (per
   * block, until blockToLive expires them): a delete leaves them, a purge removes them.
   */
  private readonly privateVersions = new Map<string, Map<string, Uint8Array[]>>();
  private readonly history = new Map<string, HistoryEntry[]>();
  /** Every event of every committed transaction, in order. */
  readonly events: RecordedEvent[] = [];
  /**
   * Checks every committed event against the wire contract's event catalogue
   * (`@govledger/wire` events): a name the catalogue does not list, a payload
   * its schema refuses, or a payload that concerns nobody (empty scope) fails
   * the transaction. On by default, so every chaincode unit test checks the
   * events it causes; a test of the ledger itself may turn it off.
   */
  checkEvents = true;
  /**
   * The private data collections of the committed chaincode definition, when a test sets them:
   * a private data call (read, hash, write, delete, purge) on any other collection then fails
   * as Fabric's ledger fails it (`collection [X] not defined in the collection config for
   * chaincode [cc]`). Undefined (the default): every collection name is accepted.
   */
  definedCollections: ReadonlySet<string> | undefined = undefined;
  private clockMs: number;
  private txCounter = 0;

  constructor(startTime = '2026-01-01T00:00:00Z') {
    // The consortium facts a chaincode server gets from the network scripts (see endorsement.ts).
    process.env.GOVLEDGER_PEER_ORGS ??= 'CityAMSP,CityBMSP';
    process.env.GOVLEDGER_AUDIT_ORGS ??= 'AuditMSP';
    this.clockMs = Date.parse(startTime);
  }

  /** Throws as Fabric's ledger does when {@link definedCollections} is set and lacks `collection`. */
  requireCollection(collection: string): void {
    if (this.definedCollections !== undefined && !this.definedCollections.has(collection)) {
      throw new Error(`collection [${collection}] not defined in the collection config for chaincode [test]`);
    }
  }

  /** Sets the ledger clock used by the next transactions. */
  setTime(iso: string): void {
    this.clockMs = Date.parse(iso);
  }

  /** Runs a transaction and commits its writes if it resolves; a throw discards them. */
  async submit<T>(
    identity: TestIdentity,
    fn: (ctx: Context) => Promise<T>,
    options: TxOptions = {},
  ): Promise<T> {
    const tx = this.begin(identity, options);
    const result = await fn(tx.ctx);
    this.commit(tx);
    return result;
  }

  /** Runs a read-only transaction (its writes, if any, are discarded). */
  async evaluate<T>(
    identity: TestIdentity,
    fn: (ctx: Context) => Promise<T>,
    options: TxOptions = {},
  ): Promise<T> {
    const tx = this.begin(identity, options, true);
    return fn(tx.ctx);
  }

  /** The committed value of a public key, decoded as JSON (undefined when absent). */
  get<T = unknown>(key: string): T | undefined {
    const v = this.state.get(key);
    return v === undefined ? undefined : (JSON.parse(Buffer.from(v).toString('utf8')) as T);
  }

  /** Every committed public key (for asserting what was written). */
  keys(): string[] {
    return [...this.state.keys()].sort();
  }

  /** The raw committed public state, key to UTF-8 text (for "nothing written" assertions). */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of this.keys()) out[k] = Buffer.from(this.state.get(k) as Uint8Array).toString('utf8');
    return out;
  }

  /** The committed value of a private key, as UTF-8 text. */
  getPrivate(collection: string, key: string): string | undefined {
    const v = this.privateData.get(collection)?.get(key);
    return v === undefined ? undefined : Buffer.from(v).toString('utf8');
  }

  /**
   * Every value the member peer's private data store still holds for a private key,
   * oldest first, as UTF-8 text: the current one and earlier ones (DelPrivateData leaves
   * them; PurgePrivateData removes them all).
   */
  getPrivateVersions(collection: string, key: string): string[] {
    return (this.privateVersions.get(collection)?.get(key) ?? []).map((v) => Buffer.from(v).toString('utf8'));
  }

  /** Every committed private key in a collection. */
  privateKeys(collection: string): string[] {
    return [...(this.privateData.get(collection)?.keys() ?? [])].sort();
  }

  /** The organisations of a key's key-level endorsement policy, as raw bytes (undefined when none). */
  validationParameter(key: string): Uint8Array | undefined {
    return this.validation.get(key);
  }

  private begin(identity: TestIdentity, options: TxOptions, readOnly = false): PendingTx {
    this.txCounter += 1;
    const txId = createHash('sha256').update(`tx-${this.txCounter}`).digest('hex');
    const timeMs = options.time ? Date.parse(options.time) : (this.clockMs += 1000);
    const transient = new Map<string, Uint8Array>();
    for (const [k, v] of Object.entries(options.transient ?? {})) {
      transient.set(k, Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8'));
    }
    const tx = new PendingTx(
      this,
      txId,
      timeMs,
      identity,
      transient,
      options.peerMspId ?? identity.mspId,
      readOnly,
    );
    return tx;
  }

  /** @internal */
  commit(tx: PendingTx): void {
    if (tx.event && this.checkEvents) checkEvent(tx.event.name, tx.event.payload);
    for (const [key, value] of tx.writes) {
      const entries = this.history.get(key) ?? [];
      if (value === null) {
        this.state.delete(key);
        entries.push({ txId: tx.txId, timestampMs: tx.timeMs, isDelete: true, value: new Uint8Array() });
      } else {
        this.state.set(key, value);
        entries.push({ txId: tx.txId, timestampMs: tx.timeMs, isDelete: false, value });
      }
      this.history.set(key, entries);
    }
    for (const [key, value] of tx.validationWrites) this.validation.set(key, value);
    for (const [collection, writes] of tx.privateWrites) {
      const coll = this.privateData.get(collection) ?? new Map<string, Uint8Array>();
      const versions = this.privateVersions.get(collection) ?? new Map<string, Uint8Array[]>();
      for (const [key, value] of writes) {
        if (value === PURGE) {
          coll.delete(key);
          versions.delete(key);
        } else if (value === null) {
          coll.delete(key);
        } else {
          coll.set(key, value);
          versions.set(key, [...(versions.get(key) ?? []), value]);
        }
      }
      this.privateData.set(collection, coll);
      this.privateVersions.set(collection, versions);
    }
    if (tx.event) this.events.push({ txId: tx.txId, name: tx.event.name, payload: tx.event.payload });
  }

  /** @internal */
  committedState(): Map<string, Uint8Array> {
    return this.state;
  }

  /** @internal */
  committedPrivate(collection: string): Map<string, Uint8Array> | undefined {
    return this.privateData.get(collection);
  }

  /** @internal */
  committedValidation(key: string): Uint8Array | undefined {
    return this.validation.get(key);
  }

  /** @internal */
  keyHistory(key: string): HistoryEntry[] {
    return this.history.get(key) ?? [];
  }
}

class TestClientIdentity implements ClientIdentity {
  constructor(private readonly identity: TestIdentity) {}
  assertAttributeValue(attrName: string, attrValue: string): boolean {
    return this.getAttributeValue(attrName) === attrValue;
  }
  getAttributeValue(attrName: string): string | null {
    return this.identity.attrs?.[attrName] ?? null;
  }
  getID(): string {
    return `x509::/CN=${this.identity.name}::/CN=ca.${this.identity.mspId}`;
  }
  getIDBytes(): Uint8Array {
    return Buffer.from(this.getID(), 'utf8');
  }
  getMSPID(): string {
    return this.identity.mspId;
  }
}

function iteratorOf<T>(items: T[]): Iterators.CommonIterator<T> & AsyncIterable<T> {
  let i = 0;
  return {
    async next() {
      if (i < items.length) return { value: items[i++] as T, done: false };
      return { value: undefined as unknown as T, done: true };
    },
    async close() {
      i = items.length;
    },
    async *[Symbol.asyncIterator]() {
      for (const item of items) yield item;
    },
  };
}

function promiseIterable<T, R>(promise: Promise<R>, items: T[]): Promise<R> & AsyncIterable<T> {
  const p = promise as Promise<R> & AsyncIterable<T>;
  p[Symbol.asyncIterator] = async function* () {
    for (const item of items) yield item;
  };
  return p;
}

/** @internal One transaction in flight: a stub over the committed state plus a write set. */
class PendingTx {
  readonly writes: Writes = new Map();
  readonly validationWrites = new Map<string, Uint8Array>();
  readonly privateWrites = new Map<string, Map<string, PrivateWrite>>();
  event: { name: string; payload: unknown } | undefined;
  readonly ctx: Context;

  constructor(
    private readonly ledger: TestLedger,
    readonly txId: string,
    readonly timeMs: number,
    identity: TestIdentity,
    private readonly transient: Map<string, Uint8Array>,
    private readonly peerMspId: string,
    private readonly readOnly: boolean,
  ) {
    const stub = this.makeStub();
    this.ctx = {
      stub,
      clientIdentity: new TestClientIdentity(identity),
      logging: undefined,
    } as unknown as Context;
  }

  private rangeKVs(start: string, end: string): Iterators.KV[] {
    return [...this.ledger.committedState().entries()]
      .filter(([k]) => k >= start && k < end)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => ({ namespace: 'test', key, value }));
  }

  private partial(objectType: string, attributes: string[]): Iterators.KV[] {
    const prefix = SEP + objectType + SEP + attributes.map((a) => a + SEP).join('');
    return this.rangeKVs(prefix, prefix + MAX_UNICODE);
  }

  private paginate(
    kvs: Iterators.KV[],
    pageSize: number,
    bookmark?: string,
  ): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    if (!this.readOnly)
      throw new Error('GET_STATE_BY_RANGE_WITH_PAGINATION is not allowed in a submitted transaction');
    const from = bookmark ? kvs.findIndex((kv) => kv.key >= bookmark) : 0;
    const start = from < 0 ? kvs.length : from;
    const page = kvs.slice(start, start + pageSize);
    const next = kvs[start + pageSize];
    return promiseIterable(
      Promise.resolve({
        iterator: iteratorOf(page),
        // like the peer: no metadata at all for an empty page
        metadata: (page.length === 0
          ? undefined
          : { fetchedRecordsCount: page.length, bookmark: next ? next.key : '' }) as QueryResponseMetadata,
      }),
      page,
    );
  }

  private makeStub(): ChaincodeStub {
    const ledger = this.ledger;
    const stub: Partial<ChaincodeStub> = {
      getTxID: () => this.txId,
      getChannelID: () => 'test-channel',
      getMspID: () => this.peerMspId,
      getTransient: () => this.transient,
      getTxTimestamp: () => ({
        seconds: Long.fromNumber(Math.floor(this.timeMs / 1000)),
        nanos: (this.timeMs % 1000) * 1_000_000,
      }),
      getDateTimestamp: () => new Date(this.timeMs),
      getState: async (key: string) => {
        return ledger.committedState().get(key) ?? new Uint8Array();
      },
      putState: async (key: string, value: Uint8Array) => {
        if (!key) throw new Error('key must not be empty');
        this.writes.set(key, Buffer.from(value));
      },
      deleteState: async (key: string) => {
        this.writes.set(key, null);
      },
      setStateValidationParameter: async (key: string, ep: Uint8Array) => {
        this.validationWrites.set(key, Buffer.from(ep));
      },
      getStateValidationParameter: async (key: string) => {
        return ledger.committedValidation(key) ?? new Uint8Array();
      },
      createCompositeKey: (objectType: string, attributes: string[]) => {
        for (const part of [objectType, ...attributes]) {
          if (part.includes(SEP) || part.includes(MAX_UNICODE))
            throw new Error('composite key part has a reserved character');
        }
        return SEP + objectType + SEP + attributes.map((a) => a + SEP).join('');
      },
      splitCompositeKey: (compositeKey: string) => {
        const parts = compositeKey.split(SEP).slice(1, -1);
        return { objectType: parts[0] ?? '', attributes: parts.slice(1) };
      },
      getStateByRange: (startKey: string, endKey: string) => {
        if (startKey.startsWith(SEP) || endKey.startsWith(SEP)) {
          throw new Error(
            'getStateByRange does not accept composite keys; use getStateByPartialCompositeKey',
          );
        }
        const kvs = this.rangeKVs(startKey, endKey || MAX_UNICODE);
        return promiseIterable(Promise.resolve(iteratorOf(kvs)), kvs);
      },
      getStateByPartialCompositeKey: (objectType: string, attributes: string[]) => {
        const kvs = this.partial(objectType, attributes);
        return promiseIterable(Promise.resolve(iteratorOf(kvs)), kvs);
      },
      getStateByPartialCompositeKeyWithPagination: (
        objectType: string,
        attributes: string[],
        pageSize: number,
        bookmark?: string,
      ) => {
        return this.paginate(this.partial(objectType, attributes), pageSize, bookmark);
      },
      getStateByRangeWithPagination: (
        startKey: string,
        endKey: string,
        pageSize: number,
        bookmark?: string,
      ) => {
        if (startKey.startsWith(SEP) || endKey.startsWith(SEP)) {
          throw new Error('getStateByRangeWithPagination does not accept composite keys');
        }
        return this.paginate(this.rangeKVs(startKey, endKey || MAX_UNICODE), pageSize, bookmark);
      },
      getHistoryForKey: (key: string) => {
        // like the peer: newest first
        const mods: Iterators.KeyModification[] = [...ledger.keyHistory(key)].reverse().map((h) => ({
          txId: h.txId,
          isDelete: h.isDelete,
          value: h.value,
          timestamp: {
            seconds: Long.fromNumber(Math.floor(h.timestampMs / 1000)),
            nanos: (h.timestampMs % 1000) * 1_000_000,
          },
        }));
        return promiseIterable(Promise.resolve(iteratorOf(mods)), mods);
      },
      setEvent: (name: string, payload: Uint8Array) => {
        this.event = { name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) as unknown };
      },
      getPrivateData: async (collection: string, key: string) => {
        ledger.requireCollection(collection);
        return ledger.committedPrivate(collection)?.get(key) ?? new Uint8Array();
      },
      getPrivateDataHash: async (collection: string, key: string) => {
        ledger.requireCollection(collection);
        const v = ledger.committedPrivate(collection)?.get(key);
        return v === undefined ? new Uint8Array() : createHash('sha256').update(v).digest();
      },
      putPrivateData: async (collection: string, key: string, value: Uint8Array) => {
        ledger.requireCollection(collection);
        const w = this.privateWrites.get(collection) ?? new Map<string, PrivateWrite>();
        w.set(key, Buffer.from(value));
        this.privateWrites.set(collection, w);
      },
      deletePrivateData: async (collection: string, key: string) => {
        ledger.requireCollection(collection);
        const w = this.privateWrites.get(collection) ?? new Map<string, PrivateWrite>();
        w.set(key, null);
        this.privateWrites.set(collection, w);
      },
      purgePrivateData: async (collection: string, key: string) => {
        ledger.requireCollection(collection);
        const w = this.privateWrites.get(collection) ?? new Map<string, PrivateWrite>();
        w.set(key, PURGE);
        this.privateWrites.set(collection, w);
      },
    };
    return stub as ChaincodeStub;
  }
}
