/**
 * fabric-contract-api logs every decorator at info level; tests only want warnings.
 * Imported first by the harness, before the contract is loaded.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'WARNING';
