import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Client } from 'pg';

import { createTestDatabase, TestDatabase } from '../src/testing';
import { PlatformState } from '../src/platform/platform-runner';
import { descendantsOf, isAlive, listProcesses } from './process-tree';

const CLI = join(__dirname, '..', 'dist', 'platform-cli.js');

async function waitForFile(path: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`the platform command exited with ${child.exitCode} before it was up`);
    if (Date.now() > deadline) throw new Error('the platform did not come up in time');
    await sleep(250);
  }
}

describe('the platform command (npm start)', () => {
  let database: TestDatabase;
  let dir: string;
  let platform: ChildProcess;
  let output = '';
  let state: PlatformState;

  beforeAll(async () => {
    database = await createTestDatabase('platform');
    dir = mkdtempSync(join(tmpdir(), 'vigil-platform-'));
    // Its own process group, as a terminal gives a foreground command, so Ctrl-C can be sent to all of it.
    platform = spawn(process.execPath, [CLI, '--brokers', '1'], {
      detached: true,
      env: { ...process.env, DATABASE_URL: database.url, VIGIL_STATE_FILE: join(dir, 'platform.json'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForFile(join(dir, 'platform.json'), platform, 150_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    state = JSON.parse(readFileSync(join(dir, 'platform.json'), 'utf8')) as PlatformState;
  });

  afterAll(async () => {
    if (platform?.exitCode === null) process.kill(-(platform.pid as number), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  it.each(['risk-api', 'defect-inspector'])('brings %s up ready, with metrics and OpenAPI', async (service) => {
    const url = state.services[service];

    const ready = await fetch(`${url}/health/ready`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const openApi = (await (await fetch(`${url}/docs-json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };

    expect(ready.status).toBe(200);
    await expect(ready.json()).resolves.toEqual({ status: 'ready', checks: { postgres: 'up', kafka: 'up' } });
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect(metrics).toContain(`service="${service}"`);
    expect(openApi.info.title).toBe(service);
    expect(Object.keys(openApi.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    expect((await fetch(`${url}/docs`)).status).toBe(200);
  });

  it('prints where everything is', () => {
    expect(output).toContain('the platform is up');
    expect(output).toContain(state.services['risk-api']);
    expect(output).toContain(state.kafkaBrokers.join(','));
  });

  it('streams simulated bank traffic that risk-api decides on', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      let decided = 0;
      for (let tries = 0; tries < 120 && decided === 0; tries++) {
        await sleep(250);
        decided = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "risk"."decision"`)).rows[0].n;
      }

      expect(decided).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('stops everything on Ctrl-C and leaves no process behind', async () => {
    const pid = platform.pid as number;
    const started = descendantsOf(pid);
    expect(started.length).toBeGreaterThanOrEqual(5); // two services, the broker and two simulators

    const exited = once(platform, 'exit');
    process.kill(-pid, 'SIGINT');
    const [code] = (await exited) as [number | null];

    expect(code).toBe(0);
    await sleep(200);
    expect(started.filter(isAlive)).toEqual([]);
    expect(listProcesses().filter((p) => p.pgid === pid)).toEqual([]);
    expect(existsSync(join(dir, 'platform.json'))).toBe(false);
    expect(output).toContain('stopped');
  });
});
