/**
 * windowAggregates on CUDA against the CPU twin, at every launch configuration (STYLE R15), on a
 * machine with a CUDA device (`npm run test:gpu`; fails loudly without one).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { backends, cudaStatus, deviceInfo, windowAggregates } from '@vigil/native-gpu';

import type { CudaLaunchOptions } from '../lib/window-agg';
import { loadBinding } from '../lib/loader';
import { expectAggregatesClose, INTEGER_TOLERANCES, REAL_TOLERANCES } from './helpers/expect-close';
import { input, randomStream } from './helpers/random';
import { referenceWindowAggregates } from './helpers/reference';

const LANES = [1, 2, 4, 8, 16, 32] as const;
const BLOCK_SIZES = [32, 128, 256, 1024];
const GRID_SIZES = [undefined, 1, 7];

describe(`${windowAggregates.name} on CUDA`, () => {
  beforeAll(() => {
    if (!backends().includes('cuda')) {
      throw new Error(`window-agg.gpu-spec needs a CUDA device; cudaStatus(): ${JSON.stringify(cudaStatus())}`);
    }
  });

  it('sees a device and reports it', () => {
    const devices = deviceInfo();

    expect(devices.length).toBeGreaterThan(0);
    expect(devices[0].name.length).toBeGreaterThan(0);
    expect(devices[0].totalMemoryBytes).toBeGreaterThan(0);
    expect(devices[0].multiProcessorCount).toBeGreaterThan(0);
    expect(devices[0].computeCapability.major).toBeGreaterThanOrEqual(7);
  });

  it("prefers cuda under backend 'auto'", async () => {
    const result = await windowAggregates(input([1, 1], [0, 1], [1, 2], [10]));

    expect(result.backend).toBe('cuda');
    expect(Array.from(result.sum)).toEqual([1, 3]);
  });

  describe('every launch configuration matches the CPU twin', () => {
    const integerData = randomStream({ seed: 1, keys: 400, maxEventsPerKey: 120, integerValues: true, categories: 12, tieProbability: 0.2 });
    const realData = randomStream({ seed: 2, keys: 300, maxEventsPerKey: 150, categories: 200 });
    let integerTwin: Awaited<ReturnType<typeof windowAggregates>>;
    let realTwin: Awaited<ReturnType<typeof windowAggregates>>;
    beforeAll(async () => {
      integerTwin = await windowAggregates(integerData, { backend: 'cpu' });
      realTwin = await windowAggregates(realData, { backend: 'cpu' });
    });

    const configs: CudaLaunchOptions[] = [];
    for (const lanesPerQuery of LANES) {
      for (const blockSize of BLOCK_SIZES) {
        for (const gridSize of GRID_SIZES) configs.push({ lanesPerQuery, blockSize, ...(gridSize ? { gridSize } : {}) });
      }
    }

    it.each(configs)('integer-valued data, exact: %p', async (cuda) => {
      const result = await windowAggregates(integerData, { backend: 'cuda', cuda });

      expect(result.backend).toBe('cuda');
      expectAggregatesClose(result, integerTwin, INTEGER_TOLERANCES);
    });

    it.each(configs.filter((c) => c.gridSize === undefined))('real-valued data, within tolerance: %p', async (cuda) => {
      const result = await windowAggregates(realData, { backend: 'cuda', cuda });

      expectAggregatesClose(result, realTwin, REAL_TOLERANCES);
    });
  });

  describe('edge cases', () => {
    it.each([
      ['empty input', input([], [], [], [1000], [])],
      ['one event', input([5], [0], [2.5], [1, Infinity], [3])],
      ['equal timestamps', input([1, 1, 1, 1], [7, 7, 7, 7], [4, 3, 2, 1], [1], [1, 2, 1, 2])],
      ['window boundary', input([1, 1, 1], [1000, 1001, 2000], [10, 20, 30], [1000])],
      ['equal timestamps across keys', input([1, 2, 3], [100, 100, 100], [1, 2, 3], [1e9], [0, 0, 0])],
      ['no categories', input([1, 1, 2], [0, 5, 5], [1, 2, 3], [10, Infinity])],
    ])('%s matches the reference', async (_name, data) => {
      const result = await windowAggregates(data, { backend: 'cuda' });

      expect(result.backend).toBe('cuda');
      expectAggregatesClose(result, referenceWindowAggregates(data), INTEGER_TOLERANCES);
    });

    it('one long key with an Infinity window (windows of up to 20k events)', async () => {
      const n = 20_000;
      const data = input(
        new Array(n).fill(1),
        Array.from({ length: n }, (_, i) => i),
        Array.from({ length: n }, (_, i) => (i * 37) % 101),
        [50, Infinity],
        Array.from({ length: n }, (_, i) => (i * 13) % 17),
      );

      const [gpu, cpu] = await Promise.all([windowAggregates(data, { backend: 'cuda' }), windowAggregates(data, { backend: 'cpu' })]);

      expectAggregatesClose(gpu, cpu, INTEGER_TOLERANCES);
    });

    it('large input (~2M events) matches the CPU twin', async () => {
      const data = randomStream({ seed: 9, keys: 50_000, maxEventsPerKey: 80, integerValues: true, categories: 25 });

      const [gpu, cpu] = await Promise.all([windowAggregates(data, { backend: 'cuda' }), windowAggregates(data, { backend: 'cpu' })]);

      expectAggregatesClose(gpu, cpu, INTEGER_TOLERANCES);
    });
  });

  it('reports kernel time and the modelled bytes with timing (inputs in, statistics out)', async () => {
    const data = input([1, 1, 2], [0, 5, 5], [1, 2, 3], [10, Infinity], [0, 1, 0]);

    const result = await windowAggregates(data, { backend: 'cuda', timing: true });

    expect(result.deviceMs).toBeGreaterThan(0);
    expect(result.deviceBytes).toBe(3 * (4 + 8 + 8 + 4) + 2 * 8 + 3 * 2 * 7 * 8);
  });

  describe('errors and concurrency', () => {
    it('runs concurrent calls on separate streams independently', async () => {
      const inputs = [1, 2, 3, 4, 5, 6].map((seed) => randomStream({ seed: 40 + seed, keys: 200, maxEventsPerKey: 60, integerValues: true, categories: 5 }));

      const results = await Promise.all(inputs.map((data) => windowAggregates(data, { backend: 'cuda' })));

      results.forEach((result, k) => expectAggregatesClose(result, referenceWindowAggregates(inputs[k]), INTEGER_TOLERANCES));
    });

    it('turns a CUDA launch failure into a rejected Promise with the CUDA error string, and keeps working', async () => {
      // blockSize 2048 exceeds every GPU's limit; only the raw binding (no TS validation) accepts it.
      const one = Float64Array.from([1]);

      const rejection = loadBinding().windowAggregates(Int32Array.from([1]), one, one, null, one, { backend: 'cuda', threads: 0, timing: false, blockSize: 2048 });

      await expect(rejection).rejects.toMatchObject({
        message: expect.stringMatching(/^windowAggregates \(cuda\): .*invalid (configuration argument|argument)/),
        code: expect.stringMatching(/^cudaError/),
      });
      const after = await windowAggregates(input([1], [0], [3], [1]), { backend: 'cuda' });
      expect(Array.from(after.sum)).toEqual([3]);
    });

    it("reports only 'cpu' when no device is visible (CUDA_VISIBLE_DEVICES=''), without crashing", () => {
      const addon = path.resolve(__dirname, '..', 'build', 'Release', 'vigil_native_gpu.node');
      const script = `const b = require(${JSON.stringify(addon)}); process.stdout.write(JSON.stringify(b.backends()));`;

      const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, CUDA_VISIBLE_DEVICES: '' }, encoding: 'utf8' });

      expect(child.status).toBe(0);
      expect(JSON.parse(child.stdout)).toEqual(['cpu']);
    });
  });
});
