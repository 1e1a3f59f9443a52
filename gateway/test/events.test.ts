import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatEvent, parseEventId, receives, scopedEvent } from '../src/events';
import { events } from '@govledger/wire';
import type { Caller } from '../src/caller';
import { LedgerError } from '../src/fabric/ledger';
import { makeHarness, type Harness } from './harness';

/** A certificate with gov.role citizen and gov.pid c1… (test/fixtures). */
const CITIZEN_A = {
  certificate: fs.readFileSync(path.join(__dirname, 'fixtures', 'citizen-a.cert.pem'), 'utf8'),
  privateKey: fs.readFileSync(path.join(__dirname, 'fixtures', 'citizen-a.key.pem'), 'utf8'),
};

let h: Harness;
let server: http.Server;
let base: string;
let auth: string;

beforeEach(async () => {
  h = await makeHarness({ maxStreamsPerCaller: 10 });
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

function open(path: string, headers: Record<string, string> = {}, as = auth): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers: { Authorization: as, ...headers } }, (res) => {
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

const PID_A1 = 'a1'.repeat(16);
const PID_A2 = 'a2'.repeat(16);
const PID_B1 = 'b1'.repeat(16);
const T0 = '2026-01-01T00:00:00.000Z';

/** Valid payloads (the wire catalogue's schemas), in CityBMSP's scope unless told otherwise. */
const P = {
  programClosed: (ownerMspId = 'CityBMSP') => ({ programId: 'P1', ownerMspId, reason: 'done' }),
  spend: (spendId: string, recipientPid = PID_B1) => ({
    programId: 'P1',
    allocationId: 'A1',
    disbursementId: 'D1',
    mspId: 'CityBMSP',
    dept: 'industry',
    recipientMspId: 'CityBMSP',
    recipientPid,
    spendId,
    amount: '100',
    category: 'equipment',
    alerts: [],
  }),
  licence: (version: number, status = 'active', holderPid = PID_B1) => ({
    facts: ['LicenceIssued'],
    licenceId: 'L1',
    typeCode: 'FOOD',
    holder: { mspId: 'CityBMSP', pid: holderPid },
    issuerMsp: 'CityBMSP',
    issuerDept: 'market',
    status,
    version,
    validFrom: T0,
    validUntil: null,
    ...(status === 'active' ? { applicationId: null } : { reasonCode: 'FRAUD' }),
  }),
  ballot: (version: number, organiser = 'CityBMSP') => ({
    electionId: 'E1',
    organiser,
    mode: 'open',
    receipt: 'r',
    version,
  }),
  category: (version: number) => ({
    code: 'INCOME',
    holder: { mspId: 'CityBMSP', dept: 'housing' },
    version,
    status: 'active',
  }),
  consent: (citizen: { mspId: string; pid: string }, grantee = { mspId: 'CityAMSP', dept: 'social' }) => ({
    consentId: `c-${citizen.pid.slice(0, 4)}`,
    citizen,
    grantee,
    holder: { mspId: 'CityBMSP', dept: 'housing' },
    categoryCode: 'INCOME',
    purpose: 'SOCIAL_ASSISTANCE',
    hash: 'f'.repeat(64),
    state: 'active',
    time: T0,
  }),
};

describe('server-sent chaincode events', () => {
  it('streams new events of one chaincode, filtered by name, with checkpoint ids', async () => {
    const sse = await open('/api/v1/events?chaincode=fund-tracing&events=ProgramClosed,SpendRecorded');
    expect(sse.status).toBe(200);
    h.ledger.emit({
      chaincode: 'fund-tracing',
      eventName: 'ProgramClosed',
      payload: payload(P.programClosed()),
    });
    h.ledger.emit({
      chaincode: 'fund-tracing',
      eventName: 'ProgramCreated',
      payload: payload({ programId: 'P1', ownerMspId: 'CityBMSP', totalBudget: '100', fiscalYear: 2026 }),
    });
    h.ledger.emit({
      chaincode: 'e-licence',
      eventName: 'ProgramClosed',
      payload: payload(P.programClosed()),
    });
    const e = h.ledger.emit({
      chaincode: 'fund-tracing',
      eventName: 'SpendRecorded',
      payload: payload(P.spend('S1')),
    });
    await sse.waitFor(2);
    sse.close();
    expect(sse.messages.map((m) => m.event)).toEqual(['ProgramClosed', 'SpendRecorded']);
    expect(sse.messages[1]).toEqual({
      id: `${e.blockNumber}:${e.txId}`,
      event: 'SpendRecorded',
      data: {
        chaincode: 'fund-tracing',
        eventName: 'SpendRecorded',
        transactionId: e.txId,
        blockNumber: String(e.blockNumber),
        payload: P.spend('S1'),
      },
    });
  });

  it('resumes after Last-Event-ID without repeating or losing events', async () => {
    const first = await open('/api/v1/events?chaincode=e-licence');
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceIssued', payload: payload(P.licence(1)) });
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceIssued', payload: payload(P.licence(2)) });
    await first.waitFor(2);
    first.close();
    h.ledger.emit({
      chaincode: 'e-licence',
      eventName: 'LicenceRevoked',
      payload: payload(P.licence(3, 'revoked')),
    }); // while disconnected
    const resumed = await open('/api/v1/events?chaincode=e-licence', {
      'Last-Event-ID': first.messages[1].id ?? '',
    });
    h.ledger.emit({ chaincode: 'e-licence', eventName: 'LicenceIssued', payload: payload(P.licence(4)) });
    await resumed.waitFor(2);
    resumed.close();
    expect(resumed.messages.map((m) => (m.data as { payload: { version: number } }).payload.version)).toEqual(
      [3, 4],
    );
  });

  it('replays from startBlock on a first connection', async () => {
    h.ledger.emit({
      chaincode: 'e-voting',
      eventName: 'BallotCast',
      payload: payload(P.ballot(1)),
      blockNumber: 3n,
    });
    h.ledger.emit({
      chaincode: 'e-voting',
      eventName: 'BallotCast',
      payload: payload(P.ballot(2)),
      blockNumber: 5n,
    });
    const sse = await open('/api/v1/events?chaincode=e-voting&startBlock=4');
    await sse.waitFor(1);
    sse.close();
    expect((sse.messages[0].data as { payload: { version: number } }).payload.version).toBe(2);
  });

  it('reconnects to the peer from the checkpoint when the stream breaks', async () => {
    const sse = await open('/api/v1/events?chaincode=data-sharing');
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'CategoryUpdated',
      payload: payload(P.category(1)),
    });
    await sse.waitFor(1);
    h.ledger.eventsFailure = new LedgerError('evaluate', 'unavailable', 'peer restarted');
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'CategoryUpdated',
      payload: payload(P.category(2)),
    });
    await new Promise((r) => setTimeout(r, 100));
    h.ledger.eventsFailure = undefined;
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'CategoryUpdated',
      payload: payload(P.category(3)),
    });
    await sse.waitFor(3);
    sse.close();
    expect(sse.messages.map((m) => (m.data as { payload: { version: number } }).payload.version)).toEqual([
      1, 2, 3,
    ]);
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

describe('event scope: each subscriber receives only what its role may read', () => {
  const A1 = { mspId: 'CityAMSP', pid: PID_A1 };
  const A2 = { mspId: 'CityAMSP', pid: PID_A2 };
  const B1 = { mspId: 'CityBMSP', pid: PID_B1 };
  const consentOf = (c: typeof A1) => ({
    chaincode: 'data-sharing',
    eventName: 'ConsentGranted',
    payload: payload(P.consent(c)),
  });

  async function replayAs(
    claims: Record<string, unknown> & { sub: string },
    n: number,
    chaincode = 'data-sharing',
  ) {
    const as = await h.bearer(claims);
    const sse = await open(`/api/v1/events?chaincode=${chaincode}&startBlock=0`, {}, as);
    expect(sse.status).toBe(200);
    if (n > 0) await sse.waitFor(n);
    await new Promise((r) => setTimeout(r, 150)); // nothing more arrives
    sse.close();
    return sse.messages.map((m) => m.data as { eventName: string; payload: Record<string, unknown> });
  }

  it('a citizen replaying from block 0 sees only events naming them (home MSP and pid), never another pid', async () => {
    h.ledger.emit(consentOf(A1));
    h.ledger.emit(consentOf(A2));
    h.ledger.emit(consentOf(B1));
    h.ledger.emit(consentOf({ mspId: 'CityBMSP', pid: PID_A1 })); // same pid, another organisation
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'CategoryUpdated',
      payload: payload(P.category(1)),
    });
    const seen = await replayAs({ sub: 'alice', org: 'CityAMSP', roles: ['citizen'], pid: PID_A1 }, 1);
    expect(seen).toHaveLength(1);
    expect(seen[0].payload.citizen).toEqual(A1);
    const text = JSON.stringify(seen);
    for (const other of [PID_A2, PID_B1]) expect(text).not.toContain(other);
  });

  it('a department officer sees its own department and organisation-wide events of its organisation', async () => {
    h.ledger.emit(consentOf(A1)); // grantee CityAMSP/social, holder CityBMSP/housing
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'ConsentGranted',
      payload: payload(P.consent(A2, { mspId: 'CityAMSP', dept: 'housing' })),
    });
    const social = await replayAs({ sub: 'alice', org: 'CityAMSP', roles: ['officer'], dept: 'social' }, 1);
    expect(seen(social)).toEqual([PID_A1]);
    const housingB = await replayAs({ sub: 'bob', org: 'CityBMSP', roles: ['officer'], dept: 'housing' }, 2);
    expect(seen(housingB)).toEqual([PID_A1, PID_A2]);
    const industryB = await replayAs(
      { sub: 'bob', org: 'CityBMSP', roles: ['officer'], dept: 'industry' },
      0,
    );
    expect(industryB).toEqual([]);

    h.ledger.emit({
      chaincode: 'fund-tracing',
      eventName: 'ProgramClosed',
      payload: payload(P.programClosed()),
    });
    const orgWide = await replayAs(
      { sub: 'bob', org: 'CityBMSP', roles: ['officer'], dept: 'industry' },
      1,
      'fund-tracing',
    );
    expect(orgWide.map((e) => e.eventName)).toEqual(['ProgramClosed']);
    const otherOrg = await replayAs(
      { sub: 'alice', org: 'CityAMSP', roles: ['officer'], dept: 'finance' },
      0,
      'fund-tracing',
    );
    expect(otherOrg).toEqual([]);
  });

  function seen(events: { payload: Record<string, unknown> }[]): string[] {
    return events.map((e) => (e.payload.citizen as { pid: string }).pid);
  }

  it('an auditor sees its audit scope, an admin its organisation, a designated audit organisation everything', async () => {
    h.ledger.emit(consentOf(A1));
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'CategoryUpdated',
      payload: payload(P.category(1)), // CityBMSP/housing only
    });
    const auditorA = await replayAs({ sub: 'alice', org: 'CityAMSP', roles: ['auditor'], dept: 'audit' }, 1);
    expect(auditorA.map((e) => e.eventName)).toEqual(['ConsentGranted']);
    const adminA = await replayAs({ sub: 'alice', org: 'CityAMSP', roles: ['admin'] }, 1);
    expect(adminA.map((e) => e.eventName)).toEqual(['ConsentGranted']);
    const auditorB = await replayAs({ sub: 'bob', org: 'CityBMSP', roles: ['auditor'] }, 2);
    expect(auditorB.map((e) => e.eventName)).toEqual(['ConsentGranted', 'CategoryUpdated']);
  });

  it("judges the caller by its certificate's attributes, not by wider token claims", async () => {
    await h.wallet.put({ mspId: 'CityAMSP', label: 'carol', ...CITIZEN_A }); // gov.role citizen, gov.pid c1…
    const c1 = { mspId: 'CityAMSP', pid: 'c1'.repeat(16) };
    h.ledger.emit(consentOf(A1));
    h.ledger.emit(consentOf(c1));
    const seenAsAuditor = await replayAs({ sub: 'carol', org: 'CityAMSP', roles: ['auditor', 'admin'] }, 1);
    expect(seenAsAuditor.map((e) => e.payload.citizen)).toEqual([c1]);
    const seenAsOther = await replayAs({ sub: 'carol', org: 'CityAMSP', roles: ['citizen'], pid: PID_A1 }, 1);
    expect(seenAsOther.map((e) => e.payload.citizen)).toEqual([c1]);
  });

  it('withholds events the catalogue does not list or whose payload does not parse', async () => {
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'AccessGranted',
      payload: payload({ citizen: A1 }),
    });
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'ConsentGranted',
      payload: payload({ citizen: A1 }),
    });
    h.ledger.emit({
      chaincode: 'data-sharing',
      eventName: 'ConsentGranted',
      payload: Buffer.from('not json'),
    });
    h.ledger.emit(consentOf(A1));
    const all = await replayAs({ sub: 'bob', org: 'CityBMSP', roles: ['auditor'] }, 1);
    expect(all.map((e) => e.eventName)).toEqual(['ConsentGranted']);
    expect(h.logs.join('')).toContain('event outside the contract withheld');
  });

  it('caps the open streams per caller with 429 problem+json and frees a slot when a stream ends', async () => {
    await h.gateway.drain();
    h.close();
    h = await makeHarness({ maxStreamsPerCaller: 2 });
    server.close();
    server = http.createServer(h.gateway.app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    auth = await h.bearer({ sub: 'bob', org: 'CityBMSP', roles: ['auditor'] });
    const s1 = await open('/api/v1/events?chaincode=e-licence');
    const s2 = await open('/api/v1/events?chaincode=e-voting');
    expect([s1.status, s2.status]).toEqual([200, 200]);
    const refused = await fetch(`${base}/api/v1/events?chaincode=e-licence`, {
      headers: { Authorization: auth },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await refused.json()) as { code: string }).code).toBe('TOO_MANY_STREAMS');
    const other = await open(
      '/api/v1/events?chaincode=e-licence',
      {},
      await h.bearer({ sub: 'alice', org: 'CityAMSP', roles: ['admin'] }),
    );
    expect(other.status).toBe(200); // another caller has slots of its own
    other.close();
    s1.close();
    await new Promise((r) => setTimeout(r, 100));
    const s3 = await open('/api/v1/events?chaincode=e-licence');
    expect(s3.status).toBe(200);
    s2.close();
    s3.close();
  });
});

describe('events in the OpenAPI document', () => {
  it('publishes the SSE data as ChaincodeEvent, one component per event name, discriminated on eventName', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, { get: { description: string; responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, { discriminator?: { mapping: Record<string, string> } }> };
    };
    const op = doc.paths['/api/v1/events'].get;
    expect(op.responses['200']).toMatchObject({
      description: expect.any(String),
      content: { 'text/event-stream': { schema: { $ref: '#/components/schemas/ChaincodeEvent' } } },
    });
    expect(op.description).toContain('Scope');
    const names = Object.values(events).flatMap((c) => Object.keys(c));
    const mapping = doc.components.schemas.ChaincodeEvent.discriminator?.mapping ?? {};
    expect(Object.keys(mapping).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(doc.components.schemas[`${name}Event`]).toBeDefined();
      expect(doc.components.schemas[`${name}Payload`]).toBeDefined();
    }
  });
});

describe('receives: the role rule', () => {
  const scope = {
    subjects: [{ mspId: 'CityAMSP', pid: PID_A1 }],
    orgs: [{ mspId: 'CityBMSP', dept: 'housing' }, { mspId: 'CityCMSP' }],
  };
  const who = (c: Partial<Caller>): Caller => ({ subject: 'x', org: 'CityAMSP', roles: [], ...c });
  const none = new Set<string>();

  it.each<[string, Partial<Caller>, boolean]>([
    ['the citizen it names', { roles: ['citizen'], pid: PID_A1 }, true],
    ['the same pid of another organisation', { org: 'CityBMSP', roles: ['citizen'], pid: PID_A1 }, false],
    ['another citizen', { roles: ['citizen'], pid: PID_A2 }, false],
    ['a citizen token without pid', { roles: ['citizen'] }, false],
    ['an enterprise that also claims a staff role', { roles: ['enterprise', 'admin'], pid: PID_A2 }, false],
    ['the department it names', { org: 'CityBMSP', roles: ['officer'], dept: 'housing' }, true],
    [
      'another department of that organisation',
      { org: 'CityBMSP', roles: ['officer'], dept: 'finance' },
      false,
    ],
    ['staff without department of that organisation', { org: 'CityBMSP', roles: ['ballot-box'] }, false],
    [
      'any staff of an organisation named whole',
      { org: 'CityCMSP', roles: ['issuer'], dept: 'market' },
      true,
    ],
    ['the admin of the named organisation', { org: 'CityBMSP', roles: ['admin'] }, true],
    ["the admin of the citizen's organisation", { org: 'CityAMSP', roles: ['admin'] }, false],
    ["the auditor of the citizen's organisation", { org: 'CityAMSP', roles: ['auditor'] }, true],
    ['an auditor of an organisation not involved', { org: 'CityDMSP', roles: ['auditor'] }, false],
    ['a caller with no role', { org: 'CityBMSP', dept: 'housing' }, false],
  ])('%s: %s', (_label, caller, expected) => {
    expect(receives(who(caller), scope, none)).toBe(expected);
  });

  it('gives the auditors of a designated audit organisation every event, not its other staff', () => {
    const audit = new Set(['AuditMSP']);
    expect(receives(who({ org: 'AuditMSP', roles: ['auditor'] }), scope, audit)).toBe(true);
    expect(receives(who({ org: 'AuditMSP', roles: ['admin'] }), scope, audit)).toBe(false);
    expect(receives(who({ org: 'AuditMSP', roles: ['auditor'] }), scope, none)).toBe(false);
  });

  it('formats only events in scope (scopedEvent)', () => {
    const e = {
      chaincode: 'data-sharing',
      eventName: 'ConsentGranted',
      txId: 't',
      blockNumber: 7n,
      payload: payload(P.consent({ mspId: 'CityAMSP', pid: PID_A1 })),
    };
    const citizen = who({ roles: ['citizen'], pid: PID_A1 });
    expect(scopedEvent(e, 'data-sharing', citizen, none)).toContain('event: ConsentGranted\n');
    expect(scopedEvent(e, 'data-sharing', who({ roles: ['citizen'], pid: PID_A2 }), none)).toBeUndefined();
    expect(scopedEvent(e, 'e-licence', citizen, none)).toBeUndefined(); // not an e-licence event
  });
});
