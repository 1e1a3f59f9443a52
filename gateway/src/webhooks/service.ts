/**
 * Webhooks for portal backends (issue 19): subscriptions, the outbox filler and the delivery
 * worker, over a {@link WebhookStore}.
 *
 * - **Filling the outbox.** Each subscription has a reader: a chaincode event stream opened with
 *   the OWNER's Fabric identity from the subscription's stored checkpoint (as `GET /api/v1/events`
 *   does with `Last-Event-ID`). Each event is judged by the event stream's own scope rule
 *   ({@link scopedPayload}: the wire catalogue's scope of the event and {@link receives} for the
 *   owner's certificate), then by the subscription's event names and filters; an event that passes
 *   is enqueued, and the checkpoint moves, in one store transaction. Events committed while the
 *   gateway was down are read after it restarts, from the checkpoint.
 * - **Delivering.** Every poll, the head (oldest pending entry) of each active subscription is
 *   claimed (a lease) and POSTed, signed (signature.ts). A 2xx acknowledges it and the next one
 *   may go; anything else is retried after an exponential backoff with jitter. Strict order: the
 *   next delivery waits for the previous one's 2xx. After `pauseAfterFailures` failures in a row
 *   the subscription is paused (nothing is dropped; the outbox keeps filling) until resumed.
 * - **Replay.** Moves the checkpoint back (a block, or right after an event id); pending entries
 *   are superseded and every event from there is enqueued again, in order, with new delivery ids
 *   (the same event ids).
 */
import crypto from 'node:crypto';
import { checkpointers } from '@hyperledger/fabric-gateway';
import type { Logger } from 'pino';
import type { Caller } from '../caller';
import type { WebhookSettings } from '../config';
import { parseEventId, readerOf, scopedPayload } from '../events';
import type { FabricIdentity, Ledger, LedgerEvent } from '../fabric/ledger';
import { decodeResult } from '../fabric/result';
import { HttpProblem } from '../http/problem';
import type { GatewayMetrics } from '../metrics';
import { isSealed, open, seal } from '../sealed-box';
import { callerKey } from '../writes/transactions';
import { backoffMs, newSecret, SIGNATURE_HEADER, signatureHeader } from './signature';
import type { OutboxEntry, StoredCaller, SubscriptionRecord, WebhookStore } from './store';

/** What a subscription is created with. */
export interface NewSubscription {
  url: string;
  chaincode: string;
  events?: string[];
  filters?: Record<string, string>;
  /** First block to read; default: the next block (the ledger's current height). */
  startBlock?: bigint;
}

/** A subscription as the admin API shows it (never its secret). */
export interface SubscriptionView {
  subscriptionId: string;
  url: string;
  chaincode: string;
  events: string[] | null;
  filters: Record<string, string>;
  status: 'active' | 'paused';
  pausedReason: string | null;
  consecutiveFailures: number;
  pendingDeliveries: number;
  checkpoint: { blockNumber: string; transactionId: string | null };
  createdAt: string;
  updatedAt: string;
}

/** A delivery as the admin API shows it. */
export interface DeliveryView {
  deliveryId: string;
  eventId: string;
  eventName: string;
  state: OutboxEntry['state'];
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

/** What the service needs. */
export interface WebhookServiceDeps {
  store: WebhookStore;
  ledger: Ledger;
  /** The wallet identity of a caller (the owner's, to read events with). */
  identityFor(caller: Caller): Promise<FabricIdentity>;
  /** Logical chaincode name -> deployed name. */
  chaincodes: Record<string, string>;
  /** Organisations whose auditors receive every event (the event stream's rule). */
  auditOrgs: readonly string[];
  logger: Logger;
  metrics?: GatewayMetrics;
  /** Key sealing the secrets at rest (the wallet key). */
  sealKey: Buffer;
  settings: WebhookSettings;
  /** This worker's id in outbox claims (default: a random one per process). */
  workerId?: string;
  /** Wait before reopening a broken event stream (default 1000 ms). */
  reconnectDelayMs?: number;
  /** HTTP client (tests). */
  fetch?: typeof fetch;
  /** Clock (tests). */
  now?: () => number;
  /** Jitter source (tests). */
  random?: () => number;
}

/** Headers of a delivery besides the signature. */
export const DELIVERY_HEADERS = {
  deliveryId: 'GovLedger-Delivery-Id',
  eventId: 'GovLedger-Event-Id',
  eventName: 'GovLedger-Event',
  subscriptionId: 'GovLedger-Subscription-Id',
  attempt: 'GovLedger-Attempt',
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (ms: number) => new Date(ms).toISOString();

/** Whether an event payload carries every filter value (top-level fields, compared as strings). */
export function passesFilters(payload: unknown, filters: Record<string, string>): boolean {
  const entries = Object.entries(filters);
  if (entries.length === 0) return true;
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as Record<string, unknown>;
  return entries.every(([k, v]) => {
    const value = Object.hasOwn(p, k) ? p[k] : undefined;
    return (
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
      String(value) === v
    );
  });
}

/** The stable delivery id of an event for a subscription generation. */
export function deliveryIdOf(subscriptionId: string, generation: number, eventId: string): string {
  return `dlv_${crypto.createHash('sha256').update(`${subscriptionId}|${generation}|${eventId}`).digest('hex').slice(0, 32)}`;
}

/** One subscription's outbox filler: an event stream with the owner's identity, from the checkpoint. */
class Reader {
  #stopped = false;
  #close: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly subscriptionId: string,
    readonly generation: number,
    service: WebhookService,
  ) {
    this.done = service.readEvents(this);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Registers the close of the stream currently open. */
  opened(close: () => void): void {
    this.#close = close;
    if (this.#stopped) close();
  }

  stop(): void {
    this.#stopped = true;
    this.#close?.();
  }
}

/** The webhook subscriptions and their delivery. */
export class WebhookService {
  readonly #d: WebhookServiceDeps;
  readonly #now: () => number;
  readonly #fetch: typeof fetch;
  readonly #worker: string;
  readonly #auditOrgs: ReadonlySet<string>;
  readonly #readers = new Map<string, Reader>();
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #started = false;

  /** Creates the service (nothing runs before start()). */
  constructor(deps: WebhookServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#fetch = deps.fetch ?? fetch;
    this.#worker = deps.workerId ?? `gw-${crypto.randomBytes(6).toString('hex')}`;
    this.#auditOrgs = new Set(deps.auditOrgs);
  }

  // ------------------------------------------------------------------ admin operations

  /** Registers a subscription for the caller; returns it and its secret (shown this once). */
  async create(caller: Caller, input: NewSubscription): Promise<{ view: SubscriptionView; secret: string }> {
    assertWebhookUrl(input.url);
    const deployed = this.#d.chaincodes[input.chaincode];
    if (deployed === undefined)
      throw new HttpProblem(400, 'INVALID_REQUEST', `unknown chaincode ${input.chaincode}`);
    const owner = callerKey(caller);
    const mine = await this.#d.store.listSubscriptions(owner);
    if (mine.length >= this.#d.settings.maxPerCaller) {
      throw new HttpProblem(
        409,
        'WEBHOOK_LIMIT_REACHED',
        `a caller may hold at most ${this.#d.settings.maxPerCaller} webhook subscriptions; delete one first`,
      );
    }
    const identity = await this.#d.identityFor(caller);
    assertStaff(readerOf(caller, identity));
    const startBlock = input.startBlock ?? (await this.#currentHeight(caller.org));
    const id = `wh_${crypto.randomBytes(12).toString('hex')}`;
    const secret = newSecret();
    const now = this.#now();
    const stored: StoredCaller = { subject: caller.subject, org: caller.org, roles: [...caller.roles] };
    if (caller.dept !== undefined) stored.dept = caller.dept;
    if (caller.pid !== undefined) stored.pid = caller.pid;
    const record: SubscriptionRecord = {
      id,
      owner,
      ownerCaller: stored,
      url: input.url,
      chaincode: input.chaincode,
      filters: input.filters ?? {},
      secret: this.#sealSecret(id, secret),
      status: 'active',
      consecutiveFailures: 0,
      checkpoint: { blockNumber: startBlock },
      generation: 0,
      createdAt: now,
      updatedAt: now,
    };
    if (input.events !== undefined) record.events = [...new Set(input.events)];
    await this.#d.store.createSubscription(record);
    if (this.#started) this.#ensureReader(record);
    return { view: await this.#view(record), secret };
  }

  /** The caller's subscriptions. */
  async list(caller: Caller): Promise<SubscriptionView[]> {
    const records = await this.#d.store.listSubscriptions(callerKey(caller));
    return Promise.all(records.map((r) => this.#view(r)));
  }

  /** One of the caller's subscriptions (404 WEBHOOK_NOT_FOUND for anyone else's). */
  async get(caller: Caller, id: string): Promise<SubscriptionView> {
    return this.#view(await this.#own(caller, id));
  }

  /** The most recent deliveries of one of the caller's subscriptions. */
  async deliveries(caller: Caller, id: string, limit: number): Promise<DeliveryView[]> {
    await this.#own(caller, id);
    return (await this.#d.store.recentEntries(id, limit)).map((e) => ({
      deliveryId: e.deliveryId,
      eventId: e.eventId,
      eventName: e.eventName,
      state: e.state,
      attempts: e.attempts,
      lastStatus: e.lastStatus ?? null,
      lastError: e.lastError ?? null,
      nextAttemptAt: e.state === 'pending' ? iso(e.nextAttemptAt) : null,
      deliveredAt: e.deliveredAt !== undefined ? iso(e.deliveredAt) : null,
    }));
  }

  /** Deletes one of the caller's subscriptions and its outbox; returns what it was. */
  async delete(caller: Caller, id: string): Promise<SubscriptionView> {
    const view = await this.#view(await this.#own(caller, id));
    this.#readers.get(id)?.stop();
    this.#readers.delete(id);
    await this.#d.store.deleteSubscription(id);
    return { ...view, pendingDeliveries: 0 };
  }

  /** Replaces the secret of one of the caller's subscriptions; returns the new one (shown this once). */
  async rotateSecret(caller: Caller, id: string): Promise<string> {
    await this.#own(caller, id);
    const secret = newSecret();
    await this.#d.store.setSecret(id, this.#sealSecret(id, secret), this.#now());
    return secret;
  }

  /** Resumes a paused subscription (its head is delivered at the next poll). */
  async resume(caller: Caller, id: string): Promise<SubscriptionView> {
    await this.#own(caller, id);
    await this.#d.store.resume(id, this.#now());
    return this.#view(await this.#own(caller, id));
  }

  /** Replays from a block (inclusive) or right after an event id (`<block>:<txId>`). */
  async replay(
    caller: Caller,
    id: string,
    from: { fromBlock?: bigint; afterEventId?: string },
  ): Promise<SubscriptionView> {
    await this.#own(caller, id);
    let checkpoint: { blockNumber: bigint; txId?: string };
    if (from.afterEventId !== undefined) {
      const at = parseEventId(from.afterEventId);
      if (!at) throw new HttpProblem(400, 'INVALID_REQUEST', 'afterEventId must be <block>:<txId>');
      checkpoint = { blockNumber: at.blockNumber, txId: at.txId };
    } else {
      checkpoint = { blockNumber: from.fromBlock ?? 0n };
    }
    await this.#d.store.replay(id, checkpoint, this.#now());
    const record = await this.#own(caller, id);
    if (this.#started) this.#ensureReader(record);
    return this.#view(record);
  }

  // ------------------------------------------------------------------ running

  /** Starts the readers and the delivery poll. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const tick = () => {
      if (this.#ticking || !this.#started) return;
      this.#ticking = this.tick()
        .catch((err: unknown) => this.#d.logger.warn({ err: (err as Error).message }, 'webhook poll failed'))
        .finally(() => {
          this.#ticking = undefined;
        });
    };
    this.#timer = setInterval(tick, this.#d.settings.pollMs);
    this.#timer.unref();
    tick();
  }

  /** Stops reading and delivering; waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const r of this.#readers.values()) r.stop();
    const readers = [...this.#readers.values()].map((r) => r.done);
    this.#readers.clear();
    await this.#ticking;
    await Promise.all(this.#inFlight.values());
    // a reader ends when its stream closes; do not let a stuck peer connection hold up shutdown
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(readers),
      new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * One poll: keeps one reader per subscription (restarted after a replay), claims the due head
   * of each active subscription and starts sending it (a slow receiver holds up only its own
   * subscription), updates the gauges.
   */
  async tick(): Promise<void> {
    const subs = await this.#d.store.listSubscriptions();
    const ids = new Set(subs.map((s) => s.id));
    for (const [id, reader] of this.#readers) {
      if (!ids.has(id)) {
        reader.stop();
        this.#readers.delete(id);
      }
    }
    if (this.#started) for (const s of subs) this.#ensureReader(s);
    for (const s of subs) {
      if (s.status !== 'active' || this.#inFlight.has(s.id)) continue;
      const entry = await this.#d.store.claimHead(
        s.id,
        this.#worker,
        this.#now(),
        this.#d.settings.timeoutMs + 30_000,
      );
      if (!entry) continue;
      const send = this.#send(s, entry)
        .catch((err: unknown) =>
          this.#d.logger.warn(
            { subscription: s.id, err: (err as Error).message },
            'webhook delivery not recorded',
          ),
        )
        .finally(() => this.#inFlight.delete(s.id));
      this.#inFlight.set(s.id, send);
    }
    await this.#updateGauges();
  }

  #ensureReader(s: SubscriptionRecord): void {
    const current = this.#readers.get(s.id);
    if (current && current.generation === s.generation && !current.stopped) return;
    current?.stop();
    this.#readers.set(s.id, new Reader(s.id, s.generation, this));
  }

  /** The read loop of one reader (see the module comment). */
  async readEvents(reader: Reader): Promise<void> {
    const { store, ledger, logger } = this.#d;
    while (!reader.stopped) {
      try {
        const sub = await store.getSubscription(reader.subscriptionId);
        if (!sub || sub.generation !== reader.generation) return;
        const caller = sub.ownerCaller as Caller;
        const identity = await this.#d.identityFor(caller);
        const scopeOf = readerOf(caller, identity);
        const deployed = this.#d.chaincodes[sub.chaincode];
        const checkpointer = checkpointers.inMemory();
        let from: Parameters<Ledger['chaincodeEvents']>[2];
        if (sub.checkpoint.txId !== undefined) {
          await checkpointer.checkpointTransaction(sub.checkpoint.blockNumber, sub.checkpoint.txId);
          from = { checkpoint: checkpointer };
        } else {
          from = { startBlock: sub.checkpoint.blockNumber };
        }
        const stream = await ledger.chaincodeEvents(identity, deployed, from);
        reader.opened(() => stream.close());
        try {
          for await (const e of stream) {
            if (reader.stopped) break;
            const entry = this.#entryFor(sub, e, scopeOf);
            const ok = await store.advance(
              sub.id,
              reader.generation,
              { blockNumber: e.blockNumber, txId: e.txId },
              entry,
              this.#now(),
            );
            if (!ok) {
              reader.stop();
              break;
            }
          }
        } finally {
          stream.close();
        }
      } catch (err) {
        if (reader.stopped) return;
        logger.warn(
          { subscription: reader.subscriptionId, err: (err as Error).message },
          'webhook event stream broke; reconnecting',
        );
      }
      if (reader.stopped) return;
      await sleep(this.#d.reconnectDelayMs ?? 1000);
    }
  }

  #entryFor(sub: SubscriptionRecord, e: LedgerEvent, scopeOf: Caller) {
    if (sub.events !== undefined && !sub.events.includes(e.eventName)) return undefined;
    const scoped = scopedPayload(e, sub.chaincode, scopeOf, this.#auditOrgs, this.#d.logger);
    if (!scoped || !passesFilters(scoped.payload, sub.filters)) return undefined;
    const eventId = `${e.blockNumber}:${e.txId}`;
    const deliveryId = deliveryIdOf(sub.id, sub.generation, eventId);
    const body = JSON.stringify({
      id: eventId,
      deliveryId,
      subscriptionId: sub.id,
      chaincode: sub.chaincode,
      eventName: e.eventName,
      transactionId: e.txId,
      blockNumber: e.blockNumber.toString(),
      payload: decodeResult(e.payload),
    });
    return { deliveryId, eventId, eventName: e.eventName, blockNumber: e.blockNumber, txId: e.txId, body };
  }

  async #send(sub: SubscriptionRecord, entry: OutboxEntry): Promise<void> {
    const { store, settings, metrics, logger } = this.#d;
    const attempt = entry.attempts + 1;
    let failure: { status?: number; error: string };
    try {
      const timestamp = Math.floor(this.#now() / 1000);
      const res = await this.#fetch(sub.url, {
        method: 'POST',
        body: entry.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'GovLedger-Webhooks/1',
          [SIGNATURE_HEADER]: signatureHeader(this.#openSecret(sub), timestamp, entry.body),
          [DELIVERY_HEADERS.deliveryId]: entry.deliveryId,
          [DELIVERY_HEADERS.eventId]: entry.eventId,
          [DELIVERY_HEADERS.eventName]: entry.eventName,
          [DELIVERY_HEADERS.subscriptionId]: sub.id,
          [DELIVERY_HEADERS.attempt]: String(attempt),
        },
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        await store.markDelivered(entry.seq, this.#worker, res.status, this.#now());
        metrics?.webhookDeliveries.inc({ outcome: 'delivered' });
        return;
      }
      failure = { status: res.status, error: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      failure = { error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message) };
    }
    metrics?.webhookDeliveries.inc({ outcome: 'failed' });
    const wait = backoffMs(attempt, settings.backoffBaseMs, settings.backoffCapMs, this.#d.random);
    const now = this.#now();
    const { paused } = await store.markFailed(
      entry.seq,
      this.#worker,
      { ...failure, nextAttemptAt: now + wait, pauseAfter: settings.pauseAfterFailures },
      now,
    );
    logger.info(
      {
        subscription: sub.id,
        delivery: entry.deliveryId,
        attempt,
        error: failure.error,
        retryInMs: wait,
        paused,
      },
      paused ? 'webhook subscription paused after repeated failures' : 'webhook delivery failed; will retry',
    );
  }

  async #updateGauges(): Promise<void> {
    if (!this.#d.metrics) return;
    const totals = await this.#d.store.totals();
    this.#d.metrics.webhookPending.set(totals.pending);
    this.#d.metrics.webhookPaused.set(totals.paused);
  }

  async #own(caller: Caller, id: string): Promise<SubscriptionRecord> {
    const record = await this.#d.store.getSubscription(id);
    if (!record || record.owner !== callerKey(caller))
      throw new HttpProblem(404, 'WEBHOOK_NOT_FOUND', `no webhook subscription ${id} of this caller`);
    return record;
  }

  async #view(r: SubscriptionRecord): Promise<SubscriptionView> {
    return {
      subscriptionId: r.id,
      url: r.url,
      chaincode: r.chaincode,
      events: r.events ?? null,
      filters: r.filters,
      status: r.status,
      pausedReason: r.pausedReason ?? null,
      consecutiveFailures: r.consecutiveFailures,
      pendingDeliveries: await this.#d.store.pendingCount(r.id),
      checkpoint: {
        blockNumber: r.checkpoint.blockNumber.toString(),
        transactionId: r.checkpoint.txId ?? null,
      },
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
    };
  }

  /** The next block number: the ledger height the caller's organisation's peer reports. */
  async #currentHeight(org: string): Promise<bigint> {
    const report = await this.#d.ledger.readiness();
    const heights = report.checks
      .filter((c) => c.ok && c.name.startsWith('height:') && /^\d+$/.test(c.detail ?? ''))
      .map((c) => ({ org: c.name.slice('height:'.length), height: BigInt(c.detail as string) }));
    const own = heights.find((h) => h.org === org) ?? heights[0];
    if (!own) {
      throw new HttpProblem(
        503,
        'LEDGER_UNAVAILABLE',
        'the ledger height is unavailable; retry, or give startBlock',
        {},
        2,
      );
    }
    return own.height;
  }

  #sealSecret(id: string, secret: string): string {
    return JSON.stringify(seal(this.#d.sealKey, Buffer.from(secret, 'utf8'), `webhook-secret:${id}`));
  }

  #openSecret(sub: SubscriptionRecord): string {
    const sealed: unknown = JSON.parse(sub.secret);
    if (!isSealed(sealed)) throw new Error('webhook secret is not sealed');
    return open(this.#d.sealKey, sealed, `webhook-secret:${sub.id}`).toString('utf8');
  }
}

/** Refuses (400 WEBHOOK_URL_INVALID) a URL that is not absolute http(s) without credentials. */
export function assertWebhookUrl(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new HttpProblem(400, 'WEBHOOK_URL_INVALID', 'url is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HttpProblem(400, 'WEBHOOK_URL_INVALID', 'url must be http or https');
  if (url.username !== '' || url.password !== '')
    throw new HttpProblem(400, 'WEBHOOK_URL_INVALID', 'url must not carry credentials');
}

/** Roles of citizens and enterprises (not staff). */
const SUBJECT_ROLES = ['citizen', 'enterprise'];

/**
 * Refuses (403 WEBHOOK_STAFF_ONLY) a caller whose certificate is not staff: it must carry a role
 * and be neither a citizen nor an enterprise (no pid). Webhooks make the gateway send requests
 * out of its network; citizens and enterprises follow their events with `GET /api/v1/events`.
 */
export function assertStaff(reader: Caller): void {
  if (
    reader.pid !== undefined ||
    reader.roles.length === 0 ||
    reader.roles.some((r) => SUBJECT_ROLES.includes(r))
  ) {
    throw new HttpProblem(
      403,
      'WEBHOOK_STAFF_ONLY',
      'only staff identities (a certificate with a gov.role, no gov.pid, not citizen or enterprise) may register webhooks',
    );
  }
}
