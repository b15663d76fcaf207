/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // Script tests run real processes; a loaded CI machine must not turn slowness into failures.
  testTimeout: 60000,
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/cdktf.out/', '/test/e2e/fixtures/'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
