/** Test helpers for GovLedger chaincodes: an in-memory ledger with Fabric's commit semantics. */
export * from './test-ledger';
export * from './expect-error';
export * from './event-names';
