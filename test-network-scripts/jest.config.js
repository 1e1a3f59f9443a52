/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // only the tests: fabric-tools/ holds Fabric's Go sources
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.js'],
  transform: {},
};
