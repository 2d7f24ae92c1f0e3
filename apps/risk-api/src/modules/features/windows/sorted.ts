/**
 * The first index in `values[from, to)` (sorted ascending) whose value is > `x`, or `to` if none.
 * Placing an event there keeps equal timestamps in processing order.
 */
export function upperBound(values: readonly number[], x: number, from: number, to: number): number {
  // Streams are mostly in order: the answer is usually the end.
  if (from >= to || values[to - 1] <= x) return to;
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The first index in `values[from, to)` (sorted ascending) whose value is >= `x`, or `to` if none. */
export function lowerBound(values: readonly number[], x: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
