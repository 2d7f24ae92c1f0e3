import { Rng } from '@vigil/platform';

import { combineLogits, fitLogisticStack, logit } from './logistic-stack';

describe('logistic stack', () => {
  it('recovers the weights that generated the labels', () => {
    const rng = new Rng(7);
    const n = 20_000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = rng.normal() * 2;
      b[i] = rng.normal() * 2;
      y[i] = rng.float() < 1 / (1 + Math.exp(-(0.5 + 1.5 * a[i] - 0.7 * b[i]))) ? 1 : 0;
    }
    const stack = fitLogisticStack(['a', 'b'], [a, b], y, 0);
    expect(stack.weights[0]).toBeCloseTo(1.5, 1);
    expect(stack.weights[1]).toBeCloseTo(-0.7, 1);
    expect(stack.bias).toBeCloseTo(0.5, 1);
    expect(combineLogits(stack, [0, 0])).toBeCloseTo(1 / (1 + Math.exp(-stack.bias)), 12);
  });

  it('stays finite on separable data thanks to the penalty', () => {
    const stack = fitLogisticStack(['a'], [[-2, -1, 1, 2]], [0, 0, 1, 1]);
    expect(Number.isFinite(stack.weights[0])).toBe(true);
    expect(combineLogits(stack, [2])).toBeGreaterThan(0.9);
  });

  it('clamps probabilities before taking logits', () => {
    expect(logit(0.5)).toBe(0);
    expect(Number.isFinite(logit(1))).toBe(true);
    expect(Number.isFinite(logit(0))).toBe(true);
  });

  it('names mismatched inputs', () => {
    expect(() => fitLogisticStack(['a'], [[1, 2]], [1])).toThrow('column a has 2 rows, labels has 1');
    expect(() => combineLogits({ inputs: ['a', 'b'], weights: [1, 1], bias: 0 }, [1])).toThrow('expected 2 logits (a, b), got 1');
  });
});
