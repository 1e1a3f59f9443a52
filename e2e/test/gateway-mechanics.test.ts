/**
 * The REST gateway's write and delivery mechanics on the real network (issue 8,
 * items 4, 7, 9, 10): an idempotent retry that does not write twice (also across
 * a gateway restart, for a synchronous and an asynchronous keyed write), an async write
 * followed to commit through its status URL, chaincode events over SSE resumed
 * with Last-Event-ID after a disconnect, offline signing with a citizen's own key,
 * and the operations endpoints (/livez, /readyz, /metrics, /openapi.json, /docs).
 *
 * Every write is a data-sharing consent by a citizen on a category registered for
 * this run; a consent without an id gets `CNS-<txId>`, so a second write would
 * show on the ledger as a second consent.
 */
import { signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey, generateKeyPairSync } from 'crypto';
import { readFileSync } from 'fs';
import path from 'path';
import { SseParser, type SseMessage } from '@govledger/client';
import {
  assertEventMatchesContract,
  checkedFetch,
  gatewayUrl,
  http,
  tokenOf,
  type HttpResult,
} from '../src/gateway-client';
import { startNode, stopNode } from '../src/network-ops';
import { readNetworkInfo, stateDir } from '../src/test-network';

const run = Date.now().toString(36);
const CATEGORY = `GWMECH-${run}`;
const CITY_B_HOUSING = { mspId: 'CityBMSP', dept: 'housing' };
const CITIZEN = 'citizen-a2';
const OFFLINE_CITIZEN = 'citizen-a1';
const TX_ID = /^[0-9a-f]{64}$/;
const CONSENTS = '/api/v1/consents';

interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  transactionId?: string;
  statusUrl?: string;
  stage?: string;
}
interface Consent {
  consentId: string;
  citizen: { mspId: string; pid: string };
  categoryCode: string;
  fields: string[];
  purpose: string;
  state: string;
}
interface WriteResult<T> {
  transactionId: string;
  blockNumber: string;
  result: T;
}
interface Accepted {
  transactionId: string;
  status: string;
  statusUrl: string;
}
interface TransactionStatus {
  transactionId: string;
  currentTransactionId?: string;
  status: 'submitted' | 'committed' | 'failed' | 'invalid';
  attempts?: number;
  chaincode?: string;
  transaction?: string;
  blockNumber?: string;
  result?: unknown;
  problem?: Problem;
}
interface OfflineView {
  transactionId: string;
  stage: 'proposal' | 'transaction' | 'commit' | 'done';
  digest?: string;
  result?: Consent;
  status?: 'committed' | 'invalid';
  validationCode?: string;
  blockNumber?: string;
}
interface EventData {
  chaincode: string;
  eventName: string;
  transactionId: string;
  blockNumber: string;
  payload: {
    consentId: string;
    categoryCode: string;
    state: string;
    citizen: { mspId: string; pid: string };
  };
}
interface ReadyReport {
  ready: boolean;
  checks: { name: string; ok: boolean; detail?: string }[];
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string; 'x-chaincode'?: { name: string } }>>;
}
interface Page<T> {
  records: T[];
  bookmark: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A consent request of `CITIZEN` to City B housing for this run's category. */
function consentRequest(purpose: string, fields: string[] = ['monthlyBase']): Record<string, unknown> {
  return {
    grantee: CITY_B_HOUSING,
    categoryCode: CATEGORY,
    fields,
    purpose,
    validFrom: isoIn(-60_000),
    validUntil: isoIn(86_400_000),
  };
}

/** The consents `user` holds on this run's category for one purpose, as the ledger has them. */
async function consentsFor(user: string, purpose: string): Promise<Consent[]> {
  const res = await http<Page<Consent>>(user, 'GET', `${CONSENTS}?pageSize=200`);
  expect(res.status).toBe(200);
  return res.body.records.filter((c) => c.categoryCode === CATEGORY && c.purpose === purpose);
}

/** Posts a consent as CITIZEN with the given extra headers. */
function grant(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<HttpResult<WriteResult<Consent> | Problem | Accepted>> {
  return http<WriteResult<Consent> | Problem | Accepted>(CITIZEN, 'POST', CONSENTS, body, headers);
}

/** Posts a consent synchronously and returns the committed write. */
async function grantCommitted(purpose: string): Promise<WriteResult<Consent>> {
  const res = await http<WriteResult<Consent>>(CITIZEN, 'POST', CONSENTS, consentRequest(purpose));
  expect(res.status).toBe(201);
  expect(res.body.result.consentId).toBe(`CNS-${res.body.transactionId}`);
  return res.body;
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await check();
    } catch {
      value = undefined;
    }
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

/** Waits until the gateway answers /readyz with 200. */
async function waitReady(timeoutMs = 90_000): Promise<ReadyReport> {
  return poll(
    'the gateway to be ready',
    async () => {
      const res = await fetch(`${gatewayUrl()}/readyz`);
      return res.status === 200 ? ((await res.json()) as ReadyReport) : undefined;
    },
    timeoutMs,
  );
}

function expectProblem(res: HttpResult<unknown>, status: number, code: string): Problem {
  expect({ status: res.status, code: (res.body as Problem | undefined)?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = res.body as Problem;
  expect(problem.status).toBe(status);
  expect(typeof problem.title).toBe('string');
  return problem;
}

// ---------------------------------------------------------------- server-sent events

/**
 * A text/event-stream opened with the contract-checked fetch (its status and content type are
 * held to the published contract) and read with the SDK's parser (@govledger/client's
 * SseParser); every event it reads is held to the contract's schema for its event name
 * (assertEventMatchesContract), and a drift fails {@link SseClient.waitForTx} and
 * {@link SseClient.close}.
 */
class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  readonly #parser = new SseParser(undefined, { onComment: (c) => this.comments.push(c) });
  /** Events that did not match the published contract. */
  readonly #drift: unknown[] = [];
  ended = false;
  readonly #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();

  private constructor(
    readonly chaincode: string,
    readonly status: number,
    readonly contentType: string | null,
  ) {}

  /** The stream's last `retry:`, in milliseconds. */
  get retry(): number | undefined {
    return this.#parser.retryMs;
  }

  /** Opens the stream as `user`; resolves once the response headers arrived. */
  static async open(user: string, query: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const res = await checkedFetch(
      new Request(`${gatewayUrl()}/api/v1/events?${query}`, {
        headers: { authorization: `Bearer ${tokenOf(user)}`, accept: 'text/event-stream', ...headers },
        signal: abort.signal,
      }),
    );
    const chaincode = new URLSearchParams(query).get('chaincode') ?? '';
    const client = new SseClient(chaincode, res.status, res.headers.get('content-type'));
    client.#abort.signal.addEventListener('abort', () => abort.abort());
    if (res.status !== 200 || !res.body) {
      client.ended = true;
      client.messages.push({ id: undefined, event: 'error', data: await res.text() });
      return client;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    client.#done = client.#pump(() => reader.read());
    return client;
  }

  async #pump(read: () => Promise<{ done: boolean; value?: string }>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await read();
        if (done) break;
        for (const message of this.#parser.push(value ?? '')) {
          try {
            await assertEventMatchesContract(this.chaincode, message.event, JSON.parse(message.data));
          } catch (err) {
            this.#drift.push(err);
          }
          this.messages.push(message);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
    }
  }

  /** Throws the first contract drift of an event read so far, if any. */
  #assertNoDrift(): void {
    if (this.#drift.length > 0) throw this.#drift[0];
  }

  /** The chaincode events received so far (decoded data). */
  events(): (EventData & { sseId: string | undefined; sseEvent: string })[] {
    return this.messages
      .filter((m) => m.event !== 'error')
      .map((m) => ({ ...(JSON.parse(m.data) as EventData), sseId: m.id, sseEvent: m.event }));
  }

  /** This run's events (its category only). */
  ours(): (EventData & { sseId: string | undefined; sseEvent: string })[] {
    return this.events().filter((e) => e.payload?.categoryCode === CATEGORY);
  }

  /** Waits until the event of transaction `txId` arrived (fails at once on a contract drift). */
  async waitForTx(txId: string, timeoutMs = 60_000): Promise<EventData & { sseId: string | undefined }> {
    const found = await poll(
      `the event of transaction ${txId}`,
      async () => {
        if (this.#drift.length > 0) return null;
        const event = this.events().find((e) => e.transactionId === txId);
        if (!event && this.ended) throw new Error('the event stream ended');
        return event;
      },
      timeoutMs,
    );
    this.#assertNoDrift();
    if (!found) throw new Error(`no event of transaction ${txId}`);
    return found;
  }

  /** Aborts the request, waits until the reader stopped, and throws the first contract drift of its events. */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
    this.#assertNoDrift();
  }
}

// ---------------------------------------------------------------- the suite

const openStreams: SseClient[] = [];

beforeAll(async () => {
  await waitReady();
  const res = await http<WriteResult<{ code: string; status: string }>>(
    'officer-social-a',
    'POST',
    '/api/v1/data-categories',
    {
      code: CATEGORY,
      description: 'Gateway mechanics test category',
      fields: ['monthlyBase', 'employerCode'],
      sensitivity: 'medium',
      serviceRef: 'https://social.city-a.example/api/v1/records',
    },
  );
  expect(res.status).toBe(201);
  expect(res.body.result).toMatchObject({ code: CATEGORY, status: 'active' });
});

afterAll(async () => {
  await Promise.all(openStreams.map((s) => s.close()));
});

describe('Idempotency-Key: a retried POST returns the first outcome and writes once', () => {
  it('replays the first outcome for the same key and body, and refuses another body under it', async () => {
    const key = `gw-mech-${run}-retry`;
    const body = consentRequest('PENSION');

    const first = await grant(body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const written = first.body as WriteResult<Consent>;
    expect(written.transactionId).toMatch(TX_ID);
    expect(written.blockNumber).toMatch(/^\d+$/);
    expect(written.result).toMatchObject({
      consentId: `CNS-${written.transactionId}`,
      categoryCode: CATEGORY,
      purpose: 'PENSION',
      state: 'active',
    });
    expect(first.headers.get('x-transaction-id')).toBe(written.transactionId);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const retry = await grant(body, { 'Idempotency-Key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(written);

    // the same key for a different request: refused, nothing written
    const other = await grant(consentRequest('PENSION', ['employerCode']), { 'Idempotency-Key': key });
    const problem = expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(problem.transactionId).toBeUndefined();

    // a malformed key is refused before anything reaches Fabric
    expectProblem(await grant(body, { 'Idempotency-Key': 'has spaces' }), 400, 'INVALID_IDEMPOTENCY_KEY');

    const onLedger = await consentsFor(CITIZEN, 'PENSION');
    expect(onLedger.map((c) => c.consentId)).toEqual([`CNS-${written.transactionId}`]);
    expect(onLedger[0].fields).toEqual(['monthlyBase']);
  });

  it('answers a concurrent duplicate with 409 + Retry-After (or the replay), and writes once', async () => {
    const key = `gw-mech-${run}-concurrent`;
    const body = consentRequest('HEALTHCARE_SERVICE');
    const [a, b] = await Promise.all([
      grant(body, { 'Idempotency-Key': key }),
      sleep(50).then(() => grant(body, { 'Idempotency-Key': key })),
    ]);
    const executed = [a, b].filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(executed).toHaveLength(1);
    const txId = (executed[0].body as WriteResult<Consent>).transactionId;
    const duplicate = executed[0] === a ? b : a;
    if (duplicate.status === 409) {
      const problem = expectProblem(duplicate, 409, 'IDEMPOTENCY_KEY_IN_USE');
      expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      if (problem.transactionId !== undefined) expect(problem.transactionId).toBe(txId);
    } else {
      expect(duplicate.status).toBe(201);
      expect((duplicate.body as WriteResult<Consent>).transactionId).toBe(txId);
    }
    // once the first finished, the retry replays it
    const later = await grant(body, { 'Idempotency-Key': key });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect((later.body as WriteResult<Consent>).transactionId).toBe(txId);

    const onLedger = await consentsFor(CITIZEN, 'HEALTHCARE_SERVICE');
    expect(onLedger.map((c) => c.consentId)).toEqual([`CNS-${txId}`]);
  });
});

describe('Prefer: respond-async', () => {
  it('answers 202 with a status URL that is followed to commit, then the data is readable', async () => {
    const res = await grant(consentRequest('HOUSING_SUBSIDY'), { Prefer: 'respond-async' });
    expect(res.status).toBe(202);
    const accepted = res.body as Accepted;
    expect(accepted.transactionId).toMatch(TX_ID);
    expect(accepted).toEqual({
      transactionId: accepted.transactionId,
      status: 'submitted',
      statusUrl: `/api/v1/transactions/${accepted.transactionId}`,
    });
    expect(res.headers.get('location')).toBe(accepted.statusUrl);
    expect(res.headers.get('preference-applied')).toBe('respond-async');
    expect(res.headers.get('x-transaction-id')).toBe(accepted.transactionId);

    const seen = new Set<string>();
    const final = await poll('the async write to settle', async () => {
      const s = await http<TransactionStatus>(CITIZEN, 'GET', accepted.statusUrl);
      expect(s.status).toBe(200);
      seen.add(s.body.status);
      return s.body.status === 'submitted' ? undefined : s.body;
    });
    expect([...seen].every((s) => s === 'submitted' || s === 'committed')).toBe(true);
    const consentId = `CNS-${accepted.transactionId}`;
    expect(final).toMatchObject({
      transactionId: accepted.transactionId,
      currentTransactionId: accepted.transactionId,
      status: 'committed',
      attempts: 1,
      chaincode: 'data-sharing',
      transaction: 'GrantConsent',
      result: { consentId, categoryCode: CATEGORY, purpose: 'HOUSING_SUBSIDY', state: 'active' },
    });
    expect(final.blockNumber).toMatch(/^\d+$/);

    const read = await http<Consent>(CITIZEN, 'GET', `${CONSENTS}/${consentId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(final.result);
    expect((await consentsFor(CITIZEN, 'HOUSING_SUBSIDY')).map((c) => c.consentId)).toEqual([consentId]);

    // another caller learns only the commit status from the ledger, not the stored result
    const stranger = await http<TransactionStatus>('citizen-a3', 'GET', accepted.statusUrl);
    expect(stranger.status).toBe(200);
    expect(stranger.body).toEqual({
      transactionId: accepted.transactionId,
      status: 'committed',
      blockNumber: final.blockNumber,
    });

    const unknown = await http(CITIZEN, 'GET', `/api/v1/transactions/${'0'.repeat(64)}`);
    expectProblem(unknown, 404, 'TRANSACTION_NOT_FOUND');
  });
});

describe('chaincode events over SSE', () => {
  it('delivers filtered events and resumes after a disconnect with Last-Event-ID, none twice', async () => {
    const filter = 'chaincode=data-sharing&events=ConsentGranted,ConsentRevoked';
    const c1 = await grantCommitted('SOCIAL_ASSISTANCE');

    // first connection: replay from c1's block, then follow live
    const s1 = await SseClient.open(CITIZEN, `${filter}&startBlock=${c1.blockNumber}`);
    openStreams.push(s1);
    expect(s1.status).toBe(200);
    expect(s1.contentType).toMatch(/^text\/event-stream/);
    const e1 = await s1.waitForTx(c1.transactionId);
    expect(e1).toMatchObject({
      sseId: `${c1.blockNumber}:${c1.transactionId}`,
      chaincode: 'data-sharing',
      eventName: 'ConsentGranted',
      blockNumber: c1.blockNumber,
      payload: { consentId: c1.result.consentId, categoryCode: CATEGORY, state: 'active' },
    });
    expect(s1.retry).toBe(2000);
    expect(s1.comments).toContain('connected');

    // a ConsentPaused event is filtered out; the ConsentRevoked after it comes through
    const consentPath = `${CONSENTS}/${c1.result.consentId}`;
    const paused = await http<WriteResult<Consent>>(CITIZEN, 'POST', `${consentPath}/pause`);
    expect(paused.status).toBe(200);
    const revoked = await http<WriteResult<Consent>>(CITIZEN, 'POST', `${consentPath}/revocation`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.result.state).toBe('revoked');
    const eRevoked = await s1.waitForTx(revoked.body.transactionId);
    expect(eRevoked).toMatchObject({ eventName: 'ConsentRevoked', payload: { state: 'revoked' } });
    expect(s1.events().find((e) => e.transactionId === paused.body.transactionId)).toBeUndefined();

    const c2 = await grantCommitted('SOCIAL_ASSISTANCE');
    const e2 = await s1.waitForTx(c2.transactionId);
    const lastEventId = e2.sseId;
    expect(lastEventId).toBe(`${c2.blockNumber}:${c2.transactionId}`);
    await s1.close();
    expect(s1.ended).toBe(true);
    const firstTxs = s1.ours().map((e) => e.transactionId);
    expect(firstTxs).toEqual([c1.transactionId, revoked.body.transactionId, c2.transactionId]);
    for (const e of s1.events()) {
      expect(['ConsentGranted', 'ConsentRevoked']).toContain(e.eventName);
      expect(e.sseEvent).toBe(e.eventName);
    }

    // written while nobody listens
    const c3 = await grantCommitted('SOCIAL_ASSISTANCE');
    const c4 = await grantCommitted('SOCIAL_ASSISTANCE');

    // reconnect: resumes right after the last event seen
    const s2 = await SseClient.open(CITIZEN, filter, { 'Last-Event-ID': lastEventId ?? '' });
    openStreams.push(s2);
    expect(s2.status).toBe(200);
    await s2.waitForTx(c3.transactionId);
    await s2.waitForTx(c4.transactionId);
    const c5 = await grantCommitted('SOCIAL_ASSISTANCE');
    await s2.waitForTx(c5.transactionId);
    await s2.close();

    const resumed = s2.ours();
    expect(resumed.map((e) => e.transactionId)).toEqual([
      c3.transactionId,
      c4.transactionId,
      c5.transactionId,
    ]);
    expect(resumed.map((e) => e.sseId)).toEqual(
      [c3, c4, c5].map((c) => `${c.blockNumber}:${c.transactionId}`),
    );
    const all = [...s1.events(), ...s2.events()].map((e) => e.sseId);
    expect(new Set(all).size).toBe(all.length);
    // none of the events up to the Last-Event-ID came again
    for (const tx of firstTxs) expect(s2.events().some((e) => e.transactionId === tx)).toBe(false);
  });

  it('refuses a malformed Last-Event-ID and an unknown chaincode', async () => {
    const bad = await http(CITIZEN, 'GET', '/api/v1/events?chaincode=data-sharing', undefined, {
      'Last-Event-ID': 'not-an-event-id',
    });
    expectProblem(bad, 400, 'INVALID_REQUEST');
    const unknown = await http(CITIZEN, 'GET', '/api/v1/events?chaincode=no-such-chaincode');
    expectProblem(unknown, 400, 'INVALID_REQUEST');
    const anonymous = await http(undefined, 'GET', '/api/v1/events?chaincode=data-sharing');
    expect(anonymous.status).toBe(401);
  });
});

describe('offline signing with a citizen key', () => {
  it("endorses, submits and commits with signatures made by the citizen's own key", async () => {
    const msp = path.join(readNetworkInfo(stateDir()).usersDir, OFFLINE_CITIZEN, 'msp');
    const certificate = readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8');
    const sign = signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(msp, 'keystore', 'key.pem'))),
    );
    const signature = async (digest: string | undefined): Promise<string> => {
      expect(digest).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      const bytes = Buffer.from(digest ?? '', 'base64');
      expect(bytes).toHaveLength(32); // SHA-256
      return Buffer.from(await sign(bytes)).toString('base64');
    };
    const consentId = `CNS-gw-mech-${run}-offline`;
    const offline = '/api/v1/offline/transactions';

    const prepared = await http<OfflineView>(OFFLINE_CITIZEN, 'POST', offline, {
      chaincode: 'data-sharing',
      transaction: 'GrantConsent',
      request: { ...consentRequest('EDUCATION_ENROLMENT'), consentId },
      certificate,
    });
    expect(prepared.status).toBe(201);
    const txId = prepared.body.transactionId;
    expect(txId).toMatch(TX_ID);
    expect(prepared.body.stage).toBe('proposal');
    expect(prepared.headers.get('location')).toBe(`${offline}/${txId}`);
    const signatures = `${offline}/${txId}/signatures`;

    // the session belongs to its caller and waits for the proposal signature first
    expectProblem(
      await http('citizen-a2', 'GET', `${offline}/${txId}`),
      404,
      'OFFLINE_TRANSACTION_NOT_FOUND',
    );
    expectProblem(
      await http(OFFLINE_CITIZEN, 'POST', signatures, {
        stage: 'transaction',
        signature: await signature(prepared.body.digest),
      }),
      409,
      'OFFLINE_STAGE_MISMATCH',
    );

    // a signature by another key is refused before endorsement; the session still waits for the right one
    const stranger = signers.newPrivateKeySigner(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    );
    const forged = await http<Problem>(OFFLINE_CITIZEN, 'POST', signatures, {
      stage: 'proposal',
      signature: Buffer.from(await stranger(Buffer.from(prepared.body.digest ?? '', 'base64'))).toString(
        'base64',
      ),
    });
    // (the gateway checks it against the certificate: the caller's mistake, not a Fabric refusal)
    const refusal = expectProblem(forged, 400, 'INVALID_SIGNATURE');
    expect(refusal).toMatchObject({ stage: 'proposal', transactionId: txId });
    const waiting = await http<OfflineView>(OFFLINE_CITIZEN, 'GET', `${offline}/${txId}`);
    expect(waiting.body).toMatchObject({
      transactionId: txId,
      stage: 'proposal',
      digest: prepared.body.digest,
    });

    // proposal signature -> endorsed (nothing on the ledger yet)
    const endorsed = await http<OfflineView>(OFFLINE_CITIZEN, 'POST', signatures, {
      stage: 'proposal',
      signature: await signature(prepared.body.digest),
    });
    expect(endorsed.status).toBe(200);
    expect(endorsed.body).toMatchObject({
      transactionId: txId,
      stage: 'transaction',
      result: { consentId, categoryCode: CATEGORY, purpose: 'EDUCATION_ENROLMENT', state: 'active' },
    });
    expectProblem(await http(OFFLINE_CITIZEN, 'GET', `${CONSENTS}/${consentId}`), 404, 'CONSENT_NOT_FOUND');

    // transaction signature -> submitted to the orderer
    const submitted = await http<OfflineView>(OFFLINE_CITIZEN, 'POST', signatures, {
      stage: 'transaction',
      signature: await signature(endorsed.body.digest),
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ transactionId: txId, stage: 'commit' });
    expect(submitted.body.digest).not.toBe(endorsed.body.digest);

    // commit-status signature -> the committed outcome
    const done = await http<OfflineView>(OFFLINE_CITIZEN, 'POST', signatures, {
      stage: 'commit',
      signature: await signature(submitted.body.digest),
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ transactionId: txId, stage: 'done', status: 'committed' });
    expect(done.body.blockNumber).toMatch(/^\d+$/);
    expect(done.body.digest).toBeUndefined();

    // on the ledger, under the citizen's own certificate
    const pid = readFileSync(path.join(msp, '..', 'pid'), 'utf8').trim();
    const read = await http<Consent>(OFFLINE_CITIZEN, 'GET', `${CONSENTS}/${consentId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(done.body.result);
    expect(read.body.citizen).toEqual({ mspId: 'CityAMSP', pid });
    const status = await http<TransactionStatus>(OFFLINE_CITIZEN, 'GET', `/api/v1/transactions/${txId}`);
    expect(status.body).toEqual({
      transactionId: txId,
      status: 'committed',
      blockNumber: done.body.blockNumber,
    });
    const view = await http<OfflineView>(OFFLINE_CITIZEN, 'GET', `${offline}/${txId}`);
    expect(view.body).toMatchObject({
      transactionId: txId,
      stage: 'done',
      blockNumber: done.body.blockNumber,
    });
    // a finished session takes no more signatures
    expectProblem(
      await http(OFFLINE_CITIZEN, 'POST', signatures, {
        stage: 'commit',
        signature: await signature(submitted.body.digest),
      }),
      409,
      'OFFLINE_STAGE_MISMATCH',
    );
  });
});

describe('idempotency across a gateway restart', () => {
  it('replays a synchronous and an asynchronous keyed write after the restart, each written once', async () => {
    const doneKey = `gw-mech-${run}-restart`;
    const doneBody = consentRequest('TAX_ASSESSMENT');
    const first = await grant(doneBody, { 'Idempotency-Key': doneKey });
    expect(first.status).toBe(201);
    const firstTx = (first.body as WriteResult<Consent>).transactionId;

    // a keyed asynchronous write, accepted (202) right before the stop and followed in the background
    const asyncKey = `gw-mech-${run}-async-restart`;
    const asyncBody = consentRequest('LICENCE_APPLICATION');
    const accepted = await grant(asyncBody, { 'Idempotency-Key': asyncKey, Prefer: 'respond-async' });
    expect(accepted.status).toBe(202);
    const asyncTx = (accepted.body as Accepted).transactionId;

    stopNode('gateway');
    startNode('gateway');
    const report = await waitReady();
    expect(report.ready).toBe(true);

    // the stop was graceful (in-flight work finished, then "stopped"), not a kill after the grace period
    const log = readFileSync(path.join(stateDir(), 'logs', 'gateway.log'), 'utf8');
    const previousRun = log.slice(0, log.lastIndexOf('\n--- '));
    const shutdown = previousRun.lastIndexOf('shutting down');
    expect(shutdown).toBeGreaterThan(0);
    expect(previousRun.slice(shutdown)).toContain('"msg":"stopped"');

    // the completed write: the same outcome from the durable store, nothing written again
    const replay = await grant(doneBody, { 'Idempotency-Key': doneKey });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expectProblem(
      await grant(consentRequest('TAX_ASSESSMENT', ['employerCode']), { 'Idempotency-Key': doneKey }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect((await consentsFor(CITIZEN, 'TAX_ASSESSMENT')).map((c) => c.consentId)).toEqual([
      `CNS-${firstTx}`,
    ]);

    // the asynchronous write: its retry replays the 202, its status URL still answers, it exists once
    const asyncReplay = await grant(asyncBody, { 'Idempotency-Key': asyncKey, Prefer: 'respond-async' });
    expect(asyncReplay.status).toBe(202);
    expect(asyncReplay.headers.get('idempotent-replayed')).toBe('true');
    expect(asyncReplay.body).toEqual(accepted.body);
    const status = await poll('the async write to be committed', async () => {
      const s = await http<TransactionStatus>(CITIZEN, 'GET', `/api/v1/transactions/${asyncTx}`);
      return s.status === 200 && s.body.status !== 'submitted' ? s.body : undefined;
    });
    expect(status).toMatchObject({
      transactionId: asyncTx,
      status: 'committed',
      result: { consentId: `CNS-${asyncTx}`, purpose: 'LICENCE_APPLICATION' },
    });
    expect((await consentsFor(CITIZEN, 'LICENCE_APPLICATION')).map((c) => c.consentId)).toEqual([
      `CNS-${asyncTx}`,
    ]);
  }, 240_000);
});

describe('operations endpoints', () => {
  it('/livez and /readyz answer 200, /readyz with its checks', async () => {
    const live = await http<{ status: string }>(undefined, 'GET', '/livez');
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });

    const ready = await http<ReadyReport>(undefined, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.ready).toBe(true);
    const names = ready.body.checks.map((c) => c.name);
    for (const msp of ['CityAMSP', 'CityBMSP']) {
      expect(names).toEqual(expect.arrayContaining([`peer:${msp}`, `height:${msp}`, `chaincodes:${msp}`]));
    }
    expect(ready.body.checks.every((c) => c.ok)).toBe(true);
    const height = ready.body.checks.find((c) => c.name === 'height:CityAMSP');
    expect(Number(height?.detail)).toBeGreaterThan(1);
  });

  it('/metrics exposes the HTTP and Fabric metrics', async () => {
    // one evaluate and one write, so that both kinds of metrics have samples
    expect((await http('citizen-a2', 'GET', '/api/v1/purposes')).status).toBe(200);
    await grantCommitted('RESIDENCE_REGISTRATION');
    const res = await fetch(`${gatewayUrl()}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of [
      'gateway_http_request_duration_seconds',
      'gateway_fabric_stage_duration_seconds',
      'gateway_errors_total',
      'gateway_transactions_in_flight',
      'gateway_fabric_conflict_retries_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(
      /gateway_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/consents",status="201"\} \d+/,
    );
    for (const stage of ['evaluate', 'endorse', 'submit', 'commit']) {
      expect(text).toMatch(
        new RegExp(
          `gateway_fabric_stage_duration_seconds_count\\{stage="${stage}",chaincode="data-sharing",outcome="ok"\\} \\d+`,
        ),
      );
    }
    // never a token in the metrics
    expect(text).not.toContain(tokenOf(CITIZEN));
  });

  it('/openapi.json is an OpenAPI 3.1 document listing the chaincode routes; /docs serves HTML', async () => {
    const res = await http<OpenApiDoc>(undefined, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.title).toBe('GovLedger gateway');
    for (const [p, method, operationId] of [
      ['/api/v1/consents', 'post', 'grantConsent'],
      ['/api/v1/licences/{licenceId}/verification', 'post', undefined],
      ['/api/v1/programs', 'post', undefined],
      ['/api/v1/elections/{electionId}/tally', 'post', undefined],
      ['/api/v1/events', 'get', 'streamEvents'],
      ['/api/v1/transactions/{txId}', 'get', 'getTransactionStatus'],
      ['/api/v1/offline/transactions/{txId}/signatures', 'post', 'signOfflineTransaction'],
    ] as const) {
      expect(doc.paths[p]?.[method]).toBeDefined();
      if (operationId) expect(doc.paths[p][method].operationId).toBe(operationId);
    }
    const chaincodes = new Set(
      Object.values(doc.paths)
        .flatMap((ops) => Object.values(ops))
        .map((op) => op['x-chaincode']?.name)
        .filter((n): n is string => n !== undefined),
    );
    expect([...chaincodes].sort()).toEqual(
      expect.arrayContaining(['data-sharing', 'e-licence', 'e-voting', 'fund-tracing']),
    );

    const docs = await fetch(`${gatewayUrl()}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await docs.text();
    expect(html).toMatch(/<html/i);
    expect(html).toContain('Swagger UI');
  });
});
