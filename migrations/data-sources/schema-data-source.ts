import { join } from 'node:path';

import { DataSource } from 'typeorm';

/** The schemas this repository owns, each with its own migration history: one per service, and `ml` (the model registry both serve from). */
export const SCHEMAS = ['risk', 'defect', 'ml'] as const;
export type Schema = (typeof SCHEMAS)[number];

/**
 * A DataSource that sees one schema's migrations. Histories live in `public.<schema>_migrations`
 * so that reverting a schema's first migration can drop the schema itself.
 */
export function schemaDataSource(schema: Schema, url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: `${schema}_migrations`,
    migrationsTransactionMode: 'each',
    // Compiled .js in production; .ts when tests load the sources (never the .d.ts beside the .js).
    migrations: [join(__dirname, '..', schema, `*.${__filename.endsWith('.ts') ? 'ts' : 'js'}`)],
    applicationName: `migrate-${schema}`,
  });
}
