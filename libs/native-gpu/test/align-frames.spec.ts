/**
 * alignFrames on the CPU twin: known shifts recovered, a brute-force correlation agrees with the
 * FFT path's integer peak, confidence separates related from unrelated frames, the warp.
 */
import { types } from 'node:util';

import { alignFrames } from '@vigil/native-gpu';

import { batch, bruteForcePeak, circularShift, degrade, referenceWarp, texture, toGray8 } from './helpers/images';

// Every shift must come back within this many pixels (the brief's bar; typical errors are < 0.03).
const SHIFT_TOLERANCE_PX = 0.1;
// 64 x 64 GRAY8 frames with noise and a brightness change: errors reach ~0.13 px (little texture,
// 9% of the frame leaves the view at the largest shifts).
const NOISY_SMALL_TOLERANCE_PX = 0.15;
// NATIVE_GPU_TEST_SCALE < 1 (the valgrind leak run) keeps only the smallest sizes.
const SCALE = Number(process.env.NATIVE_GPU_TEST_SCALE ?? '1');
const SIZES: Array<[number, number]> = SCALE < 1 ? [[64, 64]] : [[64, 64], [128, 96], [320, 240]];
const SHIFTS: Array<[number, number]> = [
  [0, 0],
  [3, -2],
  [-7, 5],
  [2.3, -1.7],
  [0.5, 0.25],
  [-5.6, 4.4],
  [0.1, -0.9],
];

function expectShifts(result: { dx: Float64Array; dy: Float64Array }, shifts: Array<[number, number]>, tolerance = SHIFT_TOLERANCE_PX): void {
  const errors = shifts.map(([dx, dy], k) => Math.max(Math.abs(result.dx[k] - dx), Math.abs(result.dy[k] - dy)));
  const worst = Math.max(...errors);
  if (worst > tolerance) {
    const k = errors.indexOf(worst);
    throw new Error(`pair ${k}: shift (${shifts[k]}) estimated as (${result.dx[k]}, ${result.dy[k]}), error ${worst} px`);
  }
}

describe(`${alignFrames.name} (cpu)`, () => {
  describe.each(SIZES)('%i x %i', (width, height) => {
    const reference = texture(width, height, 0, 0, 11);
    const moved = SHIFTS.map(([dx, dy]) => texture(width, height, dx, dy, 11));

    it('recovers integer and sub-pixel shifts of float32 frames against one shared reference', async () => {
      const result = await alignFrames({ width, height, references: reference, frames: batch(moved) }, { backend: 'cpu' });

      expect(result).toMatchObject({ backend: 'cpu', pairs: SHIFTS.length, width, height });
      expectShifts(result, SHIFTS);
      result.confidence.forEach((c) => expect(c).toBeGreaterThan(0.8));
    });

    it('recovers them from GRAY8 frames with noise and a brightness change, one reference per frame', async () => {
      const frames = moved.map((image, k) => toGray8(degrade(image, { gain: 1.25, offset: -20, noise: 3, seed: k + 1 })));
      const references = SHIFTS.map(() => toGray8(reference));

      const result = await alignFrames({ width, height, references: batch(references), frames: batch(frames) }, { backend: 'cpu' });

      expectShifts(result, SHIFTS, width * height <= 64 * 64 ? NOISY_SMALL_TOLERANCE_PX : SHIFT_TOLERANCE_PX);
      result.confidence.forEach((c) => expect(c).toBeGreaterThan(0.5));
    });
  });

  it('finds the brute-force circular cross-correlation peak (integer part) on small images', async () => {
    const size = 48;
    const cases: Array<[number, number]> = [[0, 0], [1, 0], [0, -1], [4, -3], [-6, 5], [7, 7]];
    const reference = texture(size, size, 0, 0, 3);
    // Circular shifts: the brute-force circular correlation peaks exactly at the shift.
    const frames = cases.map(([dx, dy], k) => degrade(circularShift(reference, size, size, dx, dy), { noise: 6, seed: 20 + k }));

    const result = await alignFrames({ width: size, height: size, references: reference, frames: batch(frames) }, { backend: 'cpu' });

    cases.forEach(([dx, dy], k) => {
      const brute = bruteForcePeak(reference, frames[k], size, size);
      expect(brute).toEqual({ dx, dy });
      expect({ dx: Math.round(result.dx[k]) + 0, dy: Math.round(result.dy[k]) + 0 }).toEqual(brute);
    });
  });

  it('gives unrelated frames a low confidence and related ones a high one', async () => {
    const [width, height] = [128, 128];
    const reference = texture(width, height, 0, 0, 1);
    const unrelated = [2, 3, 4, 5].map((seed) => texture(width, height, 0, 0, seed));
    const noise = degrade(new Float32Array(width * height), { noise: 30, seed: 9 });
    const related = degrade(texture(width, height, 1.5, -2.5, 1), { noise: 10, seed: 4 });

    const result = await alignFrames({ width, height, references: reference, frames: batch([...unrelated, noise, related]) }, { backend: 'cpu' });

    for (let k = 0; k < 5; k++) expect(result.confidence[k]).toBeLessThan(0.3);
    expect(result.confidence[5]).toBeGreaterThan(0.5);
  });

  it('reports a constant frame as shift 0 with confidence 0', async () => {
    const result = await alignFrames({ width: 64, height: 48, references: texture(64, 48, 0, 0, 1), frames: new Float32Array(64 * 48).fill(7) });

    expect([result.dx[0], result.dy[0], result.confidence[0]]).toEqual([0, 0, 0]);
  });

  it('warps each frame back onto the reference grid by its estimated shift', async () => {
    const [width, height] = [96, 64];
    const reference = texture(width, height, 0, 0, 5);
    const frames = [texture(width, height, 2.4, -1.3, 5), texture(width, height, -3, 0.5, 5)];

    const result = await alignFrames({ width, height, references: reference, frames: batch(frames) }, { backend: 'cpu', warp: true });

    expect(types.isFloat32Array(result.warped)).toBe(true);
    expect(result.warped).toHaveLength(2 * width * height);
    frames.forEach((frame, k) => {
      const warped = result.warped!.subarray(k * width * height, (k + 1) * width * height);
      const expected = referenceWarp(frame, width, height, result.dx[k], result.dy[k]);
      let worstInterp = 0;
      let worstVsReference = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          worstInterp = Math.max(worstInterp, Math.abs(warped[i] - expected[i]));
          // Away from the borders the warped frame is the reference, up to bilinear smoothing.
          if (x >= 5 && x < width - 5 && y >= 5 && y < height - 5) worstVsReference = Math.max(worstVsReference, Math.abs(warped[i] - reference[i]));
        }
      }
      expect(worstInterp).toBeLessThan(1e-3);
      expect(worstVsReference).toBeLessThan(6); // of a 0-255 range with ~45 grey levels of texture
    });
  });

  it('gives bitwise-identical results for any thread count and batch split', async () => {
    const [width, height] = [80, 60];
    const reference = texture(width, height, 0, 0, 8);
    const frames = [[1.2, 3.4], [-2, 0.7], [0, 0]].map(([dx, dy], k) => degrade(texture(width, height, dx, dy, 8), { noise: 3, seed: k }));
    const input = { width, height, references: reference, frames: batch(frames) };

    const [one, two, alone] = await Promise.all([
      alignFrames(input, { backend: 'cpu', threads: 1, warp: true }),
      alignFrames(input, { backend: 'cpu', threads: 2, warp: true }),
      alignFrames({ ...input, frames: frames[1] }, { backend: 'cpu', threads: 2, warp: true }),
    ]);

    expect(two.dx).toEqual(one.dx);
    expect(two.dy).toEqual(one.dy);
    expect(two.confidence).toEqual(one.confidence);
    expect(two.warped).toEqual(one.warped);
    expect([alone.dx[0], alone.dy[0], alone.confidence[0]]).toEqual([one.dx[1], one.dy[1], one.confidence[1]]);
  });
});
