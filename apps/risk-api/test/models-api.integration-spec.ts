/** @jest-environment @vigil/core-ml/test/ort-environment */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createUser, loadEnv, PasswordHasher } from '@vigil/platform';
import pino from 'pino';

import { RiskApiModule } from '../src/app.module';
import { RiskApiEnv } from '../src/config/env';
import { computeFeatures, computeSequences, FEATURE_NAMES, toModelInput } from '../src/modules/features';
import { syntheticHistory } from '../src/modules/features/testing/synthetic-history';
import { LiveRiskModel } from '../src/modules/models/live-risk-model';
import { ModelDrift } from '../src/modules/models/model-drift';
import { MODEL_REGISTRY, type RiskModelRegistry } from '../src/modules/models/models.tokens';
import { RiskHarness } from './risk-harness';
import { stageRiskModel } from './risk-models';

jest.setTimeout(180_000);

const PASSWORD = 'a-long-enough-password';

describe('the model registry API', () => {
  let harness: RiskHarness;
  let app: INestApplication;
  let baseUrl: string;
  let modelsRoot: string;
  const tokens: Record<string, string> = {};

  const api = async (method: string, route: string, token?: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${route}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const until = async (done: () => boolean) => {
    for (const deadline = Date.now() + 10_000; !done(); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() > deadline) throw new Error('timed out');
    }
  };

  beforeAll(async () => {
    modelsRoot = await mkdtemp(path.join(tmpdir(), 'vigil-risk-models-'));
    // Two versions of the shipped risk model.
    for (const version of [1, 2]) await stageRiskModel(modelsRoot, version);
    harness = await RiskHarness.start();
    const env = loadEnv(RiskApiEnv, { ...harness.env, MODELS_DIR: modelsRoot });
    const moduleRef = await Test.createTestingModule({ imports: [RiskApiModule.forRoot(env, pino({ level: 'silent' }))] }).compile();
    app = harness.app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      await createUser({ databaseUrl: harness.database.url, service: 'risk-api', username: role, password: PASSWORD, role, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
      tokens[role] = (await api('POST', '/auth/token', undefined, { username: role, password: PASSWORD })).body.accessToken as string;
    }
    const registry = app.get<RiskModelRegistry>(MODEL_REGISTRY);
    for (const version of [1, 2]) await registry.register(path.join(modelsRoot, 'risk', String(version)), { username: 'ci' });
  });

  afterAll(async () => {
    await harness?.stop();
    if (modelsRoot) await rm(modelsRoot, { recursive: true, force: true });
  });

  it('lists the versions and shows one with its manifest, to viewers', async () => {
    const list = await api('GET', '/models', tokens.viewer);
    const one = await api('GET', '/models/risk/versions/2', tokens.viewer);

    expect(list.status).toBe(200);
    expect(list.body.map((m: { version: number; status: string }) => [m.version, m.status])).toEqual([
      [2, 'candidate'],
      [1, 'candidate'],
    ]);
    expect(list.body[0]).toMatchObject({ name: 'risk', artifactDir: 'risk/2', features: FEATURE_NAMES.length });
    expect(list.body[0].metrics.holdout_pr_auc).toBeGreaterThan(0);
    expect(one.status).toBe(200);
    expect(one.body.manifest.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['trees.onnx', 'sequence.onnx', 'trees.json', 'reference.json', 'card.md']));
    expect((await api('GET', '/models/risk/versions/9', tokens.viewer)).status).toBe(404);
    expect((await api('GET', '/models/Risk!/versions/1', tokens.viewer)).status).toBe(400);
    expect((await api('GET', '/models/risk/versions/0', tokens.viewer)).status).toBe(400);
    expect((await api('GET', '/models')).status).toBe(401);
  });

  it('promotes for admins only, audits it, and this instance swaps to the new champion', async () => {
    const live = app.get(LiveRiskModel);

    const refused = await api('POST', '/models/risk/versions/1/promote', tokens.analyst, { role: 'champion' });
    const invalid = await api('POST', '/models/risk/versions/1/promote', tokens.admin, { role: 'king' });
    const first = await api('POST', '/models/risk/versions/1/promote', tokens.admin, { role: 'champion' });
    await until(() => live.versions.champion === 1);
    const held = live.acquire();
    const second = await api('POST', '/models/risk/versions/2/promote', tokens.admin, { role: 'champion' });
    await until(() => live.versions.champion === 2);

    expect([refused.status, invalid.status, first.status, second.status]).toEqual([403, 400, 200, 200]);
    expect(second.body).toMatchObject({ changed: true, model: { version: 2, status: 'champion' }, replaced: { version: 1, status: 'retired' } });
    // The batch that acquired version 1 keeps scoring with it; the next batch gets version 2.
    const history = syntheticHistory({ seed: 3, transactions: 50, accounts: 10, start: Date.UTC(2026, 10, 1), days: 1, lateShare: 0, maxLatenessMs: 0, patterns: 1 });
    const features = computeFeatures(history);
    const sequences = computeSequences(history);
    const size = sequences.steps * sequences.channels;
    const inputs = features.map((vector, i) => ({ row: toModelInput(vector), sequence: sequences.data.slice(i * size, (i + 1) * size) }));
    const scored = await held.champion!.scorer.score(inputs);
    held.release();
    const next = live.acquire();
    const rescored = await next.champion!.scorer.score(inputs);
    next.release();
    expect(scored.map((s) => s.version)).toEqual(inputs.map(() => 1));
    expect(rescored.map((s) => s.version)).toEqual(inputs.map(() => 2));
    // Same trained weights under both versions: the same scores.
    expect(rescored.map((s) => s.score)).toEqual(scored.map((s) => s.score));
    const audit = await api('GET', '/audit?action=model.promote', tokens.admin);
    expect(audit.body.items.map((e: { subjectId: string; actor: string; details: { role: string } }) => [e.subjectId, e.actor, e.details.role])).toEqual([
      ['risk@2', 'admin', 'champion'],
      ['risk@1', 'admin', 'champion'],
    ]);
    expect((await api('GET', '/models/risk/versions/1', tokens.viewer)).body.status).toBe('retired');
  });

  it('refuses the champion as shadow and unknown versions', async () => {
    const shadowChampion = await api('POST', '/models/risk/versions/2/promote', tokens.admin, { role: 'shadow' });
    const unknown = await api('POST', '/models/risk/versions/7/promote', tokens.admin, { role: 'shadow' });

    expect([shadowChampion.status, shadowChampion.body.code]).toEqual([409, 'MODEL_INVALID_PROMOTION']);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'MODEL_NOT_FOUND']);
  });

  it('reports the champion’s drift per input and for the score, with alerts, and exports the gauges', async () => {
    const before = await api('GET', '/models/drift', tokens.viewer);
    const lease = app.get(LiveRiskModel).acquire();
    const reference = lease.champion!.reference!;
    const amount = reference.features.find((f) => f.name === 'tx_amount')!;
    // Every live input far above the training range: all in the top bin.
    for (let i = 0; i < 600; i++) app.get(ModelDrift).observe(lease.champion!, new Array(FEATURE_NAMES.length).fill(1e12), 1);
    lease.release();
    const topShare = amount.proportions[amount.proportions.length - 2];

    const after = await api('GET', '/models/drift', tokens.viewer);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();

    expect(before.body).toEqual({ monitored: false, alerts: [] });
    expect(after.body).toMatchObject({ monitored: true, model: 'risk', version: 2, observations: 600, klThreshold: 0.15 });
    expect(after.body.alerts).toContain('tx_amount');
    const live = after.body.features.find((f: { name: string }) => f.name === 'tx_amount');
    expect(live.alert).toBe(true);
    // KL(live ‖ training) with all live mass in the top bin: −ln(training share of that bin), up to smoothing.
    expect(live.kl).toBeCloseTo(-Math.log(topShare), 1);
    expect(metrics).toMatch(/model_drift_alert\{model="risk",version="2",service="risk-api"\} 1/);
    expect(metrics).toMatch(/model_drift_kl\{model="risk",version="2",feature="tx_amount",service="risk-api"\} \d/);
  });
});
