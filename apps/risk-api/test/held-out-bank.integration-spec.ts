/** @jest-environment @vigil/core-ml/test/ort-environment */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

import { combineLogits, verifyArtifact } from '@vigil/core-ml';

import { DEFAULT_ALERT_BUDGET_SETTINGS } from '../src/modules/budget/alert-budget';
import { FEATURE_NAMES } from '../src/modules/features';
import { RiskModelManifest } from '../src/modules/scoring/risk-scorer';
import { PATTERN_NAMES } from '../src/simulator/patterns';
import { evaluateAtBudget } from '../src/training/budget-evaluation';
import { buildDataset, StreamSpec } from '../src/training/dataset';
import { runOnnx } from '../src/training/onnx-scoring';
import { FLAGGED_SHARE_TOLERANCE, PATTERN_RECALL_TARGET } from '../src/training/train-risk';
import { SHIPPED_RISK_MODEL } from './risk-models';

jest.setTimeout(300_000);

/**
 * The shipped champion and default rules on a bank they were never trained or tuned on (the
 * simulator's second population, a seed no card uses), decided as the service decides at the
 * default 1 % alert budget: the analysts' queue stays within budget and every typology is caught.
 */
describe('the shipped model and rules on a held-out bank', () => {
  const BANK: StreamSpec = { population: 'second', seed: 90_210, accounts: 5_000, days: 10, start: '2026-10-05', intensity: 1 };

  it('flags at most 1.5 % after warm-up and at least 90 % of every typology\'s instances', async () => {
    const { manifest } = await verifyArtifact(SHIPPED_RISK_MODEL);
    const model = manifest as unknown as RiskModelManifest;
    const data = buildDataset(BANK);
    const [trees, sequence] = await Promise.all([
      runOnnx(await readFile(path.join(SHIPPED_RISK_MODEL, 'trees.onnx')), 'features', 'margin', data.features, data.rows, [FEATURE_NAMES.length]),
      runOnnx(await readFile(path.join(SHIPPED_RISK_MODEL, 'sequence.onnx')), 'sequence', 'logit', data.sequences, data.rows, [data.steps, data.channels]),
    ]);
    const scores = Float64Array.from(trees, (z, row) => combineLogits(model.stack, [z, sequence[row]]));

    const evaluation = evaluateAtBudget(scores, data, DEFAULT_ALERT_BUDGET_SETTINGS, model.thresholds);

    expect(DEFAULT_ALERT_BUDGET_SETTINGS.share).toBe(0.01);
    expect(evaluation.transactions - evaluation.warmupTransactions).toBeGreaterThan(10 * DEFAULT_ALERT_BUDGET_SETTINGS.warmup);
    expect(evaluation.flaggedShare).toBeLessThanOrEqual(DEFAULT_ALERT_BUDGET_SETTINGS.share * FLAGGED_SHARE_TOLERANCE);
    expect(evaluation.perPattern.map((p) => p.pattern)).toEqual([...PATTERN_NAMES].sort());
    expect(evaluation.perPattern.filter((p) => p.instances < 5)).toEqual([]);
    expect(evaluation.perPattern.filter((p) => p.recall < PATTERN_RECALL_TARGET)).toEqual([]);
  });
});
