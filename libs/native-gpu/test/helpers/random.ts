/** Seeded inputs for the window-aggregate specs (deterministic across runs and machines). */
import type { WindowAggregatesInput } from '../../lib/window-agg';

/** mulberry32: a tiny seeded PRNG with a uniform [0, 1) output. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StreamOptions {
  seed: number;
  /** Number of keys. */
  keys: number;
  /** Events per key are uniform in [1, maxEventsPerKey]. */
  maxEventsPerKey: number;
  /** Integer values in [-1000, 1000] (exact sums) instead of reals with decimals. */
  integerValues?: boolean;
  /** Add this to every value (tests cancellation in the variance). */
  valueOffset?: number;
  /** Distinct category values, 0 = no categories. */
  categories?: number;
  /** Probability that an event has the same timestamp as the previous one of its key. */
  tieProbability?: number;
  windowsMs?: number[];
}

export const DEFAULT_WINDOWS_MS = [1_000, 60_000, 3_600_000, 86_400_000, 7 * 86_400_000];

// Gaps between events of a key: a mix of bursts (ms), minutes and hours, so every window length sees
// windows of very different sizes.
function gapMs(random: () => number, tieProbability: number): number {
  const u = random();
  if (u < tieProbability) return 0;
  const scale = [1_000, 120_000, 7_200_000, 172_800_000][Math.floor(random() * 4)];
  return 1 + Math.floor(random() * scale);
}

/** A (key, time)-sorted stream with keys from -keys/2 upwards, so negative keys are covered. */
export function randomStream(options: StreamOptions): WindowAggregatesInput {
  const random = rng(options.seed);
  const keys: number[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const categories: number[] = [];
  let key = -Math.floor(options.keys / 2);
  for (let k = 0; k < options.keys; k++) {
    key += 1 + Math.floor(random() * 3);
    const events = 1 + Math.floor(random() * options.maxEventsPerKey);
    let t = 1.7e12 + Math.floor(random() * 1e9);
    for (let e = 0; e < events; e++) {
      if (e > 0) t += gapMs(random, options.tieProbability ?? 0.1);
      keys.push(key);
      times.push(t);
      const v = options.integerValues ? Math.floor(random() * 2001) - 1000 : Math.round(random() * 1e6) / 100 - 3000;
      values.push(v + (options.valueOffset ?? 0));
      categories.push(Math.floor(random() * Math.max(options.categories ?? 0, 1)) - 2);
    }
  }
  return {
    keys: Int32Array.from(keys),
    times: Float64Array.from(times),
    values: Float64Array.from(values),
    ...(options.categories ? { categories: Int32Array.from(categories) } : {}),
    windowsMs: options.windowsMs ?? DEFAULT_WINDOWS_MS,
  };
}

/** An input from plain arrays, for hand-written cases. */
export function input(keys: number[], times: number[], values: number[], windowsMs: number[], categories?: number[]): WindowAggregatesInput {
  return {
    keys: Int32Array.from(keys),
    times: Float64Array.from(times),
    values: Float64Array.from(values),
    ...(categories ? { categories: Int32Array.from(categories) } : {}),
    windowsMs,
  };
}
