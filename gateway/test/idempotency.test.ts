import request from 'supertest';
import { IdempotencyStore, reconcileAll, requestHash } from '../src/writes/idempotency';
import { LedgerError } from '../src/fabric/ledger';
import { openDatabase } from '../src/writes/database';
import { openPostgresStorage } from '../src/storage/postgres';
import { sqliteStorage, type GatewayStorage } from '../src/storage/storage';
import type { FakeLedger } from './fake-ledger';
import { makeHarness, type Harness } from './harness';
import { startPostgres, type TestPostgres } from './postgres';
import { testRoutes } from './test-routes';

// Every case runs against both backends: the embedded SQLite file and PostgreSQL (a server
// started for this file from Debian's postgresql, a fresh database per case).
let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

describe.each(['sqlite', 'postgres'] as const)('with %s', (backend) => {
  let h: Harness;
  let issuer: string;
  /** The case's PostgreSQL database. */
  let url = '';

  /** A gateway on this backend (`reuse`: a restart on the same directory, database and ledger). */
  const harness = async (reuse?: { dir: string; ledger?: FakeLedger }) => {
    const storage =
      backend === 'postgres' ? await openPostgresStorage(url, { idempotencyTtlHours: 24 }) : undefined;
    return makeHarness({ extraRoutes: testRoutes, ...(storage ? { storage } : {}) }, reuse);
  };

  /** The stores as another process would open them (the SQLite file `db`, or the case's database). */
  const otherProcess = async (db: Harness['db']): Promise<GatewayStorage> =>
    backend === 'postgres' ? openPostgresStorage(url, { idempotencyTtlHours: 24 }) : sqliteStorage(db, 24);

  beforeEach(async () => {
    if (backend === 'postgres') url = await server.createDatabase();
    h = await harness();
    issuer = await h.bearer({ sub: 'alice', roles: ['issuer'] });
    h.ledger.on('e-licence', 'CreateThing', (req) => ({ created: req }));
  });
  afterEach(() => h.close());

  const create = (
    app: Harness['gateway']['app'],
    auth: string,
    key?: string,
    body: object = { name: 'n', count: 1 },
  ) => {
    const r = request(app).post('/api/v1/test/things/T1').set('Authorization', auth);
    if (key) r.set('Idempotency-Key', key);
    return r.send(body);
  };

  describe('Idempotency-Key', () => {
    it('returns the first outcome to a retry instead of writing again', async () => {
      const first = await create(h.gateway.app, issuer, 'k-1').expect(201);
      const again = await create(h.gateway.app, issuer, 'k-1').expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(h.ledger.calls).toHaveLength(1);
    });

    it('names the transaction of a replayed answer in X-Transaction-Id, as the first answer did', async () => {
      const first = await create(h.gateway.app, issuer, 'k-tx').expect(201);
      const again = await create(h.gateway.app, issuer, 'k-tx').expect(201);
      expect(first.headers['x-transaction-id']).toBe(first.body.transactionId);
      expect(again.headers['x-transaction-id']).toBe(first.body.transactionId);
    });

    it('refuses the same key for a different request (422) and scopes keys per caller', async () => {
      await create(h.gateway.app, issuer, 'k-2').expect(201);
      const res = await create(h.gateway.app, issuer, 'k-2', { name: 'other', count: 1 }).expect(422);
      expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const other = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: ['issuer'] });
      await create(h.gateway.app, other, 'k-2').expect(201);
      expect(h.ledger.calls).toHaveLength(2);
    });

    it('answers 409 while the first request is still running', async () => {
      h.ledger.commitDelayMs = 300;
      const first = create(h.gateway.app, issuer, 'k-3');
      const firstDone = first.then((r) => r);
      await new Promise((r) => setTimeout(r, 100));
      const busy = await create(h.gateway.app, issuer, 'k-3').expect(409);
      expect(busy.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      expect(busy.headers['retry-after']).toBe('1');
      expect((await firstDone).status).toBe(201);
      expect(h.ledger.calls).toHaveLength(1);
    });

    it('forgets a key whose write certainly failed, so a retry writes', async () => {
      h.ledger.submitFailure = new LedgerError('endorse', 'unavailable', 'down');
      await create(h.gateway.app, issuer, 'k-4').expect(503);
      h.ledger.submitFailure = undefined;
      await create(h.gateway.app, issuer, 'k-4').expect(201);
      expect(h.ledger.calls).toHaveLength(2);
    });

    it('lets a retry run at once after a submit that no orderer took, but not after one that may have been ordered', async () => {
      h.ledger.submitFailure = new LedgerError('submit', 'unavailable', 'no Raft leader', {
        notOrdered: true,
      });
      const refused = await create(h.gateway.app, issuer, 'k-6').expect(503);
      expect(refused.body).toMatchObject({ code: 'LEDGER_UNAVAILABLE', stage: 'submit', retrySafe: true });
      h.ledger.submitFailure = undefined;
      await create(h.gateway.app, issuer, 'k-6').expect(201);

      h.ledger.submitFailure = new LedgerError('submit', 'deadline', 'broadcast timed out');
      const unknown = await create(h.gateway.app, issuer, 'k-7').expect(504);
      expect(unknown.body).toMatchObject({ retrySafe: false });
      h.ledger.submitFailure = undefined;
      await create(h.gateway.app, issuer, 'k-7').expect(409); // settled by reconciling, not by writing twice
    });

    it('refuses a malformed key', async () => {
      const res = await create(h.gateway.app, issuer, 'bad key with spaces').expect(400);
      expect(res.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    });

    it('keeps the outcome across a gateway restart', async () => {
      const first = await create(h.gateway.app, issuer, 'k-5').expect(201);
      await h.close();
      const restarted = await harness({ dir: h.dir, ledger: h.ledger });
      const again = await create(restarted.gateway.app, issuer, 'k-5').expect(201);
      expect(again.body.transactionId).toBe(first.body.transactionId);
      expect(h.ledger.calls).toHaveLength(1);
      await restarted.close();
    });

    it('settles a write left in flight by a crashed process when the ledger committed it', async () => {
      // the first process endorsed and submitted, then died before the commit was known
      const identity = (await h.wallet.get('CityAMSP', 'alice'))!;
      const first = await otherProcess(h.db);
      const store = first.idempotency;
      const body = { name: 'n', count: 1 };
      const hash = requestHash('POST', '/api/v1/test/things/T1', { query: {}, body });
      expect((await store.begin('CityAMSP/alice', 'k-6', hash, identity)).kind).toBe('new');
      const submitted = await h.ledger.submit(identity, {
        chaincode: 'e-licence',
        transaction: 'CreateThing',
        args: ['{"thingId":"T1"}'],
      });
      await store.noteEndorsed('CityAMSP/alice', 'k-6', submitted.txId, submitted.result);
      await submitted.commit;
      await first.close();
      await h.close();
      const restarted = await harness({ dir: h.dir, ledger: h.ledger });
      const counts = await restarted.gateway.reconcile();
      expect(counts.idempotency).toEqual({ completed: 1, abandoned: 0, pending: 0 });
      const again = await create(restarted.gateway.app, issuer, 'k-6', body).expect(201);
      expect(again.body.transactionId).toBe(submitted.txId);
      expect(again.body.result).toEqual({ created: { thingId: 'T1' } });
      expect(h.ledger.calls).toHaveLength(1);
      await restarted.close();
    });

    it('abandons in-flight records that never reached the ledger, and keeps young unknown ones', async () => {
      const db = openDatabase(':memory:');
      if (backend === 'postgres') url = await server.createDatabase();
      const opened = await otherProcess(db);
      const store = opened.idempotency;
      const identity = (await h.wallet.get('CityAMSP', 'alice'))!;
      await store.begin('c', 'no-tx', 'h', identity);
      await store.begin('c', 'young', 'h', identity);
      await store.noteEndorsed('c', 'young', 'f'.repeat(64), new Uint8Array());
      await store.begin('c', 'invalid', 'h', identity);
      const bad = 'e'.repeat(64);
      h.ledger.committed.set(bad, { valid: false, code: 'MVCC_READ_CONFLICT', blockNumber: 3n });
      await store.noteEndorsed('c', 'invalid', bad, new Uint8Array());
      for (const k of ['no-tx', 'young', 'invalid']) store.release('c', k);
      const counts = await reconcileAll(store, h.ledger, (m, l) => h.wallet.get(m, l), 60_000);
      expect(counts).toEqual({ completed: 0, abandoned: 2, pending: 1 });
      expect((await store.get('c', 'young'))?.state).toBe('in-flight');
      expect(await store.get('c', 'invalid')).toBeUndefined();
      const later = await reconcileAll(store, h.ledger, (m, l) => h.wallet.get(m, l), -1);
      expect(later.abandoned).toBe(1);
      await opened.close();
      db.close();
    });

    it('hashes requests canonically', () => {
      expect(requestHash('post', '/a', { b: 1, a: [1, { y: 2, x: 1 }] })).toBe(
        requestHash('POST', '/a', { a: [1, { x: 1, y: 2 }], b: 1 }),
      );
      expect(requestHash('POST', '/a', { a: 1 })).not.toBe(requestHash('POST', '/b', { a: 1 }));
    });
  });

  describe('Prefer: respond-async', () => {
    it('answers 202 with a status URL that reports the commit', async () => {
      h.ledger.commitDelayMs = 50;
      const res = await request(h.gateway.app)
        .post('/api/v1/test/things/T1')
        .set('Authorization', issuer)
        .set('Prefer', 'respond-async')
        .send({ name: 'n', count: 1 })
        .expect(202);
      expect(res.headers['preference-applied']).toBe('respond-async');
      expect(res.body).toEqual({
        transactionId: expect.stringMatching(/^[0-9a-f]{64}$/),
        status: 'submitted',
        statusUrl: `/api/v1/transactions/${res.body.transactionId}`,
      });
      expect(res.headers.location).toBe(res.body.statusUrl);
      const pending = await request(h.gateway.app)
        .get(res.body.statusUrl)
        .set('Authorization', issuer)
        .expect(200);
      expect(pending.body.status).toBe('submitted');
      await h.gateway.drain();
      const done = await request(h.gateway.app)
        .get(res.body.statusUrl)
        .set('Authorization', issuer)
        .expect(200);
      expect(done.body).toMatchObject({
        status: 'committed',
        attempts: 1,
        blockNumber: '11',
        result: { created: { thingId: 'T1', name: 'n', count: 1 } },
      });
    });

    it('reports a failed asynchronous commit as a problem', async () => {
      h.ledger.commitFailure = new LedgerError('commit', 'invalid', 'conflict', {
        validationCode: 'MVCC_READ_CONFLICT',
      });
      const res = await request(h.gateway.app)
        .post('/api/v1/test/things/T1')
        .set('Authorization', issuer)
        .set('Prefer', 'respond-async')
        .send({ name: 'n', count: 1 })
        .expect(202);
      await h.gateway.drain();
      const done = await request(h.gateway.app)
        .get(res.body.statusUrl)
        .set('Authorization', issuer)
        .expect(200);
      expect(done.body.status).toBe('failed');
      expect(done.body.problem).toMatchObject({ status: 409, code: 'TRANSACTION_CONFLICT' });
    });

    it('looks up other transactions on the ledger, and 404s unknown ones', async () => {
      const written = await create(h.gateway.app, issuer).expect(201);
      const bob = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: [] });
      const seen = await request(h.gateway.app)
        .get(`/api/v1/transactions/${written.body.transactionId}`)
        .set('Authorization', bob)
        .expect(200);
      expect(seen.body).toEqual({
        transactionId: written.body.transactionId,
        status: 'committed',
        blockNumber: written.body.blockNumber,
      });
      const missing = await request(h.gateway.app)
        .get(`/api/v1/transactions/${'0'.repeat(64)}`)
        .set('Authorization', bob)
        .expect(404);
      expect(missing.body.code).toBe('TRANSACTION_NOT_FOUND');
      await request(h.gateway.app)
        .get('/api/v1/transactions/not-a-txid')
        .set('Authorization', bob)
        .expect(400);
    });

    it('settles asynchronous writes left submitted by a previous process', async () => {
      h.ledger.commitDelayMs = -1; // never settles in this process
      const res = await request(h.gateway.app)
        .post('/api/v1/test/things/T1')
        .set('Authorization', issuer)
        .set('Prefer', 'respond-async')
        .send({ name: 'n', count: 1 })
        .expect(202);
      h.ledger.committed.set(res.body.transactionId, { valid: true, code: 'VALID', blockNumber: 42n });
      await h.close();
      const restarted = await harness({ dir: h.dir, ledger: h.ledger });
      expect((await restarted.gateway.reconcile()).async).toBe(1);
      const done = await request(restarted.gateway.app)
        .get(res.body.statusUrl)
        .set('Authorization', issuer)
        .expect(200);
      expect(done.body).toMatchObject({
        status: 'committed',
        blockNumber: '42',
        result: { created: { thingId: 'T1', name: 'n', count: 1 } },
      });
      await restarted.close();
    });
  });
});

describe('SQLite idempotency store: expiry between full purges', () => {
  it('executes again under a key whose record expired since the last full purge', async () => {
    const store = new IdempotencyStore(openDatabase(':memory:'), 1); // 1 hour to live
    const identity = { mspId: 'CityAMSP', label: 'alice', certificate: 'cert' };
    const hour = 3_600_000;
    const t0 = 1_000_000_000_000;
    expect(await store.begin('c', 'k', 'h', identity, t0)).toEqual({ kind: 'new' });
    await store.complete('c', 'k', { kind: 'accepted', transactionId: 'a'.repeat(64), replayed: false });
    expect((await store.begin('c', 'k', 'h', identity, t0 + 1000)).kind).toBe('replay');
    // a full purge just before the record expires, then the key again just after: no full purge
    // runs (one a minute at most), and the expired record must not be replayed
    await store.purgeExpired(t0 + hour - 1000);
    expect(await store.begin('c', 'k', 'h', identity, t0 + hour + 1000)).toEqual({ kind: 'new' });
  });
});
