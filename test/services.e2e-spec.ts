import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { DynamicModule } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { TOPIC_SPECS } from '@vigil/contracts';
import { createTestDatabase, DevKafka, freePort, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { listAppRoutes, loadEnv, PlatformEnv, Role, RouteInfo, SERVICE_ROLES, walkRoutes } from '@vigil/platform';
import pino, { Logger } from 'pino';

import { DefectInspectorModule } from '../apps/defect-inspector/src/app.module';
import { DefectInspectorEnv } from '../apps/defect-inspector/src/config/env';
import { RiskApiModule } from '../apps/risk-api/src/app.module';
import { RiskApiEnv } from '../apps/risk-api/src/config/env';

const SERVICES = ['risk-api', 'defect-inspector'] as const;
const entry = (service: string) => join(__dirname, '..', 'apps', service, 'dist', 'main.js');
const CREATE_USER_CLI = join(__dirname, '..', 'libs', 'platform', 'dist', 'auth', 'create-user-cli.js');
const JWT_SECRET = 'e2e-secret-of-at-least-32-characters-long';
const PASSWORD = 'an e2e password, long enough';

/** Each service's schema, root module and config class: the in-process twin that lists its routes. */
const APPS: Record<(typeof SERVICES)[number], { schema: 'risk' | 'defect'; domainRole: Role; module: (env: PlatformEnv, logger: Logger) => DynamicModule; envClass: new () => PlatformEnv }> = {
  'risk-api': { schema: 'risk', domainRole: 'analyst', module: (env, logger) => RiskApiModule.forRoot(env as RiskApiEnv, logger), envClass: RiskApiEnv },
  'defect-inspector': {
    schema: 'defect',
    domainRole: 'engineer',
    module: (env, logger) => DefectInspectorModule.forRoot(env as DefectInspectorEnv, logger),
    envClass: DefectInspectorEnv,
  },
};

/**
 * The service's HTTP routes with their auth requirements, from the Nest metadata of its root module, compiled
 * in-process on the same database but never started (no consumer joins the group, no port is opened).
 */
async function routeTable(service: (typeof SERVICES)[number], env: NodeJS.ProcessEnv): Promise<RouteInfo[]> {
  const app = APPS[service];
  const moduleRef = await Test.createTestingModule({ imports: [app.module(loadEnv(app.envClass, env), pino({ level: 'silent' }))] }).compile();
  try {
    return listAppRoutes(moduleRef);
  } finally {
    await moduleRef.close();
  }
}

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
    // The first admin, as an operator creates it: the CLI, the password from the environment.
    const { stdout } = await promisify(execFile)(process.execPath, [CREATE_USER_CLI, '--service', service, '--username', 'root', '--role', 'admin'], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url, VIGIL_PASSWORD: PASSWORD },
    });
    expect(stdout).toMatch(new RegExp(`^created admin root \\([0-9a-f-]{36}\\) in ${service}`));
    running = await RunningService.start(service, env());
    await running.waitForStatus('/health/ready', 200);
  });

  const env = () => ({ DATABASE_URL: database.url, KAFKA_BROKERS: kafka.brokers.join(','), SHUTDOWN_TIMEOUT_MS: '10000', JWT_SECRET });
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${running.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const login = async (username: string) => {
    const res = await call('POST', '/auth/token', undefined, { username, password: PASSWORD });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };

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

  it('logs in the admin the CLI created, and refuses wrong credentials with 401', async () => {
    const token = await login('root');

    await expect(call('GET', '/auth/me', token).then((res) => res.body)).resolves.toMatchObject({ username: 'root', role: 'admin' });
    await expect(call('POST', '/auth/token', undefined, { username: 'root', password: 'wrong password' })).resolves.toMatchObject({
      status: 401,
      body: { message: 'invalid username or password' },
    });
  });

  it('answers on every route as its auth metadata promises: 401 without or with a bad token, 403 below the role needed', async () => {
    const { schema, domainRole } = APPS[service];
    const tokens: Partial<Record<Role, string>> = { admin: await login('root') };
    for (const role of ['viewer', domainRole] as const) {
      const created = await call('POST', '/users', tokens.admin, { username: `e2e-${role}`, password: PASSWORD, role });
      expect(created.status).toBe(201);
      tokens[role] = await login(`e2e-${role}`);
    }
    const jwt = new JwtService({ secret: JWT_SECRET });
    const claims = { sub: '00000000-0000-4000-8000-000000000000', name: 'root', role: 'admin' };
    const other = service === 'risk-api' ? 'defect-inspector' : 'risk-api';
    const invalidTokens = [
      'not-a-jwt',
      await jwt.signAsync({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, { issuer: service, audience: service }),
      await new JwtService({ secret: 'x'.repeat(40) }).signAsync(claims, { issuer: service, audience: service }),
      await jwt.signAsync(claims, { issuer: other, audience: other }),
    ];
    const routes = await routeTable(service, env());
    const documented = Object.entries(((await (await fetch(`${running.url}/docs-json`)).json()) as { paths: Record<string, object> }).paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );

    const walk = await walkRoutes({
      baseUrl: running.url,
      routes,
      serviceRoles: SERVICE_ROLES[schema],
      tokens,
      invalidTokens,
      expectedPublic: ['GET /health/live', 'GET /health/ready', 'GET /metrics', 'POST /auth/token'],
    });

    expect(walk.violations).toEqual([]);
    // The running build serves no route the table does not know (and so that the walk skipped).
    expect(documented.filter((route) => !routes.some((r) => `${r.method} ${r.path}` === route))).toEqual([]);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /users', 'GET /audit', 'GET /auth/me']));
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
      env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://root:hunter2@db/x', PORT: 'eighty', LOG_LEVEL: 'chatty', JWT_SECRET: 'hunter3-too-short' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(1);
    const report = JSON.parse(stderr.trim()) as { level: string; problems: { variable: string }[] };
    expect(report.level).toBe('fatal');
    expect(report.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
    expect(stderr).not.toContain('hunter2');
    expect(stderr).not.toContain('hunter3');
  });
});
