// Unit specs of @vigil/native-gpu (CPU only; the root jest.config.js `unit` project runs the same
// files). GPU specs (*.gpu-spec.ts) are never matched here: see jest.gpu.config.js.
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(repoRoot, 'tsconfig.jest.json') }] },
  moduleNameMapper: { '^@vigil/native-gpu$': '<rootDir>/lib' },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testTimeout: 120_000,
  displayName: 'native-gpu',
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
};
