import { Schema, SCHEMAS, schemaDataSource } from './data-sources/schema-data-source';

export interface MigrationStep {
  schema: Schema;
  name: string;
}

export interface MigrateOptions {
  url: string;
  schemas?: readonly Schema[];
  /** For `down`: how many migrations to revert per schema (default: all of them). */
  steps?: number;
}

/** Applies every pending migration of each schema, each in its own transaction. */
export async function migrateUp({ url, schemas = SCHEMAS }: MigrateOptions): Promise<MigrationStep[]> {
  const applied: MigrationStep[] = [];
  for (const schema of schemas) {
    const dataSource = await schemaDataSource(schema, url).initialize();
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      applied.push(...ran.map((m) => ({ schema, name: m.name })));
    } finally {
      await dataSource.destroy();
    }
  }
  return applied;
}

/** Reverts the newest migrations of each schema, newest schema last-created first. */
export async function migrateDown({ url, schemas = SCHEMAS, steps = Number.POSITIVE_INFINITY }: MigrateOptions): Promise<MigrationStep[]> {
  const reverted: MigrationStep[] = [];
  for (const schema of [...schemas].reverse()) {
    const dataSource = await schemaDataSource(schema, url).initialize();
    try {
      for (let done = 0; done < steps; done++) {
        const executed = await executedMigrations(dataSource, schema);
        if (executed.length === 0) break;
        await dataSource.undoLastMigration({ transaction: 'each' });
        reverted.push({ schema, name: executed[0] });
      }
    } finally {
      await dataSource.destroy();
    }
  }
  return reverted;
}

/** Names of the schema's applied migrations, newest first, and of those still pending. */
export async function migrationStatus({ url, schemas = SCHEMAS }: MigrateOptions): Promise<{ schema: Schema; applied: string[]; pending: string[] }[]> {
  const status = [];
  for (const schema of schemas) {
    const dataSource = await schemaDataSource(schema, url).initialize();
    try {
      const applied = await executedMigrations(dataSource, schema);
      const pending = dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !applied.includes(name));
      status.push({ schema, applied, pending });
    } finally {
      await dataSource.destroy();
    }
  }
  return status;
}

async function executedMigrations(dataSource: import('typeorm').DataSource, schema: Schema): Promise<string[]> {
  const table = `${schema}_migrations`;
  const [{ exists }] = (await dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [`public.${table}`])) as { exists: boolean }[];
  if (!exists) return [];
  const rows = (await dataSource.query(`SELECT "name" FROM "public"."${table}" ORDER BY "timestamp" DESC, "id" DESC`)) as { name: string }[];
  return rows.map((row) => row.name);
}
