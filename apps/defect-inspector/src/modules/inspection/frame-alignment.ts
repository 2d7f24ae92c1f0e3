import { alignFrames, AlignFramesInput, AlignFramesOptions, AlignFramesResult } from '@vigil/native-gpu';

import { downscaleGray } from '../../training/preprocess';

/** How a frame moved against its reference: `frame(x, y) ≈ reference(x − dx, y − dy)`. */
export interface FrameShift {
  dx: number;
  dy: number;
  /** alignFrames' phase-correlation peak, 0..1. */
  confidence: number;
}

export interface AlignPair {
  reference: Uint8Array;
  frame: Uint8Array;
  width: number;
  height: number;
}

export type Aligner = (input: AlignFramesInput, options?: AlignFramesOptions) => Promise<AlignFramesResult>;

/** alignFrames takes sides up to this; larger frames are aligned on an area-downscaled copy. */
const MAX_ALIGN_SIDE = 1024;
/** The whole-frame estimate is taken on a copy halved while its shorter side stays at least this. */
const WHOLE_MIN_SIDE = 64;
/** Its smallest side. */
const MIN_ALIGN_SIDE = 16;
/** The top and bottom bands are this share of the height (at least MIN_ALIGN_SIDE rows). */
const BAND_SHARE = 1 / 6;

/**
 * The camera's global shift between each pair's reference and frame (shake plus belt travel).
 *
 * Phase correlation over the whole frame locks partly onto a large part that moves on its own (a
 * wobble, a slip), and would then undo the very motion the clip model looks for. So the shift is
 * measured three times, on the whole frame and on its top and bottom bands (the belt or fixture
 * around the part; parts ride the middle of the belt), and each axis takes the median of the three:
 * one estimate pulled by the part is outvoted. The confidence is the median of the three as well.
 *
 * The whole frame is measured on a copy halved while its shorter side stays >= 64 px (128 × 128 →
 * 64 × 64: a quarter of the FFT work), the bands at full size: the whole-frame estimate mostly
 * decides which band wins, and on simulator frames the clip offsets came out as exact as with a
 * full-size whole frame (measured when this changed; the spec on simulator clips keeps them exact).
 * An image must not change once passed: its shrunk copy is kept for its next use.
 */
export async function alignPairs(pairs: readonly AlignPair[], align: Aligner = alignOnOneThread): Promise<FrameShift[]> {
  const banded = pairs.filter((pair) => pair.height >= 3 * MIN_ALIGN_SIDE);
  const bandRows = (height: number) => Math.max(MIN_ALIGN_SIDE, Math.round(height * BAND_SHARE));
  const band = (pair: AlignPair, top: boolean): AlignPair => {
    const rows = bandRows(pair.height);
    const from = top ? 0 : (pair.height - rows) * pair.width;
    return { width: pair.width, height: rows, reference: pair.reference.subarray(from, from + rows * pair.width), frame: pair.frame.subarray(from, from + rows * pair.width) };
  };
  // The three measurements are independent: in flight together, they run on the pool's threads side by side.
  const [whole, tops, bottoms] = await Promise.all([
    alignRegions(pairs, align, wholeFactor),
    alignRegions(banded.map((pair) => band(pair, true)), align, capFactor),
    alignRegions(banded.map((pair) => band(pair, false)), align, capFactor),
  ]);
  let k = 0;
  return pairs.map((pair, i) => {
    if (pair.height < 3 * MIN_ALIGN_SIDE) return whole[i];
    const estimates = [whole[i], tops[k], bottoms[k]];
    k++;
    return { dx: median(estimates.map((e) => e.dx)), dy: median(estimates.map((e) => e.dy)), confidence: median(estimates.map((e) => e.confidence)) };
  });
}

/**
 * alignFrames on one CPU thread a call: the three regions' calls already run side by side on the
 * addon's worker pool, and every partition's batch makes its own, so more threads a call would only
 * start threads (one per call) to fight over the same cores. CUDA ignores the setting.
 */
function alignOnOneThread(input: AlignFramesInput): Promise<AlignFramesResult> {
  return alignFrames(input, { threads: 1 });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The downscale factor that brings an image within alignFrames' largest side. */
function capFactor(width: number, height: number): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / MAX_ALIGN_SIDE));
}

/** capFactor, or the largest power of two that keeps the shorter side >= WHOLE_MIN_SIDE if that is more. */
function wholeFactor(width: number, height: number): number {
  let halvings = 1;
  while (Math.min(width, height) / (2 * halvings) >= WHOLE_MIN_SIDE) halvings *= 2;
  return Math.max(capFactor(width, height), halvings);
}

/**
 * The shift of each pair by alignFrames (CUDA when present, else its CPU twin) on copies shrunk by
 * `factorOf`, in full-size pixels: one call per image size, every camera of that size in one batch.
 */
async function alignRegions(pairs: readonly AlignPair[], align: Aligner, factorOf: (width: number, height: number) => number): Promise<FrameShift[]> {
  const shifts: FrameShift[] = new Array(pairs.length);
  for (const indices of indicesBySize(pairs)) {
    const { width, height } = pairs[indices[0]];
    const factor = factorOf(width, height);
    const w = Math.floor(width / factor);
    const h = Math.floor(height / factor);
    const shrink = (image: Uint8Array) => (factor === 1 ? image : shrunk(image, width, height, w, h));
    const references = new Uint8Array(indices.length * w * h);
    const frames = new Uint8Array(indices.length * w * h);
    indices.forEach((index, k) => {
      references.set(shrink(pairs[index].reference), k * w * h);
      frames.set(shrink(pairs[index].frame), k * w * h);
    });
    const result = await align({ width: w, height: h, references, frames });
    indices.forEach((index, k) => {
      shifts[index] = { dx: result.dx[k] * (width / w), dy: result.dy[k] * (height / h), confidence: Math.min(1, Math.max(0, result.confidence[k])) };
    });
  }
  return shifts;
}

/** The indices of `images`, grouped by image size (one alignFrames or prepareFrames call per size). */
export function indicesBySize(images: readonly { width: number; height: number }[]): number[][] {
  const bySize = new Map<string, number[]>();
  images.forEach(({ width, height }, i) => {
    const size = `${width}x${height}`;
    const indices = bySize.get(size);
    if (indices === undefined) bySize.set(size, [i]);
    else indices.push(i);
  });
  return [...bySize.values()];
}

/** Shrunk copies by source image: a clip's last frame is shrunk once for all the pairs it is in. */
const shrunkCopies = new WeakMap<Uint8Array, { width: number; height: number; image: Uint8Array }>();

function shrunk(image: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  const cached = shrunkCopies.get(image);
  if (cached !== undefined && cached.width === outWidth && cached.height === outHeight) return cached.image;
  const copy = downscaleGray(image, width, height, outWidth, outHeight);
  shrunkCopies.set(image, { width: outWidth, height: outHeight, image: copy });
  return copy;
}

/** A clip's grey frames, oldest first; a filled slot repeats the array of the slot before it. */
export interface ClipFrames {
  grays: readonly Uint8Array[];
  width: number;
  height: number;
}

/** How a clip's frames line up with its last frame. */
export interface ClipAlignment {
  /** Per frame, where the last frame's pixel lies in it (sub-pixel): clipInput's offsets. */
  offsets: [number, number][];
  /** The first frame onto the last, unrounded (belt travel plus shake over the clip). */
  dx: number;
  dy: number;
  /** The lowest confidence of the clip's measurements (1 when there were none). */
  confidence: number;
}

/**
 * Measures every frame of each clip directly against the clip's last frame (all clips in one
 * alignPairs), so each offset rests on one estimate, and keeps it sub-pixel for clipInput to sample
 * between pixels. Chaining frame-to-frame shifts summed up to seven estimates' errors, and rounding
 * to whole pixels turned a 0.6 px error into 1 px: each put offsets a pixel off and raised false
 * alarms on sound parts (measured when they changed); `npm run bench:inspector-quality` gives what
 * the estimated offsets still cost against the true ones. A filled slot is measured once.
 */
export async function alignClips(clips: readonly ClipFrames[], align?: Aligner): Promise<ClipAlignment[]> {
  const pairs: AlignPair[] = [];
  /** Per clip, per slot: its pair's index, or -1 for the last frame itself. */
  const slots = clips.map(({ grays, width, height }) => {
    const last = grays[grays.length - 1];
    const seen = new Map<Uint8Array, number>([[last, -1]]);
    return grays.map((gray) => {
      let index = seen.get(gray);
      if (index === undefined) {
        index = pairs.push({ reference: gray, frame: last, width, height }) - 1;
        seen.set(gray, index);
      }
      return index;
    });
  });
  const shifts = pairs.length === 0 ? [] : await alignPairs(pairs, align);
  return slots.map((indices) => {
    // frame(x) ≈ reference(x − d): the last frame's pixel p lies at p − d in the slot's frame.
    const shiftOf = (index: number): FrameShift => (index < 0 ? { dx: 0, dy: 0, confidence: 1 } : shifts[index]);
    const first = shiftOf(indices[0]);
    return {
      offsets: indices.map((index) => [-shiftOf(index).dx || 0, -shiftOf(index).dy || 0]),
      dx: first.dx,
      dy: first.dy,
      confidence: Math.min(1, ...indices.map((index) => shiftOf(index).confidence)),
    };
  });
}
