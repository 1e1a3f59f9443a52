/**
 * Validity periods and the status a verifier sees, always computed with the
 * transaction time.
 */
import { errors } from './errors';
import type { EffectiveStatus, Licence, ValidityRule } from './model';

const DAY_MS = 86_400_000;

/** A resolved validity period, ISO-8601 UTC with milliseconds; validUntil null means without end. */
export interface Validity {
  validFrom: string;
  validUntil: string | null;
}

/**
 * Resolves a licence's validity from the type's rule and the requested dates.
 * - validFrom defaults to `defaultFromMs` (the transaction time, or the end of the licence being renewed);
 * - `days` rule: validUntil defaults to validFrom + days and may not be later than that;
 * - `permanent` rule: validUntil must not be given;
 * - validUntil must be after validFrom and after the transaction time (no licence is born expired).
 * Refuses INVALID_VALIDITY otherwise.
 */
export function resolveValidity(
  rule: ValidityRule,
  txMs: number,
  defaultFromMs: number,
  validFrom?: string,
  validUntil?: string,
): Validity {
  const fromMs = validFrom === undefined ? defaultFromMs : Date.parse(validFrom);
  const from = new Date(fromMs).toISOString();
  if (rule.kind === 'permanent') {
    if (validUntil !== undefined) {
      throw errors.invalidValidity('the licence type is permanent; validUntil must not be given');
    }
    return { validFrom: from, validUntil: null };
  }
  const maxUntilMs = fromMs + rule.days * DAY_MS;
  const untilMs = validUntil === undefined ? maxUntilMs : Date.parse(validUntil);
  if (untilMs <= fromMs) {
    throw errors.invalidValidity('validUntil must be after validFrom');
  }
  if (untilMs > maxUntilMs) {
    throw errors.invalidValidity(
      `the licence type allows at most ${rule.days} days of validity; validUntil is later than ${new Date(maxUntilMs).toISOString()}`,
    );
  }
  if (untilMs <= txMs) {
    throw errors.invalidValidity('validUntil is already past');
  }
  return { validFrom: from, validUntil: new Date(untilMs).toISOString() };
}

/**
 * The status of a licence at `nowMs`: revoked and suspended first, then
 * not-yet-valid (before validFrom), expired (at or after validUntil), else valid.
 */
export function effectiveStatus(licence: Licence, nowMs: number): EffectiveStatus {
  if (licence.status === 'revoked') return 'revoked';
  if (licence.status === 'suspended') return 'suspended';
  if (nowMs < Date.parse(licence.validFrom)) return 'not-yet-valid';
  if (licence.validUntil !== null && nowMs >= Date.parse(licence.validUntil)) return 'expired';
  return 'valid';
}
