/** @jest-environment @vigil/core-ml/test/ort-environment */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { Topic } from '@vigil/contracts';

import { LiveRiskModel } from '../src/modules/models/live-risk-model';
import { MODEL_REGISTRY, type RiskModelRegistry } from '../src/modules/models/models.tokens';
import { generate } from '../src/simulator/generate';
import { RiskHarness } from './risk-harness';
import { stageRiskModel } from './risk-models';

jest.setTimeout(240_000);

const WAVES = 12;
const ACTOR = { username: 'ci' };

/**
 * The champion is replaced while transactions stream through the broker: every transaction must
 * get exactly one decision, scored by exactly one champion version, and within a partition the
 * versions may only move forward (a batch is never split between two champions).
 */
describe('champion hot swap during a stream', () => {
  let harness: RiskHarness;
  let modelsRoot: string;
  const { transactions } = generate({ seed: 21, accounts: 150, days: 3, start: '2026-11-01', patterns: { 'fan-out': 2, structuring: 2, 'card-testing': 2 }, decoys: {} });
  const wave = Math.ceil(transactions.length / WAVES);

  beforeAll(async () => {
    modelsRoot = await mkdtemp(path.join(tmpdir(), 'vigil-risk-swap-'));
    harness = await RiskHarness.start();
    const app = await harness.startApp({ MODELS_DIR: modelsRoot });
    const registry = app.get<RiskModelRegistry>(MODEL_REGISTRY);
    const live = app.get(LiveRiskModel);
    for (const version of [1, 2]) await registry.register(await stageRiskModel(modelsRoot, version), ACTOR);
    await registry.promote('risk', 1, 'champion', ACTOR);
    await live.refresh();

    const waveOf = (w: number) => transactions.slice(w * wave, (w + 1) * wave);
    for (let w = 0; w < WAVES; w++) {
      await harness.sendTransactions(waveOf(w));
      if (w === 4) {
        // Mid-stream: the first waves are decided by version 1, waves 3 and 4 may still be in flight.
        await harness.decided(transactions.slice(0, 3 * wave).map((tx) => tx.txId));
        await registry.promote('risk', 2, 'champion', ACTOR);
        await live.refresh();
      }
      if (w === 8) {
        await harness.decided(transactions.slice(0, 8 * wave).map((tx) => tx.txId));
        await registry.promote('risk', 1, 'shadow', ACTOR);
        await live.refresh();
      }
    }
    await harness.decided(transactions.map((tx) => tx.txId), 180_000);
  });

  afterAll(async () => {
    await harness?.stop();
    if (modelsRoot) await rm(modelsRoot, { recursive: true, force: true });
  });

  it('stores one decision per transaction, each scored by one champion version', async () => {
    const { rows } = await harness.db.query<{ tx_id: string; version: string | null }>(`SELECT "tx_id", "model"->>'version' AS "version" FROM "risk"."decision"`);

    expect(rows).toHaveLength(transactions.length);
    expect(new Set(rows.map((r) => r.tx_id)).size).toBe(transactions.length);
    const versions = rows.map((r) => r.version);
    expect(versions.every((v) => v === '1' || v === '2')).toBe(true);
    expect(versions).toContain('1');
    expect(versions).toContain('2');
  });

  it('never goes back to the old champion within a partition', async () => {
    const { rows } = await harness.db.query<{ partition: number; version: string }>(
      `SELECT t."source_partition" AS "partition", d."model"->>'version' AS "version"
         FROM "risk"."decision" d JOIN "risk"."transaction" t USING ("tx_id")
        ORDER BY t."source_partition", t."source_offset"`,
    );
    const byPartition = new Map<number, string[]>();
    for (const row of rows) byPartition.set(row.partition, [...(byPartition.get(row.partition) ?? []), row.version]);
    for (const sequence of byPartition.values()) expect(sequence.join('')).toMatch(/^1*2*$/);
  });

  it('publishes each decision once, with the version that scored it', async () => {
    const published = await harness.readTopic(Topic.RiskDecisions, transactions.length);
    const { rows } = await harness.db.query<{ tx_id: string; version: string }>(`SELECT "tx_id", "model"->>'version' AS "version" FROM "risk"."decision"`);
    const stored = new Map(rows.map((r) => [r.tx_id, r.version]));

    expect(published).toHaveLength(transactions.length);
    expect(new Set(published.map((m) => m.key)).size).toBe(transactions.length);
    for (const message of published) {
      const decision = JSON.parse(message.value) as { model: { name: string; version: string; score: number }; topFeatures: unknown[] };
      expect(decision.model).toMatchObject({ name: 'risk', version: stored.get(message.key) });
      expect(decision.topFeatures.length).toBeGreaterThan(0);
    }
  });

  it('stores the shadow model’s scores once it is live, beside the champion’s', async () => {
    const { rows } = await harness.db.query<{ n: number; versions: number[] }>(
      `SELECT count(*)::int AS "n", array_agg(DISTINCT "model_version") AS "versions" FROM "risk"."shadow_model_score"`,
    );
    const last = transactions.slice((WAVES - 1) * wave).map((tx) => tx.txId);
    const { rows: lastWave } = await harness.db.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "risk"."shadow_model_score" WHERE "tx_id" = ANY($1)`, [last]);

    expect(rows[0].versions).toEqual([1]);
    expect(rows[0].n).toBeLessThan(transactions.length);
    expect(lastWave[0].n).toBe(last.length);
  });
});
