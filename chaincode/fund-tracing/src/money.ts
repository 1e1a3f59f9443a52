/**
 * Money: integer amounts in the smallest currency unit (fen), carried on the wire
 * and in state as canonical decimal strings and computed as BigInt. No floats.
 */
import { z } from 'zod';

/** The largest amount accepted anywhere (10^15 fen = 10 trillion yuan). */
export const MAX_AMOUNT = 10n ** 15n;

const DIGITS = /^[0-9]+$/;

/**
 * Why a value is not an acceptable amount, or undefined when it is one: a
 * canonical decimal string of a whole number of fen, 1 to 10^15.
 */
export function amountProblem(value: string): string | undefined {
  if (value.startsWith('-')) return 'must not be negative';
  if (/^[0-9]*[.,][0-9]*$/.test(value)) return 'must be a whole number of fen (no fraction)';
  if (!DIGITS.test(value)) return 'must be a decimal string of digits (no sign, exponent or spaces)';
  if (/^0+$/.test(value)) return 'must be greater than zero';
  if (value.startsWith('0')) return 'must not have leading zeros';
  if (value.length > 16 || BigInt(value) > MAX_AMOUNT) return 'must not exceed 10^15 fen';
  return undefined;
}

/** An amount on the wire: a decimal string of a whole number of fen, 1 to 10^15. */
export const Amount = z.string().superRefine((value, ctx) => {
  const problem = amountProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

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
