/**
 * Array comparisons for kernel/twin/reference checks (onnxruntime test-utils, llm.c validate_result):
 * length first, then element-wise `|a - e| <= atol + |e| * rtol`, reporting the first bad index.
 */
import type { ReferenceAggregates } from './reference';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const EXACT: Tolerance = { atol: 0, rtol: 0 };

export function expectArrayClose(name: string, actual: Float64Array | undefined, expected: Float64Array | undefined, tol: Tolerance): void {
  if (expected === undefined) {
    expect(actual).toBeUndefined();
    return;
  }
  if (actual === undefined) throw new Error(`${name}: missing output`);
  if (actual.length !== expected.length) {
    throw new Error(`${name}: length ${actual.length}, expected ${expected.length}`);
  }
  let bad = 0;
  let first = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = tol.atol === 0 && tol.rtol === 0 ? Object.is(a, e) || a === e : Math.abs(a - e) <= tol.atol + Math.abs(e) * tol.rtol;
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new Error(
      `${name}: ${bad} of ${actual.length} elements differ (atol ${tol.atol}, rtol ${tol.rtol}); ` +
        `first at [${first}]: got ${actual[first]}, expected ${expected[first]}`,
    );
  }
}

export interface AggregateTolerances {
  /** count, min, max, distinct are always exact. */
  sum: Tolerance;
  mean: Tolerance;
  std: Tolerance;
}

/** Integer-valued inputs: every statistic but std is exact. */
export const INTEGER_TOLERANCES: AggregateTolerances = {
  sum: EXACT,
  mean: EXACT,
  std: { atol: 1e-9, rtol: 1e-9 },
};

/** Real-valued inputs. */
export const REAL_TOLERANCES: AggregateTolerances = {
  sum: { atol: 1e-9, rtol: 1e-12 },
  mean: { atol: 1e-9, rtol: 1e-12 },
  std: { atol: 1e-7, rtol: 1e-9 },
};

export function expectAggregatesClose(actual: ReferenceAggregates, expected: ReferenceAggregates, tol: AggregateTolerances): void {
  expectArrayClose('count', actual.count, expected.count, EXACT);
  expectArrayClose('min', actual.min, expected.min, EXACT);
  expectArrayClose('max', actual.max, expected.max, EXACT);
  expectArrayClose('distinct', actual.distinct, expected.distinct, EXACT);
  expectArrayClose('sum', actual.sum, expected.sum, tol.sum);
  expectArrayClose('mean', actual.mean, expected.mean, tol.mean);
  expectArrayClose('std', actual.std, expected.std, tol.std);
}

/** Bitwise equality of every output (e.g. the same backend under different thread counts). */
export function expectAggregatesIdentical(actual: ReferenceAggregates, expected: ReferenceAggregates): void {
  expectAggregatesClose(actual, expected, { sum: EXACT, mean: EXACT, std: EXACT });
}
