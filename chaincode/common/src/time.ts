/**
 * Deterministic time: a transaction's clock is the timestamp its client put in
 * the proposal, identical on every endorsing peer. Never call Date.now() in a
 * chaincode.
 */
import type { Context } from 'fabric-contract-api';

/** Milliseconds since the epoch of the transaction's timestamp. */
export function txTimeMs(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  const seconds = Number(ts.seconds.toString());
  return seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/** The transaction's timestamp as an ISO-8601 UTC string (millisecond precision). */
export function txTimeIso(ctx: Context): string {
  return new Date(txTimeMs(ctx)).toISOString();
}

/** Parses an ISO-8601 date-time into epoch milliseconds (the caller validated it). */
export function isoToMs(iso: string): number {
  return Date.parse(iso);
}

/** Adds whole days to an ISO date-time, in UTC. */
export function addDaysIso(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString();
}
