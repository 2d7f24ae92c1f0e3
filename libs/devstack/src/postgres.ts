import { Client, ClientConfig } from 'pg';

import { EMBEDDED_PASSWORD, EMBEDDED_USER, startEmbeddedPostgres } from './embedded-postgres';
import { freePort } from './free-port';

/** A Postgres server to put the platform's databases on, and how to let it go. */
export interface PostgresServer {
  /** URL of the server's `postgres` maintenance database, for creating and dropping databases. */
  adminUrl: string;
  source: 'local' | 'embedded';
  /** The embedded server's files, if it is one. */
  dataDir?: string;
  stop(): Promise<void>;
}

/**
 * The embedded default: the local server if one answers (PG* variables respected, else
 * postgres@127.0.0.1:5432), otherwise an `embedded-postgres` server kept under `dataDir`.
 */
export async function resolvePostgres(options: { dataDir: string }): Promise<PostgresServer> {
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
  return startEmbedded(options.dataDir);
}

async function startEmbedded(dataDir: string): Promise<PostgresServer> {
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  const config: ClientConfig = { host: '127.0.0.1', port: server.port, user: EMBEDDED_USER, password: EMBEDDED_PASSWORD, database: 'postgres' };
  return { adminUrl: toUrl(config), source: 'embedded', dataDir: server.dataDir, stop: server.stop };
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
