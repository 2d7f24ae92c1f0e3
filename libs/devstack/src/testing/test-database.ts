import { randomBytes } from 'node:crypto';

import { dropDatabase, ensureDatabase } from '../postgres';

/** Set by the test run's global setup to the server the suite's databases live on. */
export const TEST_PG_ADMIN_URL = 'VIGIL_TEST_PG_ADMIN_URL';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database for one test file, so files run in parallel without sharing state. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const adminUrl = process.env[TEST_PG_ADMIN_URL];
  if (!adminUrl) throw new Error(`${TEST_PG_ADMIN_URL} is not set: run the tests through jest's global setup (npm test)`);
  const name = `vigil_${prefix}_${randomBytes(4).toString('hex')}`;
  const url = await ensureDatabase(adminUrl, name);
  return { url, drop: () => dropDatabase(adminUrl, name) };
}
