/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Type checking is done once by `tsc --noEmit -p tsconfig.json` (see the package's `typecheck` script);
  // ts-jest only transpiles, which keeps test runs light on a shared 2-core machine.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    '^.+/@cloudflare/blindrsa-ts/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, isolatedModules: true } },
    ],
  },
  // @cloudflare/blindrsa-ts ships ES modules only: let ts-jest turn them into CommonJS for Jest.
  transformIgnorePatterns: ['/node_modules/(?!@cloudflare/blindrsa-ts/)'],
  testTimeout: 20000,
};
