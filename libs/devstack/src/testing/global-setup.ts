import { join } from 'node:path';

import { resolvePostgres } from '../postgres';
import { TEST_PG_ADMIN_URL } from './test-database';

declare global {
  var vigilTestPostgres: { stop(): Promise<void> } | undefined;
}

/** Jest global setup: one Postgres server (local, or embedded under .devdata) for the whole run. */
export default async function globalSetup(): Promise<void> {
  if (process.env[TEST_PG_ADMIN_URL]) return;
  const server = await resolvePostgres({ dataDir: join(__dirname, '..', '..', '..', '..', '.devdata', 'test-postgres') });
  process.env[TEST_PG_ADMIN_URL] = server.adminUrl;
  globalThis.vigilTestPostgres = server;
}
