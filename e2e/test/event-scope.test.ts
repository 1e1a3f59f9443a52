/**
 * The gateway's event stream is scoped to the subscriber's role (issue 14, Deliver 1), on the
 * real network. Journeys write records about two citizens and two enterprises in two cities and
 * several departments (data-sharing categories, consents and an access; fund-tracing programs,
 * allocations, recipients, disbursements and a spend in each city); then:
 * - each citizen/enterprise replaying all four chaincodes from block 0 receives only events that
 *   name them (home MSP and pid), never another subject's pid, and receives all of its own;
 * - a department officer receives only its own department's events and its organisation's
 *   organisation-wide ones;
 * - City A's auditor receives only events naming City A (or a City A subject); the Audit
 *   Office's auditor (designated auditor of the others) would receive all, but AuditMSP is not
 *   served by this network's gateway, so it is not called here;
 * - a fourth concurrent stream of one caller answers 429 problem+json.
 * Every event received parses with the wire contract's schema of its name (strict).
 */
import { dataSharing, fundTracing } from '@govledger/fixtures';
import { ChaincodeEvent, parseEvent, type EventScope } from '@govledger/wire';
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { gatewayUrl, http, tokenOf } from '../src/gateway-client';
import { stateDir } from '../src/test-network';

const API = '/api/v1';
const run = Date.now().toString(36);
const CHAINCODES = ['e-licence', 'data-sharing', 'fund-tracing', 'e-voting'] as const;
const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const pidOf = (user: string) => readFileSync(path.join(stateDir(), 'users', user, 'pid'), 'utf8').trim();

interface Subject {
  mspId: string;
  pid: string;
}
interface Received {
  sseId: string;
  chaincode: string;
  eventName: string;
  transactionId: string;
  payload: unknown;
  scope: EventScope;
  raw: string;
}

/** Every subject user of the journeys, with its home organisation. */
const SUBJECTS: Record<string, string> = {
  'citizen-a1': 'CityAMSP',
  'citizen-b1': 'CityBMSP',
  'enterprise-a1': 'CityAMSP',
  'enterprise-b1': 'CityBMSP',
};
const subjectOf = (user: string): Subject => ({ mspId: SUBJECTS[user], pid: pidOf(user) });

/** Transactions each subject must see, filled by the journeys. */
const own: Record<string, string[]> = Object.fromEntries(Object.keys(SUBJECTS).map((u) => [u, []]));
/** Transactions that concern only City B (no City A organisation, department or subject). */
const cityBOnly: string[] = [];
/** Transactions that concern City A's social department. */
const socialA: string[] = [];

async function write<T>(user: string, urlPath: string, body: unknown): Promise<{ tx: string; result: T }> {
  const res = await http<{ transactionId: string; result: T }>(user, 'POST', `${API}${urlPath}`, body);
  if (res.status !== 200 && res.status !== 201) {
    throw new Error(`POST ${urlPath} as ${user}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { tx: res.body.transactionId, result: res.body.result };
}

/** An open SSE stream as one user, parsed message by message. */
class Stream {
  readonly events: Received[] = [];
  readonly #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();
  #last = Date.now();

  private constructor(readonly status: number) {}

  static async open(user: string, chaincode: string): Promise<{ stream: Stream; body: string }> {
    const abort = new AbortController();
    const res = await fetch(`${gatewayUrl()}${API}/events?chaincode=${chaincode}&startBlock=0`, {
      headers: { authorization: `Bearer ${tokenOf(user)}`, accept: 'text/event-stream' },
      signal: abort.signal,
    });
    const stream = new Stream(res.status);
    stream.#abort.signal.addEventListener('abort', () => abort.abort());
    if (res.status !== 200 || !res.body) return { stream, body: await res.text() };
    const reader = res.body.getReader();
    stream.#done = stream.#pump(() => reader.read());
    return { stream, body: '' };
  }

  async #pump(read: () => Promise<{ done: boolean; value?: Uint8Array }>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.#dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
  }

  #dispatch(block: string): void {
    let id = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data = line.slice(6);
    }
    if (!data) return;
    this.#last = Date.now();
    const envelope = ChaincodeEvent.parse(JSON.parse(data)) as {
      chaincode: string;
      eventName: string;
      transactionId: string;
      payload: unknown;
    };
    const parsed = parseEvent(envelope.chaincode, envelope.eventName, envelope.payload);
    if (!parsed.ok) throw new Error(parsed.error);
    this.events.push({ sseId: id, ...envelope, scope: parsed.scope, raw: data });
  }

  /** Waits until every transaction in `txs` arrived, then until the stream has been quiet for `quietMs`. */
  async settle(txs: readonly string[], quietMs = 2500, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    const have = () => txs.every((t) => this.events.some((e) => e.transactionId === t));
    while (!have() || Date.now() - this.#last < quietMs) {
      if (Date.now() > end) {
        const missing = txs.filter((t) => !this.events.some((e) => e.transactionId === t));
        throw new Error(`stream did not deliver ${missing.join(', ')} in time`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }
}

/** Replays every chaincode from block 0 as `user`, at most `parallel` streams at a time. */
async function replayAll(user: string, expected: readonly string[]): Promise<Received[]> {
  const all: Received[] = [];
  for (const chaincode of CHAINCODES) {
    const { stream } = await Stream.open(user, chaincode);
    expect(stream.status).toBe(200);
    const mine = expected.filter((tx) => txChaincode.get(tx) === chaincode);
    await stream.settle(mine);
    await stream.close();
    all.push(...stream.events);
  }
  return all;
}

const txChaincode = new Map<string, string>();
const note = (chaincode: string, tx: string, ...lists: string[][]) => {
  txChaincode.set(tx, chaincode);
  for (const l of lists) l.push(tx);
  return tx;
};

beforeAll(async () => {
  // ---------------------------------------------------------------- data-sharing
  const catA = `EVS-A-${run}`;
  const catB = `EVS-B-${run}`;
  note(
    'data-sharing',
    (
      await write(
        'officer-social-a',
        '/data-categories',
        dataSharing.socialInsuranceCategory(catA, ['monthlyBase']),
      )
    ).tx,
    socialA,
  );
  note(
    'data-sharing',
    (
      await write('officer-housing-b', '/data-categories', {
        ...dataSharing.socialInsuranceCategory(catB, ['rentArrears']),
        description: 'Housing record',
        serviceRef: 'https://housing.city-b.example/api/v1/records',
      })
    ).tx,
    cityBOnly,
  );
  const a1 = subjectOf('citizen-a1');
  const consentA = await write('citizen-a1', '/consents', {
    ...dataSharing.consent({
      consentId: `EVS-CA-${run}`,
      grantee: { mspId: 'CityAMSP', dept: 'housing' },
      categoryCode: catA,
      fields: ['monthlyBase'],
      now: Date.now(),
    }),
    purpose: 'SOCIAL_ASSISTANCE',
  });
  note('data-sharing', consentA.tx, own['citizen-a1'], socialA);
  const consentB = await write(
    'citizen-b1',
    '/consents',
    dataSharing.consent({
      consentId: `EVS-CB-${run}`,
      grantee: { mspId: 'CityBMSP', dept: 'housing' },
      categoryCode: catB,
      fields: ['rentArrears'],
      now: Date.now(),
    }),
  );
  note('data-sharing', consentB.tx, own['citizen-b1'], cityBOnly);
  // City A housing reads citizen-a1's data under the consent: logged with the citizen's pid
  const access = await write(
    'officer-housing-a',
    '/access-requests',
    dataSharing.accessRequest({
      accessId: `EVS-ACC-${run}`,
      citizen: a1,
      categoryCode: catA,
      fields: ['monthlyBase'],
      purpose: 'SOCIAL_ASSISTANCE',
    }),
  );
  note('data-sharing', access.tx, own['citizen-a1'], socialA);

  // ---------------------------------------------------------------- fund-tracing, one program per city
  for (const city of [
    {
      finance: 'finance-a',
      mspId: 'CityAMSP',
      dept: 'industry',
      officer: 'officer-industry-a',
      ent: 'enterprise-a1',
    },
    {
      finance: 'finance-b',
      mspId: 'CityBMSP',
      dept: 'housing',
      officer: 'officer-housing-b',
      ent: 'enterprise-b1',
    },
  ]) {
    const bOnly = city.mspId === 'CityBMSP' ? [cityBOnly] : [];
    const program = `EVS-P-${city.mspId}-${run}`;
    const allocation = `EVS-AL-${city.mspId}-${run}`;
    const disbursement = `EVS-D-${city.mspId}-${run}`;
    const account = sha256(`account ${city.ent} ${run}`);
    const recipient = subjectOf(city.ent);
    note(
      'fund-tracing',
      (
        await write(
          city.finance,
          '/programs',
          fundTracing.industrialUpgradeProgram({
            programId: program,
            name: `Event scope ${city.mspId}`,
            now: Date.now(),
          }),
        )
      ).tx,
      ...bOnly,
    );
    note(
      'fund-tracing',
      (
        await write(
          city.finance,
          `/programs/${program}/allocations`,
          fundTracing.allocation(allocation, '20000000', { mspId: city.mspId, dept: city.dept }),
        )
      ).tx,
      ...bOnly,
    );
    note(
      'fund-tracing',
      (
        await write(
          city.officer,
          `/programs/${program}/recipients`,
          fundTracing.enterpriseRecipient(recipient, [account]),
        )
      ).tx,
      own[city.ent],
      ...bOnly,
    );
    note(
      'fund-tracing',
      (
        await write(
          city.officer,
          '/disbursements',
          fundTracing.disbursement({
            disbursementId: disbursement,
            allocationId: allocation,
            recipient,
            accountHash: account,
            amount: '1500000',
          }),
        )
      ).tx,
      own[city.ent],
      ...bOnly,
    );
    note(
      'fund-tracing',
      (
        await write(
          city.ent,
          '/spends',
          fundTracing.spend({
            spendId: `EVS-S-${city.mspId}-${run}`,
            disbursementId: disbursement,
            payeeId: '91310000MA1GW00001',
            amount: '1000000',
            category: 'equipment',
          }),
        )
      ).tx,
      own[city.ent],
      ...bOnly,
    );
  }
});

describe('events are scoped to the subscriber', () => {
  it.each(Object.keys(SUBJECTS))(
    '%s replaying all four chaincodes from block 0 sees only its own events, never another pid',
    async (user) => {
      const me = subjectOf(user);
      const others = Object.keys(SUBJECTS)
        .filter((u) => u !== user)
        .map(pidOf);
      const seen = await replayAll(user, own[user]);
      for (const tx of own[user]) expect(seen.map((e) => e.transactionId)).toContain(tx);
      for (const e of seen) {
        expect({
          event: e.eventName,
          mine: e.scope.subjects.some((s) => s.mspId === me.mspId && s.pid === me.pid),
        }).toEqual({
          event: e.eventName,
          mine: true,
        });
        for (const pid of others) expect(e.raw).not.toContain(pid);
      }
    },
  );

  it("a department officer sees only its own department's and its organisation's organisation-wide events", async () => {
    for (const [user, mspId, dept, expected] of [
      ['officer-social-a', 'CityAMSP', 'social', socialA],
      ['officer-housing-b', 'CityBMSP', 'housing', []],
    ] as const) {
      for (const chaincode of ['data-sharing', 'fund-tracing']) {
        const { stream } = await Stream.open(user, chaincode);
        expect(stream.status).toBe(200);
        await stream.settle(expected.filter((tx) => txChaincode.get(tx) === chaincode));
        await stream.close();
        for (const e of stream.events) {
          expect({
            event: e.eventName,
            ok: e.scope.orgs.some((o) => o.mspId === mspId && (o.dept === undefined || o.dept === dept)),
          }).toEqual({ event: e.eventName, ok: true });
        }
        if (user === 'officer-social-a') {
          // City B's category and consent, and both cities' fund programs' departmental events, are not its
          for (const tx of cityBOnly) expect(stream.events.map((e) => e.transactionId)).not.toContain(tx);
        }
        if (user === 'officer-housing-b' && chaincode === 'data-sharing') {
          // citizen-b1's consent to City B housing is this department's
          expect(stream.events.some((e) => e.eventName === 'ConsentGranted')).toBe(true);
          for (const tx of socialA) expect(stream.events.map((e) => e.transactionId)).not.toContain(tx);
        }
      }
    }
  });

  it("City A's auditor sees only events naming City A or one of its citizens", async () => {
    const expectedA = [...own['citizen-a1'], ...own['enterprise-a1'], ...socialA];
    const seen: Received[] = [];
    for (const chaincode of ['data-sharing', 'fund-tracing']) {
      const { stream } = await Stream.open('auditor-a', chaincode);
      await stream.settle(expectedA.filter((tx) => txChaincode.get(tx) === chaincode));
      await stream.close();
      seen.push(...stream.events);
    }
    for (const tx of expectedA) expect(seen.map((e) => e.transactionId)).toContain(tx);
    for (const tx of cityBOnly) expect(seen.map((e) => e.transactionId)).not.toContain(tx);
    for (const e of seen) {
      const namesA =
        e.scope.orgs.some((o) => o.mspId === 'CityAMSP') ||
        e.scope.subjects.some((s) => s.mspId === 'CityAMSP');
      expect({ event: e.eventName, namesA }).toEqual({ event: e.eventName, namesA: true });
    }
  });

  it('caps the concurrent streams of one caller: a fourth answers 429 problem+json', async () => {
    const open = await Promise.all(
      ['e-licence', 'e-voting', 'fund-tracing'].map((c) => Stream.open('citizen-a1', c)),
    );
    expect(open.map((o) => o.stream.status)).toEqual([200, 200, 200]);
    const res = await fetch(`${gatewayUrl()}${API}/events?chaincode=data-sharing`, {
      headers: { authorization: `Bearer ${tokenOf('citizen-a1')}` },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('TOO_MANY_STREAMS');
    // another caller is not affected
    const other = await Stream.open('citizen-b1', 'data-sharing');
    expect(other.stream.status).toBe(200);
    await other.stream.close();
    await open[0].stream.close();
    await new Promise((r) => setTimeout(r, 300));
    const again = await Stream.open('citizen-a1', 'data-sharing');
    expect(again.stream.status).toBe(200);
    await again.stream.close();
    await Promise.all(open.slice(1).map((o) => o.stream.close()));
  });
});
