/**
 * Concurrent load and its verdicts for the fault suites (issue 17): careful writers keep sending
 * licence-type creations through the gateway, each with its own Idempotency-Key and the patience
 * of a careful client (it sends the same request again, with the same key, after any 5xx, a 409
 * IDEMPOTENCY_KEY_IN_USE or a dropped connection), while a fault is injected. `runFault` runs one
 * fault under that load; `expectNoneLostNorDuplicated` checks that every request got a final
 * answer, every acknowledged write is on the ledger, and no key ever committed two transactions.
 * A new fault case needs only its inject (and restore) steps.
 */
import { gatewayUrl, tokenOf } from './gateway-client';

const API = '/api/v1';
/** Concurrent careful writers. */
export const WRITERS = 4;
/** How long a careful client keeps trying one request before it gives up. */
export const PATIENCE_MS = 90_000;
/**
 * A writer starts at most one request every PACE_MS: 4 writers send at most 8 writes a second,
 * which with the verdicts' reads stays under the gateway's per-user rate limit (1200 a minute).
 */
export const PACE_MS = 500;

/** What one careful request went through. */
export interface Outcome {
  key: string;
  code: string;
  startedAt: number;
  answeredAt: number;
  status: number;
  /** Every transaction id any answer to this key named. */
  txIds: Set<string>;
  /** The transaction id of the final 2xx answer. */
  acknowledged?: string;
  tries: number;
  /** When each failed attempt (5xx, key in use, dropped connection) was answered. */
  failedAt: number[];
  problems: string[];
}

/** The body of a licence-type creation (the write every careful writer sends). */
export function licenceType(code: string) {
  return {
    code,
    name: 'Fault probe',
    dept: 'market',
    holderKind: 'enterprise',
    validity: { kind: 'permanent' },
    claims: ['businessName'],
    requiredApprovals: [],
  };
}

/** How many careful requests are waiting for their final answer right now. */
let inFlightNow = 0;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends one write until it gets a final answer (2xx, or a 4xx other than "key in use" and "rate
 * limited": a careful client waits out a 429 as its Retry-After says).
 */
export async function carefulWrite(code: string, key: string): Promise<Outcome> {
  const o: Outcome = {
    key,
    code,
    startedAt: Date.now(),
    answeredAt: 0,
    status: 0,
    txIds: new Set(),
    tries: 0,
    failedAt: [],
    problems: [],
  };
  const token = tokenOf('admin-a');
  inFlightNow++;
  try {
    return await sendUntilAnswered(o, token);
  } finally {
    inFlightNow--;
  }
}

async function sendUntilAnswered(o: Outcome, token: string): Promise<Outcome> {
  const { code, key } = o;
  while (Date.now() - o.startedAt < PATIENCE_MS) {
    o.tries++;
    let retryAfterMs = 500;
    try {
      const res = await fetch(`${gatewayUrl()}${API}/licence-types`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(licenceType(code)),
        signal: AbortSignal.timeout(PATIENCE_MS),
      });
      const body = (await res.json().catch(() => ({}))) as { code?: string; transactionId?: string };
      const txId = res.headers.get('x-transaction-id') ?? body.transactionId;
      if (txId) o.txIds.add(txId);
      const retryable = res.status >= 500 || res.status === 429 || body.code === 'IDEMPOTENCY_KEY_IN_USE';
      if (!retryable) {
        o.status = res.status;
        o.answeredAt = Date.now();
        if (res.status < 300 && txId) o.acknowledged = txId;
        if (res.status >= 300) o.problems.push(`${res.status} ${body.code ?? ''}`);
        return o;
      }
      o.problems.push(`${res.status} ${body.code ?? ''}`);
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after) && after > 0)
        retryAfterMs = Math.min(after * 1000, res.status === 429 ? 10_000 : 2000);
    } catch (err) {
      o.problems.push(`connection: ${(err as Error).message}`);
    }
    o.failedAt.push(Date.now());
    await sleep(retryAfterMs);
  }
  o.answeredAt = Date.now();
  return o;
}

/** Runs WRITERS careful writers until `until()` says stop; returns every outcome. */
export async function load(run: string, until: () => boolean): Promise<Outcome[]> {
  const all: Outcome[] = [];
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      // staggered, so that requests are in flight at any moment
      await sleep((w * PACE_MS) / WRITERS);
      for (let i = 0; !until(); i++) {
        const started = Date.now();
        all.push(await carefulWrite(`FLT-${run}-${w}-${i}`, `fault-${run}-${w}-${i}`));
        await sleep(started + PACE_MS - Date.now());
      }
    }),
  );
  return all;
}

/** The figures of a fault (ms), as README "Recovery times" reports them. */
export interface FaultFigures {
  requests: number;
  inFlightAtFault: number;
  /** When the last request in flight at the fault got its final answer, from the fault. */
  inFlightAnsweredAfterMs: number;
  /** When the last failed attempt of any request was answered, from the fault: fresh writes work again after it. */
  freshWritesBackAfterMs: number;
  /** The slowest final answer to a request sent after the fault. */
  slowestAnswerAfterFaultMs: number;
  /** The median final answer before the fault (the baseline). */
  medianAnswerBeforeFaultMs?: number;
  resentByClient: number;
}

/** The figures of a fault injected at `faultAt` (ms since the epoch). */
export function figures(outcomes: Outcome[], faultAt: number): FaultFigures {
  const inFlight = outcomes.filter((o) => o.startedAt <= faultAt && o.answeredAt > faultAt);
  const before = outcomes.filter((o) => o.answeredAt <= faultAt).map((o) => o.answeredAt - o.startedAt);
  const after = outcomes.filter((o) => o.startedAt > faultAt).map((o) => o.answeredAt - o.startedAt);
  const failures = outcomes.flatMap((o) => o.failedAt).filter((t) => t > faultAt);
  before.sort((a, b) => a - b);
  return {
    requests: outcomes.length,
    inFlightAtFault: inFlight.length,
    inFlightAnsweredAfterMs: Math.max(0, ...inFlight.map((o) => o.answeredAt - faultAt)),
    freshWritesBackAfterMs: Math.max(0, ...failures.map((t) => t - faultAt)),
    slowestAnswerAfterFaultMs: Math.max(0, ...after),
    medianAnswerBeforeFaultMs: before.length ? before[Math.floor(before.length / 2)] : undefined,
    resentByClient: outcomes.filter((o) => o.tries > 1).length,
  };
}

/** One fault under load: what it did and what the writers saw. */
export interface FaultRun {
  outcomes: Outcome[];
  faultAt: number;
  /** When `restore` finished (ms since the epoch), when there was one. */
  restoredAt?: number;
  /** The last request in flight when `restore` finished got its final answer this long after it. */
  answeredAfterRestoreMs?: number;
  figures: FaultFigures;
}

/**
 * Runs careful writers, injects a fault after `warmUpMs` (3 s), keeps the load on for `loadMs`
 * (15 s) after the fault, calls `restore` (when given) `holdMs` after the fault, and waits for
 * every request to be answered. `restore` runs even when the load fails. Prints the figures.
 */
export async function runFault(options: {
  name: string;
  inject: () => void | Promise<void>;
  restore?: () => void | Promise<void>;
  holdMs?: number;
  warmUpMs?: number;
  loadMs?: number;
}): Promise<FaultRun> {
  const { name, inject, restore, holdMs = 0, warmUpMs = 3_000, loadMs = 15_000 } = options;
  const run = `${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 6)}${Date.now().toString(36)}`;
  let faultAt = Number.POSITIVE_INFINITY;
  const writes = load(run, () => Date.now() > faultAt + loadMs);
  let outcomes: Outcome[];
  let restored = false;
  let restoredAt: number | undefined;
  try {
    await sleep(warmUpMs);
    // the fault strikes while requests are in flight (at least 2, or whatever is after 5 s)
    const waitUntil = Date.now() + 5_000;
    while (inFlightNow < 2 && Date.now() < waitUntil) await sleep(2);
    faultAt = Date.now();
    await inject();
    if (restore) {
      await sleep(Math.max(0, faultAt + holdMs - Date.now()));
      restored = true;
      await restore();
      restoredAt = Date.now();
    }
    outcomes = await writes;
  } finally {
    faultAt = Math.min(faultAt, Date.now());
    if (restore && !restored) await restore();
  }
  const figs = figures(outcomes, faultAt);
  let answeredAfterRestoreMs: number | undefined;
  if (restoredAt !== undefined) {
    const at = restoredAt;
    const waiting = outcomes.filter((o) => o.startedAt <= at && o.answeredAt > at);
    answeredAfterRestoreMs = Math.max(0, ...waiting.map((o) => o.answeredAt - at));
  }
  console.log(
    `${name}: ${JSON.stringify({ ...figs, restoredAfterMs: restoredAt && restoredAt - faultAt, answeredAfterRestoreMs })}`,
  );
  return { outcomes, faultAt, restoredAt, answeredAfterRestoreMs, figures: figs };
}

/**
 * A verdict's request, sent again (up to 60 s) while the gateway answers 429 (its per-user rate
 * limit), a 5xx or drops the connection: the verdict is about the ledger, not the limiter.
 */
export async function fetchPatiently(url: string, init: RequestInit = {}): Promise<Response> {
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(url, init);
      if ((res.status !== 429 && res.status < 500) || Date.now() > end) return res;
      const after = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 10_000) : 500);
    } catch (err) {
      if (Date.now() > end) throw err;
      await sleep(500);
    }
  }
}

/**
 * Every outcome was acknowledged, its record is on the ledger, and of all the transaction ids its
 * answers named (a re-sent request whose first transaction was lost gets a new one) exactly one
 * committed valid: the acknowledged one. Nothing was lost, nothing written twice.
 */
export async function expectNoneLostNorDuplicated(outcomes: Outcome[]): Promise<void> {
  const failed = outcomes.filter((o) => o.status < 200 || o.status >= 300);
  expect(failed.map((o) => `${o.key}: ${o.status} after ${o.problems.join(', ')}`)).toEqual([]);
  const token = tokenOf('admin-b');
  const submitter = tokenOf('admin-a');
  const wrong: string[] = [];
  for (const o of outcomes) {
    const res = await fetchPatiently(`${gatewayUrl()}${API}/licence-types/${o.code}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) wrong.push(`${o.key}: record ${o.code} answers ${res.status}`);
    const valid: string[] = [];
    for (const txId of o.txIds) {
      const t = await fetchPatiently(`${gatewayUrl()}${API}/transactions/${txId}`, {
        headers: { authorization: `Bearer ${submitter}` },
      });
      const body = (await t.json().catch(() => ({}))) as { status?: string };
      if (t.status === 200 && body.status === 'committed') valid.push(txId);
    }
    if (valid.length !== 1 || valid[0] !== o.acknowledged)
      wrong.push(`${o.key}: acknowledged ${o.acknowledged}, committed valid [${valid.join(', ')}]`);
  }
  expect(wrong).toEqual([]);
}

/**
 * A re-send of every acknowledged request with its original Idempotency-Key answers the original
 * transaction id (the replay of the stored answer), never a new write.
 */
export async function expectReplays(outcomes: Outcome[]): Promise<void> {
  const token = tokenOf('admin-a');
  const wrong: string[] = [];
  for (const o of outcomes) {
    const res = await fetchPatiently(`${gatewayUrl()}${API}/licence-types`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': o.key,
      },
      body: JSON.stringify(licenceType(o.code)),
    });
    const body = (await res.json().catch(() => ({}))) as { transactionId?: string };
    const txId = res.headers.get('x-transaction-id') ?? body.transactionId;
    if (res.status >= 300 || txId !== o.acknowledged)
      wrong.push(`${o.key}: replay ${res.status} ${txId}, acknowledged ${o.acknowledged}`);
  }
  expect(wrong).toEqual([]);
}
