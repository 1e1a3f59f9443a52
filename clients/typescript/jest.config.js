/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // the examples import the package by name: test them against the sources
  moduleNameMapper: { '^@govledger/client$': '<rootDir>/src/index.ts' },
  // `tsc --noEmit -p tsconfig.json` type-checks (the package's `test` script); ts-jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
};
