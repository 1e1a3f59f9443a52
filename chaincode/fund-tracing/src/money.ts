/**
 * Money: integer amounts in the smallest currency unit (fen), carried on the wire
 * and in state as canonical decimal strings (the wire contract's `Amount`) and
 * computed as BigInt. No floats.
 */

const DIGITS = /^[0-9]+$/;

/** Converts a validated amount string (or a stored total) to BigInt. */
export function toFen(value: string): bigint {
  if (!DIGITS.test(value)) throw new Error(`not a stored amount: ${value}`);
  return BigInt(value);
}

/** Formats a BigInt amount as its canonical decimal string. */
export function fen(value: bigint): string {
  return value.toString(10);
}

/** The sum of amounts given as strings. */
export function sumFen(values: readonly string[]): bigint {
  return values.reduce((acc, v) => acc + toFen(v), 0n);
}
