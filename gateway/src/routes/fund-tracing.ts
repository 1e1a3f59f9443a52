/**
 * fund-tracing: programs, allocations, recipients, disbursements (with
 * co-signature), spends, the unspent sweep, traces and alerts. Every request
 * and response shape is the wire contract's (`fundTracing` of `@govledger/wire`):
 * bodies are the chaincode requests without the path parameters (`.omit`), and
 * the cross-field checks are the wire's own. Fields the chaincode defaults stay
 * optional here, so the gateway forwards what the caller sent. Amounts are
 * decimal strings of fen, never numbers.
 */
import { fundTracing as ft } from '@govledger/wire';
import type { Caller } from '../auth';
import { HttpProblem } from '../http/problem';
import { defineRoute, type AnyRoute } from '../http/route';
import { PageQuery, pageOf } from '../schemas';

const CC = 'fund-tracing';
const TAGS = ['fund-tracing'];

const Program = ft.Program.meta({
  id: 'Program',
  description: 'A fund program with its budget, categories, co-signature and alert rules',
});
const Allocation = ft.Allocation.meta({
  id: 'Allocation',
  description: "Part of a program's budget allocated to an implementing department",
});
const Recipient = ft.Recipient.meta({
  id: 'Recipient',
  description: 'A registered recipient of a program (home MSP, pid) with its approved account hashes',
});
const Disbursement = ft.Disbursement.meta({
  id: 'Disbursement',
  description: 'A payment from an allocation to a recipient',
});
const Spend = ft.Spend.meta({
  id: 'Spend',
  description: 'What a recipient did with (part of) a disbursement',
});
const Alert = ft.Alert.meta({ id: 'Alert', description: 'An alert raised by a fund-tracing rule' });
const AllocationView = ft.AllocationView.extend({
  allocation: Allocation,
});
const DisbursementView = ft.DisbursementView.extend({
  disbursement: Disbursement,
});
const DisbursementResult = ft.DisbursementResult.extend({
  disbursement: Disbursement,
});

/** CreateProgram's body: marginPercent stays optional (the chaincode applies its default). */
const CreateProgramBody = ft.CreateProgramFields.extend({
  rules: ft.RulesConfig.extend({
    splitPayment: ft.SplitPaymentRule.extend({
      marginPercent: ft.MarginPercent.optional().meta({
        description: 'How far under the threshold (percent) still counts as near it',
        example: 10,
      }),
    }).meta({
      description:
        'Split-payment rule: disbursements just under a threshold to one recipient within a window',
    }),
  }).meta({
    id: 'ProgramRules',
    description:
      'The alert rules of a program as a caller sends them: what each rule does (block, warn or off)',
  }),
}).superRefine(ft.checkProgramDates);

/** UpdateRecipientAccounts' body: add and remove stay optional (the chaincode defaults them to []). */
const UpdateAccountsBody = ft.UpdateRecipientAccountsFields.omit({
  programId: true,
  recipientMspId: true,
  recipientPid: true,
})
  .extend({
    add: ft.AccountHashes.optional().meta({
      description: 'Account hashes to add',
      example: ['b3a8e0e1f9ab1bfe3a36f231f676f78bb30a519d2b21e6c530c0eee8ebb4a5d0'],
    }),
    remove: ft.AccountHashes.optional().meta({
      description: 'Account hashes to remove',
      example: ['a665a45920422f9d417e4867efdc4fb8a04a1f3fff1fa07e998e86f7f7a27ae3'],
    }),
  })
  .superRefine(ft.checkAccountChange);

const programId = ft.GetProgramRequest;
const allocationId = ft.GetAllocationRequest;
const recipient = ft.GetRecipientRequest;
const disbursementId = ft.GetDisbursementRequest;
const alertId = ft.GetAlertRequest;

/**
 * A write the chaincode refused and RECORDED (a refused attempt and a high-severity alert
 * committed; wire `Refusal`): answered as the refusal it is, with the code's status (409),
 * the stable code, and the ids of the alert and the attempt. Sending it again is safe (it
 * cannot pay twice; it records another attempt).
 */
export function refusalProblem(result: unknown, transactionId: string): HttpProblem | undefined {
  if (!ft.isRefusal(result)) return undefined;
  const extras: ConstructorParameters<typeof HttpProblem>[3] = {
    transactionId,
    retrySafe: true,
    alertId: result.alertId,
    attemptId: result.attempt.attemptId,
  };
  if (result.attempt.details !== undefined) extras.details = result.attempt.details;
  return new HttpProblem(result.status, result.code, result.message, extras);
}

const RECORDED_REFUSAL =
  'A refusal by a blocking rule (or, for payments, by the allocation or an unapproved account) is committed as a refused attempt with a high-severity alert and answered as problem+json with the refusal code, `alertId` and `attemptId`.';

/** A finance officer (when the token names a department, it must be finance). */
function financeOnly(_input: unknown, caller: Caller): string | undefined {
  return caller.dept !== undefined && caller.dept !== ft.FINANCE_DEPT
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
      body: CreateProgramBody,
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
      body: ft.CloseProgramRequest.omit({ programId: true }),
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
      response: ft.ProgramView.extend({ program: Program }),
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
      description: RECORDED_REFUSAL,
      tags: TAGS,
      roles: ['officer'],
      authorize: financeOnly,
      successStatus: 201,
      params: programId,
      body: ft.AllocateFundsRequest.omit({ programId: true }),
      response: ft.AllocationResult.extend({ allocation: Allocation }),
      call: { chaincode: CC, transaction: 'AllocateFunds', mode: 'submit', refusal: refusalProblem },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/allocations/{allocationId}',
      operationId: 'getAllocation',
      summary: 'An allocation with what was disbursed from it',
      tags: TAGS,
      roles: [],
      params: allocationId,
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
      summary: 'Register a recipient (home MSP and pseudonymous id) with hashes of its approved accounts',
      tags: TAGS,
      roles: ['officer'],
      successStatus: 201,
      params: programId,
      body: ft.RegisterRecipientRequest.omit({ programId: true }),
      response: Recipient,
      call: { chaincode: CC, transaction: 'RegisterRecipient', mode: 'submit' },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/programs/{programId}/recipients/{recipientMspId}/{recipientPid}/accounts',
      operationId: 'updateRecipientAccounts',
      summary: "Add or remove a recipient's approved account hashes",
      tags: TAGS,
      roles: ['officer'],
      params: recipient,
      body: UpdateAccountsBody,
      response: Recipient,
      call: { chaincode: CC, transaction: 'UpdateRecipientAccounts', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/recipients/{recipientMspId}/{recipientPid}',
      operationId: 'getRecipient',
      summary: 'A recipient of a program',
      tags: TAGS,
      roles: [],
      params: recipient,
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
      description: `Above the program co-signature threshold the disbursement stays pending until a second organisation co-signs it. ${RECORDED_REFUSAL}`,
      tags: TAGS,
      roles: ['officer'],
      successStatus: 201,
      body: ft.DisburseRequest,
      response: DisbursementResult,
      call: { chaincode: CC, transaction: 'Disburse', mode: 'submit', refusal: refusalProblem },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/disbursements/{disbursementId}/co-signature',
      operationId: 'coSignDisbursement',
      summary: 'Co-sign a pending disbursement (finance officer or auditor of another organisation)',
      description: RECORDED_REFUSAL,
      tags: TAGS,
      roles: ['officer', 'auditor'],
      params: disbursementId,
      body: ft.CoSignDisbursementRequest.omit({ disbursementId: true }),
      response: DisbursementResult,
      call: { chaincode: CC, transaction: 'CoSignDisbursement', mode: 'submit', refusal: refusalProblem },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/disbursements/{disbursementId}/rejection',
      operationId: 'rejectDisbursement',
      summary: 'Reject (co-signer) or withdraw (allocation holder) a pending disbursement',
      tags: TAGS,
      roles: ['officer', 'auditor'],
      params: disbursementId,
      body: ft.RejectDisbursementRequest.omit({ disbursementId: true }),
      response: DisbursementResult,
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
      params: allocationId,
      query: PageQuery,
      response: pageOf(DisbursementView),
      call: { chaincode: CC, transaction: 'ListDisbursements', mode: 'evaluate' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/programs/{programId}/recipients/{recipientMspId}/{recipientPid}/disbursements',
      operationId: 'listDisbursementsByRecipient',
      summary: "A recipient's disbursements in a program",
      tags: TAGS,
      roles: [],
      params: recipient,
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
      description: RECORDED_REFUSAL,
      tags: TAGS,
      roles: ['enterprise', 'citizen'],
      successStatus: 201,
      body: ft.RecordSpendRequest,
      response: ft.SpendResult.extend({ spend: Spend }),
      call: { chaincode: CC, transaction: 'RecordSpend', mode: 'submit', refusal: refusalProblem },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/spends/{spendId}',
      operationId: 'getSpend',
      summary: 'A spend',
      tags: TAGS,
      roles: [],
      params: ft.GetSpendRequest,
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
      body: ft.SweepUnspentRequest.omit({ programId: true }).extend({
        limit: ft.SweepLimit.optional().meta({
          description: 'Most disbursements to examine in this sweep',
          example: 100,
        }),
      }),
      response: ft.SweepResult,
      call: { chaincode: CC, transaction: 'SweepUnspent', mode: 'submit' },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/trace/{kind}/{id}',
      operationId: 'traceFunds',
      summary: 'The whole chain from the program down to every spend, through a record, with balances',
      tags: TAGS,
      roles: [],
      params: ft.TraceFundsRequest,
      response: ft.TraceResult,
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
      query: PageQuery.extend(ft.ListAlertsRequest.pick({ status: true, severity: true }).shape).strict(),
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
      body: ft.AlertNoteRequest.omit({ alertId: true }),
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
      body: ft.AlertNoteRequest.omit({ alertId: true }),
      response: Alert,
      call: { chaincode: CC, transaction: 'ResolveAlert', mode: 'submit' },
    }),
  ];
}
