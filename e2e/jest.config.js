/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  globalTeardown: '<rootDir>/src/global-teardown.ts',
  testTimeout: 120000,
  // suites share one network; the fault and add-organisation suites change it, so they run last
  testSequencer: '<rootDir>/src/sequencer.js',
};
