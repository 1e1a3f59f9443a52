import { signers } from '@hyperledger/fabric-gateway';
import crypto from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { openPostgresStorage } from '../src/storage/postgres';
import { sqliteStorage, type GatewayStorage } from '../src/storage/storage';
import { openDatabase } from '../src/writes/database';
import { HttpProblem } from '../src/http/problem';
import { IdempotencyConflict, IdempotencyKeyReused } from '../src/writes/errors';
import { reconcileAll } from '../src/writes/idempotency';
import { reconcileAsync } from '../src/writes/async-transactions';
import { FakeLedger } from './fake-ledger';
import { ALICE, makeHarness, type Harness } from './harness';
import { startPostgres, type TestPostgres } from './postgres';
import { testRoutes } from './test-routes';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(() => server?.stop());

const identity = { mspId: 'CityAMSP', label: 'alice', certificate: '', privateKey: '' };

/** Opens the stores of one backend; PostgreSQL on a fresh database per case. */
async function open(backend: 'sqlite' | 'postgres'): Promise<GatewayStorage & { done(): Promise<void> }> {
  if (backend === 'postgres') {
    const storage = await openPostgresStorage(await server.createDatabase(), { idempotencyTtlHours: 1 });
    return { ...storage, done: () => storage.close() };
  }
  const db = openDatabase(':memory:');
  const storage = sqliteStorage(db, 1);
  return {
    ...storage,
    done: async () => {
      db.close();
    },
  };
}

describe.each(['sqlite', 'postgres'] as const)('the %s stores', (backend) => {
  let s: Awaited<ReturnType<typeof open>>;
  beforeEach(async () => {
    s = await open(backend);
  });
  afterEach(() => s.done());

  it('keep an asynchronous write through its attempts to its commit', async () => {
    await s.asyncTransactions.record(
      'a'.repeat(64),
      'CityAMSP/alice',
      identity,
      'cc',
      'Tx',
      Buffer.from('{"n":1}'),
      'p1',
    );
    await s.asyncTransactions.attempt('a'.repeat(64), 'b'.repeat(64), 2, Buffer.from('{"n":2}'));
    expect((await s.asyncTransactions.pending()).map((r) => r.transactionId)).toEqual(['a'.repeat(64)]);
    expect(await s.asyncTransactions.get('b'.repeat(64))).toMatchObject({
      transactionId: 'a'.repeat(64),
      currentTransactionId: 'b'.repeat(64),
      status: 'submitted',
      attempts: 2,
      callerPid: 'p1',
    });
    expect(Buffer.from(await s.asyncTransactions.endorsedResult('a'.repeat(64))).toString()).toBe('{"n":2}');
    await s.asyncTransactions.committed('a'.repeat(64), {
      txId: 'b'.repeat(64),
      result: Buffer.from('{"n":2}'),
      blockNumber: 7n,
      attempts: 2,
    });
    // a late failure report (another replica reconciling) does not undo a commit
    await s.asyncTransactions.failed('a'.repeat(64), { code: 'LATE' });
    expect(await s.asyncTransactions.get('a'.repeat(64))).toMatchObject({
      status: 'committed',
      blockNumber: '7',
      result: { n: 2 },
    });
    expect(await s.asyncTransactions.pending()).toEqual([]);
    expect(await s.asyncTransactions.get('c'.repeat(64))).toBeUndefined();
  });

  it('keep a failed asynchronous write with its report', async () => {
    await s.asyncTransactions.record(
      'd'.repeat(64),
      'CityAMSP/alice',
      identity,
      'cc',
      'Tx',
      new Uint8Array(),
    );
    await s.asyncTransactions.failed('d'.repeat(64), { code: 'TRANSACTION_CONFLICT' });
    const rec = await s.asyncTransactions.get('d'.repeat(64));
    expect(rec).toMatchObject({ status: 'failed', problem: { code: 'TRANSACTION_CONFLICT' } });
    expect(rec?.callerPid).toBeUndefined();
  });

  it('keep the schedule: the last success, and a failure after it', async () => {
    expect(await s.schedule.get('job')).toEqual({});
    await s.schedule.record('job', 1000);
    expect(await s.schedule.get('job')).toEqual({ lastSuccessAt: 1000, lastAttemptAt: 1000 });
    await s.schedule.record('job', 2000, 'x'.repeat(600));
    expect(await s.schedule.get('job')).toEqual({
      lastSuccessAt: 1000,
      lastAttemptAt: 2000,
      lastError: 'x'.repeat(500),
    });
  });

  it('claim a due job occurrence for one owner at a time, until the outcome or the lease ends', async () => {
    const terms = { intervalMs: 1000, retryMs: 100, leaseMs: 500 };
    expect(await s.schedule.claim('job', 1000, 'r1', terms)).toBe(true);
    expect(await s.schedule.claim('job', 1001, 'r2', terms)).toBe(false); // held
    await s.schedule.record('job', 1000);
    expect(await s.schedule.get('job')).toEqual({ lastSuccessAt: 1000, lastAttemptAt: 1000 });
    expect(await s.schedule.claim('job', 1999, 'r2', terms)).toBe(false); // not due yet
    expect(await s.schedule.claim('job', 2000, 'r2', terms)).toBe(true);
    expect(await s.schedule.claim('job', 2499, 'r1', terms)).toBe(false);
    expect(await s.schedule.claim('job', 2500, 'r1', terms)).toBe(true); // r2's lease ran out
    await s.schedule.record('job', 2500, 'failed');
    expect(await s.schedule.claim('job', 2599, 'r2', terms)).toBe(false); // retry wait
    const racing = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.schedule.claim('job', 2600, `r${i}`, terms)),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
  });

  it('keep offline sessions: a cap per caller, stages moved on once, purged with their bytes', async () => {
    const row = (txId: string, caller = 'c1', at = 1000) => ({
      tx_id: txId,
      caller,
      msp_id: 'CityAMSP',
      certificate: 'cert',
      bytes: Buffer.from('proposal'),
      digest: Buffer.from('digest'),
      created_at: at,
    });
    const o = s.offlineSessions;
    expect(await o.insert(row('t1', 'c1', 1000), 2, 0)).toEqual({ stored: true });
    expect(await o.insert(row('t2', 'c1', 1100), 2, 0)).toEqual({ stored: true });
    expect(await o.insert(row('t3', 'c1', 1200), 2, 0)).toEqual({ stored: false, oldest: 1000 });
    expect(await o.insert(row('t3', 'c2', 1200), 2, 0)).toEqual({ stored: true }); // another caller
    expect(await o.insert(row('t4', 'c1', 1200), 2, 1000)).toEqual({ stored: true }); // t1 expired
    expect(await o.get('c2', 't1')).toBeUndefined(); // only its caller sees a session
    expect(await o.get('c1', 't1')).toMatchObject({
      stage: 'proposal',
      msp_id: 'CityAMSP',
      created_at: 1000,
    });
    const endorse = {
      from: 'proposal',
      to: 'transaction',
      bytes: Buffer.from('tx'),
      digest: Buffer.from('d2'),
    } as const;
    expect(await o.advance('t1', { ...endorse, result: Buffer.from('{"r":1}'), at: 1500 })).toBe(true);
    expect(await o.advance('t1', { ...endorse, result: Buffer.from('{"r":2}'), at: 1501 })).toBe(false);
    expect(
      await o.advance('t1', {
        from: 'transaction',
        to: 'commit',
        bytes: Buffer.from('c'),
        digest: Buffer.from('d3'),
        at: 1600,
      }),
    ).toBe(true);
    expect(
      await o.advance('t1', {
        from: 'commit',
        to: 'done',
        bytes: new Uint8Array(),
        blockNumber: 9n,
        at: 1700,
      }),
    ).toBe(true);
    const done = (await o.get('c1', 't1'))!;
    expect(done).toMatchObject({ stage: 'done', digest: null, block_number: '9' });
    expect(Buffer.from(done.result!).toString()).toBe('{"r":1}'); // the result is kept
    expect(done.bytes.length).toBe(0);
    // a done session no longer counts against the cap: t2, t4 open, t5 the third of 3
    expect(await o.insert(row('t5', 'c1', 1800), 3, 0)).toEqual({ stored: true });
    expect(await o.purgeCreatedBefore(1100)).toBe(2);
    expect(await o.get('c1', 't1')).toBeUndefined();
    await o.reclaim();
  });

  it('keep the blind-signature log: one blinded message per election, authority and voter', async () => {
    const log = s.signingLog;
    expect(await log.get('E1', 'CityAMSP', 'CityBMSP/p1')).toBeUndefined();
    expect(await log.reserve('E1', 'CityAMSP', 'CityBMSP/p1', 'h1', 't1')).toBe(true);
    expect(await log.reserve('E1', 'CityAMSP', 'CityBMSP/p1', 'h2', 't2')).toBe(false);
    expect(await log.get('E1', 'CityAMSP', 'CityBMSP/p1')).toEqual({
      electionId: 'E1',
      authority: 'CityAMSP',
      voter: 'CityBMSP/p1',
      blindedHash: 'h1',
      txId: 't1',
    });
    await log.signed('E1', 'CityAMSP', 'CityBMSP/p1', Buffer.from('sig'));
    const rec = await log.get('E1', 'CityAMSP', 'CityBMSP/p1');
    expect(Buffer.from(rec!.blindSig!).toString()).toBe('sig');
    // another authority, election or voter is another record
    expect(await log.reserve('E1', 'CityBMSP', 'CityBMSP/p1', 'h2', 't3')).toBe(true);
    expect(await log.reserve('E2', 'CityAMSP', 'CityBMSP/p1', 'h2', 't4')).toBe(true);
    expect(await log.reserve('E1', 'CityAMSP', 'CityAMSP/p1', 'h2', 't5')).toBe(true);
  });

  it('keep the enrolled pids: one holder per pid, a stale reservation replaced, a registered one never', async () => {
    const pids = s.pids;
    const stale = 5 * 60_000;
    await pids.reserve('CityAMSP', 'pid-1', 'x', 10_000);
    await expect(pids.reserve('CityBMSP', 'pid-1', 'y', 10_000 + stale - 1)).rejects.toThrow(HttpProblem);
    await pids.reserve('CityBMSP', 'pid-1', 'y', 10_000 + stale); // the first reservation was left
    expect(await pids.get('CityAMSP', 'pid-1')).toBeUndefined();
    await pids.markRegistered('CityBMSP', 'pid-1', 10_000 + stale + 1);
    await expect(pids.reserve('CityAMSP', 'pid-1', 'z', 99_999_999)).rejects.toThrow(HttpProblem);
    await pids.release('CityBMSP', 'pid-1');
    expect(await pids.get('CityBMSP', 'pid-1')).toEqual({
      mspId: 'CityBMSP',
      pid: 'pid-1',
      name: 'y',
      state: 'registered',
    });
    await pids.reserve('CityAMSP', 'pid-2', 'w');
    await pids.release('CityAMSP', 'pid-2');
    expect(await pids.get('CityAMSP', 'pid-2')).toBeUndefined();
  });

  it('replay an outcome, refuse another request under the key, and expire old records', async () => {
    expect(await s.idempotency.begin('c', 'k', 'h1', identity, 1000)).toEqual({ kind: 'new' });
    expect(s.idempotency.isActive('c', 'k')).toBe(true);
    await s.idempotency.complete('c', 'k', {
      kind: 'accepted',
      transactionId: 'f'.repeat(64),
      replayed: false,
    });
    expect(s.idempotency.isActive('c', 'k')).toBe(false);
    expect(await s.idempotency.begin('c', 'k', 'h1', identity, 2000)).toMatchObject({
      kind: 'replay',
      outcome: { kind: 'accepted', transactionId: 'f'.repeat(64), replayed: true },
    });
    await expect(s.idempotency.begin('c', 'k', 'h2', identity, 2000)).rejects.toThrow(IdempotencyKeyReused);
    expect(await s.idempotency.purgeExpired(1000 + 3_600_001)).toBe(1);
    expect(await s.idempotency.get('c', 'k')).toBeUndefined();
  });
});

describe('PostgreSQL shared by two replicas', () => {
  let url: string;
  let a: GatewayStorage & { instanceId: string };
  let b: GatewayStorage & { instanceId: string };
  beforeEach(async () => {
    url = await server.createDatabase();
    // both start at once: the migrations must not race
    [a, b] = await Promise.all([
      openPostgresStorage(url, { idempotencyTtlHours: 1, heartbeatMs: 100, leaseMs: 1000 }),
      openPostgresStorage(url, { idempotencyTtlHours: 1, heartbeatMs: 100, leaseMs: 1000 }),
    ]);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('gives a key to exactly one of many concurrent claims across replicas', async () => {
    const tries = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).idempotency.begin('c', 'same', 'h', identity),
    );
    const outcomes = await Promise.all(tries);
    expect(outcomes.filter((o) => o.kind === 'new')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'in-flight')).toHaveLength(39);
  });

  it('leaves a record to its live owner, and lets one replica take over when the owner is dead', async () => {
    expect((await a.idempotency.begin('c', 'k', 'h', identity)).kind).toBe('new');
    await a.idempotency.noteEndorsed('c', 'k', 'e'.repeat(64), Buffer.from('{"ok":true}'));
    const seen = await b.idempotency.begin('c', 'k', 'h', identity);
    expect(seen.kind).toBe('in-flight');
    if (seen.kind !== 'in-flight') return;
    expect(seen.record.owner).toBe(a.instanceId);
    expect(await b.idempotency.claim(seen.record)).toBe(false); // a is alive and executing it
    expect(await b.idempotency.orphans()).toEqual([]);
    // b may not settle a's record either, nor send a transaction for it
    await b.idempotency.abandon('c', 'k');
    await b.idempotency.complete('c', 'k', {
      kind: 'accepted',
      transactionId: 'f'.repeat(64),
      replayed: false,
    });
    await expect(b.idempotency.noteEndorsed('c', 'k', 'f'.repeat(64), new Uint8Array())).rejects.toThrow(
      IdempotencyConflict,
    );
    expect(await b.idempotency.get('c', 'k')).toMatchObject({ state: 'in-flight', txId: 'e'.repeat(64) });

    // a dies (kill -9: no clean leave, its heartbeat stops)
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('UPDATE gateway_instances SET heartbeat_at = 0 WHERE id = $1', [a.instanceId]);
    await admin.end();
    await a.close().catch(() => undefined);
    expect((await b.idempotency.orphans()).map((r) => r.key)).toEqual(['k']);
    const ledger = new FakeLedger();
    ledger.committed.set('e'.repeat(64), { valid: true, code: 'VALID', blockNumber: 9n });
    const counts = await reconcileAll(b.idempotency, ledger, async () => identity, 60_000);
    expect(counts).toEqual({ completed: 1, abandoned: 0, pending: 0 });
    expect(await b.idempotency.begin('c', 'k', 'h', identity)).toMatchObject({
      kind: 'replay',
      outcome: { kind: 'committed', transactionId: 'e'.repeat(64), blockNumber: 9n, result: { ok: true } },
    });
  });

  it('leaves an asynchronous write to the live replica that follows it, and settles it once that one is dead', async () => {
    const tx = '9'.repeat(64);
    await a.asyncTransactions.record(tx, 'CityAMSP/alice', identity, 'cc', 'Tx', Buffer.from('{"v":1}'));
    expect(await b.asyncTransactions.pending()).toEqual([]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('UPDATE gateway_instances SET heartbeat_at = 0 WHERE id = $1', [a.instanceId]);
    await admin.end();
    await a.close().catch(() => undefined);
    const ledger = new FakeLedger();
    ledger.committed.set(tx, { valid: true, code: 'VALID', blockNumber: 5n });
    const settled = await reconcileAsync(
      b.asyncTransactions,
      ledger,
      async () => identity,
      60_000,
      (err) => ({
        code: (err as Error).name,
      }),
    );
    expect(settled).toBe(1);
    expect(await b.asyncTransactions.get(tx)).toMatchObject({
      status: 'committed',
      blockNumber: '5',
      result: { v: 1 },
    });
  });

  it('give one blind signature per voter and authority: a retry on the other replica finds it', async () => {
    const reserved = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).signingLog.reserve('E1', 'CityAMSP', 'CityBMSP/p1', `h${i}`, `t${i}`),
      ),
    );
    expect(reserved.filter(Boolean)).toHaveLength(1);
    const winner = reserved.indexOf(true);
    await (winner % 2 ? a : b).signingLog.signed('E1', 'CityAMSP', 'CityBMSP/p1', Buffer.from('sig'));
    const seen = await (winner % 2 ? b : a).signingLog.get('E1', 'CityAMSP', 'CityBMSP/p1');
    expect(seen).toMatchObject({ blindedHash: `h${winner}`, txId: `t${winner}` });
    expect(Buffer.from(seen!.blindSig!).toString()).toBe('sig');
  });

  it('run a scheduled job occurrence on one replica only', async () => {
    const terms = { intervalMs: 60_000, retryMs: 1000, leaseMs: 30_000 };
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).schedule.claim('sweep', 5000, `r${i}`, terms)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('reserve a pid for one organisation only, however many replicas try at once', async () => {
    const tries = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).pids.reserve(i % 3 ? 'CityAMSP' : 'CityBMSP', 'pid-9', `n${i}`),
      ),
    );
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
  });

  it('lets only one of two replicas claim an orphan', async () => {
    expect((await a.idempotency.begin('c', 'k', 'h', identity)).kind).toBe('new');
    a.idempotency.release('c', 'k'); // outcome unknown: left in flight, executed by nobody
    const record = (await a.idempotency.get('c', 'k'))!;
    // a's own released record is an orphan to a; b sees a alive and leaves it
    expect(await b.idempotency.claim(record)).toBe(false);
    const claims = await Promise.all([a.idempotency.claim(record), a.idempotency.claim(record)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});

describe('two gateway replicas on one PostgreSQL database', () => {
  let one: Harness;
  let two: Harness;
  afterEach(async () => {
    await one?.close();
    await two?.close();
  });

  /** Two gateways on one fresh database, sharing one fake ledger. */
  const replicas = async (ledger: FakeLedger) => {
    const url = await server.createDatabase();
    const fs = await import('node:fs');
    const replica = async () =>
      makeHarness(
        { extraRoutes: testRoutes, storage: await openPostgresStorage(url, { idempotencyTtlHours: 24 }) },
        { dir: fs.mkdtempSync('/tmp/gw-replica-'), ledger },
      );
    one = await replica();
    two = await replica();
  };

  it('finish an offline-signing session on the replica that did not start it', async () => {
    const ledger = new FakeLedger();
    ledger.on('data-sharing', 'GrantConsent', () => ({ consentId: 'C1', state: 'active' }));
    await replicas(ledger);
    const alice = await one.bearer({ sub: 'alice', roles: [] });
    const sign = async (digest: string) =>
      Buffer.from(
        await signers.newPrivateKeySigner(crypto.createPrivateKey(ALICE.privateKey))(
          Buffer.from(digest, 'base64'),
        ),
      ).toString('base64');
    const prep = await request(one.gateway.app)
      .post('/api/v1/offline/transactions')
      .set('Authorization', alice)
      .send({ chaincode: 'data-sharing', transaction: 'GrantConsent', request: { consentId: 'C1' } })
      .expect(201);
    const url = `/api/v1/offline/transactions/${prep.body.transactionId}`;
    let view = prep.body;
    // each stage on the other replica than the one before
    for (const [h, stage, next] of [
      [two, 'proposal', 'transaction'],
      [one, 'transaction', 'commit'],
      [two, 'commit', 'done'],
    ] as const) {
      const seen = await request(h.gateway.app).get(url).set('Authorization', alice).expect(200);
      expect(seen.body).toMatchObject({ stage, digest: view.digest });
      view = (
        await request(h.gateway.app)
          .post(`${url}/signatures`)
          .set('Authorization', alice)
          .send({ stage, signature: await sign(view.digest) })
          .expect(200)
      ).body;
      expect(view.stage).toBe(next);
      // the stage already signed is refused on either replica: it moved on once
      const again = await request((h === one ? two : one).gateway.app)
        .post(`${url}/signatures`)
        .set('Authorization', alice)
        .send({ stage, signature: await sign(seen.body.digest) })
        .expect(409);
      expect(again.body.code).toBe('OFFLINE_STAGE_MISMATCH');
    }
    expect(view).toMatchObject({ status: 'committed', result: { consentId: 'C1', state: 'active' } });
    const final = await request(one.gateway.app).get(url).set('Authorization', alice).expect(200);
    expect(final.body).toMatchObject({ stage: 'done', blockNumber: view.blockNumber });
  });

  it('cap the open offline sessions of a caller across replicas', async () => {
    await replicas(new FakeLedger());
    const alice = await one.bearer({ sub: 'alice', roles: [] });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        request((i % 2 ? one : two).gateway.app)
          .post('/api/v1/offline/transactions')
          .set('Authorization', alice)
          .send({ chaincode: 'data-sharing', transaction: 'GrantConsent', request: { consentId: `C${i}` } }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(5);
  });

  it('run a write once when the same Idempotency-Key reaches both at once', async () => {
    const url = await server.createDatabase();
    const ledger = new FakeLedger();
    ledger.on('e-licence', 'CreateThing', (req) => ({ created: req }));
    ledger.commitDelayMs = 200;
    const replica = async () =>
      makeHarness(
        { extraRoutes: testRoutes, storage: await openPostgresStorage(url, { idempotencyTtlHours: 24 }) },
        { dir: (await import('node:fs')).mkdtempSync('/tmp/gw-replica-'), ledger },
      );
    one = await replica();
    two = await replica();
    const issuer = await one.bearer({ sub: 'alice', roles: ['issuer'] });
    const send = (h: Harness) =>
      request(h.gateway.app)
        .post('/api/v1/test/things/T1')
        .set('Authorization', issuer)
        .set('Idempotency-Key', 'both-replicas')
        .send({ name: 'n', count: 1 });
    const answers = await Promise.all([send(one), send(two)]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(ledger.calls).toHaveLength(1);
    const first = answers.find((r) => r.status === 201)!;
    // once done, either replica replays the original transaction
    for (const h of [one, two]) {
      const again = await send(h).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.transactionId).toBe(first.body.transactionId);
    }
    expect(ledger.calls).toHaveLength(1);
  });
});
