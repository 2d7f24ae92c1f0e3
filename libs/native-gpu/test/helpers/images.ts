/** Seeded test images for the alignFrames specs, and plain-TypeScript references to check against. */
import { rng } from './random';

// Jest runs specs in a vm context, where every global lookup in a hot loop (`exp`) is ~10x
// slower than in plain Node; local bindings keep these helpers at plain-Node speed.
const { PI, ceil, cos, exp, floor, log, max, min, round, sqrt } = Math;

/**
 * A textured image (a dense field of Gaussian blobs of 1.5–5.5 px around grey 128) sampled at
 * (x - dx, y - dy): the same scene moved right by dx and down by dy, exactly, for any real shift.
 */
export function texture(width: number, height: number, dx: number, dy: number, seed: number): Float32Array {
  const random = rng(seed);
  const image = new Float64Array(width * height);
  const margin = 40;
  const blobs = round(((width + 2 * margin) * (height + 2 * margin)) / 40);
  for (let b = 0; b < blobs; b++) {
    const bx = random() * (width + 2 * margin) - margin + dx;
    const by = random() * (height + 2 * margin) - margin + dy;
    const sigma = 1.5 + random() * 4;
    const amplitude = random() * 2 - 1;
    const reach = ceil(4 * sigma);
    for (let y = max(0, floor(by - reach)); y < min(height, by + reach); y++) {
      for (let x = max(0, floor(bx - reach)); x < min(width, bx + reach); x++) {
        const r2 = (x - bx) ** 2 + (y - by) ** 2;
        image[y * width + x] += amplitude * exp(-r2 / (2 * sigma * sigma));
      }
    }
  }
  return Float32Array.from(image, (v) => 128 + 45 * v);
}

/** gain * image + offset + Gaussian noise of std `noise` (Box–Muller, seeded). */
export function degrade(image: Float32Array, options: { gain?: number; offset?: number; noise?: number; seed?: number }): Float32Array {
  const random = rng(options.seed ?? 1);
  const gain = options.gain ?? 1;
  const offset = options.offset ?? 0;
  const noise = options.noise ?? 0;
  return image.map((v) => gain * v + offset + noise * sqrt(-2 * log(1 - random())) * cos(2 * PI * random()));
}

/** GRAY8: rounded and clamped to [0, 255]. */
export function toGray8(image: Float32Array): Uint8Array {
  return Uint8Array.from(image, (v) => min(255, max(0, round(v))));
}

/** Images concatenated into one batch array. */
export function batch<T extends Float32Array | Uint8Array>(images: T[]): T {
  const out = new (images[0].constructor as new (n: number) => T)(images.reduce((n, image) => n + image.length, 0));
  let at = 0;
  for (const image of images) {
    out.set(image, at);
    at += image.length;
  }
  return out;
}

/**
 * Brute force: the direct circular cross-correlation sum_x ref(x) frame(x + s) of the mean-removed
 * images over every shift s, and the signed shift of its maximum (O((w h)^2): small images only).
 */
export function bruteForcePeak(reference: Float32Array, frame: Float32Array, width: number, height: number): { dx: number; dy: number } {
  const centred = (image: Float32Array): Float64Array => {
    const mean = image.reduce((a, v) => a + v, 0) / image.length;
    return Float64Array.from(image, (v) => v - mean);
  };
  const a = centred(reference);
  const b = centred(frame);
  let best = -Infinity;
  let peak = { dx: 0, dy: 0 };
  for (let sy = 0; sy < height; sy++) {
    for (let sx = 0; sx < width; sx++) {
      let sum = 0;
      for (let y = 0; y < height; y++) {
        const row = ((y + sy) % height) * width;
        for (let x = 0; x < width; x++) sum += a[y * width + x] * b[row + ((x + sx) % width)];
      }
      if (sum > best) {
        best = sum;
        peak = { dx: sx < width / 2 ? sx : sx - width, dy: sy < height / 2 ? sy : sy - height };
      }
    }
  }
  return peak;
}

/** warped(x, y) = frame(x + dx, y + dy): bilinear, coordinates clamped to the image (float64). */
export function referenceWarp(frame: ArrayLike<number>, width: number, height: number, dx: number, dy: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = min(width - 1, max(0, x + dx));
      const sy = min(height - 1, max(0, y + dy));
      const x0 = floor(sx);
      const y0 = floor(sy);
      const x1 = min(x0 + 1, width - 1);
      const y1 = min(y0 + 1, height - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const top = frame[y0 * width + x0] * (1 - fx) + frame[y0 * width + x1] * fx;
      const bottom = frame[y1 * width + x0] * (1 - fx) + frame[y1 * width + x1] * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** The image circularly shifted by integers: out(x, y) = image(x - dx mod w, y - dy mod h). */
export function circularShift(image: Float32Array, width: number, height: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(image.length);
  const mod = (a: number, n: number): number => ((a % n) + n) % n;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = image[mod(y - dy, height) * width + mod(x - dx, width)];
  }
  return out;
}
