import { createTestDatabase, TestDatabase } from '@vigil/devstack';
import { Client } from 'pg';

import { migrateDown, migrateUp, migrationStatus, SCHEMAS } from '../index';

describe('migrations', () => {
  let database: TestDatabase;
  let client: Client;

  const schemas = async () =>
    (await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname`, [SCHEMAS])).rows.map((r) => r.nspname);

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
    client = new Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  it('applies every migration of every schema, then none the second time', async () => {
    const applied = await migrateUp({ url: database.url });

    expect(applied.map((s) => s.schema)).toEqual(expect.arrayContaining([...SCHEMAS]));
    await expect(schemas()).resolves.toEqual(['defect', 'ml', 'risk']);
    await expect(migrateUp({ url: database.url })).resolves.toEqual([]);
    const status = await migrationStatus({ url: database.url });
    expect(status.every((s) => s.pending.length === 0 && s.applied.length > 0)).toBe(true);
  });

  it.each(['risk', 'defect'])('keeps %s.audit_log append-only', async (schema) => {
    await client.query(`INSERT INTO "${schema}"."audit_log" (actor, actor_role, action, subject_type) VALUES ('ana', 'analyst', 'alert.view', 'alert')`);

    await expect(client.query(`UPDATE "${schema}"."audit_log" SET actor = 'mallory'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(client.query(`DELETE FROM "${schema}"."audit_log"`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(client.query(`TRUNCATE "${schema}"."audit_log"`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    const { rows } = await client.query(`SELECT actor FROM "${schema}"."audit_log"`);
    expect(rows).toEqual([{ actor: 'ana' }]);
  });

  it('reverts everything cleanly, leaving no schema behind, and applies again', async () => {
    const reverted = await migrateDown({ url: database.url });

    const applied = (await migrationStatus({ url: database.url })).flatMap((s) => s.applied);
    expect(applied).toEqual([]);
    expect(reverted.length).toBeGreaterThanOrEqual(SCHEMAS.length);
    await expect(schemas()).resolves.toEqual([]);
    await expect(migrateUp({ url: database.url })).resolves.toHaveLength(reverted.length);
  });

  it('reverts one step at a time when asked', async () => {
    const [first] = await migrateDown({ url: database.url, schemas: ['risk'], steps: 1 });

    expect(first.schema).toBe('risk');
    const status = await migrationStatus({ url: database.url, schemas: ['risk'] });
    expect(status[0].pending).toContain(first.name);
  });
});
