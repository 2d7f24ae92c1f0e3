/**
 * Brute-force reference for windowAggregates: for every (event, window) it scans back over the
 * window's events. O(n * window length): for specs only. Sums run in event order; std is two-pass.
 */
import type { WindowStatistics } from '../../lib/binding';
import type { WindowAggregatesInput } from '../../lib/window-agg';

export type ReferenceAggregates = WindowStatistics;

export function referenceWindowAggregates(input: WindowAggregatesInput): ReferenceAggregates {
  const { keys, times, values, categories, windowsMs } = input;
  const n = keys.length;
  const w = windowsMs.length;
  const out = {
    count: new Float64Array(n * w),
    sum: new Float64Array(n * w),
    mean: new Float64Array(n * w),
    std: new Float64Array(n * w),
    min: new Float64Array(n * w),
    max: new Float64Array(n * w),
    distinct: categories ? new Float64Array(n * w) : undefined,
  };
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < w; k++) {
      const start = times[i] - windowsMs[k];
      let left = i;
      while (left > 0 && keys[left - 1] === keys[i] && times[left - 1] > start) left--;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      const seen = new Set<number>();
      for (let j = left; j <= i; j++) {
        sum += values[j];
        min = Math.min(min, values[j]);
        max = Math.max(max, values[j]);
        if (categories) seen.add(categories[j]);
      }
      const count = i - left + 1;
      const mean = sum / count;
      let m2 = 0;
      for (let j = left; j <= i; j++) m2 += (values[j] - mean) ** 2;
      const o = i * w + k;
      out.count[o] = count;
      out.sum[o] = sum;
      out.mean[o] = mean;
      out.std[o] = Math.sqrt(m2 / count);
      out.min[o] = min;
      out.max[o] = max;
      if (out.distinct) out.distinct[o] = seen.size;
    }
  }
  return out;
}
