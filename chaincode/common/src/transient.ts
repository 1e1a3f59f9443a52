/**
 * Transient data: private inputs that reach the endorsing peers but never the
 * ledger or the block (personal data, clear claim values, salts).
 */
import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { invalidArgument } from './errors';
import { parseArg } from './validation';

/** Reads and validates a JSON transient field, or throws INVALID_ARGUMENT when it is missing or bad. */
export function readTransientJson<S extends z.ZodType>(ctx: Context, field: string, schema: S): z.infer<S> {
  const bytes = ctx.stub.getTransient().get(field);
  if (!bytes || bytes.length === 0) throw invalidArgument(`transient field "${field}" is required`);
  return parseArg(schema, Buffer.from(bytes).toString('utf8'), `transient field "${field}"`);
}

/** True when the transient map carries the field. */
export function hasTransient(ctx: Context, field: string): boolean {
  const bytes = ctx.stub.getTransient().get(field);
  return !!bytes && bytes.length > 0;
}
