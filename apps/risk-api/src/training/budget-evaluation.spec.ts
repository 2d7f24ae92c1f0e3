import { Rng } from '@vigil/platform';

import { AlertBudgetSettings } from '../modules/budget/alert-budget';
import { Decision } from '../modules/rules';
import { evaluateAtBudget } from './budget-evaluation';
import { RiskDataset } from './dataset';

const SETTINGS: AlertBudgetSettings = { share: 0.01, blockShare: 0.1, epochSize: 20_000, warmup: 2_000, reestimateEvery: 1_000 };

/** 40 000 benign rows scored log-uniformly over (e^-8, 0.5] as a model's probabilities spread, rules flagging every 400th, and ten 3-row instances scored near the top. */
function stream(): { data: RiskDataset; scores: Float64Array } {
  const rows = 40_000;
  const rng = new Rng(7);
  const scores = Float64Array.from({ length: rows }, () => 0.5 * Math.exp(-8 * rng.float()));
  const ruleDecisions: Decision[] = Array.from({ length: rows }, (_, row) => (row % 400 === 0 ? 'REVIEW' : 'ALLOW'));
  const ruleHits = ruleDecisions.map((d) => (d === 'ALLOW' ? [] : ['FI-01']));
  const labels = new Float32Array(rows);
  const pattern = new Array<string>(rows).fill('background');
  const instance = new Array<string | null>(rows).fill(null);
  for (let i = 0; i < 10; i++) {
    for (let k = 0; k < 3; k++) {
      const row = 5_001 + i * 3_000 + k * 7;
      labels[row] = 1;
      pattern[row] = 'fan-in';
      instance[row] = `fan-in-${i}`;
      // One instance scores only in the middle of the benign range: the budget must miss it.
      scores[row] = i === 9 ? 0.01 : 0.6 + 0.01 * k;
    }
  }
  const data: RiskDataset = {
    spec: { seed: 7, accounts: 50, days: 1, start: '2026-11-01', intensity: 1 },
    rows,
    features: new Float32Array(0),
    sequences: new Float32Array(0),
    steps: 0,
    channels: 0,
    labels,
    ruleScores: new Float32Array(rows),
    ruleDecisions,
    ruleHits,
    channel: new Array<string>(rows).fill('POS'),
    type: new Array<string>(rows).fill('PAYMENT'),
    day: new Int32Array(rows),
    pattern,
    instance,
  };
  return { data, scores };
}

describe(evaluateAtBudget.name, () => {
  it('holds the budget with the rules counted in, and counts an instance caught when one of its rows is flagged', () => {
    const { data, scores } = stream();

    const result = evaluateAtBudget(scores, data, SETTINGS, { review: 0.1, block: 0.99 }, 50);

    expect(result.warmupTransactions).toBe(2_000);
    expect(result.rulesFlaggedShare).toBeCloseTo(1 / 400, 4);
    expect(result.flaggedShare).toBeGreaterThan(0.008);
    expect(result.flaggedShare).toBeLessThan(0.012);
    expect(result.perPattern).toEqual([{ pattern: 'fan-in', instances: 10, detected: 9, recall: 0.9, transactionRecall: 0.9 }]);
    expect(result.topRules).toEqual([{ rule: 'FI-01', hitRate: expect.closeTo(1 / 400, 4) }]);
  });

  it('refuses scores that do not match the rows', () => {
    const { data } = stream();

    expect(() => evaluateAtBudget(new Float64Array(3), data, SETTINGS, { review: 0.1, block: 0.99 })).toThrow('3 scores for 40000 rows');
  });
});
