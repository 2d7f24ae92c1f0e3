// GPU specs of @vigil/native-gpu (`npm run test:gpu`), for machines with a CUDA device only: the
// global setup fails the whole run, loudly, when `backends()` has no 'cuda' (STYLE R14: numeric GPU
// tests run only where a GPU exists, and a GPU job that silently skips is a broken job).
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { displayName, testMatch, ...shared } = require('./jest.config');

module.exports = {
  ...shared,
  displayName: 'native-gpu:gpu',
  testMatch: ['<rootDir>/test/**/*.gpu-spec.ts'],
  globalSetup: '<rootDir>/test/gpu-global-setup.ts',
  testTimeout: 300_000,
};
