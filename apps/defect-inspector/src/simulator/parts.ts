import { Rng } from '@vigil/platform';

import { Box, DEFECT_CLASSES, Defect, DefectClass, Feature, makeDefect, slipLag, wobbleOffset } from './defects';
import { hash01, valueNoise } from './noise';

/** Largest camera shake, pixels per axis. */
export const MAX_SHAKE = 2;

export interface Geometry {
  width: number;
  height: number;
  /** Belt travel, pixels per frame (parts move right to left). */
  speed: number;
}

/** A part on the belt; positions are in scene pixels (the camera's unshaken view). */
export interface Part {
  index: number;
  shape: 'rect' | 'disc';
  w: number;
  h: number;
  /** Scene x of the left edge at frame 0 if the part never slipped. */
  start: number;
  /** Scene y of the top edge when not wobbling. */
  top: number;
  base: number;
  texSeed: number;
  feature: Feature;
  /** Region of the part where marks may go, part-local. */
  inner: Box;
  /** null: a good part. Mutable so tests can render the same part without its defect. */
  defect: Defect | null;
  /** First and last frame the part is completely in view (with a margin for shake and wobble). */
  firstFull: number;
  lastFull: number;
}

/** The belt speed for a frame size: a part crosses the view in about 40 frames. */
export const beltSpeed = (width: number): number => Math.max(1, Math.round(width / 40));

const MARGIN = MAX_SHAKE + 1;

export function partX(part: Part, frame: number, speed: number): number {
  return Math.round(part.start - speed * frame + slipLag(part.defect, frame, speed));
}

export function partY(part: Part, frame: number): number {
  return part.top + wobbleOffset(part.defect, frame);
}

/** Scene box of the part on `frame`. */
export function partBox(part: Part, frame: number, speed: number): Box {
  return { x: partX(part, frame, speed), y: partY(part, frame), w: part.w, h: part.h };
}

/**
 * Every part that passes the camera in `frames` frames, one after another with a gap so that at
 * most one is completely in view at a time. A part is defective with probability `defectRate`,
 * the class drawn uniformly.
 */
export function planParts(rng: Rng, geometry: Geometry, frames: number, defectRate: number, classes: readonly DefectClass[] = DEFECT_CLASSES): Part[] {
  const { width: W, height: H, speed } = geometry;
  const parts: Part[] = [];
  let start = 0;
  for (let index = 0; ; index++) {
    const shape = rng.chance(0.5) ? 'rect' : 'disc';
    let w: number;
    let h: number;
    if (shape === 'rect') {
      w = rng.int(Math.round(0.3 * W), Math.round(0.45 * W));
      h = rng.int(Math.round(0.35 * H), Math.round(0.55 * H));
    } else {
      const limit = Math.min(0.45 * W, 0.55 * H);
      w = h = rng.int(Math.round(0.7 * limit), Math.round(limit));
    }
    start = index === 0 ? Math.round(W - w / 2) : start + rng.int(W, Math.round(W * 1.3));
    if (start - speed * (frames - 1) > W) break;
    const top = Math.round((H - h) / 2 + rng.uniform(-0.08, 0.08) * H);
    const inner: Box =
      shape === 'rect'
        ? { x: Math.round(0.15 * w), y: Math.round(0.15 * h), w: Math.round(0.7 * w), h: Math.round(0.7 * h) }
        : { x: Math.round(0.18 * w), y: Math.round(0.18 * h), w: Math.round(0.64 * w), h: Math.round(0.64 * h) };
    const r = Math.max(2.5, 0.11 * Math.min(w, h));
    const feature: Feature = shape === 'rect' ? { cx: w * 0.22 + r, cy: h / 2, r } : { cx: w / 2, cy: h / 2, r };
    const firstFull = Math.max(0, Math.ceil((start + w - (W - MARGIN)) / speed));
    const part: Part = { index, shape, w, h, start, top, base: rng.uniform(140, 185), texSeed: rng.uint32(), feature, inner, defect: null, firstFull, lastFull: firstFull };
    const defective = rng.chance(defectRate);
    const cls = rng.pick(classes);
    const defectRng = new Rng(rng.uint32());
    if (defective) part.defect = makeDefect(defectRng, cls, w, h, inner, feature, firstFull);
    while (partX(part, part.lastFull + 1, speed) >= MARGIN) part.lastFull++;
    parts.push(part);
  }
  return parts;
}

/**
 * The part's own look, part-local, row-major: brushed-metal texture with a bright boss (unless the
 * feature is missing); -1 outside the shape.
 */
export function partTexture(part: Part): Float32Array {
  const { w, h, texSeed } = part;
  const tex = new Float32Array(w * h);
  const rx = w / 2;
  const ry = h / 2;
  const hasFeature = part.defect?.cls !== 'missing-feature';
  const f = part.feature;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      if (part.shape === 'disc' && ((cx - rx) / rx) ** 2 + ((cy - ry) / ry) ** 2 > 1) {
        tex[y * w + x] = -1;
        continue;
      }
      let v = part.base + 18 * (valueNoise(texSeed, x, y * 6, 9) - 0.5) + 10 * (valueNoise(texSeed + 1, x, y, 3) - 0.5) + 6 * (hash01(texSeed + 2, x, y) - 0.5);
      const edge = Math.min(x, y, w - 1 - x, h - 1 - y);
      if (part.shape === 'rect' && edge < 1) v -= 25;
      if (hasFeature) {
        const d = Math.sqrt((cx - f.cx) ** 2 + (cy - f.cy) ** 2);
        if (d <= f.r) v += 45 - 15 * (d / f.r);
        else if (d <= f.r + 1) v -= 20;
      }
      tex[y * w + x] = v;
    }
  }
  return tex;
}
