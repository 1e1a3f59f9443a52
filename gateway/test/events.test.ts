import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatEvent, parseEventId } from '../src/events';
import { LedgerError } from '../src/fabric/ledger';
import { makeHarness, type Harness } from './harness';

let h: Harness;
let server: http.Server;
let base: string;
let auth: string;

beforeEach(async () => {
  h = await makeHarness();
  auth = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: ['auditor'] });
  server = http.createServer(h.gateway.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await h.gateway.drain();
  await new Promise<void>((r) => server.close(() => r()));
  h.close();
});

interface Sse {
  status: number;
  messages: { id?: string; event?: string; data?: unknown }[];
  close(): void;
  waitFor(n: number): Promise<void>;
  body: string;
  ended: boolean;
}

function open(path: string, headers: Record<string, string> = {}): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { Authorization: auth, ...headers } }, (res) => {
      const sse: Sse = {
        status: res.statusCode ?? 0,
        messages: [],
        body: '',
        ended: false,
        close: () => req.destroy(),
        waitFor: (n) =>
          new Promise<void>((done, fail) => {
            const t = setTimeout(() => fail(new Error(`only ${sse.messages.length} messages`)), 3000);
            const check = () => {
              if (sse.messages.length >= n) {
                clearTimeout(t);
                done();
              } else setTimeout(check, 10);
            };
            check();
          }),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        sse.body += chunk;
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const msg: Sse['messages'][number] = {};
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) msg.id = line.slice(4);
            else if (line.startsWith('event: ')) msg.event = line.slice(7);
            else if (line.startsWith('data: ')) msg.data = JSON.parse(line.slice(6));
          }
          if (msg.data !== undefined) sse.messages.push(msg);
        }
      });
      res.on('end', () => (sse.ended = true));
      resolve(sse);
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
  });
}

const payload = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('server-sent chaincode events', () => {
  it('streams new events of one chaincode, filtered by name, with checkpoint ids', async () => {
    const sse = await open('/api/v1/events?chaincode=fund-tracing&events=AlertRaised,SpendRecorded');
    expect(sse.status).toBe(200);
    h.ledger.emit({
      chaincode: 'fund-tracing',
      eventName: 'AlertRaised',
      payload: payload({ alertId: 'A1' }),
    });
    h.ledger.emit({ chaincode: 'fund-tracing', eventName: 'ProgramCreated', payload: payload({}) });
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'AlertRaised', payload: payload({}) });
    const e = h.ledger.emit({
      chaincode: 'fund-tracing',
      eventName: 'SpendRecorded',
      payload: payload({ spendId: 'S1' }),
    });
    await sse.waitFor(2);
    sse.close();
    expect(sse.messages.map((m) => m.event)).toEqual(['AlertRaised', 'SpendRecorded']);
    expect(sse.messages[1]).toEqual({
      id: `${e.blockNumber}:${e.txId}`,
      event: 'SpendRecorded',
      data: {
        chaincode: 'fund-tracing',
        eventName: 'SpendRecorded',
        transactionId: e.txId,
        blockNumber: String(e.blockNumber),
        payload: { spendId: 'S1' },
      },
    });
  });

  it('resumes after Last-Event-ID without repeating or losing events', async () => {
    const first = await open('/api/v1/events?chaincode=e-licence');
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceIssued', payload: payload({ n: 1 }) });
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceIssued', payload: payload({ n: 2 }) });
    await first.waitFor(2);
    first.close();
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceRevoked', payload: payload({ n: 3 }) }); // while disconnected
    const resumed = await open('/api/v1/events?chaincode=e-licence', {
      'Last-Event-ID': first.messages[1].id ?? '',
    });
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceIssued', payload: payload({ n: 4 }) });
    await resumed.waitFor(2);
    resumed.close();
    expect(resumed.messages.map((m) => (m.data as { payload: { n: number } }).payload.n)).toEqual([3, 4]);
  });

  it('replays from startBlock on a first connection', async () => {
    h.ledger.emit({
      chaincode: 'e-voting',
      eventName: 'BallotCast',
      payload: payload({ n: 1 }),
      blockNumber: 3n,
    });
    h.ledger.emit({
      chaincode: 'e-voting',
      eventName: 'BallotCast',
      payload: payload({ n: 2 }),
      blockNumber: 5n,
    });
    const sse = await open('/api/v1/events?chaincode=e-voting&startBlock=4');
    await sse.waitFor(1);
    sse.close();
    expect((sse.messages[0].data as { payload: { n: number } }).payload.n).toBe(2);
  });

  it('reconnects to the peer from the checkpoint when the stream breaks', async () => {
    const sse = await open('/api/v1/events?chaincode=data-sharing');
    h.ledger.emit({ chaincode: 'data-sharing', eventName: 'AccessGranted', payload: payload({ n: 1 }) });
    await sse.waitFor(1);
    h.ledger.eventsFailure = new LedgerError('evaluate', 'unavailable', 'peer restarted');
    h.ledger.emit({ chaincode: 'data-sharing', eventName: 'AccessGranted', payload: payload({ n: 2 }) });
    await new Promise((r) => setTimeout(r, 100));
    h.ledger.eventsFailure = undefined;
    h.ledger.emit({ chaincode: 'data-sharing', eventName: 'AccessGranted', payload: payload({ n: 3 }) });
    await sse.waitFor(3);
    sse.close();
    expect(sse.messages.map((m) => (m.data as { payload: { n: number } }).payload.n)).toEqual([1, 2, 3]);
  });

  it('refuses bad filters and ids before streaming', async () => {
    const bad = await open('/api/v1/events?chaincode=nope');
    expect(bad.status).toBe(400);
    const badId = await open('/api/v1/events?chaincode=e-licence', { 'Last-Event-ID': 'garbage' });
    expect(badId.status).toBe(400);
    h.ledger.eventsFailure = new LedgerError('evaluate', 'unavailable', 'down');
    const down = await open('/api/v1/events?chaincode=e-licence');
    expect(down.status).toBe(503);
  });

  it('ends open streams on drain', async () => {
    const sse = await open('/api/v1/events?chaincode=e-licence');
    await new Promise((r) => setTimeout(r, 50));
    await h.gateway.drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(sse.body).toContain(': connected');
    expect(sse.ended).toBe(true);
  });

  it('parses and formats ids', () => {
    expect(parseEventId(`12:${'a'.repeat(64)}`)).toEqual({ blockNumber: 12n, txId: 'a'.repeat(64) });
    expect(parseEventId('12')).toBeUndefined();
    expect(
      formatEvent(
        {
          chaincode: 'x',
          eventName: 'bad name\n',
          txId: 't',
          blockNumber: 1n,
          payload: Buffer.from('plain'),
        },
        'x',
      ),
    ).toContain('event: message\n');
  });
});
