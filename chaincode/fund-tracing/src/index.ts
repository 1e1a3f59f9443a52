/**
 * @govledger/fund-tracing: public money from budget to final spend, with early warnings.
 */
import { FundTracingContract } from './contract';

export { FundTracingContract } from './contract';
export { errors } from './errors';
export * from './schemas';
export * from './money';
export type { Total } from './model';
export { ObjectType } from './keys';

/** The contracts this chaincode serves: exactly one, the default contract. */
export const contracts = [FundTracingContract];
