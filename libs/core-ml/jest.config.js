// Unit specs of @vigil/core-ml on their own (`npm test -w @vigil/core-ml`); the root jest.config.js
// `unit` project runs the same files. Everything here runs on CPU with fake timers: no Postgres, no Kafka.
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(repoRoot, 'tsconfig.jest.json') }] },
  moduleNameMapper: { '^@vigil/core-ml$': '<rootDir>/src' },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  displayName: 'core-ml',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
