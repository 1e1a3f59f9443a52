/**
 * Input validation: every transaction argument is parsed with a zod schema; a
 * failure is a 400 INVALID_ARGUMENT error that names every bad field.
 */
import { z } from 'zod';
import { invalidArgument } from './errors';

/** Parses a JSON argument against a schema, or throws INVALID_ARGUMENT. */
export function parseArg<S extends z.ZodType>(schema: S, json: string, what = 'request'): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw invalidArgument(`${what} is not valid JSON`);
  }
  return parseValue(schema, raw, what);
}

/** Validates an already-decoded value against a schema, or throws INVALID_ARGUMENT. */
export function parseValue<S extends z.ZodType>(schema: S, raw: unknown, what = 'request'): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw invalidArgument(`${what} is invalid: ${summary}`, issues);
  }
  return result.data;
}

/** Building blocks shared by the chaincodes' request schemas. */
export const Schemas = {
  /** A record id chosen by the caller: letters, digits and `._:-`, 1-128 characters. */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be 1-128 characters of letters, digits, . _ : -'),
  /** A short code, e.g. a licence type or a category: upper/lower letters, digits, `_-`. */
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
  /** Page size for paginated queries. */
  pageSize: z.number().int().min(1).max(200).default(50),
  /** A bookmark returned by the previous page; empty for the first page. */
  bookmark: z.string().max(1024).default(''),
};
