import { Rng } from '@vigil/platform';

/** Single-frame defects: visible on any frame of the part. */
export const STATIC_DEFECTS = ['scratch', 'dent', 'crack', 'missing-feature'] as const;
/** Temporal defects: no single frame shows them, only the sequence does. */
export const TEMPORAL_DEFECTS = ['flicker', 'wobble', 'slip'] as const;
export const DEFECT_CLASSES = [...STATIC_DEFECTS, ...TEMPORAL_DEFECTS] as const;
export type DefectClass = (typeof DEFECT_CLASSES)[number];

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A round feature every good part has (a bright boss), in part-local pixels. */
export interface Feature {
  cx: number;
  cy: number;
  r: number;
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type Defect =
  | { cls: 'scratch' | 'crack'; segments: Segment[]; halfWidth: number; depth: number; box: Box }
  | { cls: 'dent'; cx: number; cy: number; r: number; depth: number; box: Box }
  | { cls: 'missing-feature'; box: Box }
  | { cls: 'flicker'; cx: number; cy: number; r: number; amplitude: number; box: Box }
  | { cls: 'wobble'; amplitude: number; period: number; phase: number; box: Box }
  | { cls: 'slip'; start: number; frames: number; factor: number; box: Box };

function boxOf(points: ReadonlyArray<[number, number]>, pad: number): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x = Math.floor(Math.min(...xs) - pad);
  const y = Math.floor(Math.min(...ys) - pad);
  return { x, y, w: Math.ceil(Math.max(...xs) + pad) - x + 1, h: Math.ceil(Math.max(...ys) + pad) - y + 1 };
}

/**
 * A defect of class `cls` on a part of `w`×`h` pixels; `inner` is the region of the part where marks
 * may go, `firstFull` the first frame the part is fully in view (slip starts a few frames later).
 * Boxes are part-local (temporal motion defects: the whole part).
 */
export function makeDefect(rng: Rng, cls: DefectClass, w: number, h: number, inner: Box, feature: Feature, firstFull: number): Defect {
  const px = (): number => rng.uniform(inner.x, inner.x + inner.w);
  const py = (): number => rng.uniform(inner.y, inner.y + inner.h);
  const whole: Box = { x: 0, y: 0, w, h };
  switch (cls) {
    case 'scratch': {
      const length = rng.uniform(0.5, 0.9) * Math.min(inner.w, inner.h);
      const angle = rng.uniform(0, Math.PI);
      const cx = inner.x + inner.w / 2 + rng.uniform(-0.15, 0.15) * inner.w;
      const cy = inner.y + inner.h / 2 + rng.uniform(-0.15, 0.15) * inner.h;
      const dx = (Math.cos(angle) * length) / 2;
      const dy = (Math.sin(angle) * length) / 2;
      const segment = { x1: cx - dx, y1: cy - dy, x2: cx + dx, y2: cy + dy };
      const halfWidth = rng.uniform(0.7, 1.2);
      return { cls, segments: [segment], halfWidth, depth: rng.uniform(60, 85), box: boxOf([[segment.x1, segment.y1], [segment.x2, segment.y2]], halfWidth) };
    }
    case 'crack': {
      const steps = rng.int(4, 6);
      const stepLength = (rng.uniform(0.5, 0.8) * Math.min(inner.w, inner.h)) / steps;
      let angle = rng.uniform(0, 2 * Math.PI);
      const points: Array<[number, number]> = [[px(), py()]];
      for (let i = 0; i < steps; i++) {
        angle += rng.uniform(-0.9, 0.9);
        const [x, y] = points[points.length - 1];
        const nx = Math.min(inner.x + inner.w, Math.max(inner.x, x + Math.cos(angle) * stepLength));
        const ny = Math.min(inner.y + inner.h, Math.max(inner.y, y + Math.sin(angle) * stepLength));
        points.push([nx, ny]);
      }
      const segments = points.slice(1).map(([x2, y2], i) => ({ x1: points[i][0], y1: points[i][1], x2, y2 }));
      return { cls, segments, halfWidth: 0.8, depth: rng.uniform(80, 100), box: boxOf(points, 0.8) };
    }
    case 'dent': {
      const r = rng.uniform(3, Math.max(3.5, Math.min(inner.w, inner.h) * 0.18));
      const cx = px();
      const cy = py();
      return { cls, cx, cy, r, depth: rng.uniform(60, 90), box: boxOf([[cx, cy]], r) };
    }
    case 'missing-feature':
      return { cls, box: boxOf([[feature.cx, feature.cy]], feature.r) };
    case 'flicker': {
      const r = rng.uniform(2.5, 4.5);
      const cx = px();
      const cy = py();
      return { cls, cx, cy, r, amplitude: rng.uniform(30, 45), box: boxOf([[cx, cy]], r) };
    }
    case 'wobble':
      return { cls, amplitude: rng.uniform(2, 4), period: rng.int(4, 8), phase: rng.uniform(0, 2 * Math.PI), box: whole };
    case 'slip':
      return { cls, start: firstFull + rng.int(2, 5), frames: rng.int(6, 10), factor: rng.uniform(0.5, 0.7), box: whole };
  }
}

function segmentDistance(s: Segment, x: number, y: number): number {
  const vx = s.x2 - s.x1;
  const vy = s.y2 - s.y1;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - s.x1) * vx + (y - s.y1) * vy) / len2));
  const dx = s.x1 + t * vx - x;
  const dy = s.y1 + t * vy - y;
  return Math.sqrt(dx * dx + dy * dy);
}

/** Brightness change the defect makes at part-local pixel centre (x, y) on `frame` (0 outside it). */
export function defectShade(defect: Defect, x: number, y: number, frame: number): number {
  const b = defect.box;
  if (x < b.x || y < b.y || x >= b.x + b.w || y >= b.y + b.h) return 0;
  switch (defect.cls) {
    case 'scratch':
    case 'crack': {
      let d = Infinity;
      for (const s of defect.segments) d = Math.min(d, segmentDistance(s, x, y));
      return d <= defect.halfWidth ? -defect.depth : 0;
    }
    case 'dent': {
      const d2 = ((x - defect.cx) ** 2 + (y - defect.cy) ** 2) / (defect.r * defect.r);
      return d2 <= 1 ? -defect.depth * (1 - 0.6 * d2) : 0;
    }
    case 'flicker': {
      const d2 = ((x - defect.cx) ** 2 + (y - defect.cy) ** 2) / (defect.r * defect.r);
      return d2 <= 1 ? (frame % 2 === 0 ? 1 : -1) * defect.amplitude : 0;
    }
    default:
      return 0;
  }
}

/** Vertical offset (pixels, perpendicular to the belt) the defect adds on `frame`. */
export function wobbleOffset(defect: Defect | null, frame: number): number {
  if (defect?.cls !== 'wobble') return 0;
  return Math.round(defect.amplitude * Math.sin((2 * Math.PI * frame) / defect.period + defect.phase));
}

/** How far (pixels, against the belt) a slipping part has fallen behind by `frame`. */
export function slipLag(defect: Defect | null, frame: number, speed: number): number {
  if (defect?.cls !== 'slip') return 0;
  return speed * defect.factor * Math.max(0, Math.min(defect.frames, frame - defect.start));
}
