import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { migrateUp } from '@vigil/migrations';
import { Client } from 'pg';

import { freePort } from '../src/free-port';
import { ensureDatabase, resolvePostgres } from '../src/postgres';
import { TEST_PG_ADMIN_URL } from '../src/testing';

describe(resolvePostgres.name, () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('uses the local server when one answers', async () => {
    const local = new URL(process.env[TEST_PG_ADMIN_URL] as string);
    Object.assign(process.env, { PGPORT: local.port || '5432', PGUSER: decodeURIComponent(local.username), PGPASSWORD: decodeURIComponent(local.password) });

    const server = await resolvePostgres({ dataDir: '/nonexistent' });

    expect(server.source).toBe('local');
    expect(new URL(server.adminUrl).port).toBe(local.port || '5432');
  });

  it('falls back to embedded Postgres, which takes migrations and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-embedded-pg-'));
    process.env.PGPORT = String(await freePort()); // nothing answers there
    const server = await resolvePostgres({ dataDir });
    try {
      expect(server.source).toBe('embedded');

      const url = await ensureDatabase(server.adminUrl, 'vigil_embedded');
      const applied = await migrateUp({ url });

      expect(applied.length).toBeGreaterThan(0);
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ('risk', 'defect')`);
      await client.end();
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await server.stop();
      for (const dir of [dataDir, server.dataDir ?? dataDir]) rmSync(dir, { recursive: true, force: true });
    }
    await expect(new Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 1_000 }).connect()).rejects.toThrow();
  });
});
