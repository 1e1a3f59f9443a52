/**
 * The fund-tracing chaincode's refusals, each declared once with its stable
 * code (from the wire contract) and status. Every refusal throws one of them;
 * nothing the transaction wrote is committed (an early-warning rule in "warn"
 * mode does not refuse: it writes an alert and lets the transaction through).
 */
import { defineErrors } from '@govledger/chaincode-common';
import { ErrorCode } from './schemas';

/** One factory per refusal: `throw errors.programNotFound('program P1 does not exist')`. */
export const errors = defineErrors({
  programNotFound: [ErrorCode.ProgramNotFound, 404],
  programExists: [ErrorCode.ProgramExists, 409],
  programClosed: [ErrorCode.ProgramClosed, 409],
  programNotStarted: [ErrorCode.ProgramNotStarted, 409],
  allocationNotFound: [ErrorCode.AllocationNotFound, 404],
  allocationExists: [ErrorCode.AllocationExists, 409],
  exceedsBudget: [ErrorCode.ExceedsBudget, 409],
  recipientNotFound: [ErrorCode.RecipientNotFound, 404],
  recipientExists: [ErrorCode.RecipientExists, 409],
  accountNotApproved: [ErrorCode.AccountNotApproved, 409],
  tooManyAccounts: [ErrorCode.TooManyAccounts, 409],
  disbursementNotFound: [ErrorCode.DisbursementNotFound, 404],
  disbursementExists: [ErrorCode.DisbursementExists, 409],
  exceedsAllocation: [ErrorCode.ExceedsAllocation, 409],
  categoryNotInProgram: [ErrorCode.CategoryNotInProgram, 409],
  disbursementNotPending: [ErrorCode.DisbursementNotPending, 409],
  disbursementNotPaid: [ErrorCode.DisbursementNotPaid, 409],
  spendNotFound: [ErrorCode.SpendNotFound, 404],
  spendExists: [ErrorCode.SpendExists, 409],
  exceedsDisbursement: [ErrorCode.ExceedsDisbursement, 409],
  forbidden: [ErrorCode.Forbidden, 403],
  departmentMismatch: [ErrorCode.DepartmentMismatch, 403],
  notImplementingDepartment: [ErrorCode.NotImplementingDepartment, 403],
  notRecipient: [ErrorCode.NotRecipient, 403],
  coSignerSameOrganisation: [ErrorCode.CoSignerSameOrganisation, 403],
  notAuditorOfOrganisation: [ErrorCode.NotAuditorOfOrganisation, 403],
  alertNotFound: [ErrorCode.AlertNotFound, 404],
  alertStateConflict: [ErrorCode.AlertStateConflict, 409],
  spendCategoryNotAllowed: [ErrorCode.SpendCategoryNotAllowed, 409],
  recipientCapExceeded: [ErrorCode.RecipientCapExceeded, 409],
  splitPaymentSuspected: [ErrorCode.SplitPaymentSuspected, 409],
  programEnded: [ErrorCode.ProgramEnded, 409],
  traceTooLarge: [ErrorCode.TraceTooLarge, 409],
  summaryTooLarge: [ErrorCode.SummaryTooLarge, 409],
});

/** The refusal of one kind. */
export type FundError = keyof typeof errors;
