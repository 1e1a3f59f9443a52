/**
 * Building blocks every request and response schema is made of: ids, codes,
 * pseudonymous ids, digests, amounts, dates, text, pages. The chaincodes and
 * the gateway both build their shapes from these, so a field rule is one edit.
 */
import { z } from 'zod';

/**
 * Characters no free text may hold: C0 and C1 controls (NUL, tab and newline
 * included), U+007F, zero-width characters (U+200B-U+200F, U+FEFF) and the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). They make a
 * stored name display differently from what it is (a bidi override turns
 * "Acme\u202Egnp.exe" around; a zero-width space makes two identical-looking names differ).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_TEXT = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;

/** The message of every refusal of an unsafe character (stable: clients may match it). */
export const UNSAFE_TEXT_MESSAGE = 'must not contain control, bidi-override or zero-width characters';

/** True when `s` holds none of the characters of UNSAFE_TEXT. */
export function isSafeText(s: string): boolean {
  return !UNSAFE_TEXT.test(s);
}

/** Earliest and latest year a date-time may have (plausible range; UTC). */
export const DateRange = { minYear: 1900, maxYear: 2200 } as const;

/** The message of a date-time outside DateRange. */
export const DATE_RANGE_MESSAGE = `must be a date-time in the years ${DateRange.minYear}-${DateRange.maxYear}`;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|([+-])(\d{2}):(\d{2}))$/;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * An RFC 3339 date-time as UTC with a `Z` (`2026-01-31T00:30:00+01:00` gives
 * `2026-01-30T23:30:00Z`; the fraction is kept digit for digit; a `Z` value is
 * returned unchanged), or undefined when it is not one or names a day that does
 * not exist. Pure arithmetic on the digits (Date.UTC), so every endorser gets the same string.
 */
export function toUtcDateTime(value: string): string | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone, sign, oh, om] = m;
  const nums = [y, mo, d, h, mi, s].map(Number);
  const [year, month, day, hour, minute, second] = nums;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const check = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  check.setUTCFullYear(year, month - 1, day); // unlike Date.UTC, keeps years 0-99 as they are
  // a day that does not exist (31 February) rolls over to the next month: refused
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const local = check.getTime();
  if (zone === 'Z') return value;
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const u = new Date(local - offsetMs);
  return (
    `${String(u.getUTCFullYear()).padStart(4, '0')}-${two(u.getUTCMonth() + 1)}-${two(u.getUTCDate())}` +
    `T${two(u.getUTCHours())}:${two(u.getUTCMinutes())}:${two(u.getUTCSeconds())}${frac}Z`
  );
}

/** The UTC year of a normalised date-time (`YYYY-...Z`). */
const yearOf = (utc: string) => Number(utc.slice(0, 4));

/**
 * Free text of at most `max` characters, with no character of UNSAFE_TEXT;
 * `min` characters at least (0 allows the empty string).
 */
function safeText(min: number, max: number) {
  return z.string().min(min).max(max).refine(isSafeText, { message: UNSAFE_TEXT_MESSAGE });
}

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
  /**
   * An RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z or 2026-01-31T08:00:00+08:00, in the
   * years DateRange (1900-2200); parsed to UTC with a `Z` (an offset is applied, the fraction
   * kept), so records and comparisons only ever see UTC.
   */
  isoDateTime: z.iso
    .datetime({ offset: true })
    .transform((value, ctx) => {
      const utc = toUtcDateTime(value);
      if (utc === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 date-time (Z or +HH:MM offset)' });
        return z.NEVER;
      }
      if (yearOf(utc) < DateRange.minYear || yearOf(utc) > DateRange.maxYear) {
        ctx.addIssue({ code: 'custom', message: DATE_RANGE_MESSAGE });
        return z.NEVER;
      }
      return utc;
    })
    .meta({
      description:
        'RFC 3339 date-time (Z or an offset such as +08:00), years 1900-2200; stored in UTC with Z',
      example: '2026-01-31T00:00:00Z',
    }),
  /** A calendar date (YYYY-MM-DD) that exists, in the years DateRange (1900-2200). */
  isoDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .refine((v) => toUtcDateTime(`${v}T00:00:00Z`) !== undefined, 'must be a date that exists')
    .refine((v) => {
      const year = Number(v.slice(0, 4));
      return year >= DateRange.minYear && year <= DateRange.maxYear;
    }, `must be a date in the years ${DateRange.minYear}-${DateRange.maxYear}`)
    .meta({ description: 'A calendar date YYYY-MM-DD, years 1900-2200', example: '1990-01-01' }),
  /**
   * Free text of 1 to `max` characters: no control characters (C0, C1, NUL), bidi
   * overrides or isolates, or zero-width characters (UNSAFE_TEXT; message UNSAFE_TEXT_MESSAGE).
   */
  text: (max: number) => safeText(1, max),
  /** A free-form value of at most `max` characters, possibly empty, under the same character rule as `text`. */
  value: (max: number) => safeText(0, max),
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
