/**
 * Webhook signatures, in the style of Stripe / Standard Webhooks: the header
 * `GovLedger-Signature: t=<unix seconds>,v1=<hex>` where the hex is
 * HMAC-SHA256(key = the subscription secret as UTF-8, message = `<t>.<raw body>`).
 * A receiver recomputes it over the raw body it received, compares in constant time,
 * and refuses a timestamp too far from its clock (replayed old requests).
 */
import crypto from 'node:crypto';

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'GovLedger-Signature';

/** A new subscription secret: `whsec_` and 32 random bytes in base64url. */
export function newSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under the secret. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `GovLedger-Signature` header value of a body sent at `timestamp` (Unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/**
 * What a receiver does: true when the header carries a `v1` signature of the body under the
 * secret and its timestamp is within `toleranceSec` of `now` (Unix seconds).
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  now: number = Math.floor(Date.now() / 1000),
  toleranceSec = 300,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now - t) > toleranceSec) return false;
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => crypto.timingSafeEqual(Buffer.from(v as string, 'hex'), expected));
}

/**
 * Wait before attempt `attempt + 1` after `attempt` failed attempts (1, 2, ...): exponential
 * `base * 2^(attempt-1)` capped at `cap`, with "equal jitter": half of it fixed, half random
 * (`random` returns [0, 1)), so retries of many subscriptions spread out.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 1) - 1, 40));
  return Math.round(exp / 2 + random() * (exp / 2));
}
