import { Controller, Delete, Get, INestApplication, Injectable, Module, Param, Post, ValidationPipe } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createTestDatabase, DevKafka, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { DataSource } from 'typeorm';

import {
  AuditLog,
  AuthenticatedUser,
  createUser,
  CurrentUser,
  InboundMessage,
  listAppRoutes,
  loadEnv,
  OnMessage,
  PasswordHasher,
  PlatformEnv,
  PlatformModule,
  Role,
  Roles,
  SERVICE_ROLES,
  walkRoutes,
} from '../src';

const SERVICE = 'risk-api';
const JWT_SECRET = 'integration-test-secret-of-at-least-32-characters';
const TOPIC = 'auth-test.events';
const PASSWORD = 'a password long enough';
const EXPECTED_PUBLIC = ['GET /health/live', 'GET /health/ready', 'GET /metrics', 'POST /auth/token'];

/** A domain controller as the services write them: roles per route, actions audited. */
@Roles('analyst')
@Controller('cases')
class CasesController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  list(@CurrentUser() user: AuthenticatedUser) {
    return { cases: [], for: user.username };
  }

  @Roles('viewer')
  @Get('summary')
  summary() {
    return { open: 0 };
  }

  @Post(':id/close')
  async close(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string) {
    await this.audit.record(user, { action: 'case.close', subjectType: 'case', subjectId: id, details: { resolution: 'fraud' } });
    return { closed: id };
  }

  @Roles('admin')
  @Delete(':id')
  remove(@Param('id') id: string) {
    return { removed: id };
  }
}

@Controller('profile')
class ProfileController {
  @Get()
  me(@CurrentUser() user: AuthenticatedUser) {
    return user;
  }
}

const consumed: string[] = [];

@Injectable()
class EventsConsumer {
  @OnMessage(TOPIC)
  onEvent(message: InboundMessage) {
    consumed.push(message.value?.toString() ?? '');
  }
}

@Module({ controllers: [CasesController, ProfileController], providers: [EventsConsumer] })
class CasesModule {}

@Roles('engineer')
@Controller('inspections')
class WrongServiceController {
  @Get()
  list() {
    return [];
  }
}

@Module({ controllers: [WrongServiceController] })
class WrongServiceModule {}

describe('authentication, roles and the audit log (PlatformModule)', () => {
  let kafka: DevKafka;
  let database: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  const tokens: Partial<Record<Role, string>> = {};
  const userIds: Record<string, string> = {};

  const env = () =>
    loadEnv(PlatformEnv, { DATABASE_URL: database.url, KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_GROUP_ID: 'auth-test', KAFKA_SESSION_TIMEOUT_MS: '6000', JWT_SECRET });

  async function boot(domain: object): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ service: SERVICE, env: env(), logger: pino({ level: 'silent' }), consumedTopics: domain === CasesModule ? [TOPIC] : [], entities: [], schema: 'risk', roles: SERVICE_ROLES.risk }),
        domain as never,
      ],
    }).compile();
    const nest = moduleRef.createNestApplication({ logger: false });
    // As bootstrapService does it.
    nest.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true }));
    SwaggerModule.setup('docs', nest, () => SwaggerModule.createDocument(nest, new DocumentBuilder().setTitle(SERVICE).addBearerAuth().build()));
    await nest.init();
    return nest;
  }

  const api = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text.length > 0 && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as Record<string, unknown> & unknown[] };
  };
  const login = async (username: string, password = PASSWORD) => {
    const res = await api('POST', '/auth/token', { body: { username, password } });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };
  const auditEntries = async (query: string) => (await api('GET', `/audit?${query}`, { token: tokens.admin })).body.items as Record<string, unknown>[];

  beforeAll(async () => {
    kafka = await DevKafka.start({ brokers: 1, topics: [{ name: TOPIC, partitions: 1 }] });
    database = await createTestDatabase('auth');
    await migrateUp({ url: database.url });
    // The first admin, as the CLI creates it; a cheap hash cost keeps the suite fast.
    const seeded = await createUser({ databaseUrl: database.url, service: SERVICE, username: 'root', password: PASSWORD, role: 'admin', ifNoAdmin: true, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
    expect(seeded.created).toBe(true);
    app = await boot(CasesModule);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

    tokens.admin = await login('root');
    for (const [username, role] of [
      ['vic', 'viewer'],
      ['ana', 'analyst'],
    ] as const) {
      const created = await api('POST', '/users', { token: tokens.admin, body: { username, password: PASSWORD, role } });
      expect(created.status).toBe(201);
      userIds[username] = created.body.id as string;
      tokens[role] = await login(username);
    }
  });

  afterAll(async () => {
    await app?.close();
    await kafka?.stop();
    await database?.drop();
  });

  describe('the route table', () => {
    it('lists every route with what it requires, from Nest metadata', () => {
      const routes = listAppRoutes(app).map(({ method, path, public: open, roles }) => `${method} ${path} ${open ? 'public' : roles.join('|') || 'authenticated'}`);

      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /health/live public',
          'GET /metrics public',
          'POST /auth/token public',
          'GET /auth/me authenticated',
          'GET /profile authenticated',
          'GET /cases analyst',
          'GET /cases/summary viewer',
          'POST /cases/:id/close analyst',
          'DELETE /cases/:id admin',
          'POST /users admin',
          'GET /users admin',
          'PATCH /users/:id admin',
          'GET /audit admin',
        ]),
      );
    });

    it('answers on every route as its metadata promises: 401 without or with a bad token, 403 below the role it needs', async () => {
      const jwt = new JwtService({ secret: JWT_SECRET });
      const claims = { sub: userIds.ana, name: 'ana', role: 'admin' };
      const invalidTokens = [
        'not-a-jwt',
        await jwt.signAsync({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, { issuer: SERVICE, audience: SERVICE }),
        await new JwtService({ secret: 'another-secret-of-at-least-32-characters!' }).signAsync(claims, { issuer: SERVICE, audience: SERVICE }),
        await jwt.signAsync(claims, { issuer: 'defect-inspector', audience: 'defect-inspector' }),
      ];

      const walk = await walkRoutes({ baseUrl, routes: listAppRoutes(app), serviceRoles: SERVICE_ROLES.risk, tokens, invalidTokens, expectedPublic: EXPECTED_PUBLIC });

      expect(walk.violations).toEqual([]);
      expect(walk.probes.filter((probe) => probe.expected.startsWith('403')).map((probe) => `${probe.route} as ${probe.as}`)).toEqual(
        expect.arrayContaining(['GET /cases as viewer', 'DELETE /cases/:id as analyst', 'GET /audit as analyst', 'POST /users as viewer']),
      );
    });

    it('reports a route that answers differently from its metadata', async () => {
      const routes = listAppRoutes(app).map((route) => (route.path === '/cases/summary' ? { ...route, roles: ['admin' as const] } : route));

      const walk = await walkRoutes({ baseUrl, routes, serviceRoles: SERVICE_ROLES.risk, tokens, expectedPublic: EXPECTED_PUBLIC.slice(1) });

      expect(walk.violations).toEqual(
        expect.arrayContaining([
          'GET /health/live is @Public() but not expected to be',
          expect.stringMatching(/^GET \/cases\/summary as viewer: expected 403 saying "requires role admin", got 200/),
        ]),
      );
    });

    it('refuses to boot when a route requires a role the service does not have', async () => {
      await expect(boot(WrongServiceModule)).rejects.toThrow(/GET \/inspections \(WrongServiceController.list\) requires engineer/);
    });
  });

  describe('POST /auth/token', () => {
    it('gives a bearer token, its lifetime and the role, and the token works', async () => {
      const res = await api('POST', '/auth/token', { body: { username: 'ANA', password: PASSWORD } });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), expiresIn: 3600, role: 'analyst' });
      await expect(api('GET', '/auth/me', { token: res.body.accessToken as string }).then((r) => r.body)).resolves.toEqual({ id: userIds.ana, username: 'ana', role: 'analyst' });
    });

    it('answers a wrong password and an unknown user alike, and audits both with the reason', async () => {
      const wrong = await api('POST', '/auth/token', { body: { username: 'ana', password: 'not the password' }, headers: { 'x-request-id': 'login-wrong' } });
      const unknown = await api('POST', '/auth/token', { body: { username: 'nobody', password: 'not the password' }, headers: { 'x-request-id': 'login-unknown' } });

      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'INVALID_CREDENTIALS', message: 'invalid username or password' });
      expect(unknown.body).toEqual(wrong.body);
      const failures = await auditEntries('action=auth.login_failed');
      expect(failures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ actor: 'ana', actorRole: 'analyst', subjectId: userIds.ana, details: { reason: 'wrong_password' }, correlationId: 'login-wrong' }),
          expect.objectContaining({ actor: 'nobody', actorRole: 'anonymous', subjectId: null, details: { reason: 'unknown_user' }, correlationId: 'login-unknown' }),
        ]),
      );
      await expect(auditEntries(`action=auth.login&actor=ana`)).resolves.not.toHaveLength(0);
    });

    it('validates the body', async () => {
      const res = await api('POST', '/auth/token', { body: { username: 'ana' } });

      expect(res.status).toBe(400);
    });
  });

  describe('roles', () => {
    it('lets higher roles through and tells a lower one which role it needs', async () => {
      await expect(api('GET', '/cases', { token: tokens.admin }).then((r) => r.status)).resolves.toBe(200);
      await expect(api('GET', '/cases', { token: tokens.analyst }).then((r) => r.body)).resolves.toEqual({ cases: [], for: 'ana' });

      const refused = await api('GET', '/cases', { token: tokens.viewer });

      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'ROLE_REQUIRED', message: 'GET /cases requires role analyst (or higher); you are viewer' });
    });

    it('says why a token is refused, with a WWW-Authenticate challenge', async () => {
      const none = await api('GET', '/profile');
      const bad = await api('GET', '/profile', { token: 'x.y.z' });

      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ code: 'MISSING_TOKEN', message: expect.stringContaining('POST /auth/token') });
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(bad.body).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(bad.headers.get('www-authenticate')).toBe('Bearer, error="invalid_token"');
    });

    it('leaves Kafka handlers alone: messages are handled with no token anywhere', async () => {
      const client = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
      await client.connect();
      await client.send({ topic: TOPIC, messages: [{ key: 'k', value: 'event-1' }] });
      await client.disconnect();

      const deadline = Date.now() + 30_000;
      while (!consumed.includes('event-1') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

      expect(consumed).toContain('event-1');
    });
  });

  describe('user administration', () => {
    it('refuses a taken username in any case, a role of the other service, and a weak password', async () => {
      const taken = await api('POST', '/users', { token: tokens.admin, body: { username: 'ANA', password: PASSWORD, role: 'viewer' } });
      const engineer = await api('POST', '/users', { token: tokens.admin, body: { username: 'eve', password: PASSWORD, role: 'engineer' } });
      const weak = await api('POST', '/users', { token: tokens.admin, body: { username: 'eve', password: 'short', role: 'viewer' } });

      expect(taken).toMatchObject({ status: 409, body: { code: 'USERNAME_TAKEN' } });
      expect(engineer).toMatchObject({ status: 400, body: { code: 'ROLE_NOT_IN_SERVICE' } });
      expect(weak.status).toBe(400);
    });

    it('lists users without their password hashes', async () => {
      const res = await api('GET', '/users', { token: tokens.admin });

      expect(res.status).toBe(200);
      expect((res.body as unknown as { username: string; role: string }[]).map((user) => `${user.username}:${user.role}`)).toEqual(['ana:analyst', 'root:admin', 'vic:viewer']);
      expect(JSON.stringify(res.body)).not.toContain('scrypt');
    });

    it('applies a role change and a disable to the very next request, and audits both', async () => {
      const created = await api('POST', '/users', { token: tokens.admin, body: { username: 'tom', password: PASSWORD, role: 'viewer' } });
      const tom = await login('tom');
      await expect(api('GET', '/cases', { token: tom }).then((r) => r.status)).resolves.toBe(403);

      await expect(api('PATCH', `/users/${created.body.id}`, { token: tokens.admin, body: { role: 'analyst' } }).then((r) => r.body)).resolves.toMatchObject({ role: 'analyst' });
      await expect(api('GET', '/cases', { token: tom }).then((r) => r.status)).resolves.toBe(200);

      await api('PATCH', `/users/${created.body.id}`, { token: tokens.admin, body: { disabled: true } });
      await expect(api('GET', '/profile', { token: tom }).then((r) => r.body)).resolves.toMatchObject({ code: 'USER_REVOKED' });
      await expect(api('POST', '/auth/token', { body: { username: 'tom', password: PASSWORD } }).then((r) => r.status)).resolves.toBe(401);

      const updates = await auditEntries(`action=user.update&subjectType=user&subjectId=${created.body.id}`);
      expect(updates.map((entry) => entry.details)).toEqual([
        { username: 'tom', disabled: true, passwordReset: false },
        { username: 'tom', role: 'analyst', passwordReset: false },
      ]);
      expect(updates.every((entry) => entry.actor === 'root' && entry.actorRole === 'admin')).toBe(true);
    });

    it('resets a password', async () => {
      await api('PATCH', `/users/${userIds.vic}`, { token: tokens.admin, body: { password: 'a brand new password' } });

      await expect(api('POST', '/auth/token', { body: { username: 'vic', password: PASSWORD } }).then((r) => r.status)).resolves.toBe(401);
      tokens.viewer = await login('vic', 'a brand new password');
    });

    it('never leaves the service without an enabled admin', async () => {
      const res = await api('PATCH', `/users/${(await api('GET', '/auth/me', { token: tokens.admin })).body.id}`, { token: tokens.admin, body: { role: 'analyst' } });

      expect(res).toMatchObject({ status: 409, body: { code: 'LAST_ADMIN' } });
    });

    it('answers 404 for an unknown user and 400 for a malformed id', async () => {
      await expect(api('PATCH', '/users/00000000-0000-4000-8000-000000000000', { token: tokens.admin, body: { disabled: true } }).then((r) => r.status)).resolves.toBe(404);
      await expect(api('PATCH', '/users/42', { token: tokens.admin, body: { disabled: true } }).then((r) => r.status)).resolves.toBe(400);
    });

    it('creates no second admin from the CLI when one exists', async () => {
      await expect(createUser({ databaseUrl: database.url, service: SERVICE, username: 'another', password: PASSWORD, role: 'admin', ifNoAdmin: true })).resolves.toEqual({
        created: false,
        reason: 'admin_exists',
      });
    });
  });

  describe('GET /audit', () => {
    it('records domain actions with the actor, role and correlation id', async () => {
      await api('POST', '/cases/C-7/close', { token: tokens.analyst, headers: { 'x-request-id': 'close-c7' } });

      await expect(auditEntries('action=case.close&subjectType=case&subjectId=C-7')).resolves.toEqual([
        expect.objectContaining({ actor: 'ana', actorRole: 'analyst', details: { resolution: 'fraud' }, correlationId: 'close-c7', occurredAt: expect.any(String) }),
      ]);
    });

    it('pages newest first by cursor, each entry once, even when entries share their time', async () => {
      for (let i = 0; i < 2; i++) await api('POST', `/cases/P-${i}/close`, { token: tokens.analyst });
      // One transaction: now() is the same for every entry, so only the id orders them.
      const audit = app.get(AuditLog);
      await app.get(DataSource).transaction(async (transaction) => {
        for (let i = 2; i < 5; i++) await audit.record({ username: 'ana', role: 'analyst' }, { action: 'case.close', subjectType: 'case', subjectId: `P-${i}` }, transaction);
      });
      const all = await auditEntries('action=case.close&limit=200');

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `action=case.close&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
        const page = (await api('GET', `/audit?${query}`, { token: tokens.admin })).body as unknown as { items: { id: string }[]; nextCursor: string | null };
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null);

      expect(seen).toEqual(all.map((entry) => entry.id));
      expect(pages).toBe(Math.ceil(all.length / 2));
      expect(all).toHaveLength(6);
      expect(new Set(all.slice(0, 3).map((entry) => entry.occurredAt)).size).toBe(1);
      expect(all.slice(0, 3).map((entry) => entry.subjectId).sort()).toEqual(['P-2', 'P-3', 'P-4']);
      expect(all.slice(3).map((entry) => entry.subjectId)).toEqual(['P-1', 'P-0', 'C-7']);
    });

    it('refuses a cursor it did not issue and a limit out of range', async () => {
      await expect(api('GET', '/audit?cursor=bogus', { token: tokens.admin }).then((r) => r.body)).resolves.toMatchObject({ code: 'INVALID_CURSOR' });
      await expect(api('GET', '/audit?limit=1000', { token: tokens.admin }).then((r) => r.status)).resolves.toBe(400);
    });

    it('records who created users and who read the log', async () => {
      const creates = await auditEntries('action=user.create');

      expect(creates.map((entry) => `${entry.actor}:${(entry.details as { username: string }).username}`)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^cli:.+:root$/), 'root:vic', 'root:ana']),
      );
      await expect(auditEntries('action=audit.read&limit=1')).resolves.toHaveLength(1);
    });
  });

  describe('/docs', () => {
    it('still serves the OpenAPI document, with the bearer scheme and the auth schemas', async () => {
      const ui = await fetch(`${baseUrl}/docs`);
      const document = (await (await fetch(`${baseUrl}/docs-json`)).json()) as {
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };

      expect(ui.status).toBe(200);
      expect(document.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
      expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['TokenRequestDto', 'TokenResponseDto', 'CreateUserDto', 'UpdateUserDto', 'UserDto', 'AuditPageDto']));
      expect(document.paths['/users'].post.security).toEqual([{ bearer: [] }]);
      expect(document.paths['/auth/token'].post.security).toBeUndefined();
    });
  });
});
