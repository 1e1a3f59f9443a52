/**
 * The fund-tracing chaincode's wire contract: its request and response schemas, error
 * codes, limits and protocol constants.
 */
export {};
