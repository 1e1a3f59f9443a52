/**
 * Imported first by every test file: keeps fabric-contract-api's decorator and
 * shim logging (info level by default) out of the test output.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'WARNING';
