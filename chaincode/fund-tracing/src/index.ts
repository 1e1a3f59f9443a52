/**
 * @govledger/fund-tracing: public money from budget to final spend, with early warnings.
 */
import { FundTracingContract } from './contract';

export { FundTracingContract } from './contract';
export * from './errors';
export * from './schemas';
export * from './money';
export type * from './model';
export type { TraceNode, TraceResult } from './trace';
export type { SweepResult } from './unspent';
export type { ProgramView } from './program';
export type { AllocationView } from './allocation';
export type { DisbursementView, DisbursementResult } from './disbursement';
export { ObjectType } from './state';

/** The contracts this chaincode serves: exactly one, the default contract. */
export const contracts = [FundTracingContract];
