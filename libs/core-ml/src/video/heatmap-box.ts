/** A box in pixels: left, top, width, height. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The defect's box from one heatmap [h, w] (row-major, values in [0, 1]) in pixels of a frame of
 * frameWidth × frameHeight that the heatmap covers; null when the heatmap is all zero.
 *
 * The model learns each cell's share covered by the defect's box, so the box is the one whose coverage,
 * times an amplitude of at most 1, best matches the heatmap (least squares) around its peak. The fit
 * starts from a full width at half maximum reading (the cells at or above half the peak that connect to
 * it, each edge moved by the coverage of the cells across it: exact for an exact coverage) and moves each
 * edge in turn by halving steps. Unlike the half-maximum edges, the fit is not widened by cells the model
 * is unsure about, and it reads a heatmap the Dice term has pushed towards a mask (cells partly covered
 * near 1) as well as a calibrated coverage; the amplitude absorbs a peak below 1.
 */
export function heatmapToBox(heatmap: ArrayLike<number>, h: number, w: number, frameWidth: number, frameHeight: number): PixelBox | null {
  if (!Number.isSafeInteger(h) || !Number.isSafeInteger(w) || h < 1 || w < 1) throw new RangeError(`heatmapToBox: h and w must be positive integers, got ${h} and ${w}`);
  if (heatmap.length !== h * w) throw new RangeError(`heatmapToBox: heatmap holds ${heatmap.length} values, expected h·w = ${h * w}`);
  if (!(frameWidth > 0 && frameHeight > 0)) throw new RangeError(`heatmapToBox: frameWidth and frameHeight must be > 0, got ${frameWidth} and ${frameHeight}`);
  const start = halfMaximumBox(heatmap, h, w);
  if (start === null) return null;
  const [left, right, upper, lower] = fitBox(heatmap, h, w, start);
  const cellW = frameWidth / w;
  const cellH = frameHeight / h;
  const x0 = Math.max(0, left * cellW);
  const y0 = Math.max(0, upper * cellH);
  const x1 = Math.min(frameWidth, Math.max(right, left + 1e-6) * cellW);
  const y1 = Math.min(frameHeight, Math.max(lower, upper + 1e-6) * cellH);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Edges [left, right, upper, lower] in cells. */
type CellBox = [number, number, number, number];

/**
 * The connected region at or above half the peak, each edge moved by the coverage of the cells across
 * it: with exact coverages an edge inside the region's first column c (share s) lands at c + 1 − s, and
 * one inside the column before it at c − s, both c + 1 − (p(c) + p(c − 1)) / peak, p the column's
 * highest value; likewise for the other three edges. Null when the heatmap is all zero.
 */
function halfMaximumBox(heatmap: ArrayLike<number>, h: number, w: number): CellBox | null {
  let top = 0;
  for (let i = 1; i < heatmap.length; i++) if (heatmap[i] > heatmap[top]) top = i;
  const peak = heatmap[top];
  if (!(peak > 0)) return null;

  const half = peak / 2;
  const seen = new Uint8Array(h * w);
  const stack = [top];
  seen[top] = 1;
  let [r0, r1, c0, c1] = [h, -1, w, -1];
  while (stack.length > 0) {
    const cell = stack.pop() as number;
    const r = Math.floor(cell / w);
    const c = cell % w;
    [r0, r1, c0, c1] = [Math.min(r0, r), Math.max(r1, r), Math.min(c0, c), Math.max(c1, c)];
    for (const [nr, nc] of [[r - 1, c], [r + 1, c], [r, c - 1], [r, c + 1]]) {
      const next = nr * w + nc;
      if (nr >= 0 && nr < h && nc >= 0 && nc < w && !seen[next] && heatmap[next] >= half) {
        seen[next] = 1;
        stack.push(next);
      }
    }
  }

  // Highest value per column over the region's rows, and per row over its columns (0 off the grid).
  const column = (c: number): number => {
    let m = 0;
    if (c >= 0 && c < w) for (let r = r0; r <= r1; r++) m = Math.max(m, heatmap[r * w + c]);
    return m / peak;
  };
  const row = (r: number): number => {
    let m = 0;
    if (r >= 0 && r < h) for (let c = c0; c <= c1; c++) m = Math.max(m, heatmap[r * w + c]);
    return m / peak;
  };
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  return [
    clamp(c0 + 1 - column(c0) - column(c0 - 1), c0 - 1, c0 + 1),
    clamp(c1 + column(c1) + column(c1 + 1), c1, c1 + 2),
    clamp(r0 + 1 - row(r0) - row(r0 - 1), r0 - 1, r0 + 1),
    clamp(r1 + row(r1) + row(r1 + 1), r1, r1 + 2),
  ];
}

/** Cells around the start box the fit compares (the model's doubt rarely spreads further). */
const FIT_MARGIN = 3;
/** The fit's first and last edge steps, in cells (the last well under a pixel). */
const FIT_STEP = 1;
const FIT_RESOLUTION = 1e-3;

/** The box (edges in cells) minimising Σ (a·coverage − heatmap)² over a window around `start`, a = min(1, the best amplitude); Σ heatmap² is the same for every box and left out. */
function fitBox(heatmap: ArrayLike<number>, h: number, w: number, start: CellBox): CellBox {
  const c0 = Math.max(0, Math.floor(start[0]) - FIT_MARGIN);
  const c1 = Math.min(w, Math.ceil(start[1]) + FIT_MARGIN);
  const r0 = Math.max(0, Math.floor(start[2]) - FIT_MARGIN);
  const r1 = Math.min(h, Math.ceil(start[3]) + FIT_MARGIN);
  const xs = new Float64Array(c1 - c0);
  const ys = new Float64Array(r1 - r0);
  const error = (box: CellBox): number => {
    if (!(box[1] - box[0] > 0.05 && box[3] - box[2] > 0.05)) return Infinity;
    for (let c = c0; c < c1; c++) xs[c - c0] = Math.max(0, Math.min(box[1], c + 1) - Math.max(box[0], c));
    for (let r = r0; r < r1; r++) ys[r - r0] = Math.max(0, Math.min(box[3], r + 1) - Math.max(box[2], r));
    // Σ (a·m − v)² = a²·Σm² − 2a·Σmv + Σv², least at a = Σmv / Σm² (capped at 1); m = ys ⊗ xs, so Σm² = Σys²·Σxs².
    let xx = 0;
    let yy = 0;
    let mv = 0;
    for (const x of xs) xx += x * x;
    for (let r = r0; r < r1; r++) {
      const y = ys[r - r0];
      if (y === 0) continue;
      yy += y * y;
      let row = 0;
      for (let c = c0; c < c1; c++) row += xs[c - c0] * heatmap[r * w + c];
      mv += y * row;
    }
    const mm = xx * yy;
    const a = mm > 0 ? Math.min(1, Math.max(0, mv / mm)) : 0;
    return a * a * mm - 2 * a * mv;
  };
  let box: CellBox = [...start];
  let best = error(box);
  for (let step = FIT_STEP; step >= FIT_RESOLUTION; step /= 2) {
    for (let improved = true; improved; ) {
      improved = false;
      for (let edge = 0; edge < 4; edge++) {
        for (const move of [step, -step]) {
          const next: CellBox = [...box];
          next[edge] += move;
          const e = error(next);
          if (e < best) [box, best, improved] = [next, e, true];
        }
      }
    }
  }
  return box;
}

/** Each cell's share covered by `box` (pixels of a frameWidth × frameHeight frame): the heatmap target. */
export function boxCoverage(box: PixelBox, h: number, w: number, frameWidth: number, frameHeight: number): Float32Array {
  const out = new Float32Array(h * w);
  const cellW = frameWidth / w;
  const cellH = frameHeight / h;
  const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
  for (let r = 0; r < h; r++) {
    const dy = overlap(box.y, box.y + box.h, r * cellH, (r + 1) * cellH) / cellH;
    if (dy === 0) continue;
    for (let c = 0; c < w; c++) out[r * w + c] = dy * (overlap(box.x, box.x + box.w, c * cellW, (c + 1) * cellW) / cellW);
  }
  return out;
}

/** Intersection over union of two boxes (0 when either is empty). */
export function boxIou(a: PixelBox, b: PixelBox): number {
  const iw = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const ih = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = iw * ih;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
