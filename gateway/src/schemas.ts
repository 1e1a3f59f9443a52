/**
 * Building blocks of request schemas: the wire contract's own (`@govledger/wire`),
 * so that the gateway refuses exactly what the chaincode would refuse before
 * anything reaches Fabric.
 */
import { Schemas } from '@govledger/wire';

export { boundedRecord, PageQuery, pageOf, uniqueList } from '@govledger/wire';

/** Shared field schemas (the wire contract's `Schemas`). */
export const S = Schemas;
