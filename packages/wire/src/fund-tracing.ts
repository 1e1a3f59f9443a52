/**
 * The fund-tracing chaincode's wire contract: its request and response schemas, error
 * codes, limits and protocol constants. Every transaction takes exactly one string
 * argument, the JSON text of its request. Amounts are decimal strings of fen
 * (the smallest currency unit), never numbers.
 *
 * Request schemas with a cross-field check are built in two steps: the plain
 * object (`XFields`, which callers may `.omit`/`.extend`, e.g. the gateway for
 * path parameters) and the check (`checkX`), applied once to make `XRequest`.
 */
import { z } from 'zod';
import { CommonErrorCode } from './errors';
import { pageOf, Schemas } from './common';

// ---------------------------------------------------------------- limits and constants

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
  /** Records (allocations, disbursements, spends, alerts) one public summary may read. */
  maxPublicRecords: 20000,
  /** Programs in one page of ListPublicSummaries. */
  maxPublicPage: 20,
} as const;

/** Defaults the chaincode applies to fields a request leaves out. */
export const Defaults = {
  /** splitPayment.marginPercent: how far below the threshold a payment still counts as "just under". */
  marginPercent: 10,
  /** SweepUnspent.limit. */
  sweepLimit: 50,
} as const;

/** The finance department's code: it owns programs and makes allocations. */
export const FINANCE_DEPT = 'finance';

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

/** An amount on the wire: a decimal string of a whole number of fen, 1 to 10^15 (each fault named). */
export const Amount = z.string().superRefine((value, ctx) => {
  const problem = amountProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// ---------------------------------------------------------------- enumerations

/** How an early-warning rule acts: refuse the transaction, let it through with an alert, or not at all. */
export const RuleMode = z.enum(['block', 'warn', 'off']);
/** A rule mode. */
export type RuleMode = z.infer<typeof RuleMode>;

/** The early-warning rules. */
export const RuleId = z.enum(['category', 'recipientCap', 'splitPayment', 'afterEnd', 'unspent']);
/** An early-warning rule. */
export type RuleId = z.infer<typeof RuleId>;

/** Who co-signs a disbursement above the threshold: a finance officer or an auditor of another organisation. */
export const CoSigner = z.enum(['finance', 'auditor']);
/** A co-signer class. */
export type CoSigner = z.infer<typeof CoSigner>;

/** What a recipient is: an enterprise (role `enterprise`) or a person (role `citizen`). */
export const RecipientKind = z.enum(['enterprise', 'person']);
/** A recipient kind. */
export type RecipientKind = z.infer<typeof RecipientKind>;

/** The role a recipient's certificate carries for each kind of recipient. */
export const RECIPIENT_ROLE = { enterprise: 'enterprise', person: 'citizen' } as const;

/** Alert status. */
export const AlertStatus = z.enum(['open', 'acknowledged', 'resolved']);
/** An alert status. */
export type AlertStatus = z.infer<typeof AlertStatus>;

/** Alert severity. */
export const Severity = z.enum(['low', 'medium', 'high']);
/** An alert severity. */
export type Severity = z.infer<typeof Severity>;

/** The kinds of record a trace starts from (and alerts point at). */
export const RecordKind = z.enum(['program', 'allocation', 'disbursement', 'spend']);
/** A record kind. */
export type RecordKind = z.infer<typeof RecordKind>;

/** Status of a disbursement: pending a co-signature, paid (counts as paid out), or rejected. */
export const DisbursementStatus = z.enum(['pending', 'paid', 'rejected']);
/** A disbursement status. */
export type DisbursementStatus = z.infer<typeof DisbursementStatus>;

/** Status of a program. */
export const ProgramStatus = z.enum(['active', 'closed']);
/** A program status. */
export type ProgramStatus = z.infer<typeof ProgramStatus>;

const distinct = <T>(items: readonly T[]): boolean => new Set(items).size === items.length;

const page = {
  pageSize: Schemas.pageSize.meta({ description: 'Records per page, 1-200 (default 50)', example: 50 }),
  bookmark: Schemas.bookmark.meta({
    description: 'Bookmark of the next page; empty on the last page (send it back as `bookmark` to read on)',
    example: '',
  }),
};

// ---------------------------------------------------------------- programs

/** Rule `splitPayment`'s margin: at most this many percent under the threshold counts as "just under". */
export const MarginPercent = z.number().int().min(1).max(50);

/**
 * Rule `splitPayment`: `count` or more disbursements to one recipient within `windowHours`,
 * each at or just under `threshold` (at most `marginPercent` % below it).
 */
export const SplitPaymentRule = z
  .object({
    mode: RuleMode.meta({
      description:
        '`block`: refuse the write that breaks the rule; `warn`: allow it and raise an alert; `off`: do not check',
      example: 'warn',
    }),
    threshold: Amount.meta({
      description: 'The reporting threshold (fen, decimal string) that split payments stay just under',
      example: '500000',
    }),
    windowHours: z
      .number()
      .int()
      .min(1)
      .max(8760)
      .meta({ description: 'Look-back window in hours', example: 72 }),
    count: z.number().int().min(2).max(100).meta({
      description:
        'How many near-threshold disbursements to the same recipient within the window fire the rule',
      example: 3,
    }),
    marginPercent: MarginPercent.default(Defaults.marginPercent).meta({
      description: 'How far under the threshold (percent) still counts as near it',
      example: 10,
    }),
  })
  .strict();

/**
 * Rule `unspent`: money paid out but not fully spent `days` days plus `minutes` minutes after
 * payment. The period is at least one minute (`minutes` serves short programmes and tests).
 */
export const UnspentRule = z
  .object({
    mode: z
      .enum(['warn', 'off'])
      .meta({ description: 'warn: the sweep raises an alert; off: not checked', example: 'warn' }),
    days: z
      .number()
      .int()
      .min(0)
      .max(3650)
      .meta({ description: 'Whole days after payment before unspent money is reported', example: 90 }),
    minutes: z.number().int().min(0).max(1439).optional().meta({
      description: 'Minutes added to `days` (default 0); the whole period is at least one minute',
      example: 0,
    }),
  })
  .strict()
  .refine((r) => r.days * 1440 + (r.minutes ?? 0) >= 1, {
    message: 'the period (days and minutes) must be at least one minute',
    path: ['days'],
  });
/** The unspent rule. */
export type UnspentRule = z.output<typeof UnspentRule>;

/** The rule's period in milliseconds. */
export function unspentPeriodMs(rule: { days: number; minutes?: number }): number {
  return (rule.days * 1440 + (rule.minutes ?? 0)) * 60_000;
}

/** The early-warning rules of a program and their parameters. */
export const RulesConfig = z
  .object({
    /** A spend outside the program's categories. */
    category: z
      .object({
        mode: RuleMode.meta({
          description:
            '`block`: refuse the write that breaks the rule; `warn`: allow it and raise an alert; `off`: do not check',
          example: 'warn',
        }),
      })
      .strict()
      .meta({ description: "A spend outside the program's categories" }),
    /** A recipient's total (pending + paid disbursements) passing `cap`. */
    recipientCap: z
      .object({
        mode: RuleMode.meta({
          description:
            '`block`: refuse the write that breaks the rule; `warn`: allow it and raise an alert; `off`: do not check',
          example: 'warn',
        }),
        cap: Amount.meta({
          description: 'Most a recipient may receive in the program (fen, decimal string)',
          example: '2000000',
        }),
      })
      .strict()
      .meta({ description: "A recipient's total (pending + paid disbursements) passing `cap`." }),
    /** Near-threshold payments split to stay under the threshold. */
    splitPayment: SplitPaymentRule.meta({
      description: 'Near-threshold payments split to stay under the threshold.',
    }),
    /** An allocation, disbursement, co-signature or spend after the program's end date. */
    afterEnd: z
      .object({
        mode: RuleMode.meta({
          description:
            '`block`: refuse the write that breaks the rule; `warn`: allow it and raise an alert; `off`: do not check',
          example: 'warn',
        }),
      })
      .strict()
      .meta({
        description: "An allocation, disbursement, co-signature or spend after the program's end date.",
      }),
    /** Money paid out but not fully spent `days` (plus `minutes`) after payment (found by SweepUnspent; never blocks). */
    unspent: UnspentRule.meta({
      description:
        'Money paid out but not fully spent `days` (plus `minutes`) after payment (found by SweepUnspent; never blocks).',
    }),
  })
  .strict();
/** The rules configuration as a caller sends it. */
export type RulesConfigInput = z.input<typeof RulesConfig>;
/** The rules configuration as stored (defaults applied). */
export type RulesConfig = z.output<typeof RulesConfig>;

/** The co-signature rule of a program: above `threshold` a disbursement needs a co-signer of class `by`. */
export const CoSignConfig = z
  .object({
    threshold: Amount.meta({
      description: 'Disbursements above this amount (fen, decimal string) need a co-signature',
      example: '1000000',
    }),
    by: CoSigner.meta({
      description:
        'Who co-signs: `finance` (a finance officer) or `auditor` (an auditor of an organisation that audits the others), of another organisation',
      example: 'finance',
    }),
  })
  .strict();
/** The co-signature rule. */
export type CoSignConfig = z.infer<typeof CoSignConfig>;

/** CreateProgram's fields, without the cross-field check. */
export const CreateProgramFields = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    name: Schemas.text(200).meta({
      description: 'Program name (1-200 characters)',
      example: 'Housing repair subsidy 2026',
    }),
    fiscalYear: z
      .number()
      .int()
      .min(2000)
      .max(2100)
      .meta({ description: 'Fiscal year (2000-2100)', example: 2026 }),
    totalBudget: Amount.meta({
      description: 'Total budget in fen (smallest currency unit), a decimal string',
      example: '100000000',
    }),
    categories: z
      .array(Schemas.code)
      .min(1)
      .max(Limits.maxCategories)
      .refine(distinct, 'must not repeat a category')
      .meta({
        description: 'Spend categories allowed in the program (distinct codes)',
        example: ['materials', 'labour'],
      }),
    startDate: Schemas.isoDateTime.meta({
      description: 'Start of the program (RFC 3339 date-time)',
      example: '2026-01-01T00:00:00Z',
    }),
    endDate: Schemas.isoDateTime.meta({
      description: 'End of the program (RFC 3339 date-time), after `startDate`',
      example: '2026-12-31T23:59:59Z',
    }),
    coSign: CoSignConfig.meta({
      description: 'The co-signature rule: above `threshold` a disbursement needs a co-signer of class `by`',
    }),
    rules: RulesConfig.meta({
      description: 'The fund-tracing alert rules and what each does (block, warn or off)',
    }),
  })
  .strict();

/** CreateProgram's cross-field check: the program ends after it starts. */
export function checkProgramDates(p: { startDate: string; endDate: string }, ctx: z.RefinementCtx): void {
  if (!(Date.parse(p.endDate) > Date.parse(p.startDate))) {
    ctx.addIssue({ code: 'custom', message: 'must be after startDate', path: ['endDate'] });
  }
}

/** CreateProgram: a finance officer creates a fund program owned by the caller's organisation. */
export const CreateProgramRequest = CreateProgramFields.superRefine(checkProgramDates);
/** CreateProgram request as a caller sends it. */
export type CreateProgramInput = z.input<typeof CreateProgramRequest>;
/** CreateProgram request as parsed. */
export type CreateProgramRequest = z.output<typeof CreateProgramRequest>;

/** CloseProgram: the owning finance department closes a program. */
export const CloseProgramRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    reason: Schemas.text(500).meta({ description: 'Why (1-500 characters)', example: 'Budget year closed' }),
  })
  .strict();
/** CloseProgram request. */
export type CloseProgramRequest = z.output<typeof CloseProgramRequest>;

/** GetProgram. */
export const GetProgramRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
  })
  .strict();
/** GetProgram request. */
export type GetProgramRequest = z.output<typeof GetProgramRequest>;

/** ListPrograms (paginated). */
export const ListProgramsRequest = z.object({ ...page }).strict();
/** ListPrograms request. */
export type ListProgramsRequest = z.output<typeof ListProgramsRequest>;

// ---------------------------------------------------------------- allocations

/** AllocateFunds: the owning finance department allocates part of a program to an implementing department. */
export const AllocateFundsRequest = z
  .object({
    allocationId: Schemas.id.meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    mspId: Schemas.mspId.meta({
      description: "MSP ID of the implementing department's organisation",
      example: 'CityAMSP',
    }),
    dept: Schemas.code.meta({ description: 'Department code (`gov.dept`)', example: 'works' }),
    amount: Amount.meta({
      description: 'Amount in fen (smallest currency unit): a decimal string, 1 to 10^15',
      example: '250000',
    }),
  })
  .strict();
/** AllocateFunds request. */
export type AllocateFundsRequest = z.output<typeof AllocateFundsRequest>;

/** GetAllocation. */
export const GetAllocationRequest = z
  .object({
    allocationId: Schemas.id.meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
  })
  .strict();
/** GetAllocation request. */
export type GetAllocationRequest = z.output<typeof GetAllocationRequest>;

/** ListAllocations of a program (paginated). */
export const ListAllocationsRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    ...page,
  })
  .strict();
/** ListAllocations request. */
export type ListAllocationsRequest = z.output<typeof ListAllocationsRequest>;

// ---------------------------------------------------------------- recipients

/**
 * A recipient is a citizen or enterprise: the pair (home MSP, pseudonymous id),
 * never a bare pid (another organisation's CA could issue the same pid). Every
 * request and record that names a recipient names both.
 */
export const recipientFields = {
  recipientMspId: Schemas.mspId.meta({ description: 'Home MSP of the recipient', example: 'CityAMSP' }),
  recipientPid: Schemas.pid.meta({
    description: 'Pseudonymous id of the recipient at its home MSP (lower-case hex)',
    example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
  }),
};

/**
 * A bank account's keyed hash: HMAC-SHA-256, in lower-case hex, of the account number (no
 * spaces or hyphens, upper-cased) under the account-hash key of the organisations that
 * implement the program, which they keep off the ledger. Never a plain SHA-256, which a ledger
 * reader could enumerate (README, "What a ledger reader can and cannot link").
 */
export const AccountHash = Schemas.sha256.meta({
  description:
    "HMAC-SHA-256 (lower-case hex) of the account number without spaces or hyphens, under the paying organisations' off-ledger account-hash key; never a plain SHA-256",
  example: '3f1c9a0e5b7d2c4f8a6e1b3d5c7f9a2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a',
});

/** Keyed hashes (AccountHash) of account numbers: distinct, at most Limits.maxAccounts. */
export const AccountHashes = z
  .array(AccountHash)
  .max(Limits.maxAccounts)
  .refine(distinct, 'must not repeat an account hash');

/** RegisterRecipient: an implementing department registers a recipient and its approved accounts. */
export const RegisterRecipientRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    ...recipientFields,
    kind: RecipientKind.meta({
      description: 'Kind of recipient: `person` (a citizen) or `enterprise`',
      example: 'enterprise',
    }),
    accountHashes: AccountHashes.min(1).meta({
      description: "SHA-256 hashes of the recipient's approved bank accounts (distinct)",
      example: ['a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3'],
    }),
  })
  .strict();
/** RegisterRecipient request. */
export type RegisterRecipientRequest = z.output<typeof RegisterRecipientRequest>;

/** UpdateRecipientAccounts' fields, without the cross-field checks. */
export const UpdateRecipientAccountsFields = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    ...recipientFields,
    add: AccountHashes.default([]).meta({
      description: 'Account hashes to add',
      example: ['b3a8e0e1f9ab1bfe3a36f231f676f78bb30a519d2b21e6c530c0eee8ebb4a5d0'],
    }),
    remove: AccountHashes.default([]).meta({
      description: 'Account hashes to remove',
      example: ['a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3'],
    }),
  })
  .strict();

/** UpdateRecipientAccounts' cross-field checks: something changes, and no hash is both added and removed. */
export function checkAccountChange(r: { add?: string[]; remove?: string[] }, ctx: z.RefinementCtx): void {
  const add = r.add ?? [];
  const remove = r.remove ?? [];
  if (add.length + remove.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'add or remove at least one account', path: [] });
  }
  if (!add.every((h) => !remove.includes(h))) {
    ctx.addIssue({ code: 'custom', message: 'must not both add and remove an account', path: ['remove'] });
  }
}

/** UpdateRecipientAccounts: the registering department approves or withdraws account hashes. */
export const UpdateRecipientAccountsRequest = UpdateRecipientAccountsFields.superRefine(checkAccountChange);
/** UpdateRecipientAccounts request. */
export type UpdateRecipientAccountsRequest = z.output<typeof UpdateRecipientAccountsRequest>;

/** GetRecipient. */
export const GetRecipientRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    ...recipientFields,
  })
  .strict();
/** GetRecipient request. */
export type GetRecipientRequest = z.output<typeof GetRecipientRequest>;

/** ListRecipients of a program (paginated). */
export const ListRecipientsRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    ...page,
  })
  .strict();
/** ListRecipients request. */
export type ListRecipientsRequest = z.output<typeof ListRecipientsRequest>;

// ---------------------------------------------------------------- disbursements

/** Disburse: an implementing department pays a recipient from its allocation. */
export const DisburseRequest = z
  .object({
    disbursementId: Schemas.id.meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
    allocationId: Schemas.id.meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
    ...recipientFields,
    accountHash: AccountHash.meta({
      description:
        "Keyed hash (HMAC-SHA-256, key held off the ledger by the paying organisation) of the account paid into; one of the recipient's approved accounts",
      example: 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3',
    }),
    category: Schemas.code.meta({
      description: "Spend category, one of the program's",
      example: 'materials',
    }),
    amount: Amount.meta({
      description: 'Amount in fen (smallest currency unit): a decimal string, 1 to 10^15',
      example: '250000',
    }),
    documentsHash: Schemas.sha256.meta({
      description: 'SHA-256 of the supporting documents',
      example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    }),
  })
  .strict();
/** Disburse request. */
export type DisburseRequest = z.output<typeof DisburseRequest>;

/** CoSignDisbursement: an officer of another organisation co-signs a pending disbursement. */
export const CoSignDisbursementRequest = z
  .object({
    disbursementId: Schemas.id.meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
    note: Schemas.text(500)
      .optional()
      .meta({ description: 'Note (at most 500 characters)', example: 'Checked against the contract' }),
  })
  .strict();
/** CoSignDisbursement request. */
export type CoSignDisbursementRequest = z.output<typeof CoSignDisbursementRequest>;

/** RejectDisbursement: a co-signer refuses, or the disbursing department withdraws, a pending disbursement. */
export const RejectDisbursementRequest = z
  .object({
    disbursementId: Schemas.id.meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
    reason: Schemas.text(500).meta({ description: 'Why (1-500 characters)', example: 'Budget year closed' }),
  })
  .strict();
/** RejectDisbursement request. */
export type RejectDisbursementRequest = z.output<typeof RejectDisbursementRequest>;

/** GetDisbursement. */
export const GetDisbursementRequest = z
  .object({
    disbursementId: Schemas.id.meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
  })
  .strict();
/** GetDisbursement request. */
export type GetDisbursementRequest = z.output<typeof GetDisbursementRequest>;

/** ListDisbursements' fields, without the cross-field check. */
export const ListDisbursementsFields = z
  .object({
    allocationId: Schemas.id
      .optional()
      .meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
    programId: Schemas.id.optional().meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    recipientMspId: Schemas.mspId
      .optional()
      .meta({ description: 'Home MSP of the recipient', example: 'CityAMSP' }),
    recipientPid: Schemas.pid.optional().meta({
      description: 'Pseudonymous id of the recipient at its home MSP (lower-case hex)',
      example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
    }),
    ...page,
  })
  .strict();

/** ListDisbursements' cross-field check: by allocation, or by program and recipient. */
export function checkDisbursementSelector(
  r: { allocationId?: string; programId?: string; recipientMspId?: string; recipientPid?: string },
  ctx: z.RefinementCtx,
): void {
  const byAllocation =
    r.allocationId !== undefined &&
    r.programId === undefined &&
    r.recipientMspId === undefined &&
    r.recipientPid === undefined;
  const byRecipient =
    r.allocationId === undefined &&
    r.programId !== undefined &&
    r.recipientMspId !== undefined &&
    r.recipientPid !== undefined;
  if (!byAllocation && !byRecipient) {
    ctx.addIssue({
      code: 'custom',
      message: 'give either allocationId, or programId, recipientMspId and recipientPid',
      path: [],
    });
  }
}

/** ListDisbursements: of one allocation, or of one recipient in a program (paginated). */
export const ListDisbursementsRequest = ListDisbursementsFields.superRefine(checkDisbursementSelector);
/** ListDisbursements request. */
export type ListDisbursementsRequest = z.output<typeof ListDisbursementsRequest>;

/** ListPendingDisbursements: those of a program waiting for a co-signature (paginated). */
export const ListPendingDisbursementsRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    ...page,
  })
  .strict();
/** ListPendingDisbursements request. */
export type ListPendingDisbursementsRequest = z.output<typeof ListPendingDisbursementsRequest>;

// ---------------------------------------------------------------- spends

/** RecordSpend: the recipient records onward spending of a paid disbursement. */
export const RecordSpendRequest = z
  .object({
    spendId: Schemas.id.meta({ description: 'Spend id', example: 'spend-2026-000045' }),
    disbursementId: Schemas.id.meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
    payeeId: Schemas.id.meta({
      description: 'Who the recipient paid (an id or code of the supplier)',
      example: 'supplier-7781',
    }),
    amount: Amount.meta({
      description: 'Amount in fen (smallest currency unit): a decimal string, 1 to 10^15',
      example: '250000',
    }),
    category: Schemas.code.meta({
      description: "Spend category, one of the program's",
      example: 'materials',
    }),
    invoiceHash: Schemas.sha256.meta({
      description: 'SHA-256 of the invoice',
      example: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
    }),
  })
  .strict();
/** RecordSpend request. */
export type RecordSpendRequest = z.output<typeof RecordSpendRequest>;

/** GetSpend. */
export const GetSpendRequest = z
  .object({ spendId: Schemas.id.meta({ description: 'Spend id', example: 'spend-2026-000045' }) })
  .strict();
/** GetSpend request. */
export type GetSpendRequest = z.output<typeof GetSpendRequest>;

/** ListSpends of a disbursement (paginated). */
export const ListSpendsRequest = z
  .object({
    disbursementId: Schemas.id.meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
    ...page,
  })
  .strict();
/** ListSpends request. */
export type ListSpendsRequest = z.output<typeof ListSpendsRequest>;

// ---------------------------------------------------------------- sweep, trace, alerts

/** How many due disbursements one SweepUnspent call handles. */
export const SweepLimit = z.number().int().min(1).max(Limits.maxSweep);

/** SweepUnspent: anyone raises the unspent-funds alerts that are due, at most `limit` per call. */
export const SweepUnspentRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    limit: SweepLimit.default(Defaults.sweepLimit).meta({
      description: 'Most disbursements to examine in this sweep',
      example: 100,
    }),
  })
  .strict();
/** SweepUnspent request. */
export type SweepUnspentRequest = z.output<typeof SweepUnspentRequest>;

/** TraceFunds: the chain from any record up to its program and down to every spend. */
export const TraceFundsRequest = z
  .object({
    kind: RecordKind.meta({
      description: 'Kind of record the trace starts from: program, allocation, disbursement or spend',
      example: 'program',
    }),
    id: Schemas.id.meta({ description: 'Id of that record', example: 'prog-2026-housing' }),
  })
  .strict();
/** TraceFunds request. */
export type TraceFundsRequest = z.output<typeof TraceFundsRequest>;

/** GetAlert. */
export const GetAlertRequest = z
  .object({ alertId: Schemas.id.meta({ description: 'Alert id', example: 'alert-2026-0007' }) })
  .strict();
/** GetAlert request. */
export type GetAlertRequest = z.output<typeof GetAlertRequest>;

/** ListAlerts of a program, optionally by status and/or severity, newest first (paginated). */
export const ListAlertsRequest = z
  .object({
    programId: Schemas.id.meta({
      description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
      example: 'prog-2026-housing',
    }),
    status: AlertStatus.optional().meta({ description: 'Only alerts in this status', example: 'open' }),
    severity: Severity.optional().meta({ description: 'Only alerts of this severity', example: 'high' }),
    ...page,
  })
  .strict();
/** ListAlerts request. */
export type ListAlertsRequest = z.output<typeof ListAlertsRequest>;

/** AcknowledgeAlert / ResolveAlert: an auditor changes an alert's status with a note. */
export const AlertNoteRequest = z
  .object({
    alertId: Schemas.id.meta({ description: 'Alert id', example: 'alert-2026-0007' }),
    note: Schemas.text(1000).meta({
      description: 'Note (at most 500 characters)',
      example: 'Checked against the contract',
    }),
  })
  .strict();
/** AcknowledgeAlert / ResolveAlert request. */
export type AlertNoteRequest = z.output<typeof AlertNoteRequest>;

// ---------------------------------------------------------------- records

/** Who did something: organisation, department (staff) and certificate id. */
export const Actor = z.object({
  mspId: z
    .string()
    .meta({ description: "MSP ID of the implementing department's organisation", example: 'CityAMSP' }),
  dept: z.string().optional().meta({ description: 'Department (`gov.dept`) of the official, or null' }),
  id: z.string().meta({ description: 'Fabric id (certificate subject and issuer) of the official' }),
});
/** An actor. */
export type Actor = z.infer<typeof Actor>;

/** A fund program, owned by the finance department of one organisation. */
export const Program = z.object({
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  name: z
    .string()
    .meta({ description: 'Program name (1-200 characters)', example: 'Housing repair subsidy 2026' }),
  fiscalYear: z.number().meta({ description: 'Fiscal year (2000-2100)', example: 2026 }),
  totalBudget: z.string().meta({
    description: 'Total budget in fen (smallest currency unit), a decimal string',
    example: '100000000',
  }),
  categories: z.array(z.string()).meta({
    description: 'Spend categories allowed in the program (distinct codes)',
    example: ['materials', 'labour'],
  }),
  startDate: z.string().meta({
    format: 'date-time',
    description: 'Start of the program (RFC 3339 date-time)',
    example: '2026-01-01T00:00:00Z',
  }),
  endDate: z.string().meta({
    format: 'date-time',
    description: 'End of the program (RFC 3339 date-time), after `startDate`',
    example: '2026-12-31T23:59:59Z',
  }),
  coSign: CoSignConfig.meta({
    description: 'The co-signature rule: above `threshold` a disbursement needs a co-signer of class `by`',
  }),
  rules: RulesConfig.meta({
    description: 'The fund-tracing alert rules and what each does (block, warn or off)',
  }),
  ownerMspId: z.string().meta({
    description: 'MSP ID of the organisation that owns the program (its finance department created it)',
  }),
  status: ProgramStatus.meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  createdAt: z.string().meta({
    format: 'date-time',
    description: 'When it was created (RFC 3339 date-time, UTC, the transaction time)',
  }),
  createdBy: Actor.meta({ description: 'The official who created it' }),
  closed: z
    .object({
      at: z
        .string()
        .meta({ format: 'date-time', description: 'When (RFC 3339 date-time, UTC, the transaction time)' }),
      by: Actor.meta({ description: 'The official who did it (organisation, department, Fabric id)' }),
      reason: z.string().meta({ description: 'Why (1-500 characters)', example: 'Budget year closed' }),
    })
    .optional()
    .meta({ description: 'Who closed the program, when and why; null while open' }),
});
/** A program. */
export type Program = z.output<typeof Program>;

/** Part of a program's budget given to one implementing department. */
export const Allocation = z.object({
  allocationId: z.string().meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  mspId: z
    .string()
    .meta({ description: "MSP ID of the implementing department's organisation", example: 'CityAMSP' }),
  dept: z.string().meta({ description: 'Department code (`gov.dept`)', example: 'works' }),
  amount: z.string().meta({
    description: 'Amount in fen (smallest currency unit): a decimal string, 1 to 10^15',
    example: '250000',
  }),
  createdAt: z.string().meta({
    format: 'date-time',
    description: 'When it was created (RFC 3339 date-time, UTC, the transaction time)',
  }),
  createdBy: Actor.meta({ description: 'The official who created it' }),
});
/** An allocation. */
export type Allocation = z.infer<typeof Allocation>;

/** A recipient registered in a program, with the hashes of its approved accounts. */
export const Recipient = z.object({
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  /** The recipient's home organisation (its certificate's MSP). */
  recipientMspId: z.string().meta({ description: 'Home MSP of the recipient', example: 'CityAMSP' }),
  /** The recipient's pseudonymous id under that organisation. */
  recipientPid: z.string().meta({
    description: 'Pseudonymous id of the recipient at its home MSP (lower-case hex)',
    example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
  }),
  kind: RecipientKind.meta({ description: 'Kind of recipient: `person` (a citizen) or `enterprise`' }),
  accountHashes: z.array(z.string()).meta({
    description: "SHA-256 hashes of the recipient's approved bank accounts (distinct)",
    example: ['a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3'],
  }),
  registeredBy: Actor.meta({ description: 'The official who registered the recipient' }),
  registeredAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was registered (RFC 3339 date-time, UTC)' }),
  updatedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it last changed (RFC 3339 date-time, UTC)' }),
});
/** A recipient. */
export type Recipient = z.infer<typeof Recipient>;

/** A payment from an allocation to a recipient's approved account, for one category. */
export const Disbursement = z.object({
  disbursementId: z.string().meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  allocationId: z.string().meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
  mspId: z
    .string()
    .meta({ description: "MSP ID of the implementing department's organisation", example: 'CityAMSP' }),
  dept: z.string().meta({ description: 'Department code (`gov.dept`)', example: 'works' }),
  recipientMspId: z.string().meta({ description: 'Home MSP of the recipient', example: 'CityAMSP' }),
  recipientPid: z.string().meta({
    description: 'Pseudonymous id of the recipient at its home MSP (lower-case hex)',
    example: '5f2b9c1e7a3d4f6081b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718',
  }),
  recipientKind: RecipientKind.meta({ description: 'Kind of recipient: `person` or `enterprise`' }),
  accountHash: z.string().meta({
    description: "SHA-256 of the account paid into; one of the recipient's approved accounts",
    example: 'a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3',
  }),
  category: z.string().meta({ description: "Spend category, one of the program's", example: 'materials' }),
  amount: z.string().meta({
    description: 'Amount in fen (smallest currency unit): a decimal string, 1 to 10^15',
    example: '250000',
  }),
  documentsHash: z.string().meta({
    description: 'SHA-256 of the supporting documents',
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  }),
  status: DisbursementStatus.meta({
    description: 'Status as stored on the ledger (one of the listed values)',
  }),
  createdAt: z.string().meta({
    format: 'date-time',
    description: 'When it was created (RFC 3339 date-time, UTC, the transaction time)',
  }),
  createdBy: Actor.meta({ description: 'The official who created it' }),
  coSignRequired: z
    .boolean()
    .meta({ description: "True when the amount is above the program's co-signature threshold" }),
  paidAt: z.string().optional().meta({
    format: 'date-time',
    description: 'When it was paid (RFC 3339 date-time, UTC), or null while pending or rejected',
  }),
  coSigned: z
    .object({
      at: z
        .string()
        .meta({ format: 'date-time', description: 'When (RFC 3339 date-time, UTC, the transaction time)' }),
      by: Actor.meta({ description: 'The official who did it (organisation, department, Fabric id)' }),
      note: z
        .string()
        .optional()
        .meta({ description: 'Note (at most 500 characters)', example: 'Checked against the contract' }),
    })
    .optional()
    .meta({ description: 'Who co-signed and when, or null' }),
  rejected: z
    .object({
      at: z
        .string()
        .meta({ format: 'date-time', description: 'When (RFC 3339 date-time, UTC, the transaction time)' }),
      by: Actor.meta({ description: 'The official who did it (organisation, department, Fabric id)' }),
      reason: z.string().meta({ description: 'Why (1-500 characters)', example: 'Budget year closed' }),
    })
    .optional()
    .meta({ description: 'Who rejected or withdrew it, when and why, or null' }),
});
/** A disbursement. */
export type Disbursement = z.infer<typeof Disbursement>;

/** Onward spending of a disbursement by its recipient. */
export const Spend = z.object({
  spendId: z.string().meta({ description: 'Spend id', example: 'spend-2026-000045' }),
  disbursementId: z.string().meta({ description: 'Disbursement id', example: 'disb-2026-000123' }),
  allocationId: z.string().meta({ description: 'Allocation id', example: 'alloc-2026-housing-works' }),
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  payeeId: z.string().meta({
    description: 'Who the recipient paid (an id or code of the supplier)',
    example: 'supplier-7781',
  }),
  amount: z.string().meta({
    description: 'Amount in fen (smallest currency unit): a decimal string, 1 to 10^15',
    example: '250000',
  }),
  category: z.string().meta({ description: "Spend category, one of the program's", example: 'materials' }),
  invoiceHash: z.string().meta({
    description: 'SHA-256 of the invoice',
    example: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
  }),
  recordedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When it was recorded (RFC 3339 date-time, UTC)' }),
  /** The recipient's pseudonymous id. */
  recordedBy: z.string().meta({ description: "The recipient's pseudonymous id." }),
  /** The recipient's home organisation. */
  recordedByMspId: z.string().meta({ description: "The recipient's home organisation." }),
});
/** A spend. */
export type Spend = z.infer<typeof Spend>;

/** A link to a record. */
export const RecordRef = z.object({
  kind: RecordKind.meta({ description: 'Kind of record: program, allocation, disbursement or spend' }),
  id: z.string().meta({ description: 'Id of the record' }),
});
/** A record link. */
export type RecordRef = z.infer<typeof RecordRef>;

/** One status change of an alert. */
export const AlertChange = z.object({
  status: AlertStatus.meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  at: z
    .string()
    .meta({ format: 'date-time', description: 'When (RFC 3339 date-time, UTC, the transaction time)' }),
  by: Actor.meta({ description: 'The official who did it (organisation, department, Fabric id)' }),
  note: z
    .string()
    .meta({ description: 'Note (at most 500 characters)', example: 'Checked against the contract' }),
});
/** An alert status change. */
export type AlertChange = z.infer<typeof AlertChange>;

/**
 * What an alert is about: one of the early-warning rules, or a payment refused because it
 * would exceed its allocation (`exceedsAllocation`) or goes to an account that is not an
 * approved account of the recipient (`unapprovedAccount`).
 */
export const AlertRule = z
  .enum([...RuleId.options, 'exceedsAllocation', 'unapprovedAccount'])
  .meta({ description: 'The rule or refusal kind that raised the alert', example: 'recipientCap' });
/** An alert's rule. */
export type AlertRule = z.infer<typeof AlertRule>;

/** An early warning raised by a rule inside the transaction that caused it (or by the sweep). */
export const Alert = z.object({
  alertId: z.string().meta({ description: 'Alert id', example: 'alert-2026-0007' }),
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  rule: AlertRule.meta({
    description:
      'The rule that fired: category, recipientCap, splitPayment, afterEnd, unspent, or (a refused attempt) exceedsAllocation, unapprovedAccount',
  }),
  severity: Severity.meta({ description: 'Severity: low, medium or high' }),
  status: AlertStatus.meta({ description: 'Status as stored on the ledger (one of the listed values)' }),
  message: z.string().meta({ description: 'What happened, in words' }),
  records: z.array(RecordRef).meta({ description: 'The records the alert is about (kind and id)' }),
  details: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .meta({ description: 'The figures behind the alert (amounts, counts, dates)' }),
  raisedAt: z
    .string()
    .meta({ format: 'date-time', description: 'When the alert was raised (RFC 3339 date-time, UTC)' }),
  txId: z.string().meta({ description: 'Id of the transaction that raised it' }),
  history: z.array(AlertChange).meta({ description: 'What auditors did with the alert, oldest first' }),
  /**
   * The organisation accountable for the records the alert is about (the paying
   * organisation, or the program's owner for an allocation). Its auditors (and
   * organisations that audit others) handle the alert. Absent on alerts raised
   * before issue 12: then it is the program's owner.
   */
  ownerMspId: z.string().optional().meta({
    description: 'MSP ID of the organisation that owns the program (its finance department created it)',
  }),
  /** Set on the alert of a refused attempt: the attempt's id (its RefusedAttempt record). */
  attemptId: z
    .string()
    .optional()
    .meta({ description: 'The refused attempt this alert reports (absent on warnings)', example: 'c0ffee' }),
});
/** An alert. */
export type Alert = z.infer<typeof Alert>;

/** What a result or an event says about an alert. */
export const AlertSummary = z.object({
  alertId: z.string().meta({ description: 'Alert id', example: 'alert-2026-0007' }),
  rule: AlertRule.meta({
    description:
      'The rule that fired: category, recipientCap, splitPayment, afterEnd, unspent, or (a refused attempt) exceedsAllocation, unapprovedAccount',
  }),
  severity: Severity.meta({ description: 'Severity: low, medium or high' }),
  records: z.array(RecordRef).meta({ description: 'The records the alert is about (kind and id)' }),
});
/** An alert summary. */
export type AlertSummary = z.infer<typeof AlertSummary>;

// ---------------------------------------------------------------- refused attempts

/** The writes that record a refused attempt instead of failing (see {@link Refusal}). */
export const RefusedTransaction = z
  .enum(['AllocateFunds', 'Disburse', 'CoSignDisbursement', 'RecordSpend'])
  .meta({ description: 'The transaction that was refused', example: 'Disburse' });
/** A transaction whose refusals are recorded. */
export type RefusedTransaction = z.infer<typeof RefusedTransaction>;

/**
 * A refused attempt, committed instead of an error so that supervisors learn of it: who tried
 * (actor, and the pair (MSP, pid) when the caller is a citizen or enterprise), what (the records
 * it would have written or drawn on, amount, category), the rule and the reason. Nothing else
 * the attempt asked for is written: balances are untouched.
 */
export const RefusedAttempt = z.object({
  attemptId: z.string().meta({ description: 'Id of the attempt (the transaction id)', example: 'c0ffee' }),
  transaction: RefusedTransaction,
  programId: z.string().meta({ description: 'Program the attempt was about', example: 'P-2026-IND' }),
  by: Actor.meta({ description: 'Who tried: organisation, department and certificate id' }),
  subject: z
    .object({ mspId: z.string(), pid: z.string() })
    .optional()
    .meta({ description: 'The caller as (home MSP, pid) when it is a citizen or enterprise' }),
  records: z
    .array(RecordRef)
    .meta({ description: 'The record the attempt would have written, last, after the records it drew on' }),
  amount: z.string().optional().meta({ description: 'Amount asked for, in fen', example: '250000' }),
  category: z.string().optional().meta({ description: 'Category asked for', example: 'equipment' }),
  rule: AlertRule,
  code: z.string().meta({ description: 'The stable refusal code', example: 'RECIPIENT_CAP_EXCEEDED' }),
  reason: z.string().meta({ description: 'Why it was refused', example: 'recipient total passes the cap' }),
  details: z.unknown().optional().meta({ description: 'The refusal details (balances, violations)' }),
  alertId: z
    .string()
    .meta({ description: 'The high-severity alert raised for supervisors', example: 'c0ffee.0' }),
  at: z.string().meta({ description: 'Transaction time', example: '2026-03-01T08:00:00.000Z' }),
});
/** A refused attempt. */
export type RefusedAttempt = z.infer<typeof RefusedAttempt>;

/**
 * The result of a write refused by a rule in block mode, by its allocation or by an unapproved
 * account: the transaction COMMITS (Fabric keeps writes only of transactions that succeed) with
 * this outcome; the gateway answers it as a refusal (the code's status, problem+json with
 * `alertId` and `attemptId`).
 */
export const Refusal = z
  .object({
    outcome: z.literal('refused').meta({ description: 'Marks a refusal result', example: 'refused' }),
    code: z.string().meta({ description: 'Stable refusal code', example: 'EXCEEDS_ALLOCATION' }),
    status: z.number().int().meta({ description: 'HTTP-like status of the refusal', example: 409 }),
    message: z
      .string()
      .meta({ description: 'Why it was refused', example: 'disbursing 900 would exceed allocation A1' }),
    alertId: z.string().meta({ description: 'The alert raised for supervisors', example: 'c0ffee.0' }),
    attempt: RefusedAttempt,
  })
  .meta({ id: 'FundRefusal' });
/** A refusal result. */
export type Refusal = z.infer<typeof Refusal>;

/** True when a write's result is a {@link Refusal}. */
export function isRefusal(result: unknown): result is Refusal {
  return (
    typeof result === 'object' &&
    result !== null &&
    (result as { outcome?: unknown }).outcome === 'refused' &&
    typeof (result as { alertId?: unknown }).alertId === 'string'
  );
}

// ---------------------------------------------------------------- events

/**
 * The chaincode's event names. Fabric carries one event per transaction: a transaction that
 * raises at least one alert (a warning, a refused attempt, the unspent sweep) emits
 * `AlertRaised` and carries the event it would otherwise have emitted in `source`; one that
 * raises none emits its own event.
 */
export const EventName = {
  /** Every alert, whatever raised it; payload {@link AlertRaisedEvent}. */
  AlertRaised: 'AlertRaised',
  ProgramCreated: 'ProgramCreated',
  ProgramClosed: 'ProgramClosed',
  FundsAllocated: 'FundsAllocated',
  RecipientRegistered: 'RecipientRegistered',
  RecipientAccountsUpdated: 'RecipientAccountsUpdated',
  DisbursementRecorded: 'DisbursementRecorded',
  DisbursementCoSigned: 'DisbursementCoSigned',
  DisbursementRejected: 'DisbursementRejected',
  SpendRecorded: 'SpendRecorded',
  UnspentSwept: 'UnspentSwept',
  AlertStatusChanged: 'AlertStatusChanged',
  /** Source event of the alert of a refused attempt (only ever inside `AlertRaised`). */
  PaymentRefused: 'PaymentRefused',
} as const;

/** Payload of the `AlertRaised` event. */
export const AlertRaisedEvent = z
  .object({
    programId: z.string().meta({ description: 'Program of the alerts', example: 'P-2026-IND' }),
    alerts: z.array(AlertSummary).min(1).meta({ description: 'The alerts the transaction raised' }),
    source: z
      .object({
        event: z.string().meta({
          description: 'The event the transaction would otherwise emit',
          example: 'DisbursementRecorded',
        }),
        payload: z.unknown().meta({ description: "That event's payload" }),
      })
      .meta({ description: 'What raised the alerts' }),
  })
  .meta({ id: 'FundAlertRaisedEvent' });
/** The `AlertRaised` payload. */
export type AlertRaisedEvent = z.infer<typeof AlertRaisedEvent>;

// ---------------------------------------------------------------- public transparency

/** GetPublicSummary: the public aggregates of one program (anyone with a certificate; nothing personal). */
export const GetPublicSummaryRequest = z
  .object({ programId: Schemas.id.meta({ description: 'Program id', example: 'P-2026-IND' }) })
  .strict();
/** GetPublicSummary request. */
export type GetPublicSummaryRequest = z.output<typeof GetPublicSummaryRequest>;

/** ListPublicSummaries: the public aggregates of programs, by id (paginated, at most Limits.maxPublicPage). */
export const ListPublicSummariesRequest = z
  .object({
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(Limits.maxPublicPage)
      .default(10)
      .meta({ description: 'Programs per page (1-20)', example: 10 }),
    bookmark: Schemas.bookmark,
  })
  .strict();
/** ListPublicSummaries request. */
export type ListPublicSummariesRequest = z.output<typeof ListPublicSummariesRequest>;

const fenText = (description: string) =>
  z.string().meta({ description: `${description} (fen)`, example: '2500000' });

/** Money of one department (implementing organisation and department code) in a program. */
export const PublicDepartmentTotals = z.object({
  mspId: z.string().meta({ description: 'Organisation of the department', example: 'CityAMSP' }),
  dept: z.string().meta({ description: 'Department code', example: 'industry' }),
  allocated: fenText('Allocated to the department'),
  disbursed: fenText('Paid out by it (co-signed where needed)'),
  pending: fenText('Reserved for disbursements waiting for a co-signature'),
  spent: fenText('Spent by the recipients of its payments'),
});

/** Money of one category in a program. */
export const PublicCategoryTotals = z.object({
  category: z.string().meta({ description: 'Spending category', example: 'equipment' }),
  disbursed: fenText('Paid out for this category'),
  pending: fenText('Waiting for a co-signature in this category'),
  spent: fenText("Recipients' spending recorded in this category"),
});

/** Alert counts of one rule in a program. */
export const PublicAlertCounts = z.object({
  rule: AlertRule,
  open: z.number().int().meta({ description: 'Open alerts', example: 1 }),
  acknowledged: z.number().int().meta({ description: 'Acknowledged alerts', example: 0 }),
  resolved: z.number().int().meta({ description: 'Resolved alerts', example: 2 }),
});

/** One edge of the fund flow (budget -> department -> recipients -> category). */
export const PublicFlowEdge = z.object({
  from: z
    .string()
    .meta({ description: '`budget`, a department (`MSP/dept`) or `recipients`', example: 'budget' }),
  to: z.string().meta({
    description: 'A department (`MSP/dept`), `recipients` or a spending category',
    example: 'CityAMSP/industry',
  }),
  amount: fenText('Money that went along the edge'),
});

/**
 * The public aggregates of a program: budget, allocated, disbursed, pending and spent; totals
 * by department and by category; alert counts by rule; the fund flow. Only aggregates and the
 * program's public description: no pid, account hash, payee id, document hash or certificate id.
 */
export const PublicProgramSummary = z
  .object({
    programId: z.string().meta({ description: 'Program id', example: 'P-2026-IND' }),
    name: z.string().meta({ description: 'Program name', example: 'Industrial upgrade subsidy 2026' }),
    fiscalYear: z.number().int().meta({ description: 'Fiscal year', example: 2026 }),
    status: ProgramStatus.meta({ description: 'Status of the program (one of the listed values)' }),
    ownerMspId: z.string().meta({ description: 'Owning organisation', example: 'CityAMSP' }),
    startDate: z.string().meta({ description: 'Start of the program', example: '2026-01-01T00:00:00.000Z' }),
    endDate: z.string().meta({ description: 'End of the program', example: '2026-12-31T23:59:59.000Z' }),
    categories: z
      .array(z.string())
      .meta({ description: 'Categories the program funds', example: ['equipment'] }),
    budget: fenText('Total budget'),
    allocated: fenText('Allocated to departments'),
    unallocated: fenText('Budget not yet allocated'),
    disbursed: fenText('Paid out'),
    pending: fenText('Waiting for a co-signature'),
    spent: fenText('Spent by recipients'),
    unspent: fenText('Paid out and not yet spent'),
    counts: z
      .object({
        allocations: z.number().int().meta({ description: 'Allocations to departments', example: 2 }),
        disbursements: z.number().int().meta({ description: 'Live (pending or paid) disbursements' }),
        spends: z.number().int().meta({ description: 'Spends recorded by recipients', example: 5 }),
        refusedAttempts: z.number().int().meta({ description: 'Payments refused and recorded' }),
      })
      .meta({ description: 'Record counts' }),
    byDepartment: z.array(PublicDepartmentTotals).meta({ description: 'Totals by department' }),
    byCategory: z.array(PublicCategoryTotals).meta({ description: 'Totals by category' }),
    alertsByRule: z.array(PublicAlertCounts).meta({ description: 'Alert counts by rule' }),
    flow: z
      .array(PublicFlowEdge)
      .meta({ description: 'Fund flow: budget -> departments -> recipients -> categories' }),
  })
  .meta({ id: 'FundPublicProgramSummary' });
/** A program's public summary. */
export type PublicProgramSummary = z.infer<typeof PublicProgramSummary>;

// ---------------------------------------------------------------- responses

/** GetProgram: a program with its allocation balance. */
export const ProgramView = z.object({
  program: Program.meta({ description: 'The program' }),
  allocated: z.string().meta({ description: 'Total allocated (fen, decimal string)' }),
  unallocated: z.string().meta({ description: 'Budget not yet allocated (fen, decimal string)' }),
  allocationCount: z.number().meta({ description: 'Number of allocations' }),
});
/** A program view. */
export type ProgramView = z.infer<typeof ProgramView>;

/** GetAllocation: an allocation with its disbursement balance. */
export const AllocationView = z.object({
  allocation: Allocation.meta({ description: 'The allocation' }),
  disbursed: z.string().meta({ description: 'Total disbursed from the allocation (fen, decimal string)' }),
  remaining: z.string().meta({ description: 'What is left (fen, decimal string)' }),
  disbursementCount: z.number().meta({ description: 'Number of disbursements' }),
});
/** An allocation view. */
export type AllocationView = z.infer<typeof AllocationView>;

/** AllocateFunds: the allocation and the alerts the transaction raised. */
export const AllocationResult = z.object({
  allocation: Allocation.meta({ description: 'The allocation' }),
  alerts: z.array(AlertSummary).meta({ description: 'The alerts this write raised (empty when none)' }),
});
/** An allocation result. */
export type AllocationResult = z.infer<typeof AllocationResult>;

/** GetDisbursement: a disbursement with its spending balance. */
export const DisbursementView = z.object({
  disbursement: Disbursement.meta({ description: 'The disbursement' }),
  spent: z.string().meta({ description: 'Total spent from the disbursement (fen, decimal string)' }),
  remaining: z.string().meta({ description: 'What is left (fen, decimal string)' }),
  spendCount: z.number().meta({ description: 'Number of spends' }),
});
/** A disbursement view. */
export type DisbursementView = z.infer<typeof DisbursementView>;

/** The result of a write on a disbursement: the record and the alerts the transaction raised. */
export const DisbursementResult = z.object({
  disbursement: Disbursement.meta({ description: 'The disbursement' }),
  alerts: z.array(AlertSummary).meta({ description: 'The alerts this write raised (empty when none)' }),
});
/** A disbursement result. */
export type DisbursementResult = z.infer<typeof DisbursementResult>;

/** RecordSpend: the spend and the alerts the transaction raised. */
export const SpendResult = z.object({
  spend: Spend.meta({ description: 'The spend' }),
  alerts: z.array(AlertSummary).meta({ description: 'The alerts this write raised (empty when none)' }),
});
/** A spend result. */
export type SpendResult = z.infer<typeof SpendResult>;

/** SweepUnspent: what a sweep did. */
export const SweepResult = z.object({
  programId: z.string().meta({
    description: 'Fund program id (letters, digits and `._:-`, 1-128 characters)',
    example: 'prog-2026-housing',
  }),
  /** Due queue entries handled (alerted or found fully spent). */
  processed: z.number().meta({ description: 'Due queue entries handled (alerted or found fully spent).' }),
  alerts: z.array(AlertSummary).meta({ description: 'The alerts this write raised (empty when none)' }),
  /** True when more due entries wait: call again. */
  more: z.boolean().meta({ description: 'True when more due entries wait: call again.' }),
});
/** A sweep result. */
export type SweepResult = z.infer<typeof SweepResult>;

/** One record in a trace. */
export interface TraceNode {
  kind: RecordKind;
  id: string;
  /** The record's own amount (a program's total budget). */
  amount: string;
  /** What its children hold: allocated (program), disbursed pending + paid (allocation), spent (disbursement); absent for a spend. */
  committed?: string;
  /** amount - committed; absent for a spend. */
  remaining?: string;
  /** Number of live children (rejected disbursements are not counted). */
  childCount?: number;
  /** True when `children` lists every child (rejected disbursements included). */
  complete: boolean;
  /** Ids of the alerts that name this record (at most 50). */
  alertIds: string[];
  /** The stored record. */
  record: Program | Allocation | Disbursement | Spend;
  children: TraceNode[];
}

/** One record in a trace (children are trace nodes again; named so that documentation generators can refer to it). */
export const TraceNode: z.ZodType<TraceNode> = z
  .object({
    kind: RecordKind.meta({ description: 'Kind of record: program, allocation, disbursement or spend' }),
    id: z.string().meta({ description: 'Id of the record' }),
    amount: z.string().meta({ description: 'Amount of the record (fen, decimal string)' }),
    committed: z
      .string()
      .optional()
      .meta({ description: 'Amount passed on to the children (fen, decimal string)' }),
    remaining: z.string().optional().meta({ description: 'What is left (fen, decimal string)' }),
    childCount: z.number().optional().meta({ description: 'Number of children' }),
    complete: z.boolean().meta({ description: "False when the children were cut at the trace's limit" }),
    alertIds: z.array(z.string()).meta({ description: 'Alerts about this record' }),
    record: z.union([Program, Allocation, Disbursement, Spend]).meta({ description: 'The record itself' }),
    get children(): z.ZodArray<z.ZodType<TraceNode>> {
      return z.array(TraceNode).meta({ description: 'The child records, as trace nodes' });
    },
  })
  .meta({ id: 'FundTraceNode', description: 'One record of a fund trace with its children' });

/** TraceFunds: the tree from the program through the requested record. */
export const TraceResult = z.object({
  record: RecordRef.meta({ description: 'The record the trace was asked for (kind and id)' }),
  /** From the program down to the requested record. */
  path: z.array(RecordRef).meta({ description: 'From the program down to the requested record.' }),
  root: TraceNode,
  /** Records in the tree. */
  records: z.number().meta({ description: 'Number of records in the tree' }),
});
/** A trace. */
export type TraceResult = z.infer<typeof TraceResult>;

/** AllocateFunds' result: the allocation, or a recorded refusal. */
export const AllocateFundsOutcome = z.union([AllocationResult, Refusal]);
/** Disburse and CoSignDisbursement's result: the disbursement, or a recorded refusal. */
export const DisbursementOutcome = z.union([DisbursementResult, Refusal]);
/** RecordSpend's result: the spend, or a recorded refusal. */
export const SpendOutcome = z.union([SpendResult, Refusal]);

/** A page of records as the list queries return it. */
export type Page<T> = { records: T[]; bookmark: string };

// ---------------------------------------------------------------- errors

/** Every error code this chaincode throws. */
export const ErrorCode = {
  /** 400: the request is malformed (bad JSON, unknown or bad fields, bad amounts). */
  InvalidArgument: CommonErrorCode.InvalidArgument,
  /** 403: the caller lacks the role or department the transaction needs. */
  Forbidden: CommonErrorCode.Forbidden,

  /** 404: the program does not exist. */
  ProgramNotFound: 'PROGRAM_NOT_FOUND',
  /** 409: a program with this id exists already. */
  ProgramExists: 'PROGRAM_EXISTS',
  /** 409: the program is closed: no allocation, recipient, disbursement or co-signature. */
  ProgramClosed: 'PROGRAM_CLOSED',
  /** 409: a disbursement before the program's start date. */
  ProgramNotStarted: 'PROGRAM_NOT_STARTED',

  /** 404: the allocation does not exist. */
  AllocationNotFound: 'ALLOCATION_NOT_FOUND',
  /** 409: an allocation with this id exists already. */
  AllocationExists: 'ALLOCATION_EXISTS',
  /** 409: the allocations would exceed the program's total budget. */
  ExceedsBudget: 'EXCEEDS_BUDGET',

  /** 404: the recipient is not registered in the program. */
  RecipientNotFound: 'RECIPIENT_NOT_FOUND',
  /** 409: the recipient is registered in the program already. */
  RecipientExists: 'RECIPIENT_EXISTS',
  /** 409: the account hash is not one of the recipient's approved accounts. */
  AccountNotApproved: 'ACCOUNT_NOT_APPROVED',
  /** 409: the recipient would have more approved accounts than allowed. */
  TooManyAccounts: 'TOO_MANY_ACCOUNTS',

  /** 404: the disbursement does not exist. */
  DisbursementNotFound: 'DISBURSEMENT_NOT_FOUND',
  /** 409: a disbursement with this id exists already. */
  DisbursementExists: 'DISBURSEMENT_EXISTS',
  /** 409: the disbursements would exceed the allocation. */
  ExceedsAllocation: 'EXCEEDS_ALLOCATION',
  /** 409: the disbursement's category is not one of the program's categories. */
  CategoryNotInProgram: 'CATEGORY_NOT_IN_PROGRAM',
  /** 409: co-sign or reject a disbursement that is not pending. */
  DisbursementNotPending: 'DISBURSEMENT_NOT_PENDING',
  /** 409: a spend from a disbursement that is not paid (pending co-signature or rejected). */
  DisbursementNotPaid: 'DISBURSEMENT_NOT_PAID',

  /** 404: the spend does not exist. */
  SpendNotFound: 'SPEND_NOT_FOUND',
  /** 409: a spend with this id exists already. */
  SpendExists: 'SPEND_EXISTS',
  /** 409: the spends would exceed the disbursement. */
  ExceedsDisbursement: 'EXCEEDS_DISBURSEMENT',

  /** 403: an organisation or department acts for another one (wrong program owner or allocation holder). */
  DepartmentMismatch: 'DEPARTMENT_MISMATCH',
  /** 403: a department that holds no allocation in the program registers a recipient. */
  NotImplementingDepartment: 'NOT_IMPLEMENTING_DEPARTMENT',
  /** 403: the caller is not the recipient of the disbursement (pid or kind differ). */
  NotRecipient: 'NOT_RECIPIENT',
  /** 403: a co-signer (or rejecter) from the disbursing organisation itself. */
  CoSignerSameOrganisation: 'CO_SIGNER_SAME_ORGANISATION',
  /**
   * 403: an auditor acts on another organisation's records (alerts, co-signatures)
   * while its organisation is not designated an auditor of others.
   */
  NotAuditorOfOrganisation: 'NOT_AUDITOR_OF_ORGANISATION',

  /** 404: the alert does not exist. */
  AlertNotFound: 'ALERT_NOT_FOUND',
  /** 409: the alert's status does not allow the change (e.g. it is resolved). */
  AlertStateConflict: 'ALERT_STATE_CONFLICT',

  /** 409 (rule `category`, mode block): a spend outside the program's categories. */
  SpendCategoryNotAllowed: 'SPEND_CATEGORY_NOT_ALLOWED',
  /** 409 (rule `recipientCap`, mode block): the recipient's total would pass the cap. */
  RecipientCapExceeded: 'RECIPIENT_CAP_EXCEEDED',
  /** 409 (rule `splitPayment`, mode block): too many payments just under the threshold in the window. */
  SplitPaymentSuspected: 'SPLIT_PAYMENT_SUSPECTED',
  /** 409 (rule `afterEnd`, mode block): money moves after the program's end date. */
  ProgramEnded: 'PROGRAM_ENDED',

  /** 409: a trace would hold more records than the bound; trace a lower level or use the list queries. */
  TraceTooLarge: 'TRACE_TOO_LARGE',
  /** 409: a program's public summary would read more records than Limits.maxPublicRecords. */
  SummaryTooLarge: 'SUMMARY_TOO_LARGE',
} as const;
/** One of this chaincode's error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

// ---------------------------------------------------------------- transactions

const ProgramPage = pageOf(Program);
const AllocationViewPage = pageOf(AllocationView);
const RecipientPage = pageOf(Recipient);
const DisbursementViewPage = pageOf(DisbursementView);
const SpendPage = pageOf(Spend);
const AlertPage = pageOf(Alert);

/** Every transaction of the fund-tracing contract: submit (writes) or evaluate (reads), request and response. */
export const transactions = {
  CreateProgram: { kind: 'submit', request: CreateProgramRequest, response: Program },
  CloseProgram: { kind: 'submit', request: CloseProgramRequest, response: Program },
  GetProgram: { kind: 'evaluate', request: GetProgramRequest, response: ProgramView },
  ListPrograms: { kind: 'evaluate', request: ListProgramsRequest, response: ProgramPage },
  AllocateFunds: { kind: 'submit', request: AllocateFundsRequest, response: AllocateFundsOutcome },
  GetAllocation: { kind: 'evaluate', request: GetAllocationRequest, response: AllocationView },
  ListAllocations: { kind: 'evaluate', request: ListAllocationsRequest, response: AllocationViewPage },
  RegisterRecipient: { kind: 'submit', request: RegisterRecipientRequest, response: Recipient },
  UpdateRecipientAccounts: { kind: 'submit', request: UpdateRecipientAccountsRequest, response: Recipient },
  GetRecipient: { kind: 'evaluate', request: GetRecipientRequest, response: Recipient },
  ListRecipients: { kind: 'evaluate', request: ListRecipientsRequest, response: RecipientPage },
  Disburse: { kind: 'submit', request: DisburseRequest, response: DisbursementOutcome },
  CoSignDisbursement: { kind: 'submit', request: CoSignDisbursementRequest, response: DisbursementOutcome },
  RejectDisbursement: { kind: 'submit', request: RejectDisbursementRequest, response: DisbursementResult },
  GetDisbursement: { kind: 'evaluate', request: GetDisbursementRequest, response: DisbursementView },
  ListDisbursements: { kind: 'evaluate', request: ListDisbursementsRequest, response: DisbursementViewPage },
  ListPendingDisbursements: {
    kind: 'evaluate',
    request: ListPendingDisbursementsRequest,
    response: DisbursementViewPage,
  },
  RecordSpend: { kind: 'submit', request: RecordSpendRequest, response: SpendOutcome },
  GetSpend: { kind: 'evaluate', request: GetSpendRequest, response: Spend },
  ListSpends: { kind: 'evaluate', request: ListSpendsRequest, response: SpendPage },
  SweepUnspent: { kind: 'submit', request: SweepUnspentRequest, response: SweepResult },
  TraceFunds: { kind: 'evaluate', request: TraceFundsRequest, response: TraceResult },
  GetAlert: { kind: 'evaluate', request: GetAlertRequest, response: Alert },
  ListAlerts: { kind: 'evaluate', request: ListAlertsRequest, response: AlertPage },
  AcknowledgeAlert: { kind: 'submit', request: AlertNoteRequest, response: Alert },
  ResolveAlert: { kind: 'submit', request: AlertNoteRequest, response: Alert },
  GetPublicSummary: { kind: 'evaluate', request: GetPublicSummaryRequest, response: PublicProgramSummary },
  ListPublicSummaries: {
    kind: 'evaluate',
    request: ListPublicSummariesRequest,
    response: pageOf(PublicProgramSummary),
  },
} as const satisfies Record<
  string,
  { kind: 'submit' | 'evaluate'; request: z.ZodType; response?: z.ZodType }
>;

/** A transaction name of the fund-tracing contract. */
export type TransactionName = keyof typeof transactions;
