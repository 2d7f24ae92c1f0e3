/**
 * What the defect models see: each grey frame of a clip moved onto the clip's last frame (the camera
 * shake undone), then shrunk to the model's input size by area averaging and rounded back to bytes.
 * Serving builds its model input with these same functions.
 */

/**
 * `src` (w × h grey) read at an offset: out(x, y) = src(x + dx, y + dy), clamped at the borders.
 * With dx, dy = where the last frame's pixel lies in this frame, the frame lines up with the last one.
 */
export function shiftGray(src: Uint8Array, width: number, height: number, dx: number, dy: number): Uint8Array {
  if (src.length !== width * height) throw new RangeError(`shiftGray: src holds ${src.length} bytes for ${width}x${height}`);
  if (!Number.isInteger(dx) || !Number.isInteger(dy)) throw new RangeError(`shiftGray: dx and dy must be integers, got ${dx} and ${dy}`);
  if (dx === 0 && dy === 0) return src;
  const out = new Uint8Array(width * height);
  // Per row: the columns whose source lies inside the frame are one contiguous copy; the rest repeat an edge pixel.
  const x0 = Math.min(width, Math.max(0, -dx));
  const x1 = Math.max(x0, Math.min(width, width - dx));
  for (let y = 0; y < height; y++) {
    const row = Math.min(height - 1, Math.max(0, y + dy)) * width;
    const at = y * width;
    out.fill(src[row], at, at + x0);
    if (x1 > x0) out.set(src.subarray(row + x0 + dx, row + x1 + dx), at + x0);
    out.fill(src[row + width - 1], at + x1, at + width);
  }
  return out;
}

/** Area-average resampling of a grey image to `outWidth` × `outHeight` (any ratio), rounded to bytes. */
export function downscaleGray(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  if (src.length !== width * height) throw new RangeError(`downscaleGray: src holds ${src.length} bytes for ${width}x${height}`);
  if (!(Number.isInteger(outWidth) && Number.isInteger(outHeight) && outWidth >= 1 && outHeight >= 1 && outWidth <= width && outHeight <= height)) {
    throw new RangeError(`downscaleGray: output ${outWidth}x${outHeight} must be whole and no larger than ${width}x${height}`);
  }
  if (width % outWidth === 0 && height % outHeight === 0) return downscaleBlocks(src, width, height, outWidth, outHeight);
  const xs = spans(width, outWidth);
  const ys = spans(height, outHeight);
  const out = new Uint8Array(outWidth * outHeight);
  const area = (width / outWidth) * (height / outHeight);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      let sum = 0;
      for (const [sy, wy] of ys[oy]) for (const [sx, wx] of xs[ox]) sum += src[sy * width + sx] * wx * wy;
      out[oy * outWidth + ox] = Math.min(255, Math.round(sum / area));
    }
  }
  return out;
}

/**
 * downscaleGray for whole ratios: each output is the mean of a block of whole pixels. The same
 * sum over the same area as the general path, whose overlaps are all exactly 1 here, so the same bytes.
 */
function downscaleBlocks(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  const fx = width / outWidth;
  const fy = height / outHeight;
  const area = fx * fy;
  const sums = new Uint32Array(outWidth);
  const out = new Uint8Array(outWidth * outHeight);
  for (let oy = 0; oy < outHeight; oy++) {
    sums.fill(0);
    for (let y = oy * fy; y < (oy + 1) * fy; y++) {
      const row = y * width;
      for (let ox = 0, x = row; ox < outWidth; ox++) for (let k = 0; k < fx; k++, x++) sums[ox] += src[x];
    }
    for (let ox = 0; ox < outWidth; ox++) out[oy * outWidth + ox] = Math.min(255, Math.round(sums[ox] / area));
  }
  return out;
}

/** For each output cell, the source pixels under it with the length of their overlap. */
function spans(size: number, outSize: number): [number, number][][] {
  const scale = size / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    const start = o * scale;
    const end = start + scale;
    const cells: [number, number][] = [];
    for (let s = Math.floor(start); s < Math.min(size, Math.ceil(end)); s++) cells.push([s, Math.min(end, s + 1) - Math.max(start, s)]);
    return cells;
  });
}

/**
 * `src` (w × h grey) read at a fractional offset: out(x, y) = src(x + dx, y + dy) by bilinear
 * interpolation, coordinates clamped to the frame, rounded to bytes. Whole offsets give shiftGray's bytes.
 */
export function shiftGrayBilinear(src: Uint8Array, width: number, height: number, dx: number, dy: number): Uint8Array {
  if (src.length !== width * height) throw new RangeError(`shiftGrayBilinear: src holds ${src.length} bytes for ${width}x${height}`);
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) throw new RangeError(`shiftGrayBilinear: dx and dy must be finite, got ${dx} and ${dy}`);
  if (Number.isInteger(dx) && Number.isInteger(dy)) return shiftGray(src, width, height, dx, dy);
  const xs = bilinearAxis(width, dx);
  const ys = bilinearAxis(height, dy);
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = bilinearAt(src, xs, ys, x, y, width);
  }
  return out;
}

interface BilinearAxis {
  near: Int32Array;
  far: Int32Array;
  /** The far cell's weight in 1/256ths. */
  weight: Int32Array;
}

/** Per column (or row) i of a shifted read: the two source cells around i + d, clamped, and the far one's weight. */
function bilinearAxis(size: number, d: number): BilinearAxis {
  const near = new Int32Array(size);
  const far = new Int32Array(size);
  const weight = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const at = Math.min(size - 1, Math.max(0, i + d));
    near[i] = Math.floor(at);
    far[i] = Math.min(size - 1, near[i] + 1);
    weight[i] = Math.round((at - near[i]) * 256);
  }
  return { near, far, weight };
}

/**
 * One bilinear sample, in integers (weights in 1/256 px, as image libraries do; twice as fast as
 * doubles here).
 */
function bilinearAt(src: Uint8Array, xs: BilinearAxis, ys: BilinearAxis, x: number, y: number, width: number): number {
  const top = ys.near[y] * width;
  const bottom = ys.far[y] * width;
  const n = xs.near[x];
  const f = xs.far[x];
  const w1 = xs.weight[x];
  const w0 = 256 - w1;
  const b = ys.weight[y];
  return ((src[top + n] * w0 + src[top + f] * w1) * (256 - b) + (src[bottom + n] * w0 + src[bottom + f] * w1) * b + 32768) >> 16;
}

/**
 * One model input clip (frames oldest first, each w × h grey) as outWidth × outHeight bytes per
 * frame; `offsets[t]` is where the last frame's pixel lies in frame t (the shift that undoes the
 * shake between them), [0, 0] for the last frame itself. Training's offsets are whole pixels;
 * serving's are estimates, sampled between pixels (shiftGrayBilinear) rather than rounded.
 */
export function clipInput(frames: readonly Uint8Array[], offsets: readonly (readonly [number, number])[], width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  if (offsets.length !== frames.length) throw new RangeError(`clipInput: ${offsets.length} offsets for ${frames.length} frames`);
  const size = outWidth * outHeight;
  const out = new Uint8Array(frames.length * size);
  frames.forEach((frame, t) => out.set(downscaleGray(shiftGrayBilinear(frame, width, height, offsets[t][0], offsets[t][1]), width, height, outWidth, outHeight), t * size));
  return out;
}
