/**
 * Building blocks every request and response schema is made of: ids, codes,
 * pseudonymous ids, digests, amounts, dates, text, pages. The chaincodes and
 * the gateway both build their shapes from these, so a field rule is one edit.
 */
import { z } from 'zod';

/** Shared field schemas. */
export const Schemas = {
  /** A record id chosen by the caller: letters, digits and `._:-`, 1-128 characters. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 characters of letters, digits, . _ : -'),
  /** A short code, e.g. a licence type or a category: letters, digits, `_-`, 1-64 characters. */
  code: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 characters of letters, digits, _ -'),
  /** An MSP ID. */
  mspId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/, 'must be an MSP ID'),
  /** A pseudonymous id: lower-case hex of 32 to 128 characters. */
  pid: z
    .string()
    .regex(/^[0-9a-f]{32,128}$/, 'must be a pseudonymous id (lower-case hex, 32-128 characters)'),
  /** A SHA-256 digest in lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest in lower-case hex'),
  /** A salt: lower-case hex of 32 to 128 characters. */
  salt: z.string().regex(/^[0-9a-f]{32,128}$/, 'must be lower-case hex, 32-128 characters'),
  /** An ISO-8601 date-time in UTC, e.g. 2026-01-31T00:00:00Z. */
  isoDateTime: z.iso.datetime({ offset: false }),
  /** Free text of bounded length. */
  text: (max: number) => z.string().min(1).max(max),
  /** Page size of a paginated query (50 when absent). */
  pageSize: z.number().int().min(1).max(200).default(50),
  /** Page size in a URL query string. */
  pageSizeQuery: z.coerce.number().int().min(1).max(200),
  /** A bookmark returned by the previous page; empty for the first page. */
  bookmark: z.string().max(1024).default(''),
  /** A department code. */
  dept: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a department code'),
  /** An amount in fen (smallest currency unit): a canonical decimal string, 1 to 10^15. */
  amount: z
    .string()
    .regex(
      /^[1-9][0-9]{0,15}$/,
      'must be a whole number of fen as a decimal string (no sign, fraction, exponent or leading zero)',
    )
    .refine((v) => !/^\d{1,16}$/.test(v) || BigInt(v) <= 10n ** 15n, 'must not exceed 10^15 fen'),
  /** A Fabric transaction id. */
  txId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a transaction id (64 lower-case hex characters)'),
  /** Base64 of binary data. */
  base64: (max: number) =>
    z
      .string()
      .max(max)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
};

/**
 * A citizen or enterprise: the organisation whose CA vouches for them (home
 * MSP) and their pseudonymous id there. A pid alone names no one: another
 * organisation's CA could issue a certificate with the same pid, so every
 * lookup and comparison uses both.
 */
export const Subject = z
  .object({
    mspId: Schemas.mspId.meta({
      description: 'Home MSP: the organisation whose CA vouches for the person or enterprise',
      example: 'CityAMSP',
    }),
    pid: Schemas.pid.meta({
      description:
        'Pseudonymous id at that organisation (the `gov.pid` certificate attribute: lower-case hex, a keyed hash of the real identifier)',
      example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
    }),
  })
  .strict();
/** A (home MSP, pid) pair. */
export type Subject = z.infer<typeof Subject>;

/** Query string of a paginated list. */
export const PageQuery = z
  .object({
    pageSize: Schemas.pageSizeQuery
      .optional()
      .meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
    bookmark: z.string().max(1024).optional().meta({
      description: 'Bookmark returned by the previous page; absent or empty for the first page',
      example: '',
    }),
  })
  .strict();

/** A page of records as the chaincodes return it. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    records: z.array(item).meta({ description: "The records of this page, in the listing's order" }),
    bookmark: z.string().meta({
      description:
        'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
    }),
    fetched: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Number of records the query read for this page' }),
  });
}

/** A list of distinct strings. */
export function uniqueList(item: z.ZodType<string>, min: number, max: number) {
  return z
    .array(item)
    .min(min)
    .max(max)
    .refine((a) => new Set(a).size === a.length, 'must not contain duplicates');
}

/** A record with at most `max` entries. */
export function boundedRecord<V extends z.ZodType>(key: z.ZodType<string>, value: V, max: number) {
  return z.record(key, value).refine((r) => Object.keys(r).length <= max, `must have at most ${max} entries`);
}
