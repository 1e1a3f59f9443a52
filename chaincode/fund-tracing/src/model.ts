/**
 * The records kept in world state. Amounts are decimal strings of fen; every
 * record below the program names its parents, so the earmark is never lost.
 * The shapes that cross the wire are the wire contract's (re-exported by
 * schemas.ts); only state-internal shapes are defined here.
 */

export type {
  Actor,
  Program,
  Allocation,
  Recipient,
  DisbursementStatus,
  Disbursement,
  Spend,
  RuleId,
  AlertRule,
  RecordRef,
  RefusedAttempt,
  RefusedTransaction,
  Refusal,
  AlertChange,
  Alert,
  AlertSummary,
  ProgramView,
  AllocationView,
  AllocationResult,
  SpendResult,
  DisbursementView,
  DisbursementResult,
  SweepResult,
  TraceNode,
  TraceResult,
  Page,
} from './schemas';

/** A running total of a parent's live children (kept in its own key, not in the parent record). */
export interface Total {
  total: string;
  count: number;
}
