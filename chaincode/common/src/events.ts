/**
 * Chaincode events. Fabric keeps only one event per transaction (a later
 * setEvent replaces an earlier one), so a transaction that has several things to
 * say emits one event whose payload lists them; {@link emitEvent} refuses a
 * second call in the same transaction instead of silently losing the first.
 */
import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './errors';
import { toBytes } from './json';

const emitted = new WeakMap<object, string>();

/** Emits the transaction's single chaincode event with a deterministic JSON payload. */
export function emitEvent(ctx: Context, name: string, payload: unknown): void {
  const previous = emitted.get(ctx.stub);
  if (previous !== undefined) {
    throw new ChaincodeError(
      'INTERNAL',
      500,
      `transaction already emitted event ${previous}; cannot emit ${name}`,
    );
  }
  emitted.set(ctx.stub, name);
  ctx.stub.setEvent(name, toBytes(payload));
}
