/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // the property-based concurrency tests run hundreds of simulated blocks; on a loaded machine they need more than 5 s
  testTimeout: 60_000,
};
