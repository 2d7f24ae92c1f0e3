import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { TOPIC_SPECS } from '@vigil/contracts';
import { createTestDatabase, DevKafka, freePort, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';

const SERVICES = ['risk-api', 'defect-inspector'] as const;
const entry = (service: string) => join(__dirname, '..', 'apps', service, 'dist', 'main.js');

/** A service started from its build, as production starts it, with its JSON log lines collected. */
class RunningService {
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';

  constructor(
    readonly url: string,
    readonly child: ChildProcess,
  ) {
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete.filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(service: string, env: NodeJS.ProcessEnv): Promise<RunningService> {
    const port = await freePort();
    const child = spawn(process.execPath, [entry(service)], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new RunningService(`http://127.0.0.1:${port}`, child);
  }

  async waitForStatus(path: string, status: number, timeoutMs = 30_000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode}: ${this.stderr}`);
      const res = await fetch(`${this.url}${path}`).catch(() => undefined);
      if (res?.status === status) return res;
      if (Date.now() > deadline) throw new Error(`${path} did not answer ${status} (last: ${res?.status})`);
      await sleep(200);
    }
  }
}

describe.each(SERVICES)('%s', (service) => {
  let kafka: DevKafka;
  let database: TestDatabase;
  let running: RunningService;

  beforeAll(async () => {
    kafka = await DevKafka.start({ brokers: 1, topics: [...TOPIC_SPECS] });
    database = await createTestDatabase('service');
    await migrateUp({ url: database.url });
    running = await RunningService.start(service, { DATABASE_URL: database.url, KAFKA_BROKERS: kafka.brokers.join(','), SHUTDOWN_TIMEOUT_MS: '10000' });
    await running.waitForStatus('/health/ready', 200);
  });

  afterAll(async () => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
    await kafka?.stop();
    await database?.drop();
  });

  it('is live and ready, naming each dependency', async () => {
    const live = await fetch(`${running.url}/health/live`);
    const ready = await fetch(`${running.url}/health/ready`);

    await expect(live.json()).resolves.toEqual({ status: 'ok' });
    await expect(ready.json()).resolves.toEqual({ status: 'ready', checks: { postgres: 'up', kafka: 'up' } });
  });

  it('carries the caller’s correlation id into the response and its JSON log line', async () => {
    const res = await fetch(`${running.url}/health/live`, { headers: { 'x-request-id': `e2e-${service}` } });
    await sleep(100);

    expect(res.headers.get('x-request-id')).toBe(`e2e-${service}`);
    expect(running.lines).toContainEqual(
      expect.objectContaining({ level: 'info', service, correlationId: `e2e-${service}`, http: expect.objectContaining({ route: '/health/live', status: 200 }) }),
    );
  });

  it('gives a request without one a fresh correlation id', async () => {
    const res = await fetch(`${running.url}/health/live`);

    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics', async () => {
    const res = await fetch(`${running.url}/metrics`);
    const body = await res.text();

    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(body).toMatch(new RegExp(`http_request_duration_seconds_count\\{service="${service}",method="GET",route="/health/live",status="200"\\} \\d+`));
    expect(body).toContain('process_resident_memory_bytes');
  });

  it('serves its OpenAPI document at /docs', async () => {
    const ui = await fetch(`${running.url}/docs`);
    const document = (await (await fetch(`${running.url}/docs-json`)).json()) as { openapi: string; info: { title: string } };

    expect(ui.status).toBe(200);
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe(service);
  });

  it('stops being ready while Kafka is unreachable, and recovers', async () => {
    await kafka.brokerDown(1);
    const down = await running.waitForStatus('/health/ready', 503);
    await expect(down.json()).resolves.toMatchObject({ status: 'not_ready', checks: { postgres: 'up', kafka: expect.stringMatching(/^down: /) } });

    await kafka.brokerUp(1);
    await running.waitForStatus('/health/ready', 200);
  });

  it('shuts down gracefully on SIGTERM', async () => {
    const exited = once(running.child, 'exit');
    running.child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];

    expect(code).toBe(0);
    const messages = running.lines.map((line) => line.message);
    expect(messages).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    expect(messages.indexOf('stopped')).toBeGreaterThan(messages.indexOf('shutting down'));
  });
});

describe('service configuration', () => {
  it.each(SERVICES)('%s refuses to start with bad config, naming every bad variable at once', async (service) => {
    const child = spawn(process.execPath, [entry(service)], {
      env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://root:hunter2@db/x', PORT: 'eighty', LOG_LEVEL: 'chatty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(1);
    const report = JSON.parse(stderr.trim()) as { level: string; problems: { variable: string }[] };
    expect(report.level).toBe('fatal');
    expect(report.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
    expect(stderr).not.toContain('hunter2');
  });
});
