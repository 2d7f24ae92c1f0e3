#!/usr/bin/env node
/**
 * The one-shot migration step (compose's `migrate` service, `npm run migrate`):
 *   node migrations/dist/cli.js up|down|status [--schema risk|defect|ml] [--steps N]
 * Reads DATABASE_URL. Exits non-zero on any failure, so whatever depends on it does not start.
 */
import { parseArgs } from 'node:util';

import { Schema, SCHEMAS } from './data-sources/schema-data-source';
import { migrateDown, migrateUp, migrationStatus } from './runner';

const USAGE = 'usage: migrate up|down|status [--schema risk|defect|ml] [--steps N]   (reads DATABASE_URL)';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { schema: { type: 'string' }, steps: { type: 'string' } } });
  const [command = 'up'] = positionals;
  const url = process.env.DATABASE_URL;
  const schema = values.schema as Schema | undefined;
  const steps = values.steps === undefined ? undefined : Number(values.steps);
  if (!url || positionals.length > 1 || (schema !== undefined && !SCHEMAS.includes(schema)) || (steps !== undefined && !(Number.isInteger(steps) && steps > 0))) {
    process.stderr.write(`${url ? '' : 'DATABASE_URL is not set\n'}${USAGE}\n`);
    return 2;
  }
  const options = { url, schemas: schema ? [schema] : SCHEMAS, steps };
  switch (command) {
    case 'up':
      for (const step of await migrateUp(options)) console.log(`applied  ${step.schema}: ${step.name}`);
      return 0;
    case 'down':
      for (const step of await migrateDown(options)) console.log(`reverted ${step.schema}: ${step.name}`);
      return 0;
    case 'status':
      for (const s of await migrationStatus(options)) console.log(`${s.schema}: ${s.applied.length} applied, pending: ${s.pending.join(', ') || 'none'}`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`migration failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
