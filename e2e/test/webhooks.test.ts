/**
 * Webhooks on the real network (issue 19 part 4): receivers started by the test (node http on
 * free ports) get signed deliveries they verify themselves; a receiver that is down for a while,
 * across a gateway restart and with an event committed while the gateway itself was down, gets
 * every missed delivery exactly once and in order when it comes back; a subscriber never receives
 * an event outside its role (City B's finance officer never sees City A's programs, and the other
 * way round); a replay from an event id delivers the later events again, in order.
 *
 * The suite restarts the gateway with fast retry settings (WEBHOOK_*) and restores it at the end.
 * Runs alone: cd e2e && npx jest test/webhooks.test.ts
 */
import { fundTracing } from '@govledger/fixtures';
import crypto from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';
import { actAs, closeAll } from '../src/fabric-client';
import { gatewayUrl, http as call } from '../src/gateway-client';
import { restartGateway, startNode, stopNode } from '../src/network-ops';

const run = Date.now().toString(36);
const API = '/api/v1';
const HOOKS = `${API}/admin/webhooks`;
const WEBHOOK_ENV = {
  WEBHOOK_POLL_MS: '200',
  WEBHOOK_BACKOFF_BASE_MS: '200',
  WEBHOOK_BACKOFF_CAP_MS: '1000',
  WEBHOOK_PAUSE_AFTER_FAILURES: '1000',
};
const programId = (n: string) => `WH-${n}-${run}`;

interface Delivery {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: {
    id: string;
    deliveryId: string;
    subscriptionId: string;
    chaincode: string;
    eventName: string;
    transactionId: string;
    blockNumber: string;
    payload: { programId: string; ownerMspId: string };
  };
  /** Whether the receiver verified the signature with its secret. */
  verified: boolean;
}

interface Subscription {
  subscriptionId: string;
  status: string;
  consecutiveFailures: number;
  pendingDeliveries: number;
}

/**
 * A portal backend's receiver: verifies `GovLedger-Signature` (HMAC-SHA256 of "<t>.<raw body>"
 * under the secret, timestamp within 5 minutes) as gateway/README.md tells a receiver to.
 */
class Receiver {
  readonly deliveries: Delivery[] = [];
  secret = '';
  port = 0;
  #server: http.Server | undefined;

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.deliveries.push({
          headers: req.headers,
          raw,
          body: JSON.parse(raw) as Delivery['body'],
          verified: this.verify(String(req.headers['govledger-signature'] ?? ''), raw),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/${run}`;
  }

  /** Deliveries of this run's programs, in arrival order. */
  programs(): string[] {
    return this.deliveries
      .filter((d) => d.body.payload.programId?.endsWith(`-${run}`))
      .map((d) => d.body.payload.programId);
  }

  /** Whether a `GovLedger-Signature` header signs this raw body under the receiver's secret. */
  verify(header: string, raw: string): boolean {
    const fields = new Map(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
    const t = Number(fields.get('t'));
    if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
    const expected = crypto.createHmac('sha256', this.secret).update(`${t}.${raw}`).digest();
    const given = Buffer.from(fields.get('v1') ?? '', 'hex');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }
}

async function waitForGateway(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${gatewayUrl()}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the gateway did not come back');
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 60_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const programBody = (id: string) =>
  fundTracing.industrialUpgradeProgram({ programId: id, name: `Webhooks ${id}`, now: Date.now() });

async function createProgram(user: string, id: string): Promise<void> {
  const res = await call(user, 'POST', `${API}/programs`, programBody(id));
  if (res.status !== 201) throw new Error(`create ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function subscribe(
  user: string,
  receiver: Receiver,
  events: string[] | null = ['ProgramCreated'],
): Promise<string> {
  const res = await call<{ subscription: Subscription; secret: string }>(user, 'POST', HOOKS, {
    url: receiver.url,
    chaincode: 'fund-tracing',
    ...(events ? { events } : {}),
  });
  expect(res.status).toBe(201);
  expect(res.body.secret).toMatch(/^whsec_/);
  receiver.secret = res.body.secret;
  return res.body.subscription.subscriptionId;
}

async function subscription(user: string, id: string): Promise<Subscription> {
  const res = await call<Subscription>(user, 'GET', `${HOOKS}/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('webhooks for portal backends (issue 19 part 4)', () => {
  const cityA = new Receiver();
  const cityB = new Receiver();
  const housing = new Receiver();
  const industry = new Receiver();
  let subA = '';
  let subB = '';
  const departmentSubs: [string, string][] = [];

  beforeAll(async () => {
    await restartGateway(WEBHOOK_ENV);
    await cityA.start();
    await cityB.start();
  });

  afterAll(async () => {
    for (const [user, id] of [['finance-a', subA], ['finance-b', subB], ...departmentSubs]) {
      if (id) await call(user, 'DELETE', `${HOOKS}/${id}`);
    }
    for (const r of [cityA, cityB, housing, industry]) await r.stop();
    closeAll();
    await restartGateway({});
  });

  it('staff register subscriptions (citizens and non-http URLs refused); a delivery arrives signed and verifies', async () => {
    const citizen = await call<{ code: string }>('citizen-a1', 'POST', HOOKS, {
      url: cityA.url,
      chaincode: 'fund-tracing',
    });
    expect(citizen.status).toBe(403);
    expect(citizen.body.code).toBe('WEBHOOK_STAFF_ONLY');
    const ftp = await call<{ code: string }>('finance-a', 'POST', HOOKS, {
      url: `ftp://127.0.0.1:${cityA.port}/x`,
      chaincode: 'fund-tracing',
    });
    expect(ftp.status).toBe(400);
    expect(ftp.body.code).toBe('WEBHOOK_URL_INVALID');

    subA = await subscribe('finance-a', cityA);
    subB = await subscribe('finance-b', cityB);
    // another organisation's subscription is not found
    expect((await call('finance-b', 'GET', `${HOOKS}/${subA}`)).status).toBe(404);

    await createProgram('finance-a', programId('A1'));
    await createProgram('finance-b', programId('B1'));
    await until('City A’s first delivery', () => (cityA.programs().length >= 1 ? true : undefined));
    await until('City B’s first delivery', () => (cityB.programs().length >= 1 ? true : undefined));
    const [first] = cityA.deliveries.filter((d) => d.body.payload.programId === programId('A1'));
    expect(first.verified).toBe(true);
    expect(first.body).toMatchObject({
      subscriptionId: subA,
      chaincode: 'fund-tracing',
      eventName: 'ProgramCreated',
      payload: { programId: programId('A1'), ownerMspId: 'CityAMSP' },
    });
    expect(first.body.id).toBe(`${first.body.blockNumber}:${first.body.transactionId}`);
    expect(first.headers['govledger-event-id']).toBe(first.body.id);
    expect(first.headers['govledger-delivery-id']).toBe(first.body.deliveryId);
    expect(first.headers['govledger-attempt']).toBe('1');
    // the receiver's check is a real one: a changed body or another secret does not verify
    const signature = String(first.headers['govledger-signature']);
    expect(cityA.verify(signature, first.raw.replace(programId('A1'), programId('A9')))).toBe(false);
    expect(cityB.verify(signature, first.raw)).toBe(false);
    expect(cityB.deliveries.every((d) => d.verified)).toBe(true);
  });

  it('a receiver down for a while, across a gateway restart, gets every missed delivery exactly once, in order', async () => {
    await cityA.stop();
    await createProgram('finance-a', programId('A2'));
    await createProgram('finance-a', programId('A3'));
    const failing = await until('failed attempts while the receiver is down', async () => {
      const s = await subscription('finance-a', subA);
      return s.consecutiveFailures >= 2 && s.pendingDeliveries >= 2 ? s : undefined;
    });
    expect(failing.status).toBe('active');

    // the gateway stops; a program is committed while it is down (straight to Fabric)
    stopNode('gateway');
    const session = actAs('finance-a');
    await session.submit('fund-tracing', 'CreateProgram', programBody(programId('A4')));
    startNode('gateway');
    await waitForGateway();
    await createProgram('finance-a', programId('A5'));
    await until('the outbox to hold every missed delivery', async () => {
      const s = await subscription('finance-a', subA);
      return s.pendingDeliveries >= 4 ? s : undefined;
    });

    await cityA.start(); // back, on the same port
    await until('every missed delivery', () => (cityA.programs().length >= 5 ? true : undefined));
    await until('the outbox to drain', async () => {
      const s = await subscription('finance-a', subA);
      return s.pendingDeliveries === 0 ? s : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500)); // nothing more comes
    expect(cityA.programs()).toEqual(['A1', 'A2', 'A3', 'A4', 'A5'].map(programId));
    const ids = cityA.deliveries.map((d) => d.body.id);
    expect(new Set(ids).size).toBe(ids.length);
    const blocks = cityA.deliveries.map((d) => BigInt(d.body.blockNumber));
    expect(blocks).toEqual([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(cityA.deliveries.every((d) => d.verified)).toBe(true);
    const after = await subscription('finance-a', subA);
    expect(after).toMatchObject({ status: 'active', consecutiveFailures: 0, pendingDeliveries: 0 });
    const metrics = await (await fetch(`${gatewayUrl()}/metrics`)).text();
    expect(metrics).toMatch(/gateway_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/gateway_webhook_outbox_pending 0/);
    expect(metrics).toMatch(/gateway_webhook_subscriptions_paused 0/);
  });

  it('a subscriber never receives an event outside its role', async () => {
    expect(cityB.programs()).toEqual([programId('B1')]);
    expect(cityA.programs()).not.toContain(programId('B1'));
    for (const d of cityB.deliveries) expect(d.body.payload.ownerMspId).toBe('CityBMSP');
    for (const d of cityA.deliveries) expect(d.body.payload.ownerMspId).toBe('CityAMSP');
  });

  it('replays after an event id: the later events again, in order, with new delivery ids', async () => {
    const a3 = cityA.deliveries.find((d) => d.body.payload.programId === programId('A3'));
    expect(a3).toBeDefined();
    const before = cityA.deliveries.length;
    const replay = await call<Subscription>('finance-a', 'POST', `${HOOKS}/${subA}/replay`, {
      afterEventId: a3?.body.id,
    });
    expect(replay.status).toBe(200);
    await until('the replayed deliveries', () => (cityA.deliveries.length >= before + 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    const replayed = cityA.deliveries.slice(before);
    expect(replayed.map((d) => d.body.payload.programId)).toEqual(['A4', 'A5'].map(programId));
    const originals = cityA.deliveries.slice(0, before);
    for (const d of replayed) {
      const original = originals.find((o) => o.body.id === d.body.id);
      expect(original).toBeDefined();
      expect(d.body.deliveryId).not.toBe(original?.body.deliveryId);
      expect(d.verified).toBe(true);
    }
  });

  it('department staff get their department’s events and their organisation’s organisation-wide ones, nothing else', async () => {
    for (const [user, r] of [
      ['officer-housing-a', housing],
      ['officer-industry-a', industry],
    ] as const) {
      await r.start();
      departmentSubs.push([user, await subscribe(user, r, null)]); // every fund-tracing event
    }
    await createProgram('finance-a', programId('A6'));
    const allocated = await call('finance-a', 'POST', `${API}/programs/${programId('A6')}/allocations`, {
      ...fundTracing.allocation(`WH-AL-${run}`, '1000000'),
    });
    expect(allocated.status).toBe(201);
    const names = (r: Receiver) =>
      r.deliveries.filter((d) => d.body.payload.programId === programId('A6')).map((d) => d.body.eventName);
    await until('the industry department’s two events', () =>
      names(industry).length >= 2 ? true : undefined,
    );
    await until('the housing department’s program event', () =>
      names(housing).length >= 1 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1500)); // nothing more comes
    expect(names(industry)).toEqual(['ProgramCreated', 'FundsAllocated']);
    expect(names(housing)).toEqual(['ProgramCreated']); // the allocation is the industry department's
    expect([...housing.deliveries, ...industry.deliveries].every((d) => d.verified)).toBe(true);
    expect(cityB.programs()).toEqual([programId('B1')]);
  });
});
