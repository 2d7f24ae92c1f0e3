// Three tiers (STYLE R10): unit specs beside the code, integration specs against the real local
// Postgres and the development Kafka broker, e2e specs against booted services.
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: {
    '^@vigil/native-gpu$': '<rootDir>/libs/native-gpu/lib',
    '^@vigil/(contracts|platform|devstack|core-ml)$': '<rootDir>/libs/$1/src',
    '^@vigil/migrations$': '<rootDir>/migrations',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  rootDir: __dirname,
};

module.exports = {
  globalSetup: '<rootDir>/libs/devstack/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/libs/devstack/src/testing/global-teardown.ts',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.integration-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
      setupFilesAfterEnv: ['<rootDir>/test/timeouts/integration.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
      setupFilesAfterEnv: ['<rootDir>/test/timeouts/e2e.ts'],
    },
  ],
};
