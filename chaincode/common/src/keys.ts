/**
 * Keys and typed state access. Each record type lives under a composite key
 * `(objectType, ...attributes)`; values are deterministic JSON.
 *
 * Remember Fabric's rule: a read in a transaction sees the state before the
 * transaction, never the transaction's own writes.
 */
import type { Context } from 'fabric-contract-api';
import { notFound } from './errors';
import { fromBytes, toBytes } from './json';

/** Builds a composite key. */
export function compositeKey(ctx: Context, objectType: string, ...attributes: string[]): string {
  return ctx.stub.createCompositeKey(objectType, attributes);
}

/** Reads and decodes a JSON record; undefined when the key is absent. */
export async function readJson<T>(ctx: Context, key: string): Promise<T | undefined> {
  const bytes = await ctx.stub.getState(key);
  if (!bytes || bytes.length === 0) return undefined;
  return fromBytes<T>(bytes);
}

/** Reads a JSON record or throws a 404 with the given code. */
export async function mustReadJson<T>(ctx: Context, key: string, what: string, code?: string): Promise<T> {
  const value = await readJson<T>(ctx, key);
  if (value === undefined) throw notFound(`${what} does not exist`, code);
  return value;
}

/** Writes a record as deterministic JSON. */
export async function writeJson(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, toBytes(value));
}

/** True when the key holds a value. */
export async function keyExists(ctx: Context, key: string): Promise<boolean> {
  const bytes = await ctx.stub.getState(key);
  return !!bytes && bytes.length > 0;
}

/** A marker value for index keys, whose meaning is all in the key. */
export const INDEX_MARKER = Uint8Array.from([0]);

/** Writes an index entry (a key whose attributes carry the information). */
export async function writeIndex(ctx: Context, objectType: string, ...attributes: string[]): Promise<void> {
  await ctx.stub.putState(compositeKey(ctx, objectType, ...attributes), INDEX_MARKER);
}

/** Deletes an index entry. */
export async function deleteIndex(ctx: Context, objectType: string, ...attributes: string[]): Promise<void> {
  await ctx.stub.deleteState(compositeKey(ctx, objectType, ...attributes));
}

const MAX_MS = 9_999_999_999_999;

/**
 * A key part that sorts newest first: (9999999999999 - ms), zero-padded to 13
 * digits. Use it in index keys that must list recent entries first.
 */
export function newestFirst(ms: number): string {
  return String(MAX_MS - ms).padStart(13, '0');
}

/** A key part that sorts oldest first: ms zero-padded to 13 digits. */
export function oldestFirst(ms: number): string {
  return String(ms).padStart(13, '0');
}
