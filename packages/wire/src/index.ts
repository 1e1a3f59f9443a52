/**
 * @govledger/wire: the one wire contract between the chaincodes and the gateway.
 * zod schemas only, no Fabric dependency. Each chaincode's shapes live in a
 * namespace of their own (`eLicence`, `dataSharing`, `fundTracing`, `eVoting`);
 * the shared building blocks and the error body are at the top level.
 */
export * from './common';
export * from './errors';
export * as eLicence from './e-licence';
export * as dataSharing from './data-sharing';
export * as fundTracing from './fund-tracing';
export * as eVoting from './e-voting';
export * from './events';
