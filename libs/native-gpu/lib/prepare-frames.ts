/**
 * The clip model's input from camera frames (src/ops/prepare/): each GRAY8 frame read at its
 * sub-pixel offset, shrunk by area averaging and scaled to [0, 1], bit for bit as the defect
 * inspector's training builds it (its clipInput, then / 255).
 */
import type { DeviceTiming } from './binding';
import { captureCallSite, nativeError } from './errors';
import { loadBinding } from './loader';
import { resolveBackend } from './runtime';
import type { Backend } from './runtime';
import { expectAllFinite, expectInteger, expectObject, expectTypedArray, optionalBoolean } from './validate';

/** The largest frame side. */
const MAX_SIDE = 4096;

export interface PrepareFramesInput {
  /** Frame height in pixels, in [1, 4096]. */
  height: number;
  /** Frame width in pixels, in [1, 4096]. */
  width: number;
  /** GRAY8 frames, row-major: `[count][height][width]`. */
  frames: Uint8Array;
  /**
   * `[count][2]`: per frame (dx, dy), where the output's pixel lies in the frame:
   * out(x, y) = frame(x + dx, y + dy), between pixels by bilinear interpolation, clamped to the frame.
   */
  offsets: Float64Array;
  /** Output height, in [1, height]. */
  outHeight: number;
  /** Output width, in [1, width]. */
  outWidth: number;
}

export interface PrepareFramesOptions {
  /** `auto` (default) picks `cuda` when `backends()` has it, else `cpu`. */
  backend?: 'auto' | Backend;
  /** CPU backend worker threads; default: one per 64 frames, at most the hardware concurrency. */
  threads?: number;
  /** CUDA only: report `deviceMs` and `deviceBytes` (traffic model: the frames and offsets read once, the output written once). */
  timing?: boolean;
}

export interface PrepareFramesResult extends DeviceTiming {
  /** The backend that ran. */
  backend: Backend;
  count: number;
  /** `[count][outHeight][outWidth]`, each value a byte / 255. */
  data: Float32Array;
}

/**
 * Moves each frame by its offset (bilinear, weights in 1/256 px, rounded to bytes), shrinks it to
 * `outWidth` × `outHeight` by area averaging (rounded to bytes) and scales it by 1/255.
 *
 * Runs off the JS thread; the input arrays must not be modified until it settles. Rejects with a
 * TypeError/RangeError naming the bad argument, or a {@link NativeGpuError} (e.g. a CUDA error).
 *
 * @example
 * const { data } = await prepareFrames({ height: 128, width: 128, frames, offsets, outHeight: 64, outWidth: 64 });
 */
export async function prepareFrames(input: PrepareFramesInput, options: PrepareFramesOptions = {}): Promise<PrepareFramesResult> {
  const callSite = captureCallSite(prepareFrames);
  const backend = resolveBackend(options);
  expectObject('input', input, false);
  const { frames, offsets, height, width, outHeight, outWidth } = input;
  expectInteger('height', height, 1, MAX_SIDE);
  expectInteger('width', width, 1, MAX_SIDE);
  expectInteger('outHeight', outHeight, 1, height);
  expectInteger('outWidth', outWidth, 1, width);
  expectTypedArray('frames', frames, 'Uint8Array');
  const image = height * width;
  if (frames.length === 0 || frames.length % image !== 0) {
    throw new RangeError(`frames: expected a non-zero multiple of height * width = ${image} elements, got ${frames.length}`);
  }
  const count = frames.length / image;
  expectTypedArray('offsets', offsets, 'Float64Array', 2 * count);
  expectAllFinite('offsets', offsets);
  let threads = 0;
  if (options.threads !== undefined) {
    expectInteger('options.threads', options.threads, 1, 4096);
    threads = options.threads;
  }
  const timing = optionalBoolean('options.timing', options.timing);
  try {
    const result = await loadBinding().prepareFrames(frames, offsets, height, width, outHeight, outWidth, { backend, threads, timing });
    return { backend, count, ...result };
  } catch (error) {
    throw nativeError(error, callSite);
  }
}
