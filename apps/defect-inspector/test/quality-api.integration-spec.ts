import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodePng, encodePng } from '@vigil/contracts';
import { createTestDatabase, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { createUser, listAppRoutes, loadEnv, PasswordHasher, SERVICE_ROLES, walkRoutes } from '@vigil/platform';
import { Client } from 'pg';
import pino from 'pino';

import { DefectInspectorModule } from '../src/app.module';
import { DefectInspectorEnv } from '../src/config/env';
import { decodeStoredPng, overlayHeatmap } from '../src/modules/quality/heatmap-overlay';

jest.setTimeout(120_000);

const PASSWORD = 'a-long-enough-password';
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
const CROP = encodePng(new Uint8Array(16).fill(100), 4, 4, 1);
const HEATMAP = encodePng(Uint8Array.from([0, 255, 0, 0]), 2, 2, 1);

interface Row {
  camera: string;
  line: string;
  seqEnd: number;
  /** Capture time of the clip's last frame, ISO-8601 (µs allowed). */
  ts: string;
  verdict?: 'OK' | 'DEFECT';
  cls?: string;
  modelVersion?: number;
  latencyMs?: number;
  alignConfidence?: number;
}

describe('the quality engineers’ API', () => {
  let database: TestDatabase;
  let db: Client;
  let app: INestApplication;
  let baseUrl: string;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await call(method, path, token, body);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const get = (path: string) => api('GET', path, tokens.viewer);

  const insert = async (row: Row): Promise<string> => {
    const defect = (row.verdict ?? 'OK') === 'DEFECT';
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO "defect"."inspection" ("camera_id", "line_id", "seq_start", "seq_end", "ts_start", "ts", "verdict", "defect_class", "score", "threshold", "class_scores",
         "model_name", "model_version", "bbox_x", "bbox_y", "bbox_w", "bbox_h", "align_dx", "align_dy", "align_confidence", "latency_ms")
       VALUES ($1, $2, $3 - 7, $3, $4::timestamptz - interval '70 milliseconds', $4, $5, $6, $7, 0.5, '{}', 'inspector', $8, $9, $9, $10, $10, 1.5, -0.5, $11, $12)
       RETURNING "id"::text AS "id"`,
      [row.camera, row.line, row.seqEnd, row.ts, defect ? 'DEFECT' : 'OK', defect ? (row.cls ?? 'scratch') : null, defect ? 0.9 : 0.1, row.modelVersion ?? 1,
        defect ? 10 : null, defect ? 20 : null, row.alignConfidence ?? 0.95, row.latencyMs ?? 40],
    );
    return rows[0].id;
  };

  beforeAll(async () => {
    database = await createTestDatabase('quality');
    await migrateUp({ url: database.url });
    db = new Client({ connectionString: database.url });
    await db.connect();
    // Inspections are written straight to Postgres here: the frames consumer just retries an unreachable broker in the background.
    const env = loadEnv(DefectInspectorEnv, { DATABASE_URL: database.url, KAFKA_BROKERS: '127.0.0.1:9', JWT_SECRET });
    const moduleRef = await Test.createTestingModule({ imports: [DefectInspectorModule.forRoot(env, pino({ level: 'silent' }))] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const role of ['admin', 'engineer', 'viewer'] as const) {
      await createUser({ databaseUrl: database.url, service: 'defect-inspector', username: role, password: PASSWORD, role, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
      tokens[role] = (await api('POST', '/auth/token', undefined, { username: role, password: PASSWORD })).body.accessToken as string;
    }

    // Line L1: two cameras, two model versions; two clips 400 µs apart in the same millisecond.
    ids.a = await insert({ camera: 'cam-1', line: 'L1', seqEnd: 100, ts: '2026-11-22T10:00:00.000100Z' });
    ids.b = await insert({ camera: 'cam-1', line: 'L1', seqEnd: 108, ts: '2026-11-22T10:00:00.000500Z', verdict: 'DEFECT', cls: 'scratch' });
    ids.c = await insert({ camera: 'cam-2', line: 'L1', seqEnd: 50, ts: '2026-11-22T10:05:00Z', verdict: 'DEFECT', cls: 'dent', modelVersion: 2, latencyMs: 80, alignConfidence: 0.5 });
    ids.d = await insert({ camera: 'cam-2', line: 'L1', seqEnd: 58, ts: '2026-11-22T10:10:00Z', modelVersion: 2, latencyMs: 120, alignConfidence: 0.7 });
    ids.e = await insert({ camera: 'cam-1', line: 'L1', seqEnd: 116, ts: '2026-11-22T10:15:00Z', verdict: 'DEFECT', cls: 'flicker', modelVersion: 2 });
    ids.other = await insert({ camera: 'cam-3', line: 'L2', seqEnd: 9, ts: '2026-11-22T10:01:00Z' });
    // b's images: a 16x12 frame, a 4x4 crop at (8, 4), a 2x2 heatmap hot in the top-right quarter only.
    await db.query(
      `INSERT INTO "defect"."inspection_image" ("inspection_id", "frame_png", "crop_png", "crop_x", "crop_y", "crop_w", "crop_h", "heatmap_png") VALUES ($1, $2, $3, 8, 4, 4, 4, $4)`,
      [ids.b, encodePng(new Uint8Array(16 * 12).fill(90), 16, 12, 1), CROP, HEATMAP],
    );
    // Line PC: ten hours of 100 parts each from midnight; 4 defective an hour, then 20 in the tenth hour.
    await db.query(
      `INSERT INTO "defect"."inspection" ("camera_id", "line_id", "seq_start", "seq_end", "ts_start", "ts", "verdict", "defect_class", "score", "threshold", "class_scores",
         "model_name", "model_version", "align_dx", "align_dy", "align_confidence", "latency_ms")
       SELECT 'pc-cam', 'PC', k * 8, k * 8 + 7, t, t, CASE WHEN d THEN 'DEFECT' ELSE 'OK' END, CASE WHEN d THEN 'dent' END, CASE WHEN d THEN 0.8 ELSE 0.2 END, 0.5, '{}',
              'inspector', 1, 0, 0, 1, 30
         FROM (SELECT k, timestamptz '2026-11-22T00:00:00Z' + (k / 100) * interval '1 hour' + (k % 100) * interval '30 seconds' AS t,
                      (k % 100) < CASE WHEN k / 100 = 9 THEN 20 ELSE 4 END AS d
                 FROM generate_series(0, 999) AS k) g`,
    );
  });

  afterAll(async () => {
    await app?.close();
    await db?.end();
    await database?.drop();
  });

  it('answers each of its routes 401 without a token and 403 below the role it needs', async () => {
    const routes = listAppRoutes(app).filter((route) => /^\/(inspections|gallery|yield|spc|cameras)/.test(route.path));

    const walk = await walkRoutes({ baseUrl, routes, serviceRoles: SERVICE_ROLES.defect, tokens, expectedPublic: [] });

    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /cameras/health',
      'GET /gallery',
      'GET /inspections',
      'GET /inspections/:id',
      'GET /inspections/:id/image',
      'GET /spc/alarms',
      'GET /spc/alarms/:id',
      'GET /spc/p-chart',
      'GET /yield',
      'POST /inspections/:id/relabel',
      'POST /spc/alarms/:id/acknowledge',
    ]);
    expect(walk.violations).toEqual([]);
  });

  it('lists inspections newest first, filtered by line, camera, class, verdict, model version and time', async () => {
    const ofL1 = await get('/inspections?line=L1');
    const idsOf = async (query: string) => ((await get(`/inspections?${query}`)).body.items as { id: string }[]).map((i) => i.id);

    expect(ofL1.status).toBe(200);
    expect(ofL1.body.items.map((i: { id: string }) => i.id)).toEqual([ids.e, ids.d, ids.c, ids.b, ids.a]);
    await expect(idsOf('camera=cam-2')).resolves.toEqual([ids.d, ids.c]);
    await expect(idsOf('class=dent&line=L1')).resolves.toEqual([ids.c]);
    await expect(idsOf('verdict=DEFECT&line=L1')).resolves.toEqual([ids.e, ids.c, ids.b]);
    await expect(idsOf('modelVersion=2')).resolves.toEqual([ids.e, ids.d, ids.c]);
    await expect(idsOf('line=L1&from=2026-11-22T10:00:00.000200Z&to=2026-11-22T10:10:00Z')).resolves.toEqual([ids.c, ids.b]);
    expect((await get('/inspections?verdict=MAYBE')).status).toBe(400);
    expect((await get('/inspections?from=2026-11-22T11:00:00Z&to=2026-11-22T10:00:00Z')).status).toBe(400);
  });

  it('pages by cursor without overlap or loss, even between clips of the same millisecond', async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Record<string, any> } = await get(`/inspections?line=L1&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor !== null);

    expect(pages).toEqual([
      [ids.e, ids.d],
      [ids.c, ids.b],
      [ids.a],
    ]);
    expect((await get('/inspections?cursor=garbage')).status).toBe(400);
  });

  it('shows one inspection with what the model said and how the clip was aligned', async () => {
    const res = await get(`/inspections/${ids.c}`);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: ids.c,
      cameraId: 'cam-2',
      lineId: 'L1',
      seqStart: 43,
      seqEnd: 50,
      tsStart: '2026-11-22T10:04:59.930000Z',
      tsEnd: '2026-11-22T10:05:00.000000Z',
      verdict: 'DEFECT',
      defectClass: 'dent',
      score: 0.9,
      threshold: 0.5,
      model: { name: 'inspector', version: 2 },
      bbox: { x: 10, y: 10, w: 20, h: 20 },
      alignment: { dx: 1.5, dy: -0.5, confidence: 0.5 },
      latencyMs: 80,
      hasImages: false,
      label: null,
    });
    expect((await get('/inspections/999999')).status).toBe(404);
    expect((await get('/inspections/abc')).status).toBe(400);
  });

  it('shows the defect gallery with image URLs, and serves the crop with its heatmap overlaid as a PNG', async () => {
    const gallery = await get('/gallery');
    const overlay = await call('GET', `/inspections/${ids.b}/image?scale=2`, tokens.viewer);
    const png = Buffer.from(await overlay.arrayBuffer());
    const crop = await call('GET', `/inspections/${ids.b}/image?kind=crop`, tokens.viewer);

    expect(gallery.body.items.map((i: { id: string }) => i.id)).toEqual([ids.b]);
    expect(gallery.body.items[0].images).toEqual({
      overlay: `/inspections/${ids.b}/image`,
      crop: `/inspections/${ids.b}/image?kind=crop`,
      heatmap: `/inspections/${ids.b}/image?kind=heatmap`,
      frame: `/inspections/${ids.b}/image?kind=frame`,
    });
    expect(overlay.status).toBe(200);
    expect(overlay.headers.get('content-type')).toBe('image/png');
    const image = decodePng(png, { width: 8, height: 8 });
    expect(image.pixelFormat).toBe('RGB8');
    // The stored crop, placed in the frame the stored frame PNG measures, under the stored heatmap: redder towards its hot corner.
    const expected = overlayHeatmap({ crop: decodeStoredPng(CROP), rect: { x: 8, y: 4, w: 4, h: 4 }, frame: { width: 16, height: 12 }, heatmap: decodeStoredPng(HEATMAP), scale: 2 });
    expect(image.pixels).toEqual(expected.pixels);
    const red = (x: number, y: number) => image.pixels[(y * 8 + x) * 3];
    expect(red(7, 0)).toBeGreaterThan(150);
    expect(red(7, 0)).toBeGreaterThan(red(0, 7));
    expect(decodePng(Buffer.from(await crop.arrayBuffer()), { width: 4, height: 4 }).pixels).toEqual(new Uint8Array(16).fill(100));
    expect((await call('GET', `/inspections/${ids.a}/image`, tokens.viewer)).status).toBe(404);
    expect((await call('GET', `/inspections/${ids.b}/image?kind=thumbnail`, tokens.viewer)).status).toBe(400);
  });

  it('reports yield per line and per shift, the night shift belonging to the day it started', async () => {
    const res = await get('/yield?line=PC&from=2026-11-21T22:00:00Z&to=2026-11-22T14:00:00Z');

    expect(res.status).toBe(200);
    expect(res.body.lines).toEqual([
      {
        line: 'PC',
        inspected: 1000,
        defective: 56,
        yield: 0.944,
        shifts: [
          { shift: 'C', day: '2026-11-21', start: '2026-11-21T22:00:00.000Z', end: '2026-11-22T06:00:00.000Z', inspected: 600, defective: 24, yield: 0.96 },
          { shift: 'A', day: '2026-11-22', start: '2026-11-22T06:00:00.000Z', end: '2026-11-22T14:00:00.000Z', inspected: 400, defective: 32, yield: 0.92 },
        ],
      },
    ]);
    expect((await get('/yield?from=2026-11-22T00:00:00Z&to=2026-11-23T00:00:00Z')).body.lines.map((l: { line: string }) => l.line)).toEqual(['L1', 'L2', 'PC']);
    expect((await get('/yield?line=PC')).status).toBe(400);
  });

  it('draws the p-chart per hour with its limits and Western Electric alarms', async () => {
    const res = await get('/spc/p-chart?line=PC&from=2026-11-22T00:00:00Z&to=2026-11-22T10:00:00Z&subgroup=1h');

    expect(res.status).toBe(200);
    // p̄ = 56 / 1000; σ = √(0.056 · 0.944 / 100) = 0.0229922; UCL = 0.1249766.
    expect(res.body.centre).toBeCloseTo(0.056, 12);
    expect(res.body.points).toHaveLength(10);
    expect(res.body.points[0]).toMatchObject({ start: '2026-11-22T00:00:00.000Z', end: '2026-11-22T01:00:00.000Z', inspected: 100, defective: 4, p: 0.04, lcl: 0 });
    expect(res.body.points[0].ucl).toBeCloseTo(0.1249766, 6);
    // Nine hours below p̄ (rule 4 at the eighth and ninth), then p = 0.2 beyond 3σ (rule 1).
    expect(res.body.alarms.map((a: { rule: number; side: string; at: number; points: number[] }) => [a.rule, a.side, a.at, a.points])).toEqual([
      [4, 'below', 7, [0, 1, 2, 3, 4, 5, 6, 7]],
      [4, 'below', 8, [1, 2, 3, 4, 5, 6, 7, 8]],
      [1, 'above', 9, [9]],
    ]);
  });

  it('groups the p-chart per N parts or per shift, and refuses subgroups it cannot draw', async () => {
    const chart = (subgroup: string) => get(`/spc/p-chart?line=PC&from=2026-11-22T00:00:00Z&to=2026-11-22T10:00:00Z&subgroup=${subgroup}`);
    const perParts = await chart('parts:300');
    const perShift = await chart('shift');

    expect(perParts.body.points.map((p: { inspected: number; defective: number }) => [p.inspected, p.defective])).toEqual([
      [300, 12],
      [300, 12],
      [300, 12],
      [100, 20],
    ]);
    expect(perParts.body.points[0]).toMatchObject({ start: '2026-11-22T00:00:00.000Z', end: '2026-11-22T02:49:30.000Z' });
    expect(perShift.body.points.map((p: { start: string; inspected: number }) => [p.start, p.inspected])).toEqual([
      ['2026-11-21T22:00:00.000Z', 600],
      ['2026-11-22T06:00:00.000Z', 400],
    ]);
    expect((await chart('7m')).status).toBe(400);
    expect((await get('/spc/p-chart?line=PC&from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z&subgroup=5m')).status).toBe(400);
    expect((await get('/spc/p-chart?from=2026-11-22T00:00:00Z&to=2026-11-22T10:00:00Z')).status).toBe(400);
  });

  it('reports camera health: counts over the window’s whole buckets, the latest snapshot and the inspections’ latency and alignment', async () => {
    const snapshot = (takenAt: string, fps: number) =>
      db.query(
        `INSERT INTO "defect"."camera_health" ("camera_id", "line_id", "taken_at", "fps", "latency_p50_ms", "latency_p99_ms", "alignment_confidence")
         VALUES ('cam-2', 'L1', $1, $2, 4, 9, 0.6)`,
        [takenAt, fps],
      );
    const bucket = (start: string, received: number, gaps: number, line: string | null = 'L1') =>
      db.query(`INSERT INTO "defect"."camera_count" ("camera_id", "line_id", "bucket_start", "received", "dropped", "gaps", "rejected") VALUES ('cam-2', $1, $2, $3, 1, $4, 1)`, [
        line,
        start,
        received,
        gaps,
      ]);
    await snapshot('2026-11-22T09:59:00Z', 100);
    await snapshot('2026-11-22T10:10:00Z', 99.5);
    await snapshot('2026-11-22T10:20:00Z', 100);
    await bucket('2026-11-22T09:59:50Z', 1000, 1); // before the window
    await bucket('2026-11-22T10:00:00Z', 250, 0);
    await bucket('2026-11-22T10:10:00Z', 248, 2);
    await bucket('2026-11-22T10:10:10Z', 0, 0, null); // refused messages only: the line is not known
    await bucket('2026-11-22T10:59:50Z', 250, 1);
    await bucket('2026-11-22T11:00:00Z', 250, 5); // after it
    await expect(db.query(`INSERT INTO "defect"."camera_count" ("camera_id", "bucket_start", "received") VALUES ('cam-2', '2026-11-22T10:00:05Z', 1)`)).rejects.toThrow(
      /CHK_defect_camera_count_bucket/,
    );

    const res = await get('/cameras/health?line=L1&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z');

    expect(res.status).toBe(200);
    const cam2 = res.body.cameras.find((c: { cameraId: string }) => c.cameraId === 'cam-2');
    expect(res.body.cameras.map((c: { cameraId: string }) => c.cameraId)).toEqual(['cam-1', 'cam-2']);
    expect(cam2.latest).toEqual({ takenAt: '2026-11-22T10:20:00.000Z', fps: 100, latencyP50Ms: 4, latencyP99Ms: 9, alignmentConfidence: expect.closeTo(0.6, 6) });
    // The four buckets in the hour: 748 frames in 3600 s.
    expect(cam2.counts).toEqual({ from: '2026-11-22T10:00:00.000Z', to: '2026-11-22T11:00:00.000Z', fps: expect.closeTo(748 / 3600, 9), received: 748, rejected: 4, dropped: 4, gaps: 3, duplicates: 0, late: 0, resyncs: 0 });
    // A window cut inside buckets counts the whole ones it holds, and says so.
    const cut = (await get('/cameras/health?line=L1&from=2026-11-22T10:00:05Z&to=2026-11-22T10:10:15Z')).body.cameras.find((c: { cameraId: string }) => c.cameraId === 'cam-2');
    expect(cut.counts).toMatchObject({ from: '2026-11-22T10:00:10.000Z', to: '2026-11-22T10:10:10.000Z', received: 248, gaps: 2, rejected: 1 });
    expect(cam2.inspections).toMatchObject({ count: 2, defects: 1, latencyP50Ms: 100, alignmentConfidenceMin: 0.5, missingFrames: 0 });
    expect(cam2.inspections.latencyP99Ms).toBeCloseTo(119.6, 6);
    expect(cam2.inspections.alignmentConfidenceMean).toBeCloseTo(0.6, 6);
    // Capture to verdict from each row's own stamps: cam-2's clips stored 250 and 450 ms after their last frame.
    await db.query(`UPDATE "defect"."inspection" SET "created_at" = "ts" + CASE WHEN "id" = $1 THEN interval '250 ms' ELSE interval '450 ms' END WHERE "camera_id" = 'cam-2'`, [ids.c]);
    const later = (await get('/cameras/health?line=L1&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z')).body.cameras[1];
    expect(later.inspections.captureToVerdictP50Ms).toBeCloseTo(350, 6);
    expect(later.inspections.captureToVerdictP99Ms).toBeCloseTo(448, 6);
    expect(res.body.cameras[0]).toMatchObject({ cameraId: 'cam-1', latest: null, counts: null, inspections: { count: 3 } });
  });

  it('takes relabels from engineers only, stores them as training labels, audits them and counts them in yield', async () => {
    const refused = await api('POST', `/inspections/${ids.e}/relabel`, tokens.viewer, { label: 'FALSE_POSITIVE' });
    const invalid = await api('POST', `/inspections/${ids.e}/relabel`, tokens.engineer, { label: 'PROBABLY_FINE' });
    const contradicts = await api('POST', `/inspections/${ids.a}/relabel`, tokens.engineer, { label: 'FALSE_POSITIVE' });
    const missing = await api('POST', '/inspections/999999/relabel', tokens.engineer, { label: 'MISSED_DEFECT' });
    const done = await api('POST', `/inspections/${ids.e}/relabel`, tokens.engineer, { label: 'FALSE_POSITIVE', note: 'reflection off the fixture' });
    const missed = await api('POST', `/inspections/${ids.a}/relabel`, tokens.engineer, { label: 'crack' });

    expect([refused.status, invalid.status, contradicts.status, missing.status]).toEqual([403, 400, 409, 404]);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ id: ids.e, verdict: 'DEFECT', label: { label: 'FALSE_POSITIVE', verdict: 'OK', defectClass: null, note: 'reflection off the fixture', by: 'engineer' } });
    expect(missed.body.label).toMatchObject({ label: 'crack', verdict: 'DEFECT', defectClass: 'crack' });
    const { rows } = await db.query(`SELECT "inspection_id"::text AS "id", "label", "verdict", "defect_class" FROM "defect"."inspection_label" ORDER BY "inspection_id"`);
    expect(rows).toEqual([
      { id: ids.a, label: 'crack', verdict: 'DEFECT', defect_class: 'crack' },
      { id: ids.e, label: 'FALSE_POSITIVE', verdict: 'OK', defect_class: null },
    ]);
    const audit = (await api('GET', '/audit?action=inspection.relabel', tokens.admin)).body.items as { subjectId: string; actor: string; details: Record<string, unknown> }[];
    expect(audit.map((e) => [e.subjectId, e.actor])).toEqual([
      [ids.a, 'engineer'],
      [ids.e, 'engineer'],
    ]);
    expect(audit[1].details).toMatchObject({ label: 'FALSE_POSITIVE', modelVerdict: 'DEFECT', modelClass: 'flicker' });
    // L1: five parts; the model said b, c, e defective; e is relabelled OK and a a crack: still three.
    const l1 = (await get('/yield?line=L1&from=2026-11-22T10:00:00Z&to=2026-11-22T11:00:00Z')).body.lines[0];
    expect([l1.inspected, l1.defective]).toEqual([5, 3]);
    // A second label supersedes the first.
    await api('POST', `/inspections/${ids.a}/relabel`, tokens.engineer, { label: 'MISSED_DEFECT' });
    expect((await get(`/inspections/${ids.a}`)).body.label).toMatchObject({ label: 'MISSED_DEFECT', defectClass: null });
  });
});
