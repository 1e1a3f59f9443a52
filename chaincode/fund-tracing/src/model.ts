/**
 * The records kept in world state. Amounts are decimal strings of fen; every
 * record below the program names its parents, so the earmark is never lost.
 */
import type { z } from 'zod';
import type { AlertStatus, CoSigner, RecipientKind, RecordKind, RulesConfigInput, Severity } from './schemas';

/** Who did something: organisation, department (staff) and certificate id. */
export interface Actor {
  mspId: string;
  dept?: string;
  id: string;
}

/** A fund program, owned by the finance department of one organisation. */
export interface Program {
  programId: string;
  name: string;
  fiscalYear: number;
  totalBudget: string;
  categories: string[];
  startDate: string;
  endDate: string;
  coSign: { threshold: string; by: z.infer<typeof CoSigner> };
  rules: RulesConfigInput;
  ownerMspId: string;
  status: 'active' | 'closed';
  createdAt: string;
  createdBy: Actor;
  closed?: { at: string; by: Actor; reason: string };
}

/** Part of a program's budget given to one implementing department. */
export interface Allocation {
  allocationId: string;
  programId: string;
  mspId: string;
  dept: string;
  amount: string;
  createdAt: string;
  createdBy: Actor;
}

/** A recipient registered in a program, with the hashes of its approved accounts. */
export interface Recipient {
  programId: string;
  recipientPid: string;
  kind: z.infer<typeof RecipientKind>;
  accountHashes: string[];
  registeredBy: Actor;
  registeredAt: string;
  updatedAt: string;
}

/** Status of a disbursement: pending a co-signature, paid (counts as paid out), or rejected. */
export type DisbursementStatus = 'pending' | 'paid' | 'rejected';

/** A payment from an allocation to a recipient's approved account, for one category. */
export interface Disbursement {
  disbursementId: string;
  programId: string;
  allocationId: string;
  mspId: string;
  dept: string;
  recipientPid: string;
  recipientKind: z.infer<typeof RecipientKind>;
  accountHash: string;
  category: string;
  amount: string;
  documentsHash: string;
  status: DisbursementStatus;
  createdAt: string;
  createdBy: Actor;
  coSignRequired: boolean;
  paidAt?: string;
  coSigned?: { at: string; by: Actor; note?: string };
  rejected?: { at: string; by: Actor; reason: string };
}

/** Onward spending of a disbursement by its recipient. */
export interface Spend {
  spendId: string;
  disbursementId: string;
  allocationId: string;
  programId: string;
  payeeId: string;
  amount: string;
  category: string;
  invoiceHash: string;
  recordedAt: string;
  recordedBy: string;
}

/** The early-warning rules. */
export type RuleId = 'category' | 'recipientCap' | 'splitPayment' | 'afterEnd' | 'unspent';

/** A link to a record. */
export interface RecordRef {
  kind: z.infer<typeof RecordKind>;
  id: string;
}

/** One status change of an alert. */
export interface AlertChange {
  status: z.infer<typeof AlertStatus>;
  at: string;
  by: Actor;
  note: string;
}

/** An early warning raised by a rule inside the transaction that caused it (or by the sweep). */
export interface Alert {
  alertId: string;
  programId: string;
  rule: RuleId;
  severity: z.infer<typeof Severity>;
  status: z.infer<typeof AlertStatus>;
  message: string;
  records: RecordRef[];
  details: Record<string, string | number>;
  raisedAt: string;
  txId: string;
  history: AlertChange[];
}

/** What an event says about an alert. */
export interface AlertSummary {
  alertId: string;
  rule: RuleId;
  severity: z.infer<typeof Severity>;
  records: RecordRef[];
}

/** A running total of a parent's live children (kept in its own key, not in the parent record). */
export interface Total {
  total: string;
  count: number;
}
