/**
 * Where webhooks keep their state: the subscriptions (with the ledger checkpoint their events
 * were read up to) and the durable delivery OUTBOX. Every access goes through the ASYNC
 * {@link WebhookStore} interface so that another database (PostgreSQL, for gateway replicas) can
 * implement it; {@link SqliteWebhookStore} is the implementation on the gateway's SQLite file
 * (tables created by the migration in ../writes/database.ts), and PostgresWebhookStore
 * (postgres-store.ts) the one gateway replicas share.
 *
 * Invariants every implementation keeps:
 * - {@link WebhookStore.advance} inserts an outbox entry AND moves the subscription's checkpoint
 *   in ONE transaction, and only while the subscription's `generation` is the one the reader
 *   started from (a replay bumps it): an event is enqueued exactly once per generation, and a
 *   restart resumes right after the last event enqueued.
 * - Deliveries of one subscription go out in outbox order (`seq`): only the oldest pending entry
 *   (the head) can be claimed, and only when no other worker holds an unexpired claim on it.
 * - Claims are leases: `claimed_by` (a worker id) and `claim_expires_at` (epoch ms). With two
 *   gateway replicas on one database, one claims the head (e.g. `SELECT ... FOR UPDATE SKIP
 *   LOCKED` then `UPDATE ... SET claimed_by, claim_expires_at`), the other skips it until the
 *   lease expires; a worker that crashed mid-delivery loses its lease and the entry is retried.
 */
import type { Db } from '../writes/database';

/** Delivery state of a subscription. */
export type SubscriptionStatus = 'active' | 'paused';

/** The caller a subscription belongs to, as stored (its scope is judged from its certificate). */
export interface StoredCaller {
  subject: string;
  org: string;
  roles: string[];
  dept?: string;
  pid?: string;
}

/** A stored subscription. */
export interface SubscriptionRecord {
  /** Subscription id (`wh_...`). */
  id: string;
  /** Owner key (the registering caller's key). */
  owner: string;
  /** The registering caller (whose Fabric identity reads the events). */
  ownerCaller: StoredCaller;
  /** Where deliveries are POSTed (http or https). */
  url: string;
  /** Logical chaincode name. */
  chaincode: string;
  /** Event names delivered; undefined: every event of the chaincode. */
  events?: string[];
  /** Top-level payload field -> value the event must carry. */
  filters: Record<string, string>;
  /** The signing secret, as stored (sealed by the service). */
  secret: string;
  status: SubscriptionStatus;
  /** Why it was paused; undefined when active. */
  pausedReason?: string;
  /** Failed attempts since the last successful delivery. */
  consecutiveFailures: number;
  /** Events are read after this point: block number, and the last transaction handled in it (none: from the block's start). */
  checkpoint: { blockNumber: bigint; txId?: string };
  /** Bumped by each replay: entries of older generations are superseded. */
  generation: number;
  createdAt: number;
  updatedAt: number;
}

/** An outbox entry to insert. */
export interface NewOutboxEntry {
  /** Stable delivery id (sent in every attempt). */
  deliveryId: string;
  /** Event id `<block>:<txId>`. */
  eventId: string;
  eventName: string;
  blockNumber: bigint;
  txId: string;
  /** The exact JSON body POSTed (signed as is). */
  body: string;
}

/** An outbox entry. */
export interface OutboxEntry extends NewOutboxEntry {
  /** Insertion order (the delivery order within a subscription). */
  seq: number;
  subscriptionId: string;
  generation: number;
  state: 'pending' | 'delivered' | 'superseded';
  attempts: number;
  /** Earliest time of the next attempt (epoch ms). */
  nextAttemptAt: number;
  lastStatus?: number;
  lastError?: string;
  claimedBy?: string;
  claimExpiresAt?: number;
  createdAt: number;
  deliveredAt?: number;
}

/** Result of a failed attempt. */
export interface FailedAttempt {
  /** HTTP status, when the receiver answered. */
  status?: number;
  error: string;
  nextAttemptAt: number;
  /** Consecutive failures at which the subscription is paused. */
  pauseAfter: number;
}

/** Storage of webhook subscriptions and the delivery outbox (async: any database can implement it). */
export interface WebhookStore {
  /** Stores a new subscription. */
  createSubscription(record: SubscriptionRecord): Promise<void>;
  /** One subscription, or undefined. */
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>;
  /** The subscriptions of an owner (oldest first), or every subscription when `owner` is undefined. */
  listSubscriptions(owner?: string): Promise<SubscriptionRecord[]>;
  /** Deletes a subscription and its outbox; false when it did not exist. */
  deleteSubscription(id: string): Promise<boolean>;
  /** Replaces the stored secret. */
  setSecret(id: string, secret: string, now: number): Promise<void>;
  /**
   * Moves the checkpoint to (`blockNumber`, `txId`) and, when given, enqueues `entry`, atomically,
   * only while the subscription's generation is `generation`. False when it is not (a replay or a
   * delete happened): nothing was written and the reader must restart from the stored checkpoint.
   */
  advance(
    id: string,
    generation: number,
    checkpoint: { blockNumber: bigint; txId: string },
    entry: NewOutboxEntry | undefined,
    now: number,
  ): Promise<boolean>;
  /**
   * Replay: sets the checkpoint (events are read again from there), bumps the generation and
   * supersedes the pending entries (they come again, in order, from the replay). Returns the new generation.
   */
  replay(id: string, checkpoint: { blockNumber: bigint; txId?: string }, now: number): Promise<number>;
  /**
   * Claims the subscription's head (its oldest pending entry) for `worker` until `now + leaseMs`,
   * when it is due, the subscription is active and no worker (itself included: one attempt at a
   * time) holds an unexpired claim.
   */
  claimHead(id: string, worker: string, now: number, leaseMs: number): Promise<OutboxEntry | undefined>;
  /** Marks a claimed entry delivered and resets the subscription's failure count. */
  markDelivered(seq: number, worker: string, status: number, now: number): Promise<void>;
  /**
   * Records a failed attempt of a claimed entry (attempts + 1, next attempt time, claim
   * released) and counts the failure; pauses the subscription at `pauseAfter` consecutive
   * failures. Returns whether it is now paused.
   */
  markFailed(seq: number, worker: string, failure: FailedAttempt, now: number): Promise<{ paused: boolean }>;
  /** Resumes a paused subscription: failures reset, its head is due at once. */
  resume(id: string, now: number): Promise<void>;
  /** Pending entries of one subscription. */
  pendingCount(id: string): Promise<number>;
  /** The most recent entries of a subscription (newest first). */
  recentEntries(id: string, limit: number): Promise<OutboxEntry[]>;
  /** Totals for the metrics: pending entries and paused subscriptions. */
  totals(): Promise<{ pending: number; paused: number }>;
}

/** A `webhook_subscriptions` row, as both databases return it. */
export interface SubscriptionRow {
  id: string;
  owner: string;
  owner_caller: string;
  url: string;
  chaincode: string;
  events: string | null;
  filters: string;
  secret: string;
  status: SubscriptionStatus;
  paused_reason: string | null;
  consecutive_failures: number;
  checkpoint_block: string;
  checkpoint_tx: string | null;
  generation: number;
  created_at: number;
  updated_at: number;
}

/** A `webhook_outbox` row, as both databases return it. */
export interface OutboxRow {
  seq: number;
  delivery_id: string;
  subscription_id: string;
  generation: number;
  event_id: string;
  event_name: string;
  block_number: string;
  tx_id: string;
  body: string;
  state: OutboxEntry['state'];
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
  created_at: number;
  delivered_at: number | null;
}

/** The subscription a row holds. */
export function subscriptionFromRow(r: SubscriptionRow): SubscriptionRecord {
  const rec: SubscriptionRecord = {
    id: r.id,
    owner: r.owner,
    ownerCaller: JSON.parse(r.owner_caller) as StoredCaller,
    url: r.url,
    chaincode: r.chaincode,
    filters: JSON.parse(r.filters) as Record<string, string>,
    secret: r.secret,
    status: r.status,
    consecutiveFailures: r.consecutive_failures,
    checkpoint: { blockNumber: BigInt(r.checkpoint_block) },
    generation: r.generation,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.events !== null) rec.events = JSON.parse(r.events) as string[];
  if (r.paused_reason !== null) rec.pausedReason = r.paused_reason;
  if (r.checkpoint_tx !== null) rec.checkpoint.txId = r.checkpoint_tx;
  return rec;
}

/** The outbox entry a row holds. */
export function outboxFromRow(r: OutboxRow): OutboxEntry {
  const e: OutboxEntry = {
    seq: r.seq,
    deliveryId: r.delivery_id,
    subscriptionId: r.subscription_id,
    generation: r.generation,
    eventId: r.event_id,
    eventName: r.event_name,
    blockNumber: BigInt(r.block_number),
    txId: r.tx_id,
    body: r.body,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
  };
  if (r.last_status !== null) e.lastStatus = r.last_status;
  if (r.last_error !== null) e.lastError = r.last_error;
  if (r.claimed_by !== null) e.claimedBy = r.claimed_by;
  if (r.claim_expires_at !== null) e.claimExpiresAt = r.claim_expires_at;
  if (r.delivered_at !== null) e.deliveredAt = r.delivered_at;
  return e;
}

/** {@link WebhookStore} on the gateway's SQLite database (one process: SQLite serialises writers). */
export class SqliteWebhookStore implements WebhookStore {
  readonly #db: Db;

  /** Uses an open gateway database (its migrations create the tables). */
  constructor(db: Db) {
    this.#db = db;
  }

  async createSubscription(r: SubscriptionRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO webhook_subscriptions (id, owner, owner_caller, url, chaincode, events, filters, secret, status,
           paused_reason, consecutive_failures, checkpoint_block, checkpoint_tx, generation, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.owner,
        JSON.stringify(r.ownerCaller),
        r.url,
        r.chaincode,
        r.events === undefined ? null : JSON.stringify(r.events),
        JSON.stringify(r.filters),
        r.secret,
        r.status,
        r.pausedReason ?? null,
        r.consecutiveFailures,
        r.checkpoint.blockNumber.toString(),
        r.checkpoint.txId ?? null,
        r.generation,
        r.createdAt,
        r.updatedAt,
      );
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    const row = this.#db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?').get(id) as
      SubscriptionRow | undefined;
    return row ? subscriptionFromRow(row) : undefined;
  }

  async listSubscriptions(owner?: string): Promise<SubscriptionRecord[]> {
    const rows = (
      owner === undefined
        ? this.#db.prepare('SELECT * FROM webhook_subscriptions ORDER BY created_at, id').all()
        : this.#db
            .prepare('SELECT * FROM webhook_subscriptions WHERE owner = ? ORDER BY created_at, id')
            .all(owner)
    ) as SubscriptionRow[];
    return rows.map(subscriptionFromRow);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM webhook_outbox WHERE subscription_id = ?').run(id);
      return this.#db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?').run(id).changes > 0;
    })();
  }

  async setSecret(id: string, secret: string, now: number): Promise<void> {
    this.#db
      .prepare('UPDATE webhook_subscriptions SET secret = ?, updated_at = ? WHERE id = ?')
      .run(secret, now, id);
  }

  async advance(
    id: string,
    generation: number,
    checkpoint: { blockNumber: bigint; txId: string },
    entry: NewOutboxEntry | undefined,
    now: number,
  ): Promise<boolean> {
    return this.#db.transaction(() => {
      const moved = this.#db
        .prepare(
          `UPDATE webhook_subscriptions SET checkpoint_block = ?, checkpoint_tx = ?
           WHERE id = ? AND generation = ?`,
        )
        .run(checkpoint.blockNumber.toString(), checkpoint.txId, id, generation);
      if (moved.changes === 0) return false;
      if (entry) {
        this.#db
          .prepare(
            `INSERT INTO webhook_outbox (delivery_id, subscription_id, generation, event_id, event_name, block_number,
               tx_id, body, state, attempts, next_attempt_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)
             ON CONFLICT (subscription_id, generation, event_id) DO NOTHING`,
          )
          .run(
            entry.deliveryId,
            id,
            generation,
            entry.eventId,
            entry.eventName,
            entry.blockNumber.toString(),
            entry.txId,
            entry.body,
            now,
            now,
          );
      }
      return true;
    })();
  }

  async replay(id: string, checkpoint: { blockNumber: bigint; txId?: string }, now: number): Promise<number> {
    return this.#db.transaction(() => {
      this.#db
        .prepare(
          `UPDATE webhook_subscriptions SET checkpoint_block = ?, checkpoint_tx = ?, generation = generation + 1,
             updated_at = ? WHERE id = ?`,
        )
        .run(checkpoint.blockNumber.toString(), checkpoint.txId ?? null, now, id);
      this.#db
        .prepare(
          `UPDATE webhook_outbox SET state = 'superseded', claimed_by = NULL, claim_expires_at = NULL
           WHERE subscription_id = ? AND state = 'pending'`,
        )
        .run(id);
      const row = this.#db.prepare('SELECT generation FROM webhook_subscriptions WHERE id = ?').get(id) as
        { generation: number } | undefined;
      return row?.generation ?? 0;
    })();
  }

  async claimHead(
    id: string,
    worker: string,
    now: number,
    leaseMs: number,
  ): Promise<OutboxEntry | undefined> {
    return this.#db.transaction(() => {
      const head = this.#db
        .prepare(
          `SELECT o.* FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
           WHERE o.subscription_id = ? AND o.state = 'pending' AND s.status = 'active'
           ORDER BY o.seq LIMIT 1`,
        )
        .get(id) as OutboxRow | undefined;
      if (!head || head.next_attempt_at > now) return undefined;
      if (head.claimed_by !== null && (head.claim_expires_at ?? 0) > now) return undefined;
      this.#db
        .prepare('UPDATE webhook_outbox SET claimed_by = ?, claim_expires_at = ? WHERE seq = ?')
        .run(worker, now + leaseMs, head.seq);
      return outboxFromRow({ ...head, claimed_by: worker, claim_expires_at: now + leaseMs });
    })();
  }

  async markDelivered(seq: number, worker: string, status: number, now: number): Promise<void> {
    this.#db.transaction(() => {
      const row = this.#db
        .prepare(
          `UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL,
             delivered_at = ?, claimed_by = NULL, claim_expires_at = NULL
           WHERE seq = ? AND claimed_by = ? AND state = 'pending' RETURNING subscription_id`,
        )
        .get(status, now, seq, worker) as { subscription_id: string } | undefined;
      if (row) {
        this.#db
          .prepare('UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = ?')
          .run(row.subscription_id);
      }
    })();
  }

  async markFailed(
    seq: number,
    worker: string,
    failure: FailedAttempt,
    now: number,
  ): Promise<{ paused: boolean }> {
    return this.#db.transaction(() => {
      const row = this.#db
        .prepare(
          `UPDATE webhook_outbox SET attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ?,
             claimed_by = NULL, claim_expires_at = NULL
           WHERE seq = ? AND claimed_by = ? AND state = 'pending' RETURNING subscription_id`,
        )
        .get(failure.status ?? null, failure.error.slice(0, 500), failure.nextAttemptAt, seq, worker) as
        { subscription_id: string } | undefined;
      if (!row) return { paused: false };
      const sub = this.#db
        .prepare(
          `UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1
           WHERE id = ? RETURNING consecutive_failures, status`,
        )
        .get(row.subscription_id) as { consecutive_failures: number; status: SubscriptionStatus } | undefined;
      if (!sub || sub.status === 'paused' || sub.consecutive_failures < failure.pauseAfter) {
        return { paused: false };
      }
      this.#db
        .prepare(
          `UPDATE webhook_subscriptions SET status = 'paused', paused_reason = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          `${sub.consecutive_failures} consecutive failed deliveries; last: ${failure.error}`.slice(0, 500),
          now,
          row.subscription_id,
        );
      return { paused: true };
    })();
  }

  async resume(id: string, now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `UPDATE webhook_subscriptions SET status = 'active', paused_reason = NULL, consecutive_failures = 0,
             updated_at = ? WHERE id = ?`,
        )
        .run(now, id);
      this.#db
        .prepare(
          `UPDATE webhook_outbox SET next_attempt_at = ?, claimed_by = NULL, claim_expires_at = NULL
           WHERE subscription_id = ? AND state = 'pending'`,
        )
        .run(now, id);
    })();
  }

  async pendingCount(id: string): Promise<number> {
    const row = this.#db
      .prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE subscription_id = ? AND state = 'pending'`)
      .get(id) as { n: number };
    return row.n;
  }

  async recentEntries(id: string, limit: number): Promise<OutboxEntry[]> {
    const rows = this.#db
      .prepare('SELECT * FROM webhook_outbox WHERE subscription_id = ? ORDER BY seq DESC LIMIT ?')
      .all(id, limit) as OutboxRow[];
    return rows.map(outboxFromRow);
  }

  async totals(): Promise<{ pending: number; paused: number }> {
    const pending = this.#db
      .prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE state = 'pending'`)
      .get() as { n: number };
    const paused = this.#db
      .prepare(`SELECT COUNT(*) AS n FROM webhook_subscriptions WHERE status = 'paused'`)
      .get() as { n: number };
    return { pending: pending.n, paused: paused.n };
  }
}
