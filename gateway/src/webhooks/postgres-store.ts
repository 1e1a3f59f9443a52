/**
 * {@link WebhookStore} in PostgreSQL, shared by gateway replicas (tables created by the
 * PostgreSQL migrations in ../storage/postgres.ts). Same invariants as the SQLite store
 * (store.ts): a checkpoint moves and its outbox entry is inserted in one transaction, only while
 * the generation is unchanged (two replicas reading the same subscription enqueue an event once:
 * `UNIQUE (subscription_id, generation, event_id)`); only a subscription's head can be claimed,
 * as a lease, by one worker at a time. The head is locked `FOR UPDATE` (not `SKIP LOCKED`, which
 * would hand the next entry to the other replica and break the order), and the claim's conditions
 * are checked again on the locked row.
 */
import type pg from 'pg';
import {
  outboxFromRow,
  subscriptionFromRow,
  type FailedAttempt,
  type NewOutboxEntry,
  type OutboxEntry,
  type OutboxRow,
  type SubscriptionRecord,
  type SubscriptionRow,
  type SubscriptionStatus,
  type WebhookStore,
} from './store';

/** The webhook tables (one PostgreSQL migration). */
export const WEBHOOK_TABLES_POSTGRES = `CREATE TABLE webhook_subscriptions (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     owner_caller TEXT NOT NULL,
     url TEXT NOT NULL,
     chaincode TEXT NOT NULL,
     events TEXT,
     filters TEXT NOT NULL,
     secret TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
     paused_reason TEXT,
     consecutive_failures INTEGER NOT NULL DEFAULT 0,
     checkpoint_block TEXT NOT NULL,
     checkpoint_tx TEXT,
     generation INTEGER NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL
   );
   CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner, created_at);
   CREATE TABLE webhook_outbox (
     seq BIGSERIAL PRIMARY KEY,
     delivery_id TEXT NOT NULL UNIQUE,
     subscription_id TEXT NOT NULL,
     generation INTEGER NOT NULL,
     event_id TEXT NOT NULL,
     event_name TEXT NOT NULL,
     block_number TEXT NOT NULL,
     tx_id TEXT NOT NULL,
     body TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'superseded')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at BIGINT NOT NULL,
     last_status INTEGER,
     last_error TEXT,
     claimed_by TEXT,
     claim_expires_at BIGINT,
     created_at BIGINT NOT NULL,
     delivered_at BIGINT,
     UNIQUE (subscription_id, generation, event_id)
   );
   CREATE INDEX webhook_outbox_head ON webhook_outbox (subscription_id, state, seq);
   CREATE INDEX webhook_outbox_state ON webhook_outbox (state);`;

/** {@link WebhookStore} on a PostgreSQL pool (see the module comment). */
export class PostgresWebhookStore implements WebhookStore {
  readonly #pool: pg.Pool;

  /** Uses a pool whose database has the webhook tables. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Runs `work` in one transaction. */
  async #tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async createSubscription(r: SubscriptionRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO webhook_subscriptions (id, owner, owner_caller, url, chaincode, events, filters, secret, status,
         paused_reason, consecutive_failures, checkpoint_block, checkpoint_tx, generation, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
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
      ],
    );
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    const { rows } = await this.#pool.query<SubscriptionRow>(
      'SELECT * FROM webhook_subscriptions WHERE id = $1',
      [id],
    );
    return rows[0] ? subscriptionFromRow(rows[0]) : undefined;
  }

  async listSubscriptions(owner?: string): Promise<SubscriptionRecord[]> {
    const { rows } =
      owner === undefined
        ? await this.#pool.query<SubscriptionRow>(
            'SELECT * FROM webhook_subscriptions ORDER BY created_at, id',
          )
        : await this.#pool.query<SubscriptionRow>(
            'SELECT * FROM webhook_subscriptions WHERE owner = $1 ORDER BY created_at, id',
            [owner],
          );
    return rows.map(subscriptionFromRow);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.#tx(async (c) => {
      await c.query('DELETE FROM webhook_outbox WHERE subscription_id = $1', [id]);
      const deleted = await c.query('DELETE FROM webhook_subscriptions WHERE id = $1', [id]);
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  async setSecret(id: string, secret: string, now: number): Promise<void> {
    await this.#pool.query('UPDATE webhook_subscriptions SET secret = $1, updated_at = $2 WHERE id = $3', [
      secret,
      now,
      id,
    ]);
  }

  async advance(
    id: string,
    generation: number,
    checkpoint: { blockNumber: bigint; txId: string },
    entry: NewOutboxEntry | undefined,
    now: number,
  ): Promise<boolean> {
    return this.#tx(async (c) => {
      const moved = await c.query(
        `UPDATE webhook_subscriptions SET checkpoint_block = $1, checkpoint_tx = $2
         WHERE id = $3 AND generation = $4`,
        [checkpoint.blockNumber.toString(), checkpoint.txId, id, generation],
      );
      if ((moved.rowCount ?? 0) === 0) return false;
      if (entry) {
        await c.query(
          `INSERT INTO webhook_outbox (delivery_id, subscription_id, generation, event_id, event_name, block_number,
             tx_id, body, state, attempts, next_attempt_at, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9)
           ON CONFLICT (subscription_id, generation, event_id) DO NOTHING`,
          [
            entry.deliveryId,
            id,
            generation,
            entry.eventId,
            entry.eventName,
            entry.blockNumber.toString(),
            entry.txId,
            entry.body,
            now,
          ],
        );
      }
      return true;
    });
  }

  async replay(id: string, checkpoint: { blockNumber: bigint; txId?: string }, now: number): Promise<number> {
    return this.#tx(async (c) => {
      const { rows } = await c.query<{ generation: number }>(
        `UPDATE webhook_subscriptions SET checkpoint_block = $1, checkpoint_tx = $2, generation = generation + 1,
           updated_at = $3 WHERE id = $4 RETURNING generation`,
        [checkpoint.blockNumber.toString(), checkpoint.txId ?? null, now, id],
      );
      await c.query(
        `UPDATE webhook_outbox SET state = 'superseded', claimed_by = NULL, claim_expires_at = NULL
         WHERE subscription_id = $1 AND state = 'pending'`,
        [id],
      );
      return rows[0]?.generation ?? 0;
    });
  }

  async claimHead(
    id: string,
    worker: string,
    now: number,
    leaseMs: number,
  ): Promise<OutboxEntry | undefined> {
    return this.#tx(async (c) => {
      const head = await c.query<OutboxRow>(
        `SELECT o.* FROM webhook_outbox o JOIN webhook_subscriptions s ON s.id = o.subscription_id
         WHERE o.subscription_id = $1 AND o.state = 'pending' AND s.status = 'active'
         ORDER BY o.seq LIMIT 1 FOR UPDATE OF o`,
        [id],
      );
      const row = head.rows[0];
      if (!row || row.next_attempt_at > now) return undefined;
      if (row.claimed_by !== null && (row.claim_expires_at ?? 0) > now) return undefined;
      await c.query('UPDATE webhook_outbox SET claimed_by = $1, claim_expires_at = $2 WHERE seq = $3', [
        worker,
        now + leaseMs,
        row.seq,
      ]);
      return outboxFromRow({ ...row, claimed_by: worker, claim_expires_at: now + leaseMs });
    });
  }

  async markDelivered(seq: number, worker: string, status: number, now: number): Promise<void> {
    await this.#tx(async (c) => {
      const { rows } = await c.query<{ subscription_id: string }>(
        `UPDATE webhook_outbox SET state = 'delivered', attempts = attempts + 1, last_status = $1, last_error = NULL,
           delivered_at = $2, claimed_by = NULL, claim_expires_at = NULL
         WHERE seq = $3 AND claimed_by = $4 AND state = 'pending' RETURNING subscription_id`,
        [status, now, seq, worker],
      );
      if (rows[0]) {
        await c.query('UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = $1', [
          rows[0].subscription_id,
        ]);
      }
    });
  }

  async markFailed(
    seq: number,
    worker: string,
    failure: FailedAttempt,
    now: number,
  ): Promise<{ paused: boolean }> {
    return this.#tx(async (c) => {
      const { rows } = await c.query<{ subscription_id: string }>(
        `UPDATE webhook_outbox SET attempts = attempts + 1, last_status = $1, last_error = $2, next_attempt_at = $3,
           claimed_by = NULL, claim_expires_at = NULL
         WHERE seq = $4 AND claimed_by = $5 AND state = 'pending' RETURNING subscription_id`,
        [failure.status ?? null, failure.error.slice(0, 500), failure.nextAttemptAt, seq, worker],
      );
      const outboxRow = rows[0];
      if (!outboxRow) return { paused: false };
      const sub = await c.query<{ consecutive_failures: number; status: SubscriptionStatus }>(
        `UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1
         WHERE id = $1 RETURNING consecutive_failures, status`,
        [outboxRow.subscription_id],
      );
      const counted = sub.rows[0];
      if (!counted || counted.status === 'paused' || counted.consecutive_failures < failure.pauseAfter) {
        return { paused: false };
      }
      await c.query(
        `UPDATE webhook_subscriptions SET status = 'paused', paused_reason = $1, updated_at = $2 WHERE id = $3`,
        [
          `${counted.consecutive_failures} consecutive failed deliveries; last: ${failure.error}`.slice(
            0,
            500,
          ),
          now,
          outboxRow.subscription_id,
        ],
      );
      return { paused: true };
    });
  }

  async resume(id: string, now: number): Promise<void> {
    await this.#tx(async (c) => {
      await c.query(
        `UPDATE webhook_subscriptions SET status = 'active', paused_reason = NULL, consecutive_failures = 0,
           updated_at = $1 WHERE id = $2`,
        [now, id],
      );
      await c.query(
        `UPDATE webhook_outbox SET next_attempt_at = $1, claimed_by = NULL, claim_expires_at = NULL
         WHERE subscription_id = $2 AND state = 'pending'`,
        [now, id],
      );
    });
  }

  async pendingCount(id: string): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM webhook_outbox WHERE subscription_id = $1 AND state = 'pending'`,
      [id],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async recentEntries(id: string, limit: number): Promise<OutboxEntry[]> {
    const { rows } = await this.#pool.query<OutboxRow>(
      'SELECT * FROM webhook_outbox WHERE subscription_id = $1 ORDER BY seq DESC LIMIT $2',
      [id, limit],
    );
    return rows.map(outboxFromRow);
  }

  async totals(): Promise<{ pending: number; paused: number }> {
    const { rows } = await this.#pool.query<{ pending: number; paused: number }>(
      `SELECT (SELECT COUNT(*) FROM webhook_outbox WHERE state = 'pending') AS pending,
              (SELECT COUNT(*) FROM webhook_subscriptions WHERE status = 'paused') AS paused`,
    );
    return { pending: Number(rows[0]?.pending ?? 0), paused: Number(rows[0]?.paused ?? 0) };
  }
}
