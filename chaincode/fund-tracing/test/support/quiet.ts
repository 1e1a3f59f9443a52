/** Keeps fabric-contract-api's decorator logging (info level by default) out of the test output. */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'WARNING';
