/**
 * Model outputs against a reference (onnxruntime `js/node/test/test-utils.ts`): dims first, then
 * element-wise `|actual - expected| <= atol + |expected| * rtol`, reporting the first bad index.
 * Tolerances live in test/fixtures/tolerances.json, per model, with a default (STYLE R17).
 */
import type { Tensor } from 'onnxruntime-node';

import tolerances from '../fixtures/tolerances.json';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export function toleranceFor(model: string): Tolerance {
  const perModel: Record<string, Tolerance> = tolerances.models;
  return perModel[model] ?? tolerances.default;
}

export function expectTensorClose(model: string, actual: Tensor, dims: number[], expected: ArrayLike<number>): void {
  const { atol, rtol } = toleranceFor(model);
  expect(actual.type).toBe('float32');
  expect(actual.dims).toEqual(dims);
  const data = actual.data as Float32Array;
  expect(data.length).toBe(expected.length);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < data.length; i++) {
    if (!(Math.abs(data[i] - expected[i]) <= atol + Math.abs(expected[i]) * rtol)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad > 0) {
    throw new Error(
      `${model}: ${bad} of ${data.length} elements differ (atol ${atol}, rtol ${rtol}); ` +
        `first at [${first}]: got ${data[first]}, expected ${expected[first]}`,
    );
  }
}
