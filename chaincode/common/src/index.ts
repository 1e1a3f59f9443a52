/**
 * @govledger/chaincode-common: what every GovLedger chaincode needs, written once.
 */
export * from './errors';
export * from './json';
export * from './hash';
export * from './time';
export * from './identity';
export * from './validation';
export * from './keys';
export * from './events';
export * from './pagination';
export * from './endorsement';
export * from './transient';
