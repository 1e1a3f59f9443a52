/**
 * The chaincodes' error wire shape, read with the wire contract's one parser.
 */
export { findChaincodeError, findChaincodeErrorIn } from '@govledger/wire';
export type { ChaincodeErrorBody, ErrorStatus as ChaincodeErrorStatus } from '@govledger/wire';
