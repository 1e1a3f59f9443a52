/**
 * Reads the errors of @hyperledger/fabric-gateway as typed {@link LedgerError}s (one
 * class per failing stage, {@link ChaincodeRefusal} for a chaincode's refusal): which
 * stage failed, whether the chaincode refused (its JSON error body is found in
 * the error text or the per-peer details), whether a peer was unreachable, the
 * deadline passed, or the transaction committed as invalid.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError as FabricCommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { findChaincodeErrorIn } from './chaincode-error';
import { ChaincodeRefusal, CommitError, LedgerError, ledgerError, type Stage } from './ledger';

const STATUS_NAMES = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

/** The name of a Fabric transaction validation code (e.g. 11 -> MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return STATUS_NAMES.get(code) ?? `CODE_${code}`;
}

/** The failure kind of a gRPC status code. */
function failureOf(code: number): 'unavailable' | 'deadline' | 'rejected' {
  if (code === GrpcStatus.UNAVAILABLE) return 'unavailable';
  if (code === GrpcStatus.DEADLINE_EXCEEDED) return 'deadline';
  return 'rejected';
}

/**
 * What a peer says when it cannot reach or start a chaincode (a chaincode-as-a-service server that
 * is down): Fabric's `could not launch chaincode`, `chaincode registration failed`, or a stream
 * to the chaincode that ended. The request never ran, so it is a 503 to try again, not a refusal.
 */
export const CHAINCODE_UNREACHABLE =
  /could not launch chaincode|chaincode registration failed|chaincode stream terminated|error sending: chaincode/i;

/**
 * Whether a failed submit is known not to have been ordered. The peer's gateway service (Fabric's
 * internal/pkg/gateway/submit.go, Raft) tries the orderers one by one. It answers ABORTED when one
 * refuses the envelope outright (4xx), and UNAVAILABLE "no orderers could successfully process
 * transaction" when none took it: each either answered 5xx (no Raft leader, service unavailable;
 * those leave no detail) or failed with a gRPC error (one detail each). Only a detail that shows
 * the connection was never made proves that orderer did not receive the envelope; any other
 * (a broadcast that timed out or broke after sending) leaves the outcome unknown. BFT's
 * "insufficient number of orderers" answer is never taken as not ordered: some may have it.
 */
function orderingRefusal(
  code: number,
  message: string,
  details: string[],
): { notOrdered?: true; component?: 'orderer' } {
  if (code === GrpcStatus.ABORTED) return { notOrdered: true, component: 'orderer' };
  const noneTookIt = /no orderers could successfully process transaction|no orderer nodes available/i.test(
    message,
  );
  if (code === GrpcStatus.UNAVAILABLE && noneTookIt && details.every((d) => NEVER_CONNECTED.test(d))) {
    return { notOrdered: true, component: 'orderer' };
  }
  return {};
}

/** gRPC error texts of a connection that was never established (nothing was sent). */
const NEVER_CONNECTED =
  /error while dialing|connection refused|no such host|failed to connect|name resolution/i;

/** Converts anything thrown by a Fabric call at `stage` into the {@link LedgerError} subclass of its failure. */
export function toLedgerError(err: unknown, stage: Stage, txId?: string): LedgerError {
  if (err instanceof LedgerError) return err;
  const extra = txId ? { txId } : {};
  if (err instanceof FabricCommitError) {
    const name = validationCodeName(err.code);
    return new CommitError(name, `transaction committed as invalid: ${name}`, { txId: err.transactionId });
  }
  if (err instanceof GatewayError) {
    const texts = [err.message, ...err.details.map((d) => d.message)];
    const chaincodeError = findChaincodeErrorIn(texts);
    if (chaincodeError) {
      return new ChaincodeRefusal(stage, chaincodeError, { ...extra, grpcCode: err.code });
    }
    if ((stage === 'evaluate' || stage === 'endorse') && texts.some((t) => CHAINCODE_UNREACHABLE.test(t))) {
      return ledgerError(stage, 'unavailable', `${stage} failed: the chaincode could not be reached`, {
        ...extra,
        grpcCode: err.code,
        component: 'chaincode',
      });
    }
    const failure = failureOf(err.code);
    const ordering =
      stage === 'submit'
        ? orderingRefusal(
            err.code,
            err.message,
            err.details.map((d) => d.message),
          )
        : {};
    return ledgerError(stage, failure, `${stage} failed (gRPC ${GrpcStatus[err.code] ?? err.code})`, {
      ...extra,
      grpcCode: err.code,
      ...ordering,
    });
  }
  const grpc = err as { code?: unknown; details?: unknown } | undefined;
  if (grpc && typeof grpc.code === 'number') {
    return ledgerError(stage, failureOf(grpc.code), `${stage} failed (gRPC ${grpc.code})`, {
      ...extra,
      grpcCode: grpc.code,
    });
  }
  return ledgerError(stage, 'rejected', `${stage} failed`, extra);
}

/**
 * Validation codes that are retried with a new transaction (nothing of an invalid transaction is
 * written). ENDORSEMENT_POLICY_FAILURE is among them because Fabric also reports a conflict with
 * it: a write to a key whose key-level policy an earlier transaction of the same block set (two
 * payments creating one fund-tracing tranche slot at once). The peer gateway chooses endorsers
 * that satisfy the policies, so a real policy failure fails again and ends after the retries.
 */
export const RETRYABLE_VALIDATION_CODES: ReadonlySet<string> = new Set([
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_POLICY_FAILURE',
]);
