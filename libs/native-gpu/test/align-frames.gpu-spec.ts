/**
 * alignFrames on CUDA against the CPU twin, at every launch configuration before any timing
 * (STYLE R15), on a machine with a CUDA device (`npm run test:gpu`; fails loudly without one).
 *
 * Tolerances (the backends share tables and per-element math; only FFT scheduling and float
 * rounding differ): dx, dy within 2e-3 px and confidence within 2e-3 of the twin; warped frames
 * within 1e-3 grey levels of a float64 bilinear warp by the GPU's own shift.
 */
import { alignFrames, backends, cudaStatus, deviceInfo } from '@vigil/native-gpu';

import type { AlignCudaLaunchOptions, AlignFramesInput, AlignFramesResult } from '../lib/align-frames';
import { loadBinding } from '../lib/loader';
import { batch, degrade, referenceWarp, texture, toGray8 } from './helpers/images';

// A local binding: a global lookup per pixel is slow in jest's vm context (helpers/images.ts).
const { abs } = Math;
const SHIFT_ATOL_PX = 2e-3;
const CONFIDENCE_ATOL = 2e-3;
const WARP_ATOL = 1e-3;
// Fractional parts stay away from .5, so both backends round the first pass's estimate alike.
const SHIFTS: Array<[number, number]> = [[0, 0], [3, -2], [-6.2, 4.3], [1.25, -0.7], [0.2, 0.1], [-2.75, -3.3], [7.1, 5.8], [-0.3, 2.2]];

function pairs(width: number, height: number, count: number, gray8: boolean, seed: number): AlignFramesInput {
  const references: Float32Array[] = [];
  const frames: Float32Array[] = [];
  for (let k = 0; k < count; k++) {
    const [dx, dy] = SHIFTS[k % SHIFTS.length];
    references.push(texture(width, height, 0, 0, seed + k));
    frames.push(degrade(texture(width, height, dx, dy, seed + k), { gain: 1.1, offset: 5, noise: 2, seed: seed + k }));
  }
  return gray8
    ? { width, height, references: batch(references.map(toGray8)), frames: batch(frames.map(toGray8)) }
    : { width, height, references: batch(references), frames: batch(frames) };
}

function expectMatchesTwin(gpu: AlignFramesResult, cpu: AlignFramesResult, input: AlignFramesInput): void {
  expect(gpu.backend).toBe('cuda');
  for (let k = 0; k < cpu.pairs; k++) {
    const context = `pair ${k}: gpu (${gpu.dx[k]}, ${gpu.dy[k]}, ${gpu.confidence[k]}) vs cpu (${cpu.dx[k]}, ${cpu.dy[k]}, ${cpu.confidence[k]})`;
    if (abs(gpu.dx[k] - cpu.dx[k]) > SHIFT_ATOL_PX || abs(gpu.dy[k] - cpu.dy[k]) > SHIFT_ATOL_PX || abs(gpu.confidence[k] - cpu.confidence[k]) > CONFIDENCE_ATOL) {
      throw new Error(context);
    }
  }
  if (gpu.warped === undefined) return;
  const image = input.width * input.height;
  for (let k = 0; k < cpu.pairs; k++) {
    const expected = referenceWarp(input.frames.subarray(k * image, (k + 1) * image), input.width, input.height, gpu.dx[k], gpu.dy[k]);
    for (let i = 0; i < image; i++) {
      const got = gpu.warped[k * image + i];
      if (abs(got - expected[i]) > WARP_ATOL) throw new Error(`warped pair ${k} [${i}]: got ${got}, expected ${expected[i]}`);
    }
  }
}

describe(`${alignFrames.name} on CUDA`, () => {
  beforeAll(() => {
    if (!backends().includes('cuda')) {
      throw new Error(`align-frames.gpu-spec needs a CUDA device; cudaStatus(): ${JSON.stringify(cudaStatus())}`);
    }
  });

  it('reports the device peak memory bandwidth', () => {
    expect(deviceInfo()[0].peakMemoryBandwidthBytesPerSecond).toBeGreaterThan(1e11);
  });

  it("prefers cuda under backend 'auto'", async () => {
    const result = await alignFrames(pairs(64, 64, 1, true, 1));

    expect(result.backend).toBe('cuda');
  });

  describe('every launch configuration matches the CPU twin', () => {
    const configs: AlignCudaLaunchOptions[] = [];
    for (const blockSize of [32, 96, 256, 1024]) {
      for (const fftTransforms of [1, 2, 8, 64, 256]) configs.push({ blockSize, fftTransforms });
    }
    const cases: Array<[string, AlignFramesInput]> = [
      ['100 x 75 float32, 5 pairs', pairs(100, 75, 5, false, 10)],
      ['640 x 480 GRAY8, 3 pairs', pairs(640, 480, 3, true, 20)],
      ['16 x 1024 GRAY8, 2 pairs', pairs(16, 1024, 2, true, 30)],
    ];
    const twins = new Map<string, AlignFramesResult>();
    beforeAll(async () => {
      for (const [name, input] of cases) twins.set(name, await alignFrames(input, { backend: 'cpu', warp: true }));
    });

    describe.each(cases)('%s', (name, input) => {
      it.each(configs)('%p', async (cuda) => {
        const gpu = await alignFrames(input, { backend: 'cuda', warp: true, cuda });

        expectMatchesTwin(gpu, twins.get(name)!, input);
      });
    });
  });

  describe('sizes and batches (default launch)', () => {
    const sizes: Array<[number, number]> = [[16, 16], [64, 64], [128, 128], [100, 60], [320, 240], [333, 201], [640, 480], [480, 640], [1024, 1024]];
    it.each(sizes.flatMap(([w, h]) => [1, 8, 32].map((n) => [w, h, n] as const)))('%i x %i, batch %i', async (width, height, count) => {
      if (width * height * count > 1024 * 1024 * 8) return; // keep the CPU twin's share of the run short
      const input = pairs(width, height, count, (width + count) % 2 === 0, width + height + count);

      const [gpu, cpu] = [await alignFrames(input, { backend: 'cuda', warp: true }), await alignFrames(input, { backend: 'cpu', warp: true })];

      expectMatchesTwin(gpu, cpu, input);
    });

    it('one shared reference for a batch of 32', async () => {
      const reference = texture(320, 240, 0, 0, 5);
      const frames = batch(Array.from({ length: 32 }, (_, k) => texture(320, 240, SHIFTS[k % 8][0], SHIFTS[k % 8][1], 5)));
      const input = { width: 320, height: 240, references: reference, frames };

      expectMatchesTwin(await alignFrames(input, { backend: 'cuda' }), await alignFrames(input, { backend: 'cpu' }), input);
    });
  });

  it('gives unrelated frames a low confidence, as the twin does', async () => {
    const input = { width: 128, height: 128, references: texture(128, 128, 0, 0, 1), frames: batch([2, 3, 4, 5].map((s) => texture(128, 128, 0, 0, s))) };

    const gpu = await alignFrames(input, { backend: 'cuda' });

    gpu.confidence.forEach((c) => expect(c).toBeLessThan(0.3));
  });

  it('reports kernel time and modelled bytes with timing', async () => {
    const result = await alignFrames(pairs(320, 240, 8, true, 3), { backend: 'cuda', timing: true });

    expect(result.deviceMs).toBeGreaterThan(0);
    expect(result.deviceBytes).toBeGreaterThan(8 * 512 * 256 * 8);
  });

  it('runs concurrent calls on separate streams independently', async () => {
    const inputs = [1, 2, 3, 4].map((seed) => pairs(128, 96, 4, true, 100 * seed));

    const results = await Promise.all(inputs.map((input) => alignFrames(input, { backend: 'cuda' })));

    for (const [k, input] of inputs.entries()) expectMatchesTwin(results[k], await alignFrames(input, { backend: 'cpu' }), input);
  });

  it('turns a launch failure into a rejected Promise, and keeps working', async () => {
    // blockSize 48 is not a multiple of 32; only the raw binding (no TS validation) accepts it.
    const input = pairs(64, 64, 1, true, 7);

    const rejection = loadBinding().alignFrames(input.references, input.frames, 64, 64, { backend: 'cuda', threads: 0, warp: false, timing: false, blockSize: 48 });

    await expect(rejection).rejects.toMatchObject({ message: 'alignFrames (cuda): blockSize must be a multiple of 32 in [32, 1024]' });
    await expect(alignFrames(input, { backend: 'cuda' })).resolves.toMatchObject({ backend: 'cuda' });
  });
});
