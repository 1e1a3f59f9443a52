/**
 * The gateway's view of the ledger: everything the write pipeline and the routes
 * need from Fabric, as one interface. `fabric.ts` implements it on
 * @hyperledger/fabric-gateway; unit tests use an in-memory fake. Failures are
 * {@link LedgerError}s, one class per failing stage ({@link EvaluateError},
 * {@link EndorseError}, {@link SubmitError}, {@link CommitStatusError},
 * {@link CommitError}) and {@link ChaincodeRefusal} for a chaincode's refusal;
 * each says which stage failed, the transaction id and whether anything may have
 * been written. Nothing here knows HTTP: http/problem.ts maps them to problems.
 */
import type { Checkpoint } from '@hyperledger/fabric-gateway';
import type { ChaincodeErrorBody } from './chaincode-error';

/** The stages of a Fabric transaction, as deadlines and errors name them. */
export type Stage = 'evaluate' | 'endorse' | 'submit' | 'commit';

/** A Fabric identity: certificate and MSP ID, and the private key when the gateway signs for it. */
export interface FabricIdentity {
  /** MSP ID of the organisation that issued the certificate. */
  mspId: string;
  /** Wallet label (the token subject it belongs to). */
  label: string;
  /** X.509 certificate, PEM. */
  certificate: string;
  /** Private key, PEM (PKCS#8); absent for callers that sign offline. */
  privateKey?: string;
}

/** One chaincode call. Every GovLedger transaction takes one JSON string argument. */
export interface Invocation {
  /** Deployed chaincode name. */
  chaincode: string;
  /** Transaction (function) name, e.g. `IssueLicence`. */
  transaction: string;
  /** Arguments (strings). */
  args: string[];
  /** Transient data (private inputs that never reach the ledger), by field name. */
  transient?: Record<string, string>;
  /** Organisations that must endorse, when the caller knows better than discovery. */
  endorsingOrganizations?: string[];
}

/** A transaction that committed successfully. */
export interface Committed {
  /** Id of the transaction that committed (after MVCC retries, the last attempt's id). */
  txId: string;
  /** The chaincode's result. */
  result: Uint8Array;
  /** Block that holds it. */
  blockNumber: bigint;
  /** How many transactions were tried (1 when no MVCC retry was needed). */
  attempts: number;
}

/** A transaction accepted by the orderer; `commit` settles when it is in a block (or fails). */
export interface Submitted {
  /** Id of the first attempt. */
  txId: string;
  /** The endorsed result of the first attempt. */
  result: Uint8Array;
  /** Resolves on a valid commit (possibly of a retried transaction); rejects with a {@link LedgerError}. */
  commit: Promise<Committed>;
}

/** Hooks a caller may pass to follow a submission (used for durable idempotency records). */
export interface SubmitHooks {
  /** Called once per attempt after endorsement, before the transaction goes to the orderer (a promise it returns is awaited). */
  onEndorsed?(txId: string, result: Uint8Array, attempt: number): unknown;
  /** Called each time the same signed transaction is sent to the ordering service again (`copies` from 1). */
  onRebroadcast?(txId: string, copies: number): void;
}

/** What the ledger knows about a transaction id. */
export type TransactionLookup =
  { state: 'committed'; valid: boolean; code: string; blockNumber: bigint } | { state: 'unknown' };

/** A chaincode event as the gateway streams it. */
export interface LedgerEvent {
  chaincode: string;
  eventName: string;
  txId: string;
  blockNumber: bigint;
  payload: Uint8Array;
}

/** A closeable stream of chaincode events. */
export interface EventStream extends AsyncIterable<LedgerEvent> {
  /** Stops the stream and releases its connection. */
  close(): void;
}

/** A signable message of the offline-signing flow. */
export interface SignableMessage {
  /** Transaction id. */
  txId: string;
  /** Serialized message; the gateway keeps it between steps. */
  bytes: Uint8Array;
  /** What the caller must sign (ECDSA over this digest, DER encoded). */
  digest: Uint8Array;
}

/** The offline-signing flow: the caller holds the private key and signs each digest. */
export interface OfflineSigning {
  /** Builds a proposal for the caller's certificate; returns it and its digest. */
  prepare(identity: FabricIdentity, invocation: Invocation): SignableMessage;
  /** Endorses a signed proposal; returns the transaction to sign and the endorsed result. */
  endorse(
    identity: FabricIdentity,
    proposal: Uint8Array,
    signature: Uint8Array,
  ): Promise<SignableMessage & { result: Uint8Array }>;
  /** Submits a signed transaction to the orderer; returns the commit-status request to sign. */
  submit(identity: FabricIdentity, transaction: Uint8Array, signature: Uint8Array): Promise<SignableMessage>;
  /** Waits for the commit status with a signed commit-status request. */
  commitStatus(
    identity: FabricIdentity,
    commit: Uint8Array,
    signature: Uint8Array,
  ): Promise<TransactionLookup>;
}

/** One readiness check. */
export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/** The ledger's readiness: every peer reachable, chaincodes committed, block heights close. */
export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheck[];
}

/** Everything the gateway needs from Fabric. */
export interface Ledger {
  /** Evaluates a query on a peer of the identity's organisation. */
  evaluate(identity: FabricIdentity, invocation: Invocation): Promise<Uint8Array>;
  /** Endorses and submits; MVCC/phantom-read conflicts are retried inside `commit`. */
  submit(identity: FabricIdentity, invocation: Invocation, hooks?: SubmitHooks): Promise<Submitted>;
  /**
   * What the ledger knows of a transaction id: its commit status when a peer has it, `unknown`
   * at once when the peer's ledger does not have it (it may still be on its way).
   */
  lookupTransaction(identity: FabricIdentity, txId: string): Promise<TransactionLookup>;
  /** Streams chaincode events after the checkpoint (or from `startBlock`, or from now). */
  chaincodeEvents(
    identity: FabricIdentity,
    chaincode: string,
    from: { checkpoint?: Checkpoint; startBlock?: bigint },
  ): Promise<EventStream>;
  /** The offline-signing flow. */
  readonly offline: OfflineSigning;
  /** Checks peers, committed chaincodes and block heights. */
  readiness(): Promise<ReadinessReport>;
  /** Closes every connection. */
  close(): void;
}

/** Why a ledger call failed. */
export type LedgerFailure =
  /** The chaincode refused the request; nothing was written. */
  | 'chaincode'
  /** A peer or orderer could not be reached. */
  | 'unavailable'
  /** The stage's deadline passed. */
  | 'deadline'
  /** Fabric refused for another reason (endorsement mismatch, policy, orderer refusal). */
  | 'rejected'
  /** The transaction was ordered but committed as invalid (e.g. MVCC conflict after all retries). */
  | 'invalid';

/**
 * A failed ledger call: the stage, the kind of failure, the transaction id and what the chaincode
 * said. The base of the per-stage classes below; catch it to handle any ledger failure.
 */
export class LedgerError extends Error {
  /** Stage that failed. */
  readonly stage: Stage;
  /** Kind of failure. */
  readonly failure: LedgerFailure;
  /** Transaction id, when one was created. */
  readonly txId?: string;
  /** The chaincode's error body, when the chaincode refused. */
  readonly chaincodeError?: ChaincodeErrorBody;
  /** Fabric's validation code name (e.g. `MVCC_READ_CONFLICT`), for `invalid`. */
  readonly validationCode?: string;
  /** gRPC status code of the underlying failure, when there was one. */
  readonly grpcCode?: number;
  /**
   * True when the ordering service said it did not take the transaction: every orderer refused it
   * (no Raft leader, service unavailable, bad request) or could not be reached. Nothing was ordered.
   */
  readonly notOrdered?: boolean;
  /** The component that could not be reached or failed, when Fabric's answer names it. */
  readonly component?: LedgerComponent;

  /** Creates the error; {@link ledgerError} builds the subclass that fits a failure. */
  constructor(
    stage: Stage,
    failure: LedgerFailure,
    message: string,
    extra: {
      txId?: string;
      chaincodeError?: ChaincodeErrorBody;
      validationCode?: string;
      grpcCode?: number;
      notOrdered?: boolean;
      component?: LedgerComponent;
    } = {},
  ) {
    super(message);
    this.name = 'LedgerError';
    this.stage = stage;
    this.failure = failure;
    if (extra.txId !== undefined) this.txId = extra.txId;
    if (extra.chaincodeError !== undefined) this.chaincodeError = extra.chaincodeError;
    if (extra.validationCode !== undefined) this.validationCode = extra.validationCode;
    if (extra.grpcCode !== undefined) this.grpcCode = extra.grpcCode;
    if (extra.notOrdered) this.notOrdered = true;
    if (extra.component !== undefined) this.component = extra.component;
  }

  /**
   * True when nothing can have been written, so sending the same request again is safe:
   * the failure happened before the transaction reached the orderer, every orderer refused it, or
   * it committed as invalid.
   */
  get nothingWritten(): boolean {
    return (
      this.notOrdered === true ||
      this.stage === 'evaluate' ||
      this.stage === 'endorse' ||
      this.failure === 'invalid' ||
      this.failure === 'chaincode'
    );
  }
}

/** What a {@link LedgerError} may carry besides its stage, failure and message. */
export interface LedgerErrorDetails {
  /** Transaction id, when one was created. */
  txId?: string;
  /** The chaincode's error body, when the chaincode refused. */
  chaincodeError?: ChaincodeErrorBody;
  /** Fabric's validation code name, for a transaction committed as invalid. */
  validationCode?: string;
  /** gRPC status code of the underlying failure. */
  grpcCode?: number;
  /** The ordering service said it did not take the transaction (see {@link LedgerError.notOrdered}). */
  notOrdered?: boolean;
  /** The component that could not be reached or failed. */
  component?: LedgerComponent;
}

/** A part of the Fabric network a failure can be traced to. */
export type LedgerComponent = 'chaincode' | 'orderer';

/** Failure kinds other than a chaincode refusal or an invalid commit (peer, orderer or deadline faults). */
export type TransportFailure = Exclude<LedgerFailure, 'chaincode' | 'invalid'>;

/** A query could not be evaluated (peer unreachable, deadline passed, refused); nothing was written. */
export class EvaluateError extends LedgerError {
  /** Creates the error. */
  constructor(failure: TransportFailure, message: string, details: LedgerErrorDetails = {}) {
    super('evaluate', failure, message, details);
    this.name = 'EvaluateError';
  }
}

/** The proposal was not endorsed (peer unreachable, deadline passed, refused); nothing was written. */
export class EndorseError extends LedgerError {
  /** Creates the error. */
  constructor(failure: TransportFailure, message: string, details: LedgerErrorDetails = {}) {
    super('endorse', failure, message, details);
    this.name = 'EndorseError';
  }
}

/** The endorsed transaction may not have reached the orderer: its outcome is unknown. */
export class SubmitError extends LedgerError {
  /** Creates the error. */
  constructor(failure: TransportFailure, message: string, details: LedgerErrorDetails = {}) {
    super('submit', failure, message, details);
    this.name = 'SubmitError';
  }
}

/** The orderer has the transaction but its commit status could not be obtained: its outcome is unknown. */
export class CommitStatusError extends LedgerError {
  /** Creates the error. */
  constructor(failure: TransportFailure, message: string, details: LedgerErrorDetails = {}) {
    super('commit', failure, message, details);
    this.name = 'CommitStatusError';
  }
}

/** The transaction was ordered but committed as invalid (`validationCode` says why); nothing was written. */
export class CommitError extends LedgerError {
  /** Creates the error. */
  constructor(
    validationCode: string,
    message: string,
    details: Omit<LedgerErrorDetails, 'validationCode'> = {},
  ) {
    super('commit', 'invalid', message, { ...details, validationCode });
    this.name = 'CommitError';
  }
}

/** The chaincode refused the request with its error body (the wire `ChaincodeErrorBody`); nothing was written. */
export class ChaincodeRefusal extends LedgerError {
  /** The chaincode's error body. */
  readonly body: ChaincodeErrorBody;

  /** Creates the error for a refusal at `stage` (evaluate or endorse). */
  constructor(
    stage: Stage,
    body: ChaincodeErrorBody,
    details: Omit<LedgerErrorDetails, 'chaincodeError'> = {},
    message = `chaincode refused: ${body.code}`,
  ) {
    super(stage, 'chaincode', message, { ...details, chaincodeError: body });
    this.name = 'ChaincodeRefusal';
    this.body = body;
  }
}

/**
 * Builds the {@link LedgerError} subclass of a failure: {@link ChaincodeRefusal} when the chaincode
 * refused with a body, {@link CommitError} for an invalid commit, else the error of the stage.
 */
export function ledgerError(
  stage: Stage,
  failure: LedgerFailure,
  message: string,
  details: LedgerErrorDetails = {},
): LedgerError {
  const { chaincodeError, validationCode, ...rest } = details;
  if (failure === 'chaincode' && chaincodeError)
    return new ChaincodeRefusal(stage, chaincodeError, rest, message);
  if (failure === 'invalid') return new CommitError(validationCode ?? 'INVALID', message, rest);
  const transport: TransportFailure = failure === 'chaincode' ? 'rejected' : failure;
  switch (stage) {
    case 'evaluate':
      return new EvaluateError(transport, message, rest);
    case 'endorse':
      return new EndorseError(transport, message, rest);
    case 'submit':
      return new SubmitError(transport, message, rest);
    case 'commit':
    default:
      return new CommitStatusError(transport, message, rest);
  }
}
