import { averagePrecision, precisionRecallCurve, recallAtThreshold, rocAuc, thresholdAtAlertRate } from './ranking-metrics';

describe('ranking metrics', () => {
  // Hand-worked: sorted by score the labels read 1 0 1 1 0 0.
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
  const labels = [1, 0, 1, 1, 0, 0];

  it('traces precision and recall at every distinct score', () => {
    const curve = precisionRecallCurve(scores, labels);
    expect(curve.map((p) => [p.precision, p.recall])).toEqual([
      [1, 1 / 3],
      [1 / 2, 1 / 3],
      [2 / 3, 2 / 3],
      [3 / 4, 1],
      [3 / 5, 1],
      [1 / 2, 1],
    ]);
    expect(curve[2].alertRate).toBeCloseTo(0.5);
  });

  it('computes average precision as the recall-weighted sum of precisions', () => {
    // 1/3·1 + 1/3·2/3 + 1/3·3/4
    expect(averagePrecision(scores, labels)).toBeCloseTo((1 + 2 / 3 + 3 / 4) / 3, 12);
  });

  it('treats tied scores as one step whatever their order', () => {
    const a = averagePrecision([0.5, 0.5, 0.1], [1, 0, 0]);
    const b = averagePrecision([0.5, 0.5, 0.1], [0, 1, 0]);
    expect(a).toBe(b);
    expect(a).toBeCloseTo(0.5, 12);
  });

  it('picks the threshold that keeps the alert rate within budget, ties excluded', () => {
    expect(thresholdAtAlertRate(scores, 0.5)).toBe(0.7);
    expect(thresholdAtAlertRate([0.9, 0.8, 0.8, 0.1], 0.5)).toBe(0.9);
    expect(thresholdAtAlertRate([0.8, 0.8, 0.1, 0.1], 0.25)).toBe(Infinity);
    expect(thresholdAtAlertRate(scores, 0.1)).toBe(Infinity);
    expect(thresholdAtAlertRate(scores, 1)).toBe(0.4);
  });

  it('computes recall at a threshold', () => {
    expect(recallAtThreshold(scores, labels, 0.7)).toBeCloseTo(2 / 3, 12);
    expect(recallAtThreshold(scores, labels, Infinity)).toBe(0);
  });

  it('computes ROC AUC as the probability a positive outranks a negative', () => {
    // Pairs (pos, neg): 9 in all; positives 0.9 beat 3, 0.7 beats 2, 0.6 beats 2 → 7/9.
    expect(rocAuc(scores, labels)).toBeCloseTo(7 / 9, 12);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBeCloseTo(0.5, 12);
  });

  it('refuses inputs that make the metrics meaningless, naming the problem', () => {
    expect(() => averagePrecision([0.1, 0.2], [1])).toThrow('scores has 2 items but labels has 1');
    expect(() => averagePrecision([0.1, NaN], [1, 0])).toThrow('scores[1] is NaN');
    expect(() => averagePrecision([0.1, 0.2], [1, 2])).toThrow('labels[1] is 2');
    expect(() => averagePrecision([0.1, 0.2], [0, 0])).toThrow('no positive item');
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow('both classes');
    expect(() => thresholdAtAlertRate(scores, 0)).toThrow('rate is 0');
  });
});
