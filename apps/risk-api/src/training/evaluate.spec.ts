import { FEATURE_NAMES } from '../modules/features';
import { RiskDataset } from './dataset';
import { bestSingleFeatureRule, evaluateScorer, patternRecall, singleFeatureScores } from './evaluate';

const WIDTH = FEATURE_NAMES.length;

/** 200 rows: 196 background, then two fan-out instances of two transactions each. */
function dataset(): RiskDataset {
  const rows = 200;
  const features = new Float32Array(rows * WIDTH);
  const labels = new Float32Array(rows);
  const pattern: string[] = Array(rows).fill('background');
  const instance: (string | null)[] = Array(rows).fill(null);
  [196, 197, 198, 199].forEach((row, i) => {
    labels[row] = 1;
    pattern[row] = 'fan-out';
    instance[row] = i < 2 ? 'fan-out-001' : 'fan-out-002';
  });
  // orig_count_1h separates the positives; tx_hour_utc does so reversed.
  const count = FEATURE_NAMES.indexOf('orig_count_1h');
  const hour = FEATURE_NAMES.indexOf('tx_hour_utc');
  for (let row = 0; row < rows; row++) {
    features[row * WIDTH + count] = labels[row] ? 20 + row : row % 5;
    features[row * WIDTH + hour] = labels[row] ? -1 : 12;
  }
  return { spec: { seed: 1, accounts: 50, days: 1, start: '2026-11-01', intensity: 1 }, rows, features, sequences: new Float32Array(0), steps: 0, channels: 0, labels, ruleScores: new Float32Array(rows), ruleDecisions: new Array(rows).fill('ALLOW'), ruleHits: new Array(rows).fill([]), channel: new Array(rows).fill('POS'), type: new Array(rows).fill('PAYMENT'), day: new Int32Array(rows), pattern, instance };
}

describe('risk evaluation', () => {
  it('counts an instance as detected when any of its transactions is alerted', () => {
    const data = dataset();
    const scores = new Float32Array(data.rows);
    scores[196] = 0.9; // first instance: one of two alerted
    scores[199] = 0.1;
    expect(patternRecall(scores, data, 0.5)).toEqual([{ pattern: 'fan-out', instances: 2, detected: 1, recall: 0.5, transactionRecall: 0.25 }]);
  });

  it('reports PR-AUC and recall at each alert budget', () => {
    const data = dataset();
    const perfect = Float32Array.from(data.labels);
    const report = evaluateScorer('perfect', perfect.map((v, i) => v + i / 1e4), data);
    expect(report.prAuc).toBe(1);
    // 1 % of 200 rows is two alerts: half the positives; 2 % is four: all of them.
    expect(report.atAlertRates.map((r) => r.recall)).toEqual([0.25, 0.5, 1]);
    // The two alerts at 1 % are rows 199 and 198: both of the second instance.
    expect(report.perPattern[0]).toMatchObject({ instances: 2, detected: 1, recall: 0.5 });
    expect(() => evaluateScorer('short', new Float32Array(3), data)).toThrow('short: 3 scores for 200 rows');
  });

  it('finds the best single-feature rule and its direction', () => {
    const data = dataset();
    const rule = bestSingleFeatureRule(data);
    expect(rule.prAuc).toBe(1);
    expect(['orig_count_1h', 'tx_hour_utc']).toContain(rule.feature);
    const scores = singleFeatureScores(rule, data);
    expect(evaluateScorer('rule', scores, data).prAuc).toBe(1);
    expect(singleFeatureScores({ feature: 'tx_hour_utc', direction: -1, prAuc: 1 }, data)[199]).toBe(1);
  });
});
