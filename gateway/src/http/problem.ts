/**
 * RFC 9457 problem details for every error the gateway returns. Each problem has
 * a stable `code`; Fabric failures also name the `stage`, the `transactionId` and
 * whether sending the same request again is safe (`retrySafe`). A problem never
 * carries a stack trace, a file path or an upstream error text other than the
 * chaincode's own message.
 *
 * This is where the typed errors of the lower layers (fabric/, writes/) get their
 * HTTP status, code, members and Retry-After: {@link toProblem}.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { CaNotConfigured, CaRefused, CaUnavailable, IdentityExists } from '../fabric/certificate-authority';
import { LedgerError } from '../fabric/ledger';
import {
  CommitStatusPending,
  InvalidOfflineSignature,
  OfflineSessionExpired,
  OfflineSessionLimitReached,
  OfflineStageMismatch,
  OfflineTransactionNotFound,
} from '../fabric/offline-signing';
import type { DescribeFailure } from '../writes/async-transactions';
import { sendText } from './exchange';
import {
  IdempotencyConflict,
  IdempotencyKeyReused,
  IdentityNotEnrolled,
  TransactionNotCommitted,
} from '../writes/errors';

/** Media type of problem documents. */
export const PROBLEM_JSON = 'application/problem+json';

/** One field that failed validation. */
export interface FieldIssue {
  /** Where the field is: body, query, params or header. */
  location: 'body' | 'query' | 'params' | 'header';
  /** Dotted path of the field inside that location ('' for the whole). */
  path: string;
  /** What is wrong. */
  message: string;
}

/** The JSON body of a problem response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  stage?: string;
  transactionId?: string;
  retrySafe?: boolean;
  statusUrl?: string;
  errors?: FieldIssue[];
  details?: unknown;
  /** The alert a recorded refusal raised for supervisors (fund-tracing). */
  alertId?: string;
  /** The refused attempt a recorded refusal committed (fund-tracing). */
  attemptId?: string;
}

/** Extra members of a problem. */
export type ProblemExtras = Partial<
  Pick<
    ProblemBody,
    'stage' | 'transactionId' | 'retrySafe' | 'statusUrl' | 'errors' | 'details' | 'alertId' | 'attemptId'
  >
>;

/** An error that is already a problem: thrown anywhere, rendered by the error handler. */
export class HttpProblem extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Stable code. */
  readonly code: string;
  /** Extra members. */
  readonly extras: ProblemExtras;
  /** Seconds after which a retry makes sense (Retry-After), when set. */
  readonly retryAfterSec?: number;

  constructor(
    status: number,
    code: string,
    detail: string,
    extras: ProblemExtras = {},
    retryAfterSec?: number,
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.extras = extras;
    if (retryAfterSec !== undefined) this.retryAfterSec = retryAfterSec;
  }
}

/** The `type` URI of a problem code. */
export function problemType(code: string): string {
  return `urn:govledger:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** Builds the body of a problem. */
export function problemBody(problem: HttpProblem, instance?: string, requestId?: string): ProblemBody {
  const body: ProblemBody = {
    type: problemType(problem.code),
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.message,
    code: problem.code,
  };
  if (instance) body.instance = instance;
  if (requestId) body.requestId = requestId;
  return { ...body, ...problem.extras };
}

/** Status URL of a transaction. */
export function transactionStatusUrl(txId: string): string {
  return `/api/v1/transactions/${txId}`;
}

const CONFLICT_CODES = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/** Turns a ledger failure into a problem: chaincode refusals to 4xx, network faults to 502/503/504. */
export function ledgerProblem(err: LedgerError): HttpProblem {
  const tx = err.txId ? { transactionId: err.txId } : {};
  const stage = err.stage;
  if (err.failure === 'chaincode' && err.chaincodeError) {
    const ce = err.chaincodeError;
    const extras: ProblemExtras = { stage, ...tx, retrySafe: true };
    if (ce.details !== undefined) extras.details = ce.details;
    if (ce.status === 500) return new HttpProblem(502, ce.code, `chaincode failed: ${ce.message}`, extras);
    return new HttpProblem(ce.status, ce.code, ce.message, extras);
  }
  const safe = err.nothingWritten;
  const status = err.txId && !safe ? { statusUrl: transactionStatusUrl(err.txId) } : {};
  const extras: ProblemExtras = { stage, ...tx, retrySafe: safe, ...status };
  switch (err.failure) {
    case 'invalid': {
      const code = err.validationCode ?? 'INVALID';
      if (CONFLICT_CODES.has(code)) {
        return new HttpProblem(
          409,
          'TRANSACTION_CONFLICT',
          `the transaction kept conflicting with concurrent updates (${code}); nothing was written`,
          extras,
        );
      }
      if (code === 'ENDORSEMENT_POLICY_FAILURE') {
        return new HttpProblem(
          403,
          'ENDORSEMENT_POLICY_FAILURE',
          'the endorsements do not satisfy the policy of the records changed; nothing was written',
          extras,
        );
      }
      return new HttpProblem(
        502,
        'TRANSACTION_INVALID',
        `the transaction was committed as invalid (${code}); nothing was written`,
        extras,
      );
    }
    case 'unavailable':
      if (err.component === 'chaincode') {
        return new HttpProblem(
          503,
          'CHAINCODE_UNAVAILABLE',
          `the chaincode could not be reached at the ${stage} stage; nothing was written`,
          extras,
          2,
        );
      }
      return new HttpProblem(
        503,
        'LEDGER_UNAVAILABLE',
        `Fabric could not be reached at the ${stage} stage`,
        extras,
        2,
      );
    case 'deadline':
      return new HttpProblem(
        504,
        'LEDGER_TIMEOUT',
        `Fabric did not answer in time at the ${stage} stage`,
        extras,
      );
    case 'rejected':
    case 'chaincode':
    default:
      return new HttpProblem(
        502,
        'LEDGER_REJECTED',
        `Fabric refused the transaction at the ${stage} stage`,
        extras,
      );
  }
}

/** The problem of a typed error of the write pipeline, offline signing or the CA; undefined for others. */
export function serviceProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof IdentityNotEnrolled) return new HttpProblem(403, 'IDENTITY_NOT_ENROLLED', err.message);
  if (err instanceof IdempotencyConflict) {
    const extras = err.txId ? { transactionId: err.txId, statusUrl: transactionStatusUrl(err.txId) } : {};
    return new HttpProblem(409, 'IDEMPOTENCY_KEY_IN_USE', err.message, extras, 1);
  }
  if (err instanceof IdempotencyKeyReused) return new HttpProblem(422, 'IDEMPOTENCY_KEY_REUSED', err.message);
  if (err instanceof TransactionNotCommitted) {
    return new HttpProblem(409, 'TRANSACTION_NOT_COMMITTED', err.message, {
      transactionId: err.txId,
      retrySafe: true,
    });
  }
  if (err instanceof OfflineTransactionNotFound)
    return new HttpProblem(404, 'OFFLINE_TRANSACTION_NOT_FOUND', err.message);
  if (err instanceof OfflineSessionExpired)
    return new HttpProblem(410, 'OFFLINE_SESSION_EXPIRED', err.message);
  if (err instanceof OfflineSessionLimitReached)
    return new HttpProblem(429, 'OFFLINE_SESSION_LIMIT', err.message, {}, err.retryAfterSec);
  if (err instanceof OfflineStageMismatch) return new HttpProblem(409, 'OFFLINE_STAGE_MISMATCH', err.message);
  if (err instanceof InvalidOfflineSignature) {
    return new HttpProblem(400, 'INVALID_SIGNATURE', err.message, {
      stage: err.stage,
      transactionId: err.txId,
    });
  }
  if (err instanceof CommitStatusPending) {
    return new HttpProblem(504, 'LEDGER_TIMEOUT', err.message, {
      stage: 'commit',
      transactionId: err.txId,
      retrySafe: true,
    });
  }
  if (err instanceof CaNotConfigured) return new HttpProblem(503, 'CA_NOT_CONFIGURED', err.message);
  if (err instanceof IdentityExists) return new HttpProblem(409, 'IDENTITY_EXISTS', err.message);
  if (err instanceof CaRefused) return new HttpProblem(502, 'CA_REFUSED', err.message);
  if (err instanceof CaUnavailable) return new HttpProblem(503, 'CA_UNAVAILABLE', err.message, {}, 5);
  return undefined;
}

/** Classifies any thrown value as a problem; unknown errors become a bare 500 with no details. */
export function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof LedgerError) return ledgerProblem(err);
  const service = serviceProblem(err);
  if (service) return service;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown } | undefined;
  if (e && typeof e === 'object') {
    if (e.type === 'entity.too.large')
      return new HttpProblem(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than the gateway accepts');
    if (e.type === 'entity.parse.failed')
      return new HttpProblem(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return new HttpProblem(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body encoding is not supported');
    }
    const status =
      typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 0;
    if (status >= 400 && status < 500)
      return new HttpProblem(status, 'BAD_REQUEST', STATUS_CODES[status] ?? 'bad request');
  }
  return new HttpProblem(500, 'INTERNAL', 'the gateway failed to handle the request');
}

/** Writes a problem response. */
export function sendProblem(
  res: ServerResponse,
  problem: HttpProblem,
  instance?: string,
  requestId?: string,
): void {
  if (problem.retryAfterSec !== undefined) res.setHeader('Retry-After', String(problem.retryAfterSec));
  if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendText(res, problem.status, PROBLEM_JSON, JSON.stringify(problemBody(problem, instance, requestId)));
}

/**
 * The write pipeline's {@link DescribeFailure}: the problem body a synchronous caller would have
 * got, with the write's status URL as `instance` when the transaction is named.
 */
export const describeFailure: DescribeFailure = (err, context) =>
  problemBody(
    toProblem(err),
    context ? transactionStatusUrl(context.transactionId) : undefined,
    context?.requestId,
  );
