/**
 * @govledger/e-licence: electronic licences and certificates. The chaincode
 * server (fabric-chaincode-node) loads {@link contracts}.
 */
import { ELicenceContract } from './contract';

export { ELicenceContract } from './contract';
export * from './errors';
export * from './model';
export * as Schemas from './schemas';
export { collectionOf, isLicensingCity } from './licensing-authority';

/** The chaincode's contracts: exactly one, the default contract. */
export const contracts = [ELicenceContract];
