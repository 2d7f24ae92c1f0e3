import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTestDatabase, jsonApi, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { createUser, JsonLogger, loadEnv, PasswordHasher } from '@vigil/platform';
import { Client } from 'pg';
import pino from 'pino';

import { DefectInspectorModule } from '../src/app.module';
import { DefectInspectorEnv } from '../src/config/env';
import { SpcAlarmEvaluator } from '../src/modules/alarms/spc-alarm-evaluator';
import { DEFAULT_SPC_ALARM_OPTIONS, SPC_ALARM_OPTIONS } from '../src/modules/alarms/spc-alarm-options';
import { SpcAlarmMetrics } from '../src/modules/alarms/spc-alarm-metrics';
import { SpcAlarmRepository } from '../src/modules/alarms/spc-alarm.repository';
import { Clock } from '../src/modules/quality/clock';
import { QualityStatsRepository } from '../src/modules/quality/quality-stats.repository';

jest.setTimeout(120_000);

const PASSWORD = 'a-long-enough-password';
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
const DAY = Date.parse('2026-11-20T00:00:00Z');
const HOUR_MS = 3_600_000;
const at = (hour: number) => new Date(DAY + hour * HOUR_MS).toISOString();

describe('SPC alarms', () => {
  let database: TestDatabase;
  let db: Client;
  let app: INestApplication;
  let baseUrl: string;
  const tokens: Record<string, string> = {};

  const api = jsonApi(() => baseUrl);
  const get = (path: string) => api('GET', path, tokens.viewer);
  const alarmsIn = async (query: string) => ((await get(`/spc/alarms?${query}`)).body.items as { lineId: string; rule: number; point: { start: string } }[]).map((a) => [a.lineId, a.rule, a.point.start]);

  /** 100 inspections an hour on `line` from DAY's midnight, `defects[h]` of them defective in hour h. */
  const insertHours = (line: string, defects: number[]) =>
    db.query(
      `INSERT INTO "defect"."inspection" ("camera_id", "line_id", "seq_start", "seq_end", "ts_start", "ts", "verdict", "defect_class", "score", "threshold", "class_scores",
         "model_name", "model_version", "align_dx", "align_dy", "align_confidence", "latency_ms")
       SELECT $1 || '-cam', $1, k * 8, k * 8 + 7, t, t, CASE WHEN d THEN 'DEFECT' ELSE 'OK' END, CASE WHEN d THEN 'dent' END, CASE WHEN d THEN 0.8 ELSE 0.2 END, 0.5, '{}',
              'inspector', 1, 0, 0, 1, 30
         FROM (SELECT k, $2::timestamptz + (k / 100) * interval '1 hour' + (k % 100) * interval '30 seconds' AS t, (k % 100) < ($3::int[])[k / 100 + 1] AS d
                 FROM generate_series(0, 100 * cardinality($3::int[]) - 1) AS k) g`,
      [line, at(0), defects],
    );

  /** A second instance's evaluator: its own object over the same database. */
  const replica = () =>
    new SpcAlarmEvaluator(
      { ...DEFAULT_SPC_ALARM_OPTIONS, intervalMs: 0 },
      app.get(SpcAlarmRepository),
      app.get(QualityStatsRepository),
      app.get(SpcAlarmMetrics),
      app.get(Clock),
      app.get(JsonLogger),
    );

  beforeAll(async () => {
    database = await createTestDatabase('spc_alarms');
    await migrateUp({ url: database.url });
    db = new Client({ connectionString: database.url });
    await db.connect();
    const env = loadEnv(DefectInspectorEnv, { DATABASE_URL: database.url, KAFKA_BROKERS: '127.0.0.1:9', JWT_SECRET });
    // Evaluations run when this spec calls them, at the times it names, never on the timer.
    const moduleRef = await Test.createTestingModule({ imports: [DefectInspectorModule.forRoot(env, pino({ level: 'silent' }))] })
      .overrideProvider(SPC_ALARM_OPTIONS)
      .useValue({ ...DEFAULT_SPC_ALARM_OPTIONS, intervalMs: 0 })
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const role of ['admin', 'engineer', 'viewer'] as const) {
      await createUser({ databaseUrl: database.url, service: 'defect-inspector', username: role, password: PASSWORD, role, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
      tokens[role] = (await api('POST', '/auth/token', undefined, { username: role, password: PASSWORD })).body.accessToken as string;
    }
    // PC: nine hours at 4 %, then 20 % (rule 1 at hour 9). L2: eight hours at 4 %, then 6 % (rule 4 at hours 15 and 16).
    await insertHours('PC', [4, 4, 4, 4, 4, 4, 4, 4, 4, 20]);
    await insertHours('L2', [4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6]);
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  it('stores each alarm once however often, and by however many instances at once, the lines are evaluated', async () => {
    const now = DAY + 17 * HOUR_MS + 120_000;
    const first = app.get(SpcAlarmEvaluator);
    const second = replica();

    // Before hour 9 closed (and its grace passed), PC had nothing to raise.
    await expect(first.evaluate(DAY + 10 * HOUR_MS + 60_000)).resolves.toEqual([]);
    const concurrent = await Promise.all([first.evaluate(now), second.evaluate(now), first.evaluate(now), second.evaluate(now)]);
    // As if every instance had lost its place: everything is judged again, and nothing is stored again.
    await db.query(`DELETE FROM "defect"."spc_chart_state"`);
    const again = await second.evaluate(now);

    const raised = concurrent.flat().map((a) => [a.lineId, a.rule, a.side, a.point.start]);
    expect(raised.sort()).toEqual([
      ['L2', 4, 'above', at(15)],
      ['L2', 4, 'above', at(16)],
      ['PC', 1, 'above', at(9)],
    ]);
    expect(again).toEqual([]);
    const { rows } = await db.query(`SELECT "line_id", "rule", "subgroup_start" FROM "defect"."spc_alarm" ORDER BY "line_id", "subgroup_start"`);
    expect(rows.map((r) => [r.line_id, r.rule, r.subgroup_start.toISOString()])).toEqual([
      ['L2', 4, at(15)],
      ['L2', 4, at(16)],
      ['PC', 1, at(9)],
    ]);
    const state = await db.query(`SELECT "line_id", "subgroup", "judged_until" FROM "defect"."spc_chart_state" ORDER BY "line_id"`);
    expect(state.rows.map((r) => [r.line_id, r.subgroup, r.judged_until.toISOString()])).toEqual([
      ['L2', '1h', at(17)],
      ['PC', '1h', at(17)],
    ]);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toContain('defect_spc_alarms_total{line="PC",rule="1",service="defect-inspector"} 1');
    expect(metrics).toContain('defect_spc_alarms_total{line="L2",rule="4",service="defect-inspector"} 2');
  });

  it('lists alarms newest subgroup first, filtered by line, rule, status and time, in cursor pages', async () => {
    const all = await get('/spc/alarms');
    const pc = all.body.items.find((a: { lineId: string }) => a.lineId === 'PC');
    const first = await get('/spc/alarms?limit=2');
    const second = await get(`/spc/alarms?limit=2&cursor=${first.body.nextCursor}`);

    expect(all.status).toBe(200);
    expect(all.body.items.map((a: { lineId: string; point: { start: string } }) => [a.lineId, a.point.start])).toEqual([
      ['L2', at(16)],
      ['L2', at(15)],
      ['PC', at(9)],
    ]);
    // Hour 9's chart: p̄ = 56 / 1000, UCL = 0.1249766.
    expect(pc).toMatchObject({
      subgroup: '1h',
      rule: 1,
      side: 'above',
      description: 'one point beyond 3σ',
      point: { start: at(9), end: at(10), inspected: 100, defective: 20, p: 0.2, lcl: 0 },
      chart: { start: at(0), centre: 0.056 },
      points: [at(9)],
      acknowledgement: null,
    });
    expect(pc.point.ucl).toBeCloseTo(0.1249766, 6);
    expect([first.body.items.length, second.body.items.length, second.body.nextCursor]).toEqual([2, 1, null]);
    expect(second.body.items[0].lineId).toBe('PC');
    await expect(alarmsIn('line=PC')).resolves.toEqual([['PC', 1, at(9)]]);
    await expect(alarmsIn('rule=4')).resolves.toEqual([
      ['L2', 4, at(16)],
      ['L2', 4, at(15)],
    ]);
    await expect(alarmsIn(`from=${at(10)}&to=${at(16)}`)).resolves.toEqual([['L2', 4, at(15)]]);
    expect((await get(`/spc/alarms/${pc.id}`)).body).toEqual(pc);
    expect((await get('/spc/alarms?rule=5')).status).toBe(400);
    expect((await get('/spc/alarms?status=closed')).status).toBe(400);
    expect((await get('/spc/alarms?cursor=garbage')).status).toBe(400);
    expect((await get('/spc/alarms/999999')).status).toBe(404);
    expect((await api('GET', '/spc/alarms')).status).toBe(401);
  });

  it('takes acknowledgements with a note from engineers and admins only, once, and audits them', async () => {
    const [pc, l2] = ['PC', 'L2'].map(async (line) => (await get(`/spc/alarms?line=${line}&limit=1`)).body.items[0].id as string);
    const [pcId, l2Id] = await Promise.all([pc, l2]);
    const ack = (id: string, token: string, body: unknown) => api('POST', `/spc/alarms/${id}/acknowledge`, token, body);

    const byViewer = await ack(pcId, tokens.viewer, { note: 'seen' });
    const noNote = await ack(pcId, tokens.engineer, {});
    const missing = await ack('999999', tokens.engineer, { note: 'x' });
    const done = await ack(pcId, tokens.engineer, { note: 'die insert worn; replaced at 10:20' });
    const twice = await ack(pcId, tokens.admin, { note: 'again' });
    const byAdmin = await ack(l2Id, tokens.admin, { note: 'new coil batch, watching' });

    expect([byViewer.status, noNote.status, missing.status, twice.status]).toEqual([403, 400, 404, 409]);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ id: pcId, acknowledgement: { by: 'engineer', note: 'die insert worn; replaced at 10:20' } });
    expect(twice.body.message).toMatch(/^SPC alarm \d+ was acknowledged by engineer at /);
    expect(byAdmin.status).toBe(201);
    await expect(alarmsIn('status=open')).resolves.toEqual([['L2', 4, at(15)]]);
    await expect(alarmsIn('status=acknowledged')).resolves.toEqual([
      ['L2', 4, at(16)],
      ['PC', 1, at(9)],
    ]);
    const audit = (await api('GET', '/audit?action=spc_alarm.acknowledge', tokens.admin)).body.items as { subjectType: string; subjectId: string; actor: string; details: Record<string, unknown> }[];
    expect(audit.map((e) => [e.subjectType, e.subjectId, e.actor, e.details.note]).sort()).toEqual(
      [
        ['spc_alarm', pcId, 'engineer', 'die insert worn; replaced at 10:20'],
        ['spc_alarm', l2Id, 'admin', 'new coil batch, watching'],
      ].sort(),
    );
  });
});
