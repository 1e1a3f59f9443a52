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

/** Building blocks shared by the request schemas: the wire contract's, re-exported. */
export { Schemas } from '@govledger/wire';
