/**
 * windowAggregates on the CPU twin (and the emulated CUDA kernel math) against a brute-force
 * TypeScript reference on seeded data. Integer-valued inputs compare exactly (std: atol + |ref|*rtol).
 */
import { types } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { backends, windowAggregates } from '@vigil/native-gpu';

import { emulateWindowAggregatesKernel } from '../lib/window-agg';
import type { WindowAggregatesInput } from '../lib/window-agg';
import {
  expectAggregatesClose,
  expectAggregatesIdentical,
  expectArrayClose,
  EXACT,
  INTEGER_TOLERANCES,
  REAL_TOLERANCES,
} from './helpers/expect-close';
import { input, randomStream } from './helpers/random';
import { referenceWindowAggregates } from './helpers/reference';

// NATIVE_GPU_TEST_SCALE < 1 shrinks the large inputs (the valgrind leak run uses 0.05).
const SCALE = Number(process.env.NATIVE_GPU_TEST_SCALE ?? '1');
const scaled = (n: number): number => Math.max(1, Math.round(n * SCALE));

const cpu = { backend: 'cpu' } as const;

/** A full, synchronous garbage collection (without needing node --expose-gc). */
function forceGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe(windowAggregates.name, () => {
  describe('against the brute-force reference', () => {
    it.each([1, 2, 3, 4, 5])('matches exactly on integer-valued data (seed %i)', async (seed) => {
      // Prepare
      const data = randomStream({ seed, keys: 60, maxEventsPerKey: 80, integerValues: true, categories: 6 });

      // Act
      const result = await windowAggregates(data, cpu);

      // Assert
      expect(result.backend).toBe('cpu');
      expect(result.events).toBe(data.keys.length);
      expect(result.windows).toBe(data.windowsMs.length);
      expectAggregatesClose(result, referenceWindowAggregates(data), INTEGER_TOLERANCES);
    });

    it('matches within tolerance on real-valued data', async () => {
      const data = randomStream({ seed: 11, keys: 40, maxEventsPerKey: 120, categories: 50 });

      const result = await windowAggregates(data, cpu);

      expectAggregatesClose(result, referenceWindowAggregates(data), REAL_TOLERANCES);
    });

    it('keeps std accurate for values with a large common offset', async () => {
      // 1e9 + a few units: a naive sum-of-squares variance would lose every significant digit.
      const data = randomStream({ seed: 12, keys: 20, maxEventsPerKey: 200, valueOffset: 1e9 });

      const result = await windowAggregates(data, cpu);

      expectAggregatesClose(result, referenceWindowAggregates(data), {
        sum: { atol: 1e-3, rtol: 1e-14 },
        mean: { atol: 1e-6, rtol: 1e-14 },
        std: { atol: 1e-6, rtol: 1e-6 },
      });
    });

    it('does not drift over a long key with a short window', async () => {
      // 50k adds and removes through the same compensated sums.
      const n = scaled(50_000);
      const data = input(
        new Array(n).fill(7),
        Array.from({ length: n }, (_, i) => i * 100),
        Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 7 + 0.1),
        [1_000, 5_000],
      );

      const result = await windowAggregates(data, cpu);

      expectAggregatesClose(result, referenceWindowAggregates(data), REAL_TOLERANCES);
    });
  });

  describe('threads', () => {
    it.each([1, 2, 3, 7])('gives bit-identical results with %i thread(s)', async (threads) => {
      // Many small keys plus two long ones: long keys are split across threads by window.
      const small = randomStream({ seed: 21, keys: 300, maxEventsPerKey: 40, categories: 9 });
      const long = randomStream({ seed: 22, keys: 2, maxEventsPerKey: 6_000, categories: 30 });
      const offset = small.keys[small.keys.length - 1] + 10;
      const data: WindowAggregatesInput = {
        keys: Int32Array.from([...small.keys, ...Array.from(long.keys, (k) => k + offset + 10)]),
        times: Float64Array.from([...small.times, ...long.times]),
        values: Float64Array.from([...small.values, ...long.values]),
        categories: Int32Array.from([...(small.categories ?? []), ...(long.categories ?? [])]),
        windowsMs: small.windowsMs,
      };
      const single = await windowAggregates(data, { backend: 'cpu', threads: 1 });

      const result = await windowAggregates(data, { backend: 'cpu', threads });

      expectAggregatesIdentical(result, single);
      if (threads === 1) expectAggregatesClose(single, referenceWindowAggregates(data), REAL_TOLERANCES);
    });

    it('defaults to the hardware concurrency', async () => {
      const data = randomStream({ seed: 23, keys: 500, maxEventsPerKey: 30, integerValues: true });

      const result = await windowAggregates(data);

      expectAggregatesIdentical(result, await windowAggregates(data, { backend: 'cpu', threads: 1 }));
    });
  });

  describe('edge cases', () => {
    it('returns empty outputs for empty input', async () => {
      const result = await windowAggregates(input([], [], [], [60_000], []), cpu);

      expect(result.events).toBe(0);
      for (const stat of [result.count, result.sum, result.mean, result.std, result.min, result.max, result.distinct]) {
        expect(types.isFloat64Array(stat)).toBe(true); // not instanceof: the addon's realm is not jest's
        expect(stat).toHaveLength(0);
      }
    });

    it('aggregates a single event as itself', async () => {
      const result = await windowAggregates(input([3], [1000], [-42.5], [1, Infinity], [9]), cpu);

      expect(Array.from(result.count)).toEqual([1, 1]);
      expect(Array.from(result.sum)).toEqual([-42.5, -42.5]);
      expect(Array.from(result.mean)).toEqual([-42.5, -42.5]);
      expect(Array.from(result.std)).toEqual([0, 0]);
      expect(Array.from(result.min)).toEqual([-42.5, -42.5]);
      expect(Array.from(result.max)).toEqual([-42.5, -42.5]);
      expect(Array.from(result.distinct ?? [])).toEqual([1, 1]);
    });

    it('counts equal timestamps in streaming order (only j <= i)', async () => {
      const result = await windowAggregates(input([1, 1, 1, 1], [500, 500, 500, 500], [1, 2, 3, 4], [10], [5, 5, 6, 5]), cpu);

      expect(Array.from(result.count)).toEqual([1, 2, 3, 4]);
      expect(Array.from(result.sum)).toEqual([1, 3, 6, 10]);
      expect(Array.from(result.max)).toEqual([1, 2, 3, 4]);
      expect(Array.from(result.distinct ?? [])).toEqual([1, 1, 2, 2]);
    });

    it('excludes an event exactly one window length earlier, includes one 1 ms later', async () => {
      // Window 1000 ms at t=2000 covers (1000, 2000]: t=1000 is out, t=1001 is in.
      const result = await windowAggregates(input([1, 1, 1], [1000, 1001, 2000], [10, 20, 30], [1000]), cpu);

      expect(Array.from(result.count)).toEqual([1, 2, 2]);
      expect(Array.from(result.sum)).toEqual([10, 30, 50]);
      expect(Array.from(result.min)).toEqual([10, 10, 20]);
    });

    it('never mixes keys, even with identical timestamps', async () => {
      const result = await windowAggregates(input([1, 2, 3], [100, 100, 100], [1, 2, 3], [1e9], [0, 0, 0]), cpu);

      expect(Array.from(result.count)).toEqual([1, 1, 1]);
      expect(Array.from(result.sum)).toEqual([1, 2, 3]);
      expect(Array.from(result.distinct ?? [])).toEqual([1, 1, 1]);
    });

    it('treats an Infinity window as the key\'s whole history', async () => {
      const data = input([1, 1, 1, 2], [0, 1e12, 2e12, 5], [1, 2, 3, 4], [Infinity]);

      const result = await windowAggregates(data, cpu);

      expect(Array.from(result.count)).toEqual([1, 2, 3, 1]);
      expect(Array.from(result.sum)).toEqual([1, 3, 6, 4]);
    });

    it('keeps duplicate and unsorted windows as separate columns', async () => {
      const data = randomStream({ seed: 31, keys: 10, maxEventsPerKey: 30, integerValues: true, windowsMs: [86_400_000, 1_000, 86_400_000] });

      const result = await windowAggregates(data, cpu);

      expectAggregatesClose(result, referenceWindowAggregates(data), INTEGER_TOLERANCES);
      for (let i = 0; i < result.events; i++) expect(result.count[i * 3]).toBe(result.count[i * 3 + 2]);
    });

    it('omits distinct without categories', async () => {
      const result = await windowAggregates(input([1], [0], [1], [1]), cpu);

      expect(result.distinct).toBeUndefined();
      expect(Object.keys(result)).not.toContain('distinct');
    });

    it('reads typed-array views at a byte offset (subarrays of larger buffers)', async () => {
      const data = randomStream({ seed: 41, keys: 20, maxEventsPerKey: 20, integerValues: true, categories: 4 });
      const n = data.keys.length;
      const pad = <T extends Int32Array | Float64Array>(src: T, make: (len: number) => T): T => {
        const big = make(n + 7);
        big.set(src, 3);
        return big.subarray(3, 3 + n) as T;
      };
      const view: WindowAggregatesInput = {
        keys: pad(data.keys, (l) => new Int32Array(l)),
        times: pad(data.times, (l) => new Float64Array(l)),
        values: pad(data.values, (l) => new Float64Array(l)),
        categories: pad(data.categories as Int32Array, (l) => new Int32Array(l)),
        windowsMs: data.windowsMs,
      };

      const result = await windowAggregates(view, cpu);

      expectAggregatesClose(result, referenceWindowAggregates(data), INTEGER_TOLERANCES);
    });

    it('returns a separate buffer per statistic', async () => {
      const result = await windowAggregates(input([1, 1], [0, 1], [2, 4], [10]), cpu);

      const buffers = new Set([result.count, result.sum, result.mean, result.std, result.min, result.max].map((a) => a.buffer));
      expect(buffers.size).toBe(6);
      result.sum[0] = 99;
      expect(Array.from(result.mean)).toEqual([2, 3]);
    });
  });

  describe('CUDA kernel math, emulated on the CPU', () => {
    it.each([1, 2, 4, 8, 16, 32] as const)('matches the reference with %i lanes per query', async (lanesPerQuery) => {
      const data = randomStream({ seed: 50 + lanesPerQuery, keys: 25, maxEventsPerKey: 70, integerValues: true, categories: 7 });

      const result = await emulateWindowAggregatesKernel(data, { lanesPerQuery });

      expectAggregatesClose(result, referenceWindowAggregates(data), INTEGER_TOLERANCES);
    });

    it('matches the CPU twin on real-valued data', async () => {
      const data = randomStream({ seed: 60, keys: 30, maxEventsPerKey: 90, categories: 40, tieProbability: 0.3 });

      const [twin, kernel] = await Promise.all([windowAggregates(data, cpu), emulateWindowAggregatesKernel(data, { lanesPerQuery: 8 })]);

      expectAggregatesClose(kernel, twin, REAL_TOLERANCES);
    });
  });

  describe('async behaviour', () => {
    it('runs concurrent calls independently', async () => {
      const inputs = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
        randomStream({ seed: 100 + seed, keys: 50, maxEventsPerKey: 60, integerValues: true, categories: 5 }),
      );

      const results = await Promise.all(inputs.map((data, k) => windowAggregates(data, { backend: 'cpu', threads: 1 + (k % 3) })));

      results.forEach((result, k) => expectAggregatesClose(result, referenceWindowAggregates(inputs[k]), INTEGER_TOLERANCES));
    });

    it('does not block the event loop while a large call runs', async () => {
      // ~400k events x 5 windows with categories on one thread: ~100+ ms of native work.
      const data = randomStream({ seed: 200, keys: scaled(10_000), maxEventsPerKey: 75, categories: 20 });
      let immediates = 0;
      let timerFired = false;
      let spinning = true;
      const spin = (): void => {
        immediates++;
        if (spinning) setImmediate(spin);
      };
      setImmediate(spin);
      const timer = setTimeout(() => (timerFired = true), 1);

      const started = Date.now();
      const result = await windowAggregates(data, { backend: 'cpu', threads: 1 });
      const elapsed = Date.now() - started;
      spinning = false;
      clearTimeout(timer);

      expect(result.events).toBe(data.keys.length);
      // Valgrind runs one thread at a time, so there any immediate at all proves the loop was free.
      expect(immediates).toBeGreaterThan(process.env.NATIVE_GPU_VALGRIND ? 0 : 10);
      if (elapsed >= 20) expect(timerFired).toBe(true);
    });

    it('pins its inputs: dropping every JS reference and collecting garbage mid-call is safe', async () => {
      const make = (): WindowAggregatesInput => randomStream({ seed: 300, keys: scaled(2_000), maxEventsPerKey: 50, integerValues: true, categories: 3 });
      const promise = windowAggregates(make(), { backend: 'cpu', threads: 1 });
      forceGc();

      const result = await promise;

      const expected = await windowAggregates(make(), { backend: 'cpu', threads: 2 });
      expectAggregatesIdentical(result, expected);
    });
  });

  it('uses the cpu backend under auto when there is no CUDA device', async () => {
    const result = await windowAggregates(input([1], [0], [1], [1]));

    expect(result.backend).toBe(backends().includes('cuda') ? 'cuda' : 'cpu');
    expectArrayClose('count', result.count, Float64Array.from([1]), EXACT);
  });
});
