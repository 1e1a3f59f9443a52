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
    const failure =
      err.code === GrpcStatus.UNAVAILABLE
        ? 'unavailable'
        : err.code === GrpcStatus.DEADLINE_EXCEEDED
          ? 'deadline'
          : 'rejected';
    return ledgerError(stage, failure, `${stage} failed (gRPC ${GrpcStatus[err.code] ?? err.code})`, {
      ...extra,
      grpcCode: err.code,
    });
  }
  const grpc = err as { code?: unknown; details?: unknown } | undefined;
  if (grpc && typeof grpc.code === 'number') {
    const failure =
      grpc.code === GrpcStatus.UNAVAILABLE
        ? 'unavailable'
        : grpc.code === GrpcStatus.DEADLINE_EXCEEDED
          ? 'deadline'
          : 'rejected';
    return ledgerError(stage, failure, `${stage} failed (gRPC ${grpc.code})`, {
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
