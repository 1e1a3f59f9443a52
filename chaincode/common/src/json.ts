/**
 * Deterministic JSON: the same value always serialises to the same bytes, whatever
 * order its keys were set in, so every endorsing peer writes identical state.
 */
import stringify from 'json-stringify-deterministic';

/** Serialises a value with keys sorted at every level. */
export function stableStringify(value: unknown): string {
  return stringify(value);
}

/** Serialises a value to UTF-8 bytes with keys sorted at every level. */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(stableStringify(value), 'utf8');
}

/** Parses UTF-8 JSON bytes. */
export function fromBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
