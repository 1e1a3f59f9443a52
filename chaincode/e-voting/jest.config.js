// fabric-contract-api logs every decorator at info level; keep test output readable.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = process.env.CORE_CHAINCODE_LOGGING_LEVEL || 'WARNING';

/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // @cloudflare/blindrsa-ts ships ES modules only: let ts-jest turn them into CommonJS for Jest.
  // (Plain Node >= 20.19 loads it with require(); Jest's module loader does not.)
  transform: {
    '^.+\\.ts$': 'ts-jest',
    '^.+/@cloudflare/blindrsa-ts/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true }, isolatedModules: true },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!@cloudflare/blindrsa-ts/)'],
};
