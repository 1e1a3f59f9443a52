/**
 * The wire contract this chaincode speaks, re-exported from `@govledger/wire`
 * (nothing is defined here): one zod schema per transaction request, the
 * record and response shapes, error codes, limits and protocol constants.
 */
import { fundTracing } from '@govledger/wire';

export const {
  AccountHashes,
  Actor,
  Alert,
  AlertChange,
  AlertRaisedEvent,
  GetPublicSummaryRequest,
  ListPublicSummariesRequest,
  PublicProgramSummary,
  AlertRule,
  AllocateFundsOutcome,
  DisbursementOutcome,
  EventName,
  RefusedAttempt,
  RefusedTransaction,
  Refusal,
  SpendOutcome,
  UnspentRule,
  isRefusal,
  unspentPeriodMs,
  AlertNoteRequest,
  AlertStatus,
  AlertSummary,
  AllocateFundsRequest,
  Allocation,
  AllocationResult,
  AllocationView,
  Amount,
  CloseProgramRequest,
  CoSignConfig,
  CoSignDisbursementRequest,
  CoSigner,
  CreateProgramRequest,
  Defaults,
  Disbursement,
  DisbursementResult,
  DisbursementStatus,
  DisbursementView,
  DisburseRequest,
  ErrorCode,
  FINANCE_DEPT,
  GetAlertRequest,
  GetAllocationRequest,
  GetDisbursementRequest,
  GetProgramRequest,
  GetRecipientRequest,
  GetSpendRequest,
  Limits,
  ListAlertsRequest,
  ListAllocationsRequest,
  ListDisbursementsRequest,
  ListPendingDisbursementsRequest,
  ListProgramsRequest,
  ListRecipientsRequest,
  ListSpendsRequest,
  MAX_AMOUNT,
  Program,
  ProgramView,
  RECIPIENT_ROLE,
  Recipient,
  RecipientKind,
  RecordKind,
  RecordRef,
  RecordSpendRequest,
  RegisterRecipientRequest,
  RejectDisbursementRequest,
  RuleId,
  RuleMode,
  RulesConfig,
  Severity,
  Spend,
  SpendResult,
  SweepResult,
  SweepUnspentRequest,
  TraceFundsRequest,
  TraceNode,
  TraceResult,
  UpdateRecipientAccountsRequest,
  amountProblem,
  transactions,
} = fundTracing;

/** Request types, as parsed. */
export type AlertNoteRequest = fundTracing.AlertNoteRequest;
/** AllocateFunds request. */
export type AllocateFundsRequest = fundTracing.AllocateFundsRequest;
/** CloseProgram request. */
export type CloseProgramRequest = fundTracing.CloseProgramRequest;
/** CoSignDisbursement request. */
export type CoSignDisbursementRequest = fundTracing.CoSignDisbursementRequest;
/** CreateProgram request, as parsed. */
export type CreateProgramRequest = fundTracing.CreateProgramRequest;
/** CreateProgram request, as a caller sends it. */
export type CreateProgramInput = fundTracing.CreateProgramInput;
/** Disburse request. */
export type DisburseRequest = fundTracing.DisburseRequest;
/** GetAlert request. */
export type GetAlertRequest = fundTracing.GetAlertRequest;
/** GetAllocation request. */
export type GetAllocationRequest = fundTracing.GetAllocationRequest;
/** GetDisbursement request. */
export type GetDisbursementRequest = fundTracing.GetDisbursementRequest;
/** GetProgram request. */
export type GetProgramRequest = fundTracing.GetProgramRequest;
/** GetRecipient request. */
export type GetRecipientRequest = fundTracing.GetRecipientRequest;
/** GetSpend request. */
export type GetSpendRequest = fundTracing.GetSpendRequest;
/** ListAlerts request. */
export type ListAlertsRequest = fundTracing.ListAlertsRequest;
/** ListAllocations request. */
export type ListAllocationsRequest = fundTracing.ListAllocationsRequest;
/** ListDisbursements request. */
export type ListDisbursementsRequest = fundTracing.ListDisbursementsRequest;
/** ListPendingDisbursements request. */
export type ListPendingDisbursementsRequest = fundTracing.ListPendingDisbursementsRequest;
/** ListPrograms request. */
export type ListProgramsRequest = fundTracing.ListProgramsRequest;
/** ListRecipients request. */
export type ListRecipientsRequest = fundTracing.ListRecipientsRequest;
/** ListSpends request. */
export type ListSpendsRequest = fundTracing.ListSpendsRequest;
/** RecordSpend request. */
export type RecordSpendRequest = fundTracing.RecordSpendRequest;
/** RegisterRecipient request. */
export type RegisterRecipientRequest = fundTracing.RegisterRecipientRequest;
/** RejectDisbursement request. */
export type RejectDisbursementRequest = fundTracing.RejectDisbursementRequest;
/** SweepUnspent request. */
export type SweepUnspentRequest = fundTracing.SweepUnspentRequest;
/** TraceFunds request. */
export type TraceFundsRequest = fundTracing.TraceFundsRequest;
/** UpdateRecipientAccounts request. */
export type UpdateRecipientAccountsRequest = fundTracing.UpdateRecipientAccountsRequest;
/** The rules configuration as a caller sends it. */
export type RulesConfigInput = fundTracing.RulesConfigInput;
/** A rule mode. */
export type RuleMode = fundTracing.RuleMode;
/** One of this chaincode's error codes. */
export type ErrorCode = fundTracing.ErrorCode;
/** A transaction name of the contract. */
export type TransactionName = fundTracing.TransactionName;

// records and responses

/** Who did something: organisation, department (staff) and certificate id. */
export type Actor = fundTracing.Actor;
/** A fund program, owned by the finance department of one organisation. */
export type Program = fundTracing.Program;
/** Part of a program's budget given to one implementing department. */
export type Allocation = fundTracing.Allocation;
/** A recipient registered in a program, with the hashes of its approved accounts. */
export type Recipient = fundTracing.Recipient;
/** Status of a disbursement: pending a co-signature, paid (counts as paid out), or rejected. */
export type DisbursementStatus = fundTracing.DisbursementStatus;
/** A payment from an allocation to a recipient's approved account, for one category. */
export type Disbursement = fundTracing.Disbursement;
/** Onward spending of a disbursement by its recipient. */
export type Spend = fundTracing.Spend;
/** The early-warning rules. */
export type RuleId = fundTracing.RuleId;
/** A link to a record. */
export type RecordRef = fundTracing.RecordRef;
/** One status change of an alert. */
export type AlertChange = fundTracing.AlertChange;
/** An early warning raised by a rule inside the transaction that caused it (or by the sweep). */
export type Alert = fundTracing.Alert;
/** What an event says about an alert. */
export type AlertSummary = fundTracing.AlertSummary;
/** A program with its allocation balance. */
export type ProgramView = fundTracing.ProgramView;
/** An allocation with its disbursement balance. */
export type AllocationView = fundTracing.AllocationView;
/** The result of AllocateFunds: the allocation and the alerts the transaction raised. */
export type AllocationResult = fundTracing.AllocationResult;
/** The result of RecordSpend: the spend and the alerts the transaction raised. */
export type SpendResult = fundTracing.SpendResult;
/** A disbursement with its spending balance. */
export type DisbursementView = fundTracing.DisbursementView;
/** The result of a write on a disbursement: the record and the alerts the transaction raised. */
export type DisbursementResult = fundTracing.DisbursementResult;
/** What a sweep did. */
export type SweepResult = fundTracing.SweepResult;
/** One record in a trace. */
export type TraceNode = fundTracing.TraceNode;
/** A trace. */
export type TraceResult = fundTracing.TraceResult;
/** What an alert is about: a rule, or a refusal kind. */
export type AlertRule = fundTracing.AlertRule;
/** A refused attempt record. */
export type RefusedAttempt = fundTracing.RefusedAttempt;
/** A transaction whose refusals are recorded. */
export type RefusedTransaction = fundTracing.RefusedTransaction;
/** The result of a refused write. */
export type Refusal = fundTracing.Refusal;
/** The AlertRaised event payload. */
export type AlertRaisedEvent = fundTracing.AlertRaisedEvent;
/** GetPublicSummary request. */
export type GetPublicSummaryRequest = fundTracing.GetPublicSummaryRequest;
/** ListPublicSummaries request. */
export type ListPublicSummariesRequest = fundTracing.ListPublicSummariesRequest;
/** The public aggregates of a program. */
export type PublicProgramSummary = fundTracing.PublicProgramSummary;
/** A page of a list query. */
export type Page<T> = fundTracing.Page<T>;
