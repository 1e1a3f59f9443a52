/**
 * @govledger/client: the gateway's typed client (generated from its OpenAPI document) and the
 * helpers for what the contract cannot say.
 */
export type { components, operations, paths } from './generated/schema';
export { createGovLedgerClient, type GovLedgerClient, type GovLedgerClientOptions } from './client';
export { canonicalJson, type JsonValue } from './canonical-json';
export { sha256Hex } from './sha256';
export {
  assertSalt,
  claimHash,
  claimHashes,
  discloseClaims,
  newSalt,
  saltClaims,
  SALT_PATTERN,
  type DisclosedClaim,
  type SaltedClaim,
} from './claims';
export {
  newPrivateRecord,
  privateRecordHash,
  privateRecordJson,
  sealPrivateRecord,
  type PrivateRecord,
  type SealedPrivateRecord,
} from './private-record';
export {
  readEvents,
  EventFormatError,
  SseParser,
  type SseParserOptions,
  type GatewayEvent,
  type GatewayEventData,
  type ReadEventsOptions,
  type SseMessage,
} from './events';
export { IDEMPOTENCY_KEY_HEADER, idempotentFetch, newIdempotencyKey, type RetryOptions } from './idempotency';
export { GatewayProblemError, retryAfterMs, type ProblemBody } from './problem';
export { committed, NotCommittedError, type AcceptedWrite } from './committed';
export {
  verifyPresentation,
  type OfflineReason,
  type OfflineVerification,
  type PresentationJwk,
} from './presentation';
