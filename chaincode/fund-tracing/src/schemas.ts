/**
 * The wire contract: one zod schema per transaction request. Every transaction
 * takes exactly one string argument, the JSON text of its request; the gateway
 * validates the same shapes on its side. Amounts are decimal strings of fen.
 */
import { Schemas } from '@govledger/chaincode-common';
import { z } from 'zod';
import { Amount } from './money';

/** Bounds that keep every record and every transaction's work small. */
export const Limits = {
  /** Allowed spending categories per program. */
  maxCategories: 50,
  /** Approved accounts per recipient. */
  maxAccounts: 20,
  /** Disbursements handled by one SweepUnspent call. */
  maxSweep: 100,
  /** Records (allocations, disbursements, spends) in one trace. */
  maxTraceRecords: 2000,
} as const;

/** How an early-warning rule acts: refuse the transaction, let it through with an alert, or not at all. */
export const RuleMode = z.enum(['block', 'warn', 'off']);
/** A rule mode. */
export type RuleModeValue = z.infer<typeof RuleMode>;

/** Who co-signs a disbursement above the threshold: a finance officer or an auditor of another organisation. */
export const CoSigner = z.enum(['finance', 'auditor']);

/** What a recipient is: an enterprise (role `enterprise`) or a person (role `citizen`). */
export const RecipientKind = z.enum(['enterprise', 'person']);

/** Alert status. */
export const AlertStatus = z.enum(['open', 'acknowledged', 'resolved']);
/** Alert severity. */
export const Severity = z.enum(['low', 'medium', 'high']);

/** The kinds of record a trace starts from. */
export const RecordKind = z.enum(['program', 'allocation', 'disbursement', 'spend']);

const distinct = <T>(items: readonly T[]): boolean => new Set(items).size === items.length;

const page = { pageSize: Schemas.pageSize, bookmark: Schemas.bookmark };

// ---------------------------------------------------------------- programs

/** The early-warning rules of a program and their parameters. */
export const RulesConfig = z
  .object({
    /** A spend outside the program's categories. */
    category: z.object({ mode: RuleMode }).strict(),
    /** A recipient's total (pending + paid disbursements) passing `cap`. */
    recipientCap: z.object({ mode: RuleMode, cap: Amount }).strict(),
    /**
     * `count` or more disbursements to one recipient within `windowHours`, each at or just under
     * `threshold` (at most `marginPercent` % below it).
     */
    splitPayment: z
      .object({
        mode: RuleMode,
        threshold: Amount,
        windowHours: z.number().int().min(1).max(8760),
        count: z.number().int().min(2).max(100),
        marginPercent: z.number().int().min(1).max(50).default(10),
      })
      .strict(),
    /** An allocation, disbursement, co-signature or spend after the program's end date. */
    afterEnd: z.object({ mode: RuleMode }).strict(),
    /** Money paid out but not fully spent `days` after payment (found by SweepUnspent; never blocks). */
    unspent: z.object({ mode: z.enum(['warn', 'off']), days: z.number().int().min(1).max(3650) }).strict(),
  })
  .strict();
/** The rules configuration. */
export type RulesConfigInput = z.infer<typeof RulesConfig>;

/** CreateProgram: a finance officer creates a fund program owned by the caller's organisation. */
export const CreateProgramRequest = z
  .object({
    programId: Schemas.id,
    name: Schemas.text(200),
    fiscalYear: z.number().int().min(2000).max(2100),
    totalBudget: Amount,
    categories: z
      .array(Schemas.code)
      .min(1)
      .max(Limits.maxCategories)
      .refine(distinct, 'must not repeat a category'),
    startDate: Schemas.isoDateTime,
    endDate: Schemas.isoDateTime,
    coSign: z.object({ threshold: Amount, by: CoSigner }).strict(),
    rules: RulesConfig,
  })
  .strict()
  .refine((p) => Date.parse(p.endDate) > Date.parse(p.startDate), {
    message: 'must be after startDate',
    path: ['endDate'],
  });
/** CreateProgram request. */
export type CreateProgramInput = z.infer<typeof CreateProgramRequest>;

/** CloseProgram: the owning finance department closes a program. */
export const CloseProgramRequest = z.object({ programId: Schemas.id, reason: Schemas.text(500) }).strict();
/** CloseProgram request. */
export type CloseProgramInput = z.infer<typeof CloseProgramRequest>;

/** GetProgram. */
export const GetProgramRequest = z.object({ programId: Schemas.id }).strict();
/** GetProgram request. */
export type GetProgramInput = z.infer<typeof GetProgramRequest>;

/** ListPrograms (paginated). */
export const ListProgramsRequest = z.object({ ...page }).strict();
/** ListPrograms request. */
export type ListProgramsInput = z.infer<typeof ListProgramsRequest>;

// ---------------------------------------------------------------- allocations

/** AllocateFunds: the owning finance department allocates part of a program to an implementing department. */
export const AllocateFundsRequest = z
  .object({
    allocationId: Schemas.id,
    programId: Schemas.id,
    mspId: Schemas.mspId,
    dept: Schemas.code,
    amount: Amount,
  })
  .strict();
/** AllocateFunds request. */
export type AllocateFundsInput = z.infer<typeof AllocateFundsRequest>;

/** GetAllocation. */
export const GetAllocationRequest = z.object({ allocationId: Schemas.id }).strict();
/** GetAllocation request. */
export type GetAllocationInput = z.infer<typeof GetAllocationRequest>;

/** ListAllocations of a program (paginated). */
export const ListAllocationsRequest = z.object({ programId: Schemas.id, ...page }).strict();
/** ListAllocations request. */
export type ListAllocationsInput = z.infer<typeof ListAllocationsRequest>;

// ---------------------------------------------------------------- recipients

const AccountHashes = z
  .array(Schemas.sha256)
  .max(Limits.maxAccounts)
  .refine(distinct, 'must not repeat an account hash');

/** RegisterRecipient: an implementing department registers a recipient and its approved accounts. */
export const RegisterRecipientRequest = z
  .object({
    programId: Schemas.id,
    recipientPid: Schemas.pid,
    kind: RecipientKind,
    accountHashes: AccountHashes.min(1),
  })
  .strict();
/** RegisterRecipient request. */
export type RegisterRecipientInput = z.infer<typeof RegisterRecipientRequest>;

/** UpdateRecipientAccounts: the registering department approves or withdraws account hashes. */
export const UpdateRecipientAccountsRequest = z
  .object({
    programId: Schemas.id,
    recipientPid: Schemas.pid,
    add: AccountHashes.default([]),
    remove: AccountHashes.default([]),
  })
  .strict()
  .refine((r) => r.add.length + r.remove.length > 0, { message: 'add or remove at least one account' })
  .refine((r) => r.add.every((h) => !r.remove.includes(h)), {
    message: 'must not both add and remove an account',
    path: ['remove'],
  });
/** UpdateRecipientAccounts request. */
export type UpdateRecipientAccountsInput = z.infer<typeof UpdateRecipientAccountsRequest>;

/** GetRecipient. */
export const GetRecipientRequest = z.object({ programId: Schemas.id, recipientPid: Schemas.pid }).strict();
/** GetRecipient request. */
export type GetRecipientInput = z.infer<typeof GetRecipientRequest>;

/** ListRecipients of a program (paginated). */
export const ListRecipientsRequest = z.object({ programId: Schemas.id, ...page }).strict();
/** ListRecipients request. */
export type ListRecipientsInput = z.infer<typeof ListRecipientsRequest>;

// ---------------------------------------------------------------- disbursements

/** Disburse: an implementing department pays a recipient from its allocation. */
export const DisburseRequest = z
  .object({
    disbursementId: Schemas.id,
    allocationId: Schemas.id,
    recipientPid: Schemas.pid,
    accountHash: Schemas.sha256,
    category: Schemas.code,
    amount: Amount,
    documentsHash: Schemas.sha256,
  })
  .strict();
/** Disburse request. */
export type DisburseInput = z.infer<typeof DisburseRequest>;

/** CoSignDisbursement: an officer of another organisation co-signs a pending disbursement. */
export const CoSignDisbursementRequest = z
  .object({ disbursementId: Schemas.id, note: Schemas.text(500).optional() })
  .strict();
/** CoSignDisbursement request. */
export type CoSignDisbursementInput = z.infer<typeof CoSignDisbursementRequest>;

/** RejectDisbursement: a co-signer refuses, or the disbursing department withdraws, a pending disbursement. */
export const RejectDisbursementRequest = z
  .object({ disbursementId: Schemas.id, reason: Schemas.text(500) })
  .strict();
/** RejectDisbursement request. */
export type RejectDisbursementInput = z.infer<typeof RejectDisbursementRequest>;

/** GetDisbursement. */
export const GetDisbursementRequest = z.object({ disbursementId: Schemas.id }).strict();
/** GetDisbursement request. */
export type GetDisbursementInput = z.infer<typeof GetDisbursementRequest>;

/** ListDisbursements: of one allocation, or of one recipient in a program (paginated). */
export const ListDisbursementsRequest = z
  .object({
    allocationId: Schemas.id.optional(),
    programId: Schemas.id.optional(),
    recipientPid: Schemas.pid.optional(),
    ...page,
  })
  .strict()
  .refine(
    (r) =>
      (r.allocationId !== undefined && r.programId === undefined && r.recipientPid === undefined) ||
      (r.allocationId === undefined && r.programId !== undefined && r.recipientPid !== undefined),
    { message: 'give either allocationId, or programId and recipientPid' },
  );
/** ListDisbursements request. */
export type ListDisbursementsInput = z.infer<typeof ListDisbursementsRequest>;

/** ListPendingDisbursements: those of a program waiting for a co-signature (paginated). */
export const ListPendingDisbursementsRequest = z.object({ programId: Schemas.id, ...page }).strict();
/** ListPendingDisbursements request. */
export type ListPendingDisbursementsInput = z.infer<typeof ListPendingDisbursementsRequest>;

// ---------------------------------------------------------------- spends

/** RecordSpend: the recipient records onward spending of a paid disbursement. */
export const RecordSpendRequest = z
  .object({
    spendId: Schemas.id,
    disbursementId: Schemas.id,
    payeeId: Schemas.id,
    amount: Amount,
    category: Schemas.code,
    invoiceHash: Schemas.sha256,
  })
  .strict();
/** RecordSpend request. */
export type RecordSpendInput = z.infer<typeof RecordSpendRequest>;

/** GetSpend. */
export const GetSpendRequest = z.object({ spendId: Schemas.id }).strict();
/** GetSpend request. */
export type GetSpendInput = z.infer<typeof GetSpendRequest>;

/** ListSpends of a disbursement (paginated). */
export const ListSpendsRequest = z.object({ disbursementId: Schemas.id, ...page }).strict();
/** ListSpends request. */
export type ListSpendsInput = z.infer<typeof ListSpendsRequest>;

// ---------------------------------------------------------------- sweep, trace, alerts

/** SweepUnspent: anyone raises the unspent-funds alerts that are due, at most `limit` per call. */
export const SweepUnspentRequest = z
  .object({ programId: Schemas.id, limit: z.number().int().min(1).max(Limits.maxSweep).default(50) })
  .strict();
/** SweepUnspent request. */
export type SweepUnspentInput = z.infer<typeof SweepUnspentRequest>;

/** TraceFunds: the chain from any record up to its program and down to every spend. */
export const TraceFundsRequest = z.object({ kind: RecordKind, id: Schemas.id }).strict();
/** TraceFunds request. */
export type TraceFundsInput = z.infer<typeof TraceFundsRequest>;

/** GetAlert. */
export const GetAlertRequest = z.object({ alertId: Schemas.id }).strict();
/** GetAlert request. */
export type GetAlertInput = z.infer<typeof GetAlertRequest>;

/** ListAlerts of a program, optionally by status and/or severity, newest first (paginated). */
export const ListAlertsRequest = z
  .object({ programId: Schemas.id, status: AlertStatus.optional(), severity: Severity.optional(), ...page })
  .strict();
/** ListAlerts request. */
export type ListAlertsInput = z.infer<typeof ListAlertsRequest>;

/** AcknowledgeAlert / ResolveAlert: an auditor changes an alert's status with a note. */
export const AlertNoteRequest = z.object({ alertId: Schemas.id, note: Schemas.text(1000) }).strict();
/** AcknowledgeAlert / ResolveAlert request. */
export type AlertNoteInput = z.infer<typeof AlertNoteRequest>;
