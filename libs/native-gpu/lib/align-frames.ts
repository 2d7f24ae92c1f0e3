/**
 * Frame alignment by phase correlation (src/ops/align/): the translation between a reference and a
 * frame (camera shake), a confidence, and optionally the frame warped back onto the reference.
 */
import type { DeviceTiming, NativeAlignOptions, NativeAlignResult } from './binding';
import { captureCallSite, nativeError, NativeGpuError } from './errors';
import { loadBinding } from './loader';
import { resolveBackend } from './runtime';
import type { Backend } from './runtime';
import { describeType, expectInteger, expectObject, expectOneOf, expectTypedArray, optionalBoolean } from './validate';

/** GRAY8 (`Uint8Array`, a `Buffer` works) or float32 images, row-major, `height x width` each. */
export type GrayImages = Uint8Array | Float32Array;

export interface AlignFramesInput {
  /** Image height in pixels, in [16, 1024]. */
  height: number;
  /** Image width in pixels, in [16, 1024]. */
  width: number;
  /** One reference shared by every frame, or one reference per frame: `[n][height][width]`. */
  references: GrayImages;
  /** `[pairs][height][width]`, the same element type as `references`. */
  frames: GrayImages;
}

/** CUDA launch configuration (tuning and kernel validation; the defaults suit every size). */
export interface AlignCudaLaunchOptions {
  /** Threads per block of the element-wise and reduction kernels: a multiple of 32 in [32, 1024]. Default 256. */
  blockSize?: number;
  /**
   * 1-D transforms per FFT block, a power of two in [1, 256]; clamped to 4096 / FFT length (32 KiB of
   * shared memory) and, for the column pass, to the FFT width. Default: the clamp.
   */
  fftTransforms?: number;
}

export interface AlignFramesOptions {
  /** `auto` (default) picks `cuda` when `backends()` has it, else `cpu`. */
  backend?: 'auto' | Backend;
  /** CPU backend worker threads; default: the machine's hardware concurrency. */
  threads?: number;
  /** Also return the frames warped onto the reference grid (`warped`). Default false. */
  warp?: boolean;
  /** CUDA only: report `deviceMs` and `deviceBytes` (traffic model: each pass streams its buffers once; DeviceBytes in align_tables.cc). */
  timing?: boolean;
  cuda?: AlignCudaLaunchOptions;
}

export interface AlignFramesResult extends DeviceTiming {
  /** The backend that ran. */
  backend: Backend;
  pairs: number;
  height: number;
  width: number;
  /**
   * Per pair, the shift in pixels with `frame(x, y) ≈ reference(x - dx, y - dy)`: positive when the
   * content moved right / down. Circular: |dx| < fftWidth / 2, |dy| < fftHeight / 2.
   */
  dx: Float64Array;
  dy: Float64Array;
  /**
   * Per pair, the height of the normalised phase-correlation peak (Gaussian fit): 1 for identical
   * content, ~0.95–1 for a shifted textured frame, lower with noise, lighting change or small
   * overlap; unrelated frames score ~0.05–0.2. Below ~0.3 treat the shift as unknown.
   */
  confidence: Float64Array;
  /** With `warp`: `[pairs][height][width]`, `warped(x, y) = frame(x + dx, y + dy)` (bilinear, edges replicated). */
  warped?: Float32Array;
}

const MIN_SIDE = 16;
const MAX_SIDE = 1024;
const FFT_TRANSFORMS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;

/**
 * Estimates, for each (reference, frame) pair, the translation of the frame against the reference
 * by phase correlation: mean/std normalisation, Hann window, zero-padding to powers of two, FFT,
 * Gaussian-weighted normalised cross-power spectrum, inverse FFT, peak with a sub-pixel Gaussian fit;
 * then a second pass with the frame's window moved by the rounded first estimate, which removes the
 * window's bias towards zero. Shifts are accurate to a few hundredths of a pixel on textured frames.
 *
 * Runs off the JS thread; the input arrays must not be modified until it settles. Rejects with a
 * TypeError/RangeError naming the bad argument, or a {@link NativeGpuError} (e.g. a CUDA error).
 *
 * @example
 * const r = await alignFrames({ height: 480, width: 640, references: golden, frames }, { warp: true });
 * if (r.confidence[0] > 0.3) compare(r.warped!.subarray(0, 480 * 640), golden);
 */
export async function alignFrames(input: AlignFramesInput, options: AlignFramesOptions = {}): Promise<AlignFramesResult> {
  const callSite = captureCallSite(alignFrames);
  const backend = resolveBackend(options);
  const { references, frames, height, width, pairs } = validateInput(input);
  const nativeOptions = validateOptions(options, backend);
  let result: NativeAlignResult;
  try {
    result = await loadBinding().alignFrames(references, frames, height, width, nativeOptions);
  } catch (error) {
    throw nativeError(error, callSite);
  }
  return { backend, pairs, height, width, ...result };
}

function validateInput(input: AlignFramesInput): {
  references: GrayImages;
  frames: GrayImages;
  height: number;
  width: number;
  pairs: number;
} {
  expectObject('input', input, false);
  const { references, frames, height, width } = input;
  expectInteger('height', height, MIN_SIDE, MAX_SIDE);
  expectInteger('width', width, MIN_SIDE, MAX_SIDE);
  const image = height * width;
  if (!(frames instanceof Uint8Array) && !(frames instanceof Float32Array)) {
    throw new TypeError(`frames: expected Uint8Array or Float32Array, got ${describeType(frames)}`);
  }
  const kind = frames instanceof Uint8Array ? 'Uint8Array' : 'Float32Array';
  expectTypedArray('references', references, kind);
  if (frames.length === 0 || frames.length % image !== 0) {
    throw new RangeError(`frames: expected a non-zero multiple of height * width = ${image} elements, got ${frames.length}`);
  }
  const pairs = frames.length / image;
  if (references.length !== image && references.length !== frames.length) {
    throw new RangeError(
      `references: expected ${image} elements (one shared reference) or ${frames.length} (one per frame), got ${references.length}`,
    );
  }
  if (kind === 'Float32Array') {
    expectFinite('references', references as Float32Array);
    expectFinite('frames', frames as Float32Array);
  }
  return { references, frames, height, width, pairs };
}

function expectFinite(name: string, array: Float32Array): void {
  for (let i = 0; i < array.length; i++) {
    if (!Number.isFinite(array[i])) throw new RangeError(`${name}[${i}]: expected a finite number, got ${array[i]}`);
  }
}

function validateOptions(options: AlignFramesOptions, backend: Backend): NativeAlignOptions {
  const native: NativeAlignOptions = { backend, threads: 0, warp: false, timing: false };
  if (options.threads !== undefined) {
    expectInteger('options.threads', options.threads, 1, 4096);
    native.threads = options.threads;
  }
  native.warp = optionalBoolean('options.warp', options.warp);
  native.timing = optionalBoolean('options.timing', options.timing);
  expectObject('options.cuda', options.cuda, true);
  const cuda = options.cuda ?? {};
  if (cuda.blockSize !== undefined) {
    expectInteger('options.cuda.blockSize', cuda.blockSize, 32, 1024);
    if (cuda.blockSize % 32 !== 0) {
      throw new RangeError(`options.cuda.blockSize: expected a multiple of 32, got ${cuda.blockSize}`);
    }
    native.blockSize = cuda.blockSize;
  }
  if (cuda.fftTransforms !== undefined) {
    expectOneOf('options.cuda.fftTransforms', cuda.fftTransforms, FFT_TRANSFORMS);
    native.fftTransforms = cuda.fftTransforms;
  }
  return native;
}
