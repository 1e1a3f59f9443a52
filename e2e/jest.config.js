// fabric-contract-api and the gateway client are quiet unless something fails.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'WARNING';

/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
  testTimeout: 180000,
  // suites share one network: add-organisation runs first, orderer-fault last (see the sequencer)
  testSequencer: '<rootDir>/src/sequencer.js',
  // @cloudflare/blindrsa-ts ships ES modules only: ts-jest turns them into CommonJS for Jest.
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '^.+/@cloudflare/blindrsa-ts/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@cloudflare/blindrsa-ts/)'],
};
