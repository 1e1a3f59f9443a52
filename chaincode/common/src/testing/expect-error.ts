/**
 * Assertion helper: runs a transaction that must be refused and returns the
 * error's code and status, so a test can assert both.
 */
import { ChaincodeError } from '../errors';

/** The stable parts of a refusal. */
export interface Refusal {
  code: string;
  status: number;
  message: string;
}

/** Awaits a promise that must reject with a ChaincodeError and returns its code, status and message. */
export async function refusal(promise: Promise<unknown>): Promise<Refusal> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ChaincodeError) return { code: err.code, status: err.status, message: err.reason };
    throw err;
  }
  throw new Error('expected the transaction to be refused, but it succeeded');
}
