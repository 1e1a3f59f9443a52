/**
 * fund-tracing: programs, allocations, recipients, disbursements (with
 * co-signature), spends, the unspent sweep, traces and alerts. Request schemas
 * mirror chaincode/fund-tracing/src/schemas.ts. Amounts are decimal strings of
 * fen, never numbers.
 */
import { z } from 'zod';
import type { Caller } from '../auth';
import { defineRoute, type AnyRoute } from '../http/route';
import { PageQuery, pageOf, S } from '../schemas';

const CC = 'fund-tracing';
const TAGS = ['fund-tracing'];

const distinct = <T>(items: readonly T[]) => new Set(items).size === items.length;
const RuleMode = z.enum(['block', 'warn', 'off']);
const Rules = z
  .object({
    category: z.object({ mode: RuleMode }).strict(),
    recipientCap: z.object({ mode: RuleMode, cap: S.amount }).strict(),
    splitPayment: z
      .object({
        mode: RuleMode,
        threshold: S.amount,
        windowHours: z.number().int().min(1).max(8760),
        count: z.number().int().min(2).max(100),
        marginPercent: z.number().int().min(1).max(50).optional(),
      })
      .strict(),
    afterEnd: z.object({ mode: RuleMode }).strict(),
    unspent: z.object({ mode: z.enum(['warn', 'off']), days: z.number().int().min(1).max(3650) }).strict(),
  })
  .strict()
  .meta({ id: 'ProgramRules' });
const AccountHashes = z.array(S.sha256).max(20).refine(distinct, 'must not repeat an account hash');
const Severity = z.enum(['low', 'medium', 'high']);
const AlertSummary = z
  .object({
    alertId: z.string(),
    rule: z.string(),
    severity: Severity,
    records: z.array(z.object({ kind: z.string(), id: z.string() })),
  })
  .loose();
const Alerts = z.array(AlertSummary);

const Program = z
  .object({
    programId: z.string(),
    name: z.string(),
    fiscalYear: z.number(),
    totalBudget: z.string(),
    categories: z.array(z.string()),
    startDate: z.string(),
    endDate: z.string(),
    ownerMspId: z.string(),
    status: z.enum(['active', 'closed']),
  })
  .loose()
  .meta({ id: 'Program' });
const Allocation = z
  .object({
    allocationId: z.string(),
    programId: z.string(),
    mspId: z.string(),
    dept: z.string(),
    amount: z.string(),
  })
  .loose()
  .meta({ id: 'Allocation' });
const AllocationView = z
  .object({
    allocation: Allocation,
    disbursed: z.string(),
    remaining: z.string(),
    disbursementCount: z.number(),
  })
  .loose();
const Recipient = z
  .object({
    programId: z.string(),
    recipientPid: z.string(),
    kind: z.enum(['enterprise', 'person']),
    accountHashes: z.array(z.string()),
  })
  .loose()
  .meta({ id: 'Recipient' });
const Disbursement = z
  .object({
    disbursementId: z.string(),
    programId: z.string(),
    allocationId: z.string(),
    recipientPid: z.string(),
    category: z.string(),
    amount: z.string(),
    status: z.enum(['pending', 'paid', 'rejected']),
  })
  .loose()
  .meta({ id: 'Disbursement' });
const DisbursementView = z
  .object({ disbursement: Disbursement, spent: z.string(), remaining: z.string(), spendCount: z.number() })
  .loose();
const Spend = z
  .object({
    spendId: z.string(),
    disbursementId: z.string(),
    payeeId: z.string(),
    amount: z.string(),
    category: z.string(),
    invoiceHash: z.string(),
  })
  .loose()
  .meta({ id: 'Spend' });
const Alert = z
  .object({
    alertId: z.string(),
    programId: z.string(),
    rule: z.string(),
    severity: Severity,
    status: z.enum(['open', 'acknowledged', 'resolved']),
    message: z.string(),
    records: z.array(z.object({ kind: z.string(), id: z.string() })),
  })
  .loose()
  .meta({ id: 'Alert' });
const TraceNode: z.ZodType = z
  .object({
    kind: z.string(),
    id: z.string(),
    amount: z.string(),
    committed: z.string().optional(),
    remaining: z.string().optional(),
    childCount: z.number().optional(),
    complete: z.boolean(),
    alertIds: z.array(z.string()),
    record: z.unknown(),
    children: z.array(z.unknown()),
  })
  .loose()
  .meta({ id: 'TraceNode' });

const programId = z.object({ programId: S.id }).strict();
const disbursementId = z.object({ disbursementId: S.id }).strict();
const alertId = z.object({ alertId: S.id }).strict();

/** A finance officer (when the token names a department, it must be finance). */
function financeOnly(_input: unknown, caller: Caller): string | undefined {
  return caller.dept !== undefined && caller.dept !== 'finance'
    ? `only the finance department may do this; the caller is from ${caller.dept}`
    : undefined;
}

/** The fund-tracing routes. */
export function fundTracingRoutes(): AnyRoute[] {
  return [
    // ------------------------------------------------------------ programs
    defineRoute({
      method: 'post',
      path: '/api/v1/programs',
      operationId: 'createProgram',
      summary: "Create a fund program owned by the caller's organisation (finance department)",
      tags: TAGS,
      roles: ['officer'],
      authorize: financeOnly,
      successStatus: 201,
      body: z
        .object({
          programId: S.id,
          name: S.text(200),
          fiscalYear: z.number().int().min(2000).max(2100),
          totalBudget: S.amount,
          categories: z.array(S.code).min(1).max(50).refine(distinct, 'must not repeat a category'),
          startDate: S.isoDateTime,
          endDate: S.isoDateTime,
          coSign: z.object({ threshold: S.amount, by: z.enum(['finance', 'auditor']) }).strict(),
          rules: Rules,
        })
        .strict()
        .refine((p) => Date.parse(p.endDate) > Date.parse(p.startDate), {
          message: 'must be after startDate',
          path: ['endDate'],
        }),
      response: Program,
      call: { chaincode: CC, transaction: 'CreateProgram', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/programs/{programId}/closure',
      operationId: 'closeProgram',
      summary: 'Close a program',
      tags: TAGS,
      roles: ['officer'],
      authorize: financeOnly,
      params: programId,
      body: z.object({ reason: S.text(500) }).strict(),
      response: Program,
      call: { chaincode: CC, transaction: 'CloseProgram', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}',
      operationId: 'getProgram',
      summary: 'A program with its allocated and unallocated amounts',
      tags: TAGS,
      roles: [],
      params: programId,
      response: z
        .object({
          program: Program,
          allocated: z.string(),
          unallocated: z.string(),
          allocationCount: z.number(),
        })
        .loose(),
      call: { chaincode: CC, transaction: 'GetProgram', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs',
      operationId: 'listPrograms',
      summary: 'Programs by id',
      tags: TAGS,
      roles: [],
      query: PageQuery,
      response: pageOf(Program),
      call: { chaincode: CC, transaction: 'ListPrograms', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ allocations
    defineRoute({
      method: 'post',
      path: '/api/v1/programs/{programId}/allocations',
      operationId: 'allocateFunds',
      summary: 'Allocate part of a program to an implementing department',
      tags: TAGS,
      roles: ['officer'],
      authorize: financeOnly,
      successStatus: 201,
      params: programId,
      body: z.object({ allocationId: S.id, mspId: S.mspId, dept: S.code, amount: S.amount }).strict(),
      response: z.object({ allocation: Allocation, alerts: Alerts }),
      call: { chaincode: CC, transaction: 'AllocateFunds', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/allocations/{allocationId}',
      operationId: 'getAllocation',
      summary: 'An allocation with what was disbursed from it',
      tags: TAGS,
      roles: [],
      params: z.object({ allocationId: S.id }).strict(),
      response: AllocationView,
      call: { chaincode: CC, transaction: 'GetAllocation', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/allocations',
      operationId: 'listAllocations',
      summary: "A program's allocations",
      tags: TAGS,
      roles: [],
      params: programId,
      query: PageQuery,
      response: pageOf(AllocationView),
      call: { chaincode: CC, transaction: 'ListAllocations', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ recipients
    defineRoute({
      method: 'post',
      path: '/api/v1/programs/{programId}/recipients',
      operationId: 'registerRecipient',
      summary: 'Register a recipient (by pseudonymous id) with hashes of its approved accounts',
      tags: TAGS,
      roles: ['officer'],
      successStatus: 201,
      params: programId,
      body: z
        .object({
          recipientPid: S.pid,
          kind: z.enum(['enterprise', 'person']),
          accountHashes: AccountHashes.min(1),
        })
        .strict(),
      response: Recipient,
      call: { chaincode: CC, transaction: 'RegisterRecipient', mode: 'submit' },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/programs/{programId}/recipients/{recipientPid}/accounts',
      operationId: 'updateRecipientAccounts',
      summary: "Add or remove a recipient's approved account hashes",
      tags: TAGS,
      roles: ['officer'],
      params: z.object({ programId: S.id, recipientPid: S.pid }).strict(),
      body: z
        .object({ add: AccountHashes.optional(), remove: AccountHashes.optional() })
        .strict()
        .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, {
          message: 'add or remove at least one account',
        })
        .refine((b) => (b.add ?? []).every((h) => !(b.remove ?? []).includes(h)), {
          message: 'must not both add and remove an account',
          path: ['remove'],
        }),
      response: Recipient,
      call: { chaincode: CC, transaction: 'UpdateRecipientAccounts', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/recipients/{recipientPid}',
      operationId: 'getRecipient',
      summary: 'A recipient of a program',
      tags: TAGS,
      roles: [],
      params: z.object({ programId: S.id, recipientPid: S.pid }).strict(),
      response: Recipient,
      call: { chaincode: CC, transaction: 'GetRecipient', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/recipients',
      operationId: 'listRecipients',
      summary: "A program's recipients",
      tags: TAGS,
      roles: [],
      params: programId,
      query: PageQuery,
      response: pageOf(Recipient),
      call: { chaincode: CC, transaction: 'ListRecipients', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ disbursements
    defineRoute({
      method: 'post',
      path: '/api/v1/disbursements',
      operationId: 'disburse',
      summary:
        "Pay a recipient from the caller department's allocation, to an approved account, for one category",
      description:
        'Above the program co-signature threshold the disbursement stays pending until a second organisation co-signs it.',
      tags: TAGS,
      roles: ['officer'],
      successStatus: 201,
      body: z
        .object({
          disbursementId: S.id,
          allocationId: S.id,
          recipientPid: S.pid,
          accountHash: S.sha256,
          category: S.code,
          amount: S.amount,
          documentsHash: S.sha256,
        })
        .strict(),
      response: z.object({ disbursement: Disbursement, alerts: Alerts }),
      call: { chaincode: CC, transaction: 'Disburse', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/disbursements/{disbursementId}/co-signature',
      operationId: 'coSignDisbursement',
      summary: 'Co-sign a pending disbursement (finance officer or auditor of another organisation)',
      tags: TAGS,
      roles: ['officer', 'auditor'],
      params: disbursementId,
      body: z.object({ note: S.text(500).optional() }).strict(),
      response: z.object({ disbursement: Disbursement, alerts: Alerts }),
      call: { chaincode: CC, transaction: 'CoSignDisbursement', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/disbursements/{disbursementId}/rejection',
      operationId: 'rejectDisbursement',
      summary: 'Reject (co-signer) or withdraw (allocation holder) a pending disbursement',
      tags: TAGS,
      roles: ['officer', 'auditor'],
      params: disbursementId,
      body: z.object({ reason: S.text(500) }).strict(),
      response: z.object({ disbursement: Disbursement, alerts: Alerts }),
      call: { chaincode: CC, transaction: 'RejectDisbursement', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/disbursements/{disbursementId}',
      operationId: 'getDisbursement',
      summary: 'A disbursement with what was spent from it',
      tags: TAGS,
      roles: [],
      params: disbursementId,
      response: DisbursementView,
      call: { chaincode: CC, transaction: 'GetDisbursement', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/allocations/{allocationId}/disbursements',
      operationId: 'listDisbursementsByAllocation',
      summary: "An allocation's disbursements",
      tags: TAGS,
      roles: [],
      params: z.object({ allocationId: S.id }).strict(),
      query: PageQuery,
      response: pageOf(DisbursementView),
      call: { chaincode: CC, transaction: 'ListDisbursements', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/recipients/{recipientPid}/disbursements',
      operationId: 'listDisbursementsByRecipient',
      summary: "A recipient's disbursements in a program",
      tags: TAGS,
      roles: [],
      params: z.object({ programId: S.id, recipientPid: S.pid }).strict(),
      query: PageQuery,
      response: pageOf(DisbursementView),
      call: { chaincode: CC, transaction: 'ListDisbursements', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/pending-disbursements',
      operationId: 'listPendingDisbursements',
      summary: 'Disbursements waiting for a co-signature',
      tags: TAGS,
      roles: [],
      params: programId,
      query: PageQuery,
      response: pageOf(DisbursementView),
      call: { chaincode: CC, transaction: 'ListPendingDisbursements', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ spends
    defineRoute({
      method: 'post',
      path: '/api/v1/spends',
      operationId: 'recordSpend',
      summary: 'The recipient records onward spending of a disbursement',
      tags: TAGS,
      roles: ['enterprise', 'citizen'],
      successStatus: 201,
      body: z
        .object({
          spendId: S.id,
          disbursementId: S.id,
          payeeId: S.id,
          amount: S.amount,
          category: S.code,
          invoiceHash: S.sha256,
        })
        .strict(),
      response: z.object({ spend: Spend, alerts: Alerts }),
      call: { chaincode: CC, transaction: 'RecordSpend', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/spends/{spendId}',
      operationId: 'getSpend',
      summary: 'A spend',
      tags: TAGS,
      roles: [],
      params: z.object({ spendId: S.id }).strict(),
      response: Spend,
      call: { chaincode: CC, transaction: 'GetSpend', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/disbursements/{disbursementId}/spends',
      operationId: 'listSpends',
      summary: "A disbursement's spends",
      tags: TAGS,
      roles: [],
      params: disbursementId,
      query: PageQuery,
      response: pageOf(Spend),
      call: { chaincode: CC, transaction: 'ListSpends', mode: 'evaluate' },
    }),
    // ------------------------------------------------------------ sweep, trace, alerts
    defineRoute({
      method: 'post',
      path: '/api/v1/programs/{programId}/unspent-sweeps',
      operationId: 'sweepUnspent',
      summary:
        'Raise alerts for money paid out but not spent in time (anyone may call; repeat while more=true)',
      tags: TAGS,
      roles: [],
      params: programId,
      body: z.object({ limit: z.number().int().min(1).max(100).optional() }).strict(),
      response: z
        .object({ programId: z.string(), processed: z.number(), alerts: Alerts, more: z.boolean() })
        .loose(),
      call: { chaincode: CC, transaction: 'SweepUnspent', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/trace/{kind}/{id}',
      operationId: 'traceFunds',
      summary: 'The whole chain from the program down to every spend, through a record, with balances',
      tags: TAGS,
      roles: [],
      params: z
        .object({ kind: z.enum(['program', 'allocation', 'disbursement', 'spend']), id: S.id })
        .strict(),
      response: z
        .object({
          record: z.object({ kind: z.string(), id: z.string() }),
          path: z.array(z.object({ kind: z.string(), id: z.string() })),
          records: z.number(),
          root: TraceNode,
        })
        .loose(),
      call: { chaincode: CC, transaction: 'TraceFunds', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/alerts/{alertId}',
      operationId: 'getAlert',
      summary: 'An alert (auditors, owner finance)',
      tags: TAGS,
      roles: [],
      params: alertId,
      response: Alert,
      call: { chaincode: CC, transaction: 'GetAlert', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/alerts',
      operationId: 'listAlerts',
      summary: "A program's alerts, newest first, by status and severity",
      tags: TAGS,
      roles: [],
      params: programId,
      query: PageQuery.extend({
        status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
        severity: Severity.optional(),
      }).strict(),
      response: pageOf(Alert),
      call: { chaincode: CC, transaction: 'ListAlerts', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/alerts/{alertId}/acknowledgement',
      operationId: 'acknowledgeAlert',
      summary: 'Acknowledge an alert (auditors)',
      tags: TAGS,
      roles: ['auditor'],
      params: alertId,
      body: z.object({ note: S.text(1000) }).strict(),
      response: Alert,
      call: { chaincode: CC, transaction: 'AcknowledgeAlert', mode: 'submit' },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/alerts/{alertId}/resolution',
      operationId: 'resolveAlert',
      summary: 'Resolve an alert with a note (auditors)',
      tags: TAGS,
      roles: ['auditor'],
      params: alertId,
      body: z.object({ note: S.text(1000) }).strict(),
      response: Alert,
      call: { chaincode: CC, transaction: 'ResolveAlert', mode: 'submit' },
    }),
  ];
}
