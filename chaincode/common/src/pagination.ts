/**
 * Paginated and bounded queries over composite keys.
 *
 * Fabric allows pagination only in evaluated (read-only) transactions; use
 * {@link readPage} from query functions and {@link readAll} (bounded) inside
 * writes.
 */
import type { Context } from 'fabric-contract-api';
import type { QueryResponseMetadata } from 'fabric-shim-api';
import { ChaincodeError } from './errors';
import { fromBytes } from './json';

/**
 * The metadata of a paginated query. The peer sends none for an empty page, so
 * fabric-shim leaves it undefined although its type says otherwise.
 */
export function pageMetadata(metadata: QueryResponseMetadata | undefined): QueryResponseMetadata {
  return metadata ?? { bookmark: '', fetchedRecordsCount: 0 };
}

/** One page of results and the bookmark of the next page ('' when there is none). */
export interface Page<T> {
  records: T[];
  bookmark: string;
  fetched: number;
}

/** A key and its decoded value. */
export interface Entry<T> {
  key: string;
  value: T;
}

/** Reads one page of the JSON records under a partial composite key (for index keys use {@link readIndexPage}). */
export async function readPage<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<Page<Entry<T>>> {
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    objectType,
    attributes,
    pageSize,
    bookmark,
  );
  const records: Entry<T>[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      records.push({ key: r.value.key, value: fromBytes<T>(r.value.value) });
    }
  } finally {
    await iterator.close();
  }
  const meta = pageMetadata(metadata);
  const next = records.length < pageSize ? '' : meta.bookmark;
  return { records, bookmark: next, fetched: meta.fetchedRecordsCount };
}

/** One page of index keys (their attributes) and the bookmark of the next page ('' when there is none). */
export interface IndexPage {
  keys: string[][];
  bookmark: string;
  fetched: number;
}

/**
 * Reads one page of index keys under a partial composite key, returning each key's
 * attributes (index entries carry their meaning in the key, not the value).
 */
export async function readIndexPage(
  ctx: Context,
  objectType: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<IndexPage> {
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    objectType,
    attributes,
    pageSize,
    bookmark,
  );
  const keys: string[][] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      keys.push(ctx.stub.splitCompositeKey(r.value.key).attributes);
    }
  } finally {
    await iterator.close();
  }
  const meta = pageMetadata(metadata);
  return {
    keys,
    bookmark: keys.length < pageSize ? '' : meta.bookmark,
    fetched: meta.fetchedRecordsCount,
  };
}

/** Reads the attributes of every key under a partial composite key (index keys), at most `limit`. */
export async function readIndexKeys(
  ctx: Context,
  objectType: string,
  attributes: string[],
  limit: number,
): Promise<string[][]> {
  const out: string[][] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (out.length >= limit) throw tooMany(objectType, limit);
      out.push(ctx.stub.splitCompositeKey(r.value.key).attributes);
    }
  } finally {
    await iterator.close();
  }
  return out;
}

/** Reads every record under a partial composite key, refusing more than `limit` (no unbounded scans). */
export async function readAll<T>(
  ctx: Context,
  objectType: string,
  attributes: string[],
  limit: number,
): Promise<Entry<T>[]> {
  const out: Entry<T>[] = [];
  const iterator = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (out.length >= limit) throw tooMany(objectType, limit);
      out.push({ key: r.value.key, value: fromBytes<T>(r.value.value) });
    }
  } finally {
    await iterator.close();
  }
  return out;
}

function tooMany(objectType: string, limit: number): ChaincodeError {
  return new ChaincodeError(
    'TOO_MANY_RECORDS',
    409,
    `more than ${limit} ${objectType} records; use a paginated query`,
  );
}
