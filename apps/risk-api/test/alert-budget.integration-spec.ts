/** @jest-environment @vigil/core-ml/test/ort-environment */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { Topic } from '@vigil/contracts';
import { jsonApi } from '@vigil/devstack';
import { createUser, PasswordHasher } from '@vigil/platform';

import { LiveRiskModel } from '../src/modules/models/live-risk-model';
import { MODEL_REGISTRY, type RiskModelRegistry } from '../src/modules/models/models.tokens';
import { generate } from '../src/simulator/generate';
import { RiskHarness } from './risk-harness';
import { stageRiskModel } from './risk-models';

jest.setTimeout(300_000);

const PASSWORD = 'a-long-enough-password';
/** A small window, so a short stream warms up and re-estimates several times. */
const BUDGET_ENV = { ALERT_BUDGET_EPOCH: '1000', ALERT_BUDGET_WARMUP: '300', ALERT_BUDGET_REESTIMATE_EVERY: '200' };

interface StampedRow {
  tx_id: string;
  thresholds_version: string | null;
  basis: string;
  share: string;
  partition: number;
}

/**
 * The alert budget through the real pipeline: a stream through the development broker, decided by
 * the shipped champion at the budget's thresholds. Every decision stamps a stored threshold version
 * (the shipped thresholds while warming up, then the window's), admins set the share over REST, and
 * after a restart the service continues with the thresholds it stored.
 */
describe('the alert budget', () => {
  let harness: RiskHarness;
  let modelsRoot: string;
  let baseUrl: string;
  const tokens: Record<string, string> = {};
  const api = jsonApi(() => baseUrl);
  const { transactions } = generate({ seed: 31, accounts: 250, days: 5, start: '2026-11-01', patterns: { 'fan-out': 2, structuring: 2 }, decoys: {} });
  const first = transactions.slice(0, 1_400);
  const second = transactions.slice(1_400, 1_450);
  const third = transactions.slice(1_450, 1_500);

  /** Until the slot serves the champion (a refresh joins one already under way, which may predate the promotion). */
  const championLive = async (live: LiveRiskModel) => {
    for (const deadline = Date.now() + 30_000; live.versions.champion !== 1; await live.refresh()) {
      if (Date.now() > deadline) throw new Error('the champion did not go live');
    }
  };
  const startApp = async () => {
    const app = await harness.startApp({ MODELS_DIR: modelsRoot, ...BUDGET_ENV });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    return app;
  };
  const stamped = async (txIds: string[]) =>
    (
      await harness.db.query<StampedRow>(
        `SELECT d."tx_id", d."thresholds_version", a."thresholds"->'global'->>'basis' AS "basis", a."share", t."source_partition" AS "partition"
           FROM "risk"."decision" d JOIN "risk"."transaction" t USING ("tx_id") LEFT JOIN "risk"."alert_thresholds" a ON a."version" = d."thresholds_version"
          WHERE d."tx_id" = ANY($1) ORDER BY t."source_partition", t."source_offset"`,
        [txIds],
      )
    ).rows;
  const latestVersion = async () =>
    (await harness.db.query<{ version: string; thresholds: unknown }>(`SELECT "version", "thresholds" FROM "risk"."alert_thresholds" ORDER BY "version" DESC LIMIT 1`)).rows[0];

  beforeAll(async () => {
    expect(third).toHaveLength(50);
    modelsRoot = await mkdtemp(path.join(tmpdir(), 'vigil-risk-budget-'));
    harness = await RiskHarness.start();
    const app = await startApp();
    const registry = app.get<RiskModelRegistry>(MODEL_REGISTRY);
    await registry.register(await stageRiskModel(modelsRoot, 1), { username: 'ci' });
    await registry.promote('risk', 1, 'champion', { username: 'ci' });
    await championLive(app.get(LiveRiskModel));
    for (const role of ['admin', 'analyst', 'viewer'] as const) {
      await createUser({ databaseUrl: harness.database.url, service: 'risk-api', username: role, password: PASSWORD, role, hasher: new PasswordHasher({ ln: 10, r: 8, p: 1 }) });
      tokens[role] = (await api('POST', '/auth/token', undefined, { username: role, password: PASSWORD })).body.accessToken as string;
    }
    await harness.sendTransactions(first);
    await harness.decided(first.map((tx) => tx.txId), 180_000);
  });

  afterAll(async () => {
    await harness?.stop();
    if (modelsRoot) await rm(modelsRoot, { recursive: true, force: true });
  });

  it('stamps every decision with a stored version: the shipped thresholds while warming up, then the window’s', async () => {
    const rows = await stamped(first.map((tx) => tx.txId));

    expect(rows).toHaveLength(first.length);
    expect(rows.every((row) => row.thresholds_version !== null && row.basis !== null)).toBe(true);
    expect(rows.some((row) => row.basis === 'shipped')).toBe(true);
    expect(rows.some((row) => row.basis === 'window')).toBe(true);
    // Within a partition, decisions follow the versions forward (a batch decides with one version).
    const byPartition = new Map<number, number[]>();
    for (const row of rows) byPartition.set(row.partition, [...(byPartition.get(row.partition) ?? []), Number(row.thresholds_version)]);
    for (const versions of byPartition.values()) expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('publishes the version on risk.decisions', async () => {
    const published = await harness.readTopic(Topic.RiskDecisions, first.length);
    const stored = new Map((await stamped(first.map((tx) => tx.txId))).map((row) => [row.tx_id, Number(row.thresholds_version)]));

    expect(published).toHaveLength(first.length);
    for (const message of published) expect((JSON.parse(message.value) as { thresholdsVersion: number }).thresholdsVersion).toBe(stored.get(message.key));
  });

  it('reports the window and each rule’s hit rate against the budget to viewers', async () => {
    const { status, body } = await api('GET', '/alert-budget', tokens.viewer);

    expect(status).toBe(200);
    expect(body).toMatchObject({ share: 0.01, setBy: null, model: { name: 'risk', version: 1 }, phase: 'operating', version: Number((await latestVersion()).version) });
    expect(body.window.transactions).toBeGreaterThan(0);
    expect(body.thresholds.global.basis).toBe('window');
    for (const rule of body.rules as { hitRate: number; noisy: boolean }[]) expect(rule.noisy).toBe(rule.hitRate > 0.01);
  });

  it('lets only admins set the share, refuses a bad one, audits it, and re-estimates at once', async () => {
    const refused = await Promise.all([
      api('PUT', '/alert-budget', tokens.analyst, { share: 0.02 }),
      api('PUT', '/alert-budget', tokens.admin, { share: 0 }),
      api('PUT', '/alert-budget', tokens.admin, { share: 0.9 }),
      api('PUT', '/alert-budget', tokens.admin, { share: 'a lot' }),
      api('PUT', '/alert-budget', tokens.admin, {}),
    ]);
    const set = await api('PUT', '/alert-budget', tokens.admin, { share: 0.02 });
    const audit = await api('GET', '/audit?action=alert_budget.set', tokens.admin);
    await harness.sendTransactions(second);
    await harness.decided(second.map((tx) => tx.txId));
    const rows = await stamped(second.map((tx) => tx.txId));

    expect(refused.map((r) => r.status)).toEqual([403, 400, 400, 400, 400]);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ share: 0.02, setBy: { username: 'admin' } });
    expect(audit.body.items).toEqual([expect.objectContaining({ actor: 'admin', action: 'alert_budget.set', details: { share: 0.02, previous: 0.01 } })]);
    expect(rows.every((row) => Number(row.share) === 0.02)).toBe(true);
  });

  it('continues after a restart with the thresholds it stored', async () => {
    const before = await latestVersion();
    await harness.app?.close();
    await championLive((await startApp()).get(LiveRiskModel));

    await harness.sendTransactions(third);
    await harness.decided(third.map((tx) => tx.txId), 120_000);
    const rows = await stamped(third.map((tx) => tx.txId));
    const { body } = await api('GET', '/alert-budget', tokens.viewer);

    expect(rows.map((row) => row.thresholds_version)).toEqual(third.map(() => before.version));
    expect(await latestVersion()).toEqual(before);
    expect(body).toMatchObject({ share: 0.02, version: Number(before.version), thresholds: before.thresholds });
  });
});
