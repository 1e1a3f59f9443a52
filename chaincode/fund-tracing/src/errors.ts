/**
 * The fund-tracing chaincode's stable error codes. Every refusal throws a
 * ChaincodeError carrying one of them; nothing the transaction wrote is
 * committed (an early-warning rule in "warn" mode does not refuse: it writes
 * an alert and lets the transaction through).
 */
import { ChaincodeError, CommonErrorCode } from '@govledger/chaincode-common';

/** Every error code this chaincode throws, with its status. */
export const FundErrorCode = {
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
} as const;

/** One of this chaincode's error codes. */
export type FundErrorCodeValue = (typeof FundErrorCode)[keyof typeof FundErrorCode];

/** A 409 refusal with structured details (balances, violations) for the caller. */
export function conflictWith(code: FundErrorCodeValue, reason: string, details?: unknown): ChaincodeError {
  return new ChaincodeError(code, 409, reason, details);
}
