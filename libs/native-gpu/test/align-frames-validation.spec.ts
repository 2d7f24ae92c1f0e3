/**
 * alignFrames argument validation (STYLE R12: validate in TypeScript, name the bad argument).
 */
import { alignFrames, backends, NativeGpuError } from '@vigil/native-gpu';

import type { AlignFramesInput, AlignFramesOptions } from '../lib/align-frames';

function valid(): AlignFramesInput {
  return { height: 16, width: 20, references: new Uint8Array(320).map((_, i) => (i * 37) % 251), frames: new Uint8Array(640).map((_, i) => (i * 11) % 253) };
}

function call(patch: Record<string, unknown>, options?: unknown): Promise<unknown> {
  return alignFrames({ ...valid(), ...patch } as unknown as AlignFramesInput, options as AlignFramesOptions);
}

describe(`${alignFrames.name} validation`, () => {
  it('accepts the valid baseline (two frames, one shared reference)', async () => {
    await expect(call({})).resolves.toMatchObject({ pairs: 2, height: 16, width: 20 });
  });

  it('rejects a bad input object', async () => {
    await expect(alignFrames(null as unknown as AlignFramesInput)).rejects.toThrow(new TypeError('input: expected an object, got null'));
  });

  it.each([
    [{ height: 15 }, RangeError, 'height: expected an integer in [16, 1024], got 15'],
    [{ height: 16.5 }, RangeError, 'height: expected an integer in [16, 1024], got 16.5'],
    [{ width: '20' }, TypeError, 'width: expected an integer, got string'],
    [{ width: 1025 }, RangeError, 'width: expected an integer in [16, 1024], got 1025'],
    [{ frames: new Int32Array(640) }, TypeError, 'frames: expected Uint8Array or Float32Array, got Int32Array'],
    [{ frames: [1, 2] }, TypeError, 'frames: expected Uint8Array or Float32Array, got Array'],
    [{ frames: new Uint8Array(0) }, RangeError, 'frames: expected a non-zero multiple of height * width = 320 elements, got 0'],
    [{ frames: new Uint8Array(500) }, RangeError, 'frames: expected a non-zero multiple of height * width = 320 elements, got 500'],
    [{ references: new Float32Array(320) }, TypeError, 'references: expected Uint8Array, got Float32Array'],
    [{ references: new Uint8Array(960) }, RangeError, 'references: expected 320 elements (one shared reference) or 640 (one per frame), got 960'],
    [{ references: new Float32Array(320), frames: Float32Array.from({ length: 320 }, (_, i) => (i === 7 ? NaN : i)) }, RangeError, 'frames[7]: expected a finite number, got NaN'],
  ])('rejects bad input: %p', async (patch, type, message) => {
    await expect(call(patch)).rejects.toThrow(new type(message));
  });

  it.each([
    [null, TypeError, 'options: expected an object, got null'],
    [{ backend: 'gpu' }, TypeError, "options.backend: expected one of 'auto', 'cpu', 'cuda', got 'gpu'"],
    [{ threads: 0 }, RangeError, 'options.threads: expected an integer in [1, 4096], got 0'],
    [{ warp: 'yes' }, TypeError, 'options.warp: expected a boolean, got string'],
    [{ timing: 1 }, TypeError, 'options.timing: expected a boolean, got number'],
    [{ cuda: { blockSize: 48 } }, RangeError, 'options.cuda.blockSize: expected a multiple of 32, got 48'],
    [{ cuda: { fftTransforms: 3 } }, TypeError, 'options.cuda.fftTransforms: expected one of 1, 2, 4, 8, 16, 32, 64, 128, 256, got 3'],
  ])('rejects bad options: %p', async (options, type, message) => {
    await expect(call({}, options)).rejects.toThrow(new type(message));
  });

  it("rejects backend 'cuda' where there is no device, with a NativeGpuError", async () => {
    if (backends().includes('cuda')) return; // covered by the GPU spec on GPU machines

    await expect(call({}, { backend: 'cuda' })).rejects.toBeInstanceOf(NativeGpuError);
    await expect(call({}, { backend: 'cuda' })).rejects.toMatchObject({ code: 'ERR_NATIVE_GPU_CUDA_UNAVAILABLE' });
  });
});
