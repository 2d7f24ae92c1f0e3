/**
 * prepareFrames on the CPU twin: what it computes (shift, area shrink, / 255) on cases whose answer
 * is known, and argument validation (STYLE R12). Bit-for-bit parity with the defect inspector's
 * clipInput, the function it twins, is the app's spec (apps/defect-inspector clip-inputs.spec.ts).
 */
import { backends, NativeGpuError, prepareFrames } from '@vigil/native-gpu';

import { loadBinding } from '../lib/loader';
import type { PrepareFramesInput, PrepareFramesOptions } from '../lib/prepare-frames';

const pattern = (width: number, height: number, seed = 0): Uint8Array => Uint8Array.from({ length: width * height }, (_, i) => (i * 37 + seed * 101 + ((i * i) >> 5)) & 255);

function input(patch: Partial<PrepareFramesInput> = {}): PrepareFramesInput {
  return { width: 8, height: 6, frames: pattern(8, 6), offsets: new Float64Array(2), outWidth: 8, outHeight: 6, ...patch };
}

describe('prepareFrames', () => {
  it('scales bytes by 1/255 when nothing moves or shrinks', async () => {
    const frames = pattern(8, 6);
    const { data, count, backend } = await prepareFrames(input({ frames }), { backend: 'cpu' });
    expect([count, backend]).toEqual([1, 'cpu']);
    expect(Array.from(data)).toEqual(Array.from(frames, (b) => Math.fround(b / 255)));
  });

  it('reads whole-pixel offsets as whole pixels, edge pixels repeated past the frame', async () => {
    const frames = pattern(8, 6);
    const { data } = await prepareFrames(input({ frames, offsets: Float64Array.of(2, -1) }), { backend: 'cpu' });
    const expected = Array.from({ length: 48 }, (_, i) => {
      const x = Math.min(7, (i % 8) + 2);
      const y = Math.max(0, Math.floor(i / 8) - 1);
      return Math.fround(frames[y * 8 + x] / 255);
    });
    expect(Array.from(data)).toEqual(expected);
  });

  it('interpolates between pixels: half a pixel right of a 0 → 255 step is its midpoint', async () => {
    const step = Uint8Array.from({ length: 48 }, (_, i) => (i % 8 < 4 ? 0 : 255));
    const { data } = await prepareFrames(input({ frames: step, offsets: Float64Array.of(0.5, 0) }), { backend: 'cpu' });
    expect(Array.from(data.subarray(0, 8), (v) => Math.round(v * 255))).toEqual([0, 0, 0, 128, 255, 255, 255, 255]);
  });

  it('shrinks by area averaging, for whole and fractional ratios', async () => {
    const flat = new Uint8Array(48).fill(200);
    const halved = await prepareFrames(input({ frames: flat, outWidth: 4, outHeight: 3 }), { backend: 'cpu' });
    const odd = await prepareFrames(input({ frames: flat, outWidth: 3, outHeight: 4 }), { backend: 'cpu' });
    expect(new Set(halved.data)).toEqual(new Set([Math.fround(200 / 255)]));
    expect(new Set(odd.data)).toEqual(new Set([Math.fround(200 / 255)]));
    const bars = Uint8Array.from({ length: 48 }, (_, i) => (i % 2 === 0 ? 10 : 20));
    const { data } = await prepareFrames(input({ frames: bars, outWidth: 4, outHeight: 3 }), { backend: 'cpu' });
    expect(new Set(data)).toEqual(new Set([Math.fround(15 / 255)]));
  });

  it('prepares each frame of a batch by its own offset, alike on any thread count', async () => {
    const frames = new Uint8Array(130 * 48);
    for (let k = 0; k < 130; k++) frames.set(pattern(8, 6, k), k * 48);
    const offsets = Float64Array.from({ length: 260 }, (_, i) => ((i * 7) % 13) / 4 - 1.5);
    const batch = input({ frames, offsets, outWidth: 4, outHeight: 3 });
    const one = await prepareFrames(batch, { backend: 'cpu', threads: 1 });
    const many = await prepareFrames(batch, { backend: 'cpu', threads: 3 });
    const alone = await prepareFrames(input({ frames: frames.subarray(77 * 48, 78 * 48), offsets: offsets.subarray(154, 156), outWidth: 4, outHeight: 3 }), { backend: 'cpu' });
    expect(many.data).toEqual(one.data);
    expect(Array.from(one.data.subarray(77 * 12, 78 * 12))).toEqual(Array.from(alone.data));
  });

  it.each([
    [128, 128, 64, 64],
    [160, 120, 64, 64],
    [97, 61, 13, 7],
    [40, 30, 40, 30],
  ])("runs the CUDA kernel's math (emulated on the CPU) to the twin's bytes: %p×%p → %p×%p", async (width, height, outWidth, outHeight) => {
    const count = 6;
    const frames = Uint8Array.from({ length: count * width * height }, (_, i) => (i * 2654435761) >>> 24);
    const offsets = Float64Array.from({ length: 2 * count }, (_, i) => (i % 4 === 0 ? (i % 7) - 3 : i % 5 === 0 ? -700 : ((i * 37) % 101) / 10 - 5));

    const twin = await prepareFrames({ width, height, frames, offsets, outWidth, outHeight }, { backend: 'cpu' });
    const kernel = await loadBinding().prepareFrames(frames, offsets, height, width, outHeight, outWidth, { backend: 'emulate', threads: 0, timing: false });

    expect(kernel.data).toEqual(twin.data);
  });

  it.each([
    [{ height: 0 }, RangeError, 'height: expected an integer in [1, 4096], got 0'],
    [{ width: 8.5 }, RangeError, 'width: expected an integer in [1, 4096], got 8.5'],
    [{ outWidth: 9 }, RangeError, 'outWidth: expected an integer in [1, 8], got 9'],
    [{ outHeight: '3' }, TypeError, 'outHeight: expected an integer, got string'],
    [{ frames: new Float32Array(48) }, TypeError, 'frames: expected Uint8Array, got Float32Array'],
    [{ frames: new Uint8Array(50) }, RangeError, 'frames: expected a non-zero multiple of height * width = 48 elements, got 50'],
    [{ offsets: new Float32Array(2) }, TypeError, 'offsets: expected Float64Array of length 2, got Float32Array'],
    [{ offsets: new Float64Array(4) }, RangeError, 'offsets: expected Float64Array of length 2, got Float64Array of length 4'],
    [{ offsets: Float64Array.of(0, NaN) }, RangeError, 'offsets[1]: expected a finite number, got NaN'],
  ])('rejects bad input: %p', async (patch, type, message) => {
    await expect(prepareFrames(input(patch as Partial<PrepareFramesInput>), { backend: 'cpu' })).rejects.toThrow(new type(message));
  });

  it.each([
    [null, TypeError, 'options: expected an object, got null'],
    [{ backend: 'gpu' }, TypeError, "options.backend: expected one of 'auto', 'cpu', 'cuda', got 'gpu'"],
    [{ threads: 0 }, RangeError, 'options.threads: expected an integer in [1, 4096], got 0'],
    [{ timing: 1 }, TypeError, 'options.timing: expected a boolean, got number'],
  ])('rejects bad options: %p', async (options, type, message) => {
    await expect(prepareFrames(input(), options as unknown as PrepareFramesOptions)).rejects.toThrow(new type(message));
  });

  (backends().includes('cuda') ? it.skip : it)("rejects backend 'cuda' on a machine without one, naming why", async () => {
    await expect(prepareFrames(input(), { backend: 'cuda' })).rejects.toThrow(NativeGpuError);
  });
});
