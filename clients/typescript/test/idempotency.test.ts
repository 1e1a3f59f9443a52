import { idempotentFetch, IDEMPOTENCY_KEY_HEADER, newIdempotencyKey } from '../src/idempotency';
import { retryAfterMs } from '../src/problem';

interface Sent {
  method: string;
  key: string | null;
  body: string;
}

/** A fake gateway that answers from a script and records what it was sent. */
function gateway(script: (n: number) => Response | Error) {
  const sent: Sent[] = [];
  const fetch = async (req: Request): Promise<Response> => {
    sent.push({ method: req.method, key: req.headers.get(IDEMPOTENCY_KEY_HEADER), body: await req.text() });
    const answer = script(sent.length);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { sent, fetch };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const write = () =>
  new Request('https://gw.example/api/v1/applications', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ applicationId: 'APP-1' }),
  });

describe('idempotentFetch', () => {
  it('gives a write a key and sends it again under the same key after 503, 429, 409 in use and a lost connection', async () => {
    const waits: number[] = [];
    const g = gateway((n) =>
      n === 1
        ? json(503, { code: 'FABRIC_UNAVAILABLE', retrySafe: true }, { 'Retry-After': '5' })
        : n === 2
          ? json(429, { code: 'RATE_LIMITED' }, { 'Retry-After': '1' })
          : n === 3
            ? new TypeError('fetch failed')
            : n === 4
              ? json(409, { code: 'IDEMPOTENCY_KEY_IN_USE' }, { 'Retry-After': '1' })
              : json(
                  201,
                  { transactionId: 'tx', blockNumber: '9', result: {} },
                  { 'X-Transaction-Id': 'tx' },
                ),
    );
    const send = idempotentFetch({
      fetch: g.fetch,
      sleep: async (ms) => {
        waits.push(ms);
      },
      newKey: () => 'key-1',
      baseDelayMs: 100,
    });
    const res = await send(write());
    expect(res.status).toBe(201);
    expect(g.sent).toHaveLength(5);
    expect(new Set(g.sent.map((s) => s.key))).toEqual(new Set(['key-1']));
    expect(new Set(g.sent.map((s) => s.body))).toEqual(new Set(['{"applicationId":"APP-1"}']));
    expect(waits).toEqual([5000, 1000, 300, 1000]);
  });

  it('keeps a key the caller set', async () => {
    const g = gateway(() => json(200, {}));
    const req = write();
    req.headers.set(IDEMPOTENCY_KEY_HEADER, 'mine');
    await idempotentFetch({ fetch: g.fetch })(req);
    expect(g.sent[0].key).toBe('mine');
  });

  it('returns refusals that a retry cannot change at once (400, 403, 409 state, 422)', async () => {
    for (const [status, code] of [
      [400, 'INVALID_REQUEST'],
      [403, 'FORBIDDEN'],
      [409, 'APPLICATION_NOT_PENDING'],
      [422, 'IDEMPOTENCY_KEY_REUSED'],
    ] as const) {
      const g = gateway(() => json(status, { code }));
      const res = await idempotentFetch({ fetch: g.fetch, sleep: async () => undefined })(write());
      expect(res.status).toBe(status);
      expect(((await res.json()) as { code: string }).code).toBe(code);
      expect(g.sent).toHaveLength(1);
    }
  });

  it('stops after maxAttempts and returns the last answer, caps waits at maxDelayMs', async () => {
    const waits: number[] = [];
    const g = gateway(() => json(503, { code: 'FABRIC_UNAVAILABLE' }, { 'Retry-After': '3600' }));
    const res = await idempotentFetch({
      fetch: g.fetch,
      maxAttempts: 3,
      maxDelayMs: 2000,
      sleep: async (ms) => {
        waits.push(ms);
      },
    })(write());
    expect(res.status).toBe(503);
    expect(g.sent).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]);
  });

  it('throws a lost connection on the last attempt, and does not key reads', async () => {
    const g = gateway(() => new TypeError('fetch failed'));
    await expect(
      idempotentFetch({ fetch: g.fetch, maxAttempts: 2, sleep: async () => undefined })(write()),
    ).rejects.toThrow('fetch failed');
    expect(g.sent).toHaveLength(2);
    const r = gateway((n) => (n === 1 ? json(503, {}) : json(200, { ok: true })));
    const res = await idempotentFetch({ fetch: r.fetch, sleep: async () => undefined })(
      new Request('https://gw.example/api/v1/me'),
    );
    expect(res.status).toBe(200);
    expect(r.sent.map((s) => [s.method, s.key])).toEqual([
      ['GET', null],
      ['GET', null],
    ]);
  });

  it('makes distinct keys of visible ASCII that the gateway accepts', () => {
    const keys = new Set(Array.from({ length: 20 }, newIdempotencyKey));
    expect(keys.size).toBe(20);
    for (const k of keys) expect(k).toMatch(/^[\x21-\x7e]{1,255}$/);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });
});
