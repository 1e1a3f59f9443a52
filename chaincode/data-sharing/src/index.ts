/**
 * @govledger/data-sharing: citizen consent, audited cross-department data
 * access and zero-documents fact checks.
 */
import { DataSharingContract } from './contract';

export { DataSharingContract } from './contract';
export * from './errors';
export * from './model';
export * from './schemas';
export { consentHash } from './consent';
export { legalBasisHash } from './legal-basis';
export { ticketHash } from './access';

/** The chaincode's contracts: exactly one, the default contract. */
export const contracts = [DataSharingContract];
