// GPU specs (`npm run test:gpu`), for machines with a CUDA device only: libs/native-gpu's kernels
// against their CPU twins and the services' GPU serving paths. The global setup fails the whole run,
// loudly, when `backends()` has no 'cuda' (STYLE R14: a GPU job that silently skips is a broken job).
const { projects } = require('./jest.config');

// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { displayName, testMatch, testPathIgnorePatterns, ...unit } = projects.find((project) => project.displayName === 'unit');

module.exports = {
  ...unit,
  displayName: 'gpu',
  testMatch: ['<rootDir>/{apps,libs}/**/*.gpu-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/libs/native-gpu/test/gpu-global-setup.ts',
  testTimeout: 300_000,
};
