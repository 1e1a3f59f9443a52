/**
 * Webhooks (issue 19 part 4): signatures, the backoff schedule, the durable store (checkpoint and
 * enqueue together, head-of-line claims with leases, pause, resume, replay), and the service on a
 * fake ledger through the admin API: scoped deliveries, strict order with retries, pause after
 * repeated failures, and nothing lost or repeated across a restart on the same database.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import request from 'supertest';
import { ConfigError, loadWebhookSettings } from '../src/config';
import { openDatabase } from '../src/writes/database';
import { backoffMs, signatureHeader, signatureOf, verifySignature } from '../src/webhooks/signature';
import { deliveryIdOf, passesFilters } from '../src/webhooks/service';
import { SqliteWebhookStore, type SubscriptionRecord, type WebhookStore } from '../src/webhooks/store';
import { openPostgresStorage } from '../src/storage/postgres';
import { startPostgres, type TestPostgres } from './postgres';
import { FakeLedger } from './fake-ledger';
import { makeHarness, type Harness } from './harness';

describe('signature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"42:abc","payload":{"x":1}}';

  it('is HMAC-SHA256 over "<t>.<body>" under the secret, as a receiver recomputes it', () => {
    const t = 1_780_000_000;
    const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureOf(secret, t, body)).toBe(expected);
    expect(signatureHeader(secret, t, body)).toBe(`t=${t},v1=${expected}`);
    expect(verifySignature(secret, `t=${t},v1=${expected}`, body, t + 10)).toBe(true);
  });

  it('refuses a changed body, another secret, an old timestamp or a malformed header', () => {
    const t = 1_780_000_000;
    const header = signatureHeader(secret, t, body);
    expect(verifySignature(secret, header, body.replace('1', '2'), t)).toBe(false);
    expect(verifySignature('whsec_other', header, body, t)).toBe(false);
    expect(verifySignature(secret, header, body, t + 301)).toBe(false);
    expect(verifySignature(secret, `t=${t + 1},${header.split(',')[1]}`, body, t)).toBe(false);
    expect(verifySignature(secret, 'v1=abc', body, t)).toBe(false);
    expect(verifySignature(secret, undefined, body, t)).toBe(false);
  });
});

describe('backoff schedule', () => {
  it('doubles from the base, caps, and jitters within [half, whole]', () => {
    const low = (n: number) => backoffMs(n, 1000, 30_000, () => 0);
    const high = (n: number) => backoffMs(n, 1000, 30_000, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7].map(low)).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    expect([1, 2, 3, 4, 5, 6, 7].map(high)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffMs(1000, 1000, 30_000, () => 0.5)).toBe(22500);
  });
});

describe('WEBHOOK_* settings', () => {
  it('has defaults, reads each variable, and names the one at fault', () => {
    expect(loadWebhookSettings({})).toEqual({
      pollMs: 1000,
      backoffBaseMs: 2000,
      backoffCapMs: 600_000,
      pauseAfterFailures: 12,
      timeoutMs: 10_000,
      maxPerCaller: 20,
    });
    expect(
      loadWebhookSettings({
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_BACKOFF_CAP_MS: '400',
        WEBHOOK_PAUSE_AFTER_FAILURES: '3',
      }),
    ).toMatchObject({ backoffBaseMs: 100, backoffCapMs: 400, pauseAfterFailures: 3 });
    const fault = (env: Record<string, string>) => {
      try {
        loadWebhookSettings(env);
      } catch (err) {
        return err instanceof ConfigError ? err.variable : 'other';
      }
      return undefined;
    };
    expect(fault({ WEBHOOK_TIMEOUT_MS: 'soon' })).toBe('WEBHOOK_TIMEOUT_MS');
    expect(fault({ WEBHOOK_PAUSE_AFTER_FAILURES: '0' })).toBe('WEBHOOK_PAUSE_AFTER_FAILURES');
    expect(fault({ WEBHOOK_BACKOFF_BASE_MS: '5000', WEBHOOK_BACKOFF_CAP_MS: '1000' })).toBe(
      'WEBHOOK_BACKOFF_CAP_MS',
    );
  });
});

describe('filters and delivery ids', () => {
  it('a filter narrows on top-level payload values, compared as strings', () => {
    expect(passesFilters({ programId: 'P1', fiscalYear: 2026 }, {})).toBe(true);
    expect(
      passesFilters({ programId: 'P1', fiscalYear: 2026 }, { programId: 'P1', fiscalYear: '2026' }),
    ).toBe(true);
    expect(passesFilters({ programId: 'P2' }, { programId: 'P1' })).toBe(false);
    expect(passesFilters({ nested: { programId: 'P1' } }, { programId: 'P1' })).toBe(false);
  });

  it('a delivery id is stable for (subscription, generation, event) and differs per replay generation', () => {
    expect(deliveryIdOf('wh_1', 0, '4:tx')).toBe(deliveryIdOf('wh_1', 0, '4:tx'));
    expect(deliveryIdOf('wh_1', 1, '4:tx')).not.toBe(deliveryIdOf('wh_1', 0, '4:tx'));
    expect(deliveryIdOf('wh_1', 0, '4:tx')).toMatch(/^dlv_[0-9a-f]{32}$/);
  });
});

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);
afterAll(() => postgres?.stop());

describe.each(['sqlite', 'postgres'] as const)('the %s webhook store', (backend) => {
  let store: WebhookStore;
  let close: () => Promise<void>;
  const sub = (id: string, owner = 'o'): SubscriptionRecord => ({
    id,
    owner,
    ownerCaller: { subject: 'alice', org: 'CityAMSP', roles: ['officer'] },
    url: 'http://127.0.0.1:1/hook',
    chaincode: 'fund-tracing',
    filters: {},
    secret: 's',
    status: 'active',
    consecutiveFailures: 0,
    checkpoint: { blockNumber: 5n },
    generation: 0,
    createdAt: 1,
    updatedAt: 1,
  });
  const entry = (n: number) => ({
    deliveryId: `d${n}`,
    eventId: `${n}:tx${n}`,
    eventName: 'ProgramCreated',
    blockNumber: BigInt(n),
    txId: `tx${n}`,
    body: `{"n":${n}}`,
  });
  beforeEach(async () => {
    if (backend === 'postgres') {
      const storage = await openPostgresStorage(await postgres.createDatabase(), { idempotencyTtlHours: 1 });
      store = storage.webhooks;
      close = () => storage.close();
    } else {
      const db = openDatabase(':memory:');
      store = new SqliteWebhookStore(db);
      close = async () => {
        db.close();
      };
    }
    await store.createSubscription(sub('a'));
  });
  afterEach(() => close());

  it('lets one of many concurrent workers claim the head, and none the entry behind it', async () => {
    for (const n of [6, 7])
      await store.advance('a', 0, { blockNumber: BigInt(n), txId: `tx${n}` }, entry(n), 100);
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.claimHead('a', `w${i}`, 100, 1000)),
    );
    const won = claims.filter((c) => c !== undefined);
    expect(won.map((c) => c.eventId)).toEqual(['6:tx6']);
  });

  it('enqueues and moves the checkpoint together, once per event, only in the current generation', async () => {
    expect(await store.advance('a', 0, { blockNumber: 6n, txId: 'tx6' }, entry(6), 100)).toBe(true);
    expect(await store.advance('a', 0, { blockNumber: 6n, txId: 'tx6' }, entry(6), 100)).toBe(true);
    expect(await store.advance('a', 0, { blockNumber: 7n, txId: 'tx7' }, undefined, 100)).toBe(true);
    expect(await store.pendingCount('a')).toBe(1);
    expect((await store.getSubscription('a'))?.checkpoint).toEqual({ blockNumber: 7n, txId: 'tx7' });
    expect(await store.advance('a', 3, { blockNumber: 8n, txId: 'tx8' }, entry(8), 100)).toBe(false);
    expect(await store.pendingCount('a')).toBe(1);
    expect((await store.getSubscription('a'))?.checkpoint.blockNumber).toBe(7n);
  });

  it('claims only the head, in order, and only once per lease', async () => {
    for (const n of [6, 7, 8])
      await store.advance('a', 0, { blockNumber: BigInt(n), txId: `tx${n}` }, entry(n), 100);
    const head = await store.claimHead('a', 'w1', 100, 1000);
    expect(head?.eventId).toBe('6:tx6');
    expect(await store.claimHead('a', 'w2', 200, 1000)).toBeUndefined(); // leased to w1
    expect(await store.claimHead('a', 'w1', 200, 1000)).toBeUndefined(); // one attempt at a time
    await store.markDelivered(head!.seq, 'w1', 200, 300);
    expect((await store.claimHead('a', 'w2', 300, 1000))?.eventId).toBe('7:tx7');
    // w2 crashed: its lease expires and w1 takes the same head over
    expect((await store.claimHead('a', 'w1', 1301, 1000))?.eventId).toBe('7:tx7');
  });

  it('waits for the next attempt time, counts failures, pauses at the threshold and resumes', async () => {
    await store.advance('a', 0, { blockNumber: 6n, txId: 'tx6' }, entry(6), 100);
    let head = await store.claimHead('a', 'w', 100, 1000);
    expect(
      await store.markFailed(
        head!.seq,
        'w',
        { error: 'HTTP 500', status: 500, nextAttemptAt: 500, pauseAfter: 2 },
        100,
      ),
    ).toEqual({
      paused: false,
    });
    expect(await store.claimHead('a', 'w', 499, 1000)).toBeUndefined();
    head = await store.claimHead('a', 'w', 500, 1000);
    expect(head?.attempts).toBe(1);
    expect(
      await store.markFailed(head!.seq, 'w', { error: 'timeout', nextAttemptAt: 900, pauseAfter: 2 }, 500),
    ).toEqual({
      paused: true,
    });
    const paused = await store.getSubscription('a');
    expect(paused).toMatchObject({ status: 'paused', consecutiveFailures: 2 });
    expect(paused?.pausedReason).toMatch(/2 consecutive failed deliveries; last: timeout/);
    expect(await store.claimHead('a', 'w', 10_000, 1000)).toBeUndefined();
    expect(await store.totals()).toEqual({ pending: 1, paused: 1 });
    await store.resume('a', 600);
    expect(await store.getSubscription('a')).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    expect((await store.claimHead('a', 'w', 600, 1000))?.eventId).toBe('6:tx6');
  });

  it('a replay supersedes the pending entries, bumps the generation and rewinds the checkpoint', async () => {
    for (const n of [6, 7])
      await store.advance('a', 0, { blockNumber: BigInt(n), txId: `tx${n}` }, entry(n), 100);
    expect(await store.replay('a', { blockNumber: 3n }, 200)).toBe(1);
    expect(await store.pendingCount('a')).toBe(0);
    expect((await store.getSubscription('a'))?.checkpoint).toEqual({ blockNumber: 3n });
    expect(await store.advance('a', 0, { blockNumber: 8n, txId: 'tx8' }, entry(8), 100)).toBe(false);
    expect(
      await store.advance('a', 1, { blockNumber: 6n, txId: 'tx6' }, { ...entry(6), deliveryId: 'r6' }, 300),
    ).toBe(true);
    expect((await store.recentEntries('a', 10)).map((e) => [e.eventId, e.state, e.generation])).toEqual([
      ['6:tx6', 'pending', 1],
      ['7:tx7', 'superseded', 0],
      ['6:tx6', 'superseded', 0],
    ]);
  });

  it('lists by owner and deletes a subscription with its outbox', async () => {
    await store.createSubscription({ ...sub('b', 'other'), createdAt: 2 });
    await store.advance('a', 0, { blockNumber: 6n, txId: 'tx6' }, entry(6), 100);
    expect((await store.listSubscriptions('o')).map((s) => s.id)).toEqual(['a']);
    expect((await store.listSubscriptions()).map((s) => s.id)).toEqual(['a', 'b']);
    expect(await store.deleteSubscription('a')).toBe(true);
    expect(await store.deleteSubscription('a')).toBe(false);
    expect(await store.totals()).toEqual({ pending: 0, paused: 0 });
  });
});

// ------------------------------------------------------------------ the service on a fake ledger

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A programmable receiver standing in for fetch: answers `status()` (or throws when down). */
function receiver() {
  const received: Received[] = [];
  const state = { down: false, status: 200 };
  const fetchFn = (async (_url: string | URL | Request, init?: RequestInit) => {
    const headers = init?.headers as Record<string, string>;
    const body = String(init?.body);
    if (state.down) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    received.push({ headers, body });
    return new Response(null, { status: state.status });
  }) as typeof fetch;
  return { received, state, fetchFn };
}

const payload = (v: unknown) => Buffer.from(JSON.stringify(v));
const program = (programId: string, ownerMspId = 'CityAMSP') => ({
  chaincode: 'fund-tracing',
  eventName: 'ProgramCreated',
  payload: payload({ programId, ownerMspId, totalBudget: '100', fiscalYear: 2026 }),
});
const OFFICER = { sub: 'alice', org: 'CityAMSP', roles: ['officer'], dept: 'finance' };
const bodyOf = (r: Received) =>
  JSON.parse(r.body) as { id: string; payload: { programId: string }; deliveryId: string };

describe('webhook service through the admin API', () => {
  let h: Harness;
  let rx: ReturnType<typeof receiver>;
  const settings = {
    pollMs: 20,
    backoffBaseMs: 10,
    backoffCapMs: 40,
    pauseAfterFailures: 50,
    timeoutMs: 1000,
  };

  async function build(reuse?: { dir: string; ledger: FakeLedger }, extra: Partial<typeof settings> = {}) {
    rx = rx ?? receiver();
    return makeHarness({ webhooks: { ...settings, ...extra, fetch: rx.fetchFn } }, reuse);
  }

  beforeEach(async () => {
    rx = receiver();
    h = await build();
    h.ledger.readinessReport = {
      ready: true,
      checks: [{ name: 'height:CityAMSP', ok: true, detail: String(h.ledger.block + 1n) }],
    };
  });
  afterEach(async () => {
    await h.gateway.webhooks.stop();
    h.close();
  });

  async function subscribe(body: Record<string, unknown> = {}, who: Record<string, unknown> = OFFICER) {
    const res = await request(h.gateway.app)
      .post('/api/v1/admin/webhooks')
      .set('Authorization', await h.bearer(who as { sub: string }))
      .send({ url: 'https://portal.example/hooks', chaincode: 'fund-tracing', ...body });
    return res;
  }

  async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000) {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('delivers a signed event the owner may read, shows the secret once, and never an event outside its scope', async () => {
    const created = await subscribe();
    expect(created.status).toBe(201);
    const { subscription, secret } = created.body as {
      subscription: { subscriptionId: string };
      secret: string;
    };
    expect(secret).toMatch(/^whsec_/);
    expect(created.headers.location).toBe(`/api/v1/admin/webhooks/${subscription.subscriptionId}`);
    const stored = h.db.prepare('SELECT secret FROM webhook_subscriptions').get() as { secret: string };
    expect(stored.secret).not.toContain(secret.slice(6)); // sealed at rest
    h.gateway.webhooks.start();
    h.ledger.emit(program('P-B', 'CityBMSP')); // another organisation's: out of scope
    const mine = h.ledger.emit(program('P-A'));
    await until('one delivery', () => rx.received.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.received).toHaveLength(1);
    const [got] = rx.received;
    expect(verifySignature(secret, got.headers['GovLedger-Signature'], got.body)).toBe(true);
    expect(bodyOf(got)).toMatchObject({
      id: `${mine.blockNumber}:${mine.txId}`,
      subscriptionId: subscription.subscriptionId,
      chaincode: 'fund-tracing',
      eventName: 'ProgramCreated',
      transactionId: mine.txId,
      blockNumber: String(mine.blockNumber),
      payload: { programId: 'P-A' },
    });
    expect(got.headers['GovLedger-Event-Id']).toBe(`${mine.blockNumber}:${mine.txId}`);
    expect(got.headers['GovLedger-Delivery-Id']).toBe(bodyOf(got).deliveryId);
    // the secret is never shown again
    const view = await request(h.gateway.app)
      .get(`/api/v1/admin/webhooks/${subscription.subscriptionId}`)
      .set('Authorization', await h.bearer(OFFICER));
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(secret);
    expect(view.body).toMatchObject({ status: 'active', pendingDeliveries: 0, consecutiveFailures: 0 });
    // a rotated secret signs the next delivery, the old one no longer verifies
    const rotated = await request(h.gateway.app)
      .post(`/api/v1/admin/webhooks/${subscription.subscriptionId}/secret`)
      .set('Authorization', await h.bearer(OFFICER));
    expect(rotated.status).toBe(200);
    h.ledger.emit(program('P-A2'));
    await until('the second delivery', () => rx.received.length >= 2);
    expect(
      verifySignature(
        rotated.body.secret,
        rx.received[1].headers['GovLedger-Signature'],
        rx.received[1].body,
      ),
    ).toBe(true);
    expect(verifySignature(secret, rx.received[1].headers['GovLedger-Signature'], rx.received[1].body)).toBe(
      false,
    );
  });

  it('keeps strict order: the next delivery waits for the 2xx of the previous, each delivered once', async () => {
    await subscribe();
    h.gateway.webhooks.start();
    rx.state.status = 503;
    for (const p of ['P1', 'P2', 'P3']) h.ledger.emit(program(p));
    await until('three failed attempts', () => rx.received.length >= 3);
    // only the head was tried while it failed
    expect(new Set(rx.received.map((r) => bodyOf(r).payload.programId))).toEqual(new Set(['P1']));
    expect(rx.received.map((r) => r.headers['GovLedger-Attempt']).slice(0, 3)).toEqual(['1', '2', '3']);
    rx.state.status = 204;
    const failed = rx.received.length;
    await until('all three delivered', () => rx.received.length >= failed + 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.received.slice(failed).map((r) => bodyOf(r).payload.programId)).toEqual(['P1', 'P2', 'P3']);
    const metrics = await h.gateway.metrics.registry.getSingleMetricAsString(
      'gateway_webhook_deliveries_total',
    );
    expect(metrics).toMatch(/outcome="delivered"} 3/);
    expect(metrics).toMatch(new RegExp(`outcome="failed"} ${failed}`));
  });

  it('pauses after repeated failures (visible in the API and metrics), keeps filling the outbox, and resumes', async () => {
    await h.gateway.webhooks.stop();
    h.close();
    h = await build(undefined, { pauseAfterFailures: 3 });
    h.ledger.readinessReport = { ready: true, checks: [{ name: 'height:CityAMSP', ok: true, detail: '11' }] };
    const id = (await subscribe()).body.subscription.subscriptionId as string;
    h.gateway.webhooks.start();
    rx.state.down = true;
    h.ledger.emit(program('P1'));
    const get = async () =>
      (
        await request(h.gateway.app)
          .get(`/api/v1/admin/webhooks/${id}`)
          .set('Authorization', await h.bearer(OFFICER))
      ).body as {
        status: string;
        consecutiveFailures: number;
        pendingDeliveries: number;
        pausedReason: string;
      };
    await until('the pause', async () => (await get()).status === 'paused');
    h.ledger.emit(program('P2'));
    await until('P2 in the outbox', async () => (await get()).pendingDeliveries === 2);
    const paused = await get();
    expect(paused.consecutiveFailures).toBe(3);
    expect(paused.pausedReason).toMatch(/ECONNREFUSED/);
    await h.gateway.webhooks.tick();
    expect(
      await h.gateway.metrics.registry.getSingleMetricAsString('gateway_webhook_subscriptions_paused'),
    ).toMatch(/paused 1/);
    expect(
      await h.gateway.metrics.registry.getSingleMetricAsString('gateway_webhook_outbox_pending'),
    ).toMatch(/pending 2/);
    rx.state.down = false;
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.received).toHaveLength(0); // paused: nothing is sent
    const resumed = await request(h.gateway.app)
      .post(`/api/v1/admin/webhooks/${id}/resume`)
      .set('Authorization', await h.bearer(OFFICER));
    expect(resumed.body).toMatchObject({ status: 'active', consecutiveFailures: 0, pausedReason: null });
    await until('both delivered', () => rx.received.length >= 2);
    expect(rx.received.map((r) => bodyOf(r).payload.programId)).toEqual(['P1', 'P2']);
  });

  it('delivers every event exactly once across a restart, including those committed while it was down', async () => {
    await subscribe();
    h.gateway.webhooks.start();
    rx.state.down = true;
    h.ledger.emit(program('P1'));
    h.ledger.emit(program('P2'));
    await until('P2 enqueued', () => {
      const row = h.db.prepare('SELECT COUNT(*) AS n FROM webhook_outbox').get() as { n: number };
      return row.n === 2;
    });
    await h.gateway.webhooks.stop();
    h.close();
    h.ledger.emit(program('P3')); // committed while the gateway is down
    h = await build({ dir: h.dir, ledger: h.ledger });
    h.gateway.webhooks.start();
    h.ledger.emit(program('P4'));
    await new Promise((r) => setTimeout(r, 100));
    rx.state.down = false;
    await until('four deliveries', () => rx.received.length >= 4);
    await new Promise((r) => setTimeout(r, 150));
    expect(rx.received.map((r) => bodyOf(r).payload.programId)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(new Set(rx.received.map((r) => bodyOf(r).deliveryId)).size).toBe(4);
  });

  it('replays from a block or after an event id: the same events again, in order, with new delivery ids', async () => {
    const id = (await subscribe()).body.subscription.subscriptionId as string;
    h.gateway.webhooks.start();
    const e1 = h.ledger.emit(program('P1'));
    h.ledger.emit(program('P2'));
    await until('two deliveries', () => rx.received.length >= 2);
    const replay = await request(h.gateway.app)
      .post(`/api/v1/admin/webhooks/${id}/replay`)
      .set('Authorization', await h.bearer(OFFICER))
      .send({ fromBlock: String(e1.blockNumber) });
    expect(replay.status).toBe(200);
    await until('the replay', () => rx.received.length >= 4);
    await request(h.gateway.app)
      .post(`/api/v1/admin/webhooks/${id}/replay`)
      .set('Authorization', await h.bearer(OFFICER))
      .send({ afterEventId: `${e1.blockNumber}:${e1.txId}` })
      .expect(200);
    await until('the second replay', () => rx.received.length >= 5);
    await new Promise((r) => setTimeout(r, 100));
    const seen = rx.received.map(bodyOf);
    expect(seen.map((b) => b.payload.programId)).toEqual(['P1', 'P2', 'P1', 'P2', 'P2']);
    expect(seen[2].id).toBe(seen[0].id);
    expect(seen[2].deliveryId).not.toBe(seen[0].deliveryId);
    const deliveries = await request(h.gateway.app)
      .get(`/api/v1/admin/webhooks/${id}/deliveries`)
      .set('Authorization', await h.bearer(OFFICER));
    expect(deliveries.body.deliveries).toHaveLength(5);
    expect(deliveries.body.deliveries[0]).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
  });

  it('filters by event name and payload value', async () => {
    await subscribe({ events: ['ProgramCreated'], filters: { programId: 'P2' } });
    h.gateway.webhooks.start();
    h.ledger.emit(program('P1'));
    h.ledger.emit(program('P2'));
    h.ledger.emit({ ...program('P2'), eventName: 'ProgramClosed' });
    await until('one delivery', () => rx.received.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(rx.received.map((r) => bodyOf(r).payload.programId)).toEqual(['P2']);
  });

  it('refuses a non-http(s) URL, an unknown event name, a citizen, and anyone else’s subscription', async () => {
    for (const url of [
      'ftp://portal.example/x',
      'file:///etc/passwd',
      'not a url',
      'https://u:p@portal.example/',
    ]) {
      const res = await subscribe({ url });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('WEBHOOK_URL_INVALID');
    }
    expect((await subscribe({ events: ['LicenceIssued'] })).status).toBe(400);
    const citizen = await subscribe(
      {},
      { sub: 'alice', org: 'CityAMSP', roles: ['citizen'], pid: 'a1'.repeat(16) },
    );
    expect(citizen.status).toBe(403);
    expect(citizen.body.code).toBe('WEBHOOK_STAFF_ONLY');
    const id = (await subscribe()).body.subscription.subscriptionId as string;
    const bob = { sub: 'bob', org: 'CityBMSP', roles: ['officer'] };
    for (const [method, url] of [
      ['get', `/api/v1/admin/webhooks/${id}`],
      ['delete', `/api/v1/admin/webhooks/${id}`],
      ['post', `/api/v1/admin/webhooks/${id}/resume`],
      ['post', `/api/v1/admin/webhooks/${id}/secret`],
    ] as const) {
      const res = await request(h.gateway.app)
        [method](url)
        .set('Authorization', await h.bearer(bob));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('WEBHOOK_NOT_FOUND');
    }
    const list = await request(h.gateway.app)
      .get('/api/v1/admin/webhooks')
      .set('Authorization', await h.bearer(bob));
    expect(list.body.subscriptions).toEqual([]);
    const del = await request(h.gateway.app)
      .delete(`/api/v1/admin/webhooks/${id}`)
      .set('Authorization', await h.bearer(OFFICER));
    expect(del.status).toBe(200);
    const mine = await request(h.gateway.app)
      .get('/api/v1/admin/webhooks')
      .set('Authorization', await h.bearer(OFFICER));
    expect(mine.body.subscriptions).toEqual([]);
  });

  it('the database file keeps subscriptions across reopening', async () => {
    await subscribe();
    const db = openDatabase(path.join(h.dir, 'gateway.db'));
    try {
      expect(await new SqliteWebhookStore(db).listSubscriptions()).toHaveLength(1);
    } finally {
      db.close();
    }
  });
});
