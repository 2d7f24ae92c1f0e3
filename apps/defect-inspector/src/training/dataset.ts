import { Rng } from '@vigil/platform';
import { boxCoverage, ClipBatch, PixelBox } from '@vigil/core-ml';

import { DEFECT_CLASSES, STATIC_DEFECTS, TEMPORAL_DEFECTS } from '../simulator/defects';
import { cameraId } from '../simulator/generate';
import { Part } from '../simulator/parts';
import { CameraScene } from '../simulator/scene';
import { clipInput } from './preprocess';

/** Model classes: index 0 is OK, then the simulator's defect classes in its order. */
export const INSPECTOR_CLASSES = ['OK', ...DEFECT_CLASSES] as const;
export type InspectorClass = (typeof INSPECTOR_CLASSES)[number];

export interface ClipDatasetSpec {
  /** Simulator seed; the held-out set uses another one. */
  seed: number;
  /** Clips to make: one per part, parts taken camera after camera in belt order. */
  clips: number;
  defectRate: number;
  /** L: frames per clip. */
  frames: number;
  /** The simulated camera's frame (grey). */
  sourceWidth: number;
  sourceHeight: number;
  /** The model input per frame (multiples of 8). */
  inputWidth: number;
  inputHeight: number;
  /** The localisation target's grid, over the whole frame. */
  heatWidth: number;
  heatHeight: number;
}

/** One clip's truth. */
export interface ClipRecord {
  camera: string;
  part: number;
  /** Frames (the simulator's seqs) in the clip. */
  seqStart: number;
  seqEnd: number;
  label: InspectorClass;
  classIndex: number;
  temporal: boolean;
  /** The defect on the clip's last frame, in its pixels (the whole part for wobble / slip); null when OK. */
  bbox: PixelBox | null;
}

export interface ClipDataset {
  spec: ClipDatasetSpec;
  clips: ClipBatch;
  labels: Uint8Array;
  heatmaps: Float32Array;
  records: ClipRecord[];
}

/** Frames per simulated camera: about 25 parts each at the default belt speed. */
const FRAMES_PER_CAMERA = 1200;
const FPS = 25;
/** A slipping part's clip overlaps its slip by at least this many frames (fewer show no slowdown). */
const MIN_SLIP_OVERLAP = 4;

export const isTemporal = (label: string): boolean => (TEMPORAL_DEFECTS as readonly string[]).includes(label);
export const isStatic = (label: string): boolean => (STATIC_DEFECTS as readonly string[]).includes(label);

/** One simulator clip before it is shrunk: its frames, their true offsets onto the last frame, and its truth. */
export interface SimulatorClip {
  frames: Uint8Array[];
  /** Per frame, where the last frame's pixel lies in it: clipInput's offsets. */
  offsets: [number, number][];
  record: ClipRecord;
}

/**
 * Clips from the camera simulator, one per part that stays completely in view for at least L frames:
 * the frames where it is, ending at a seeded frame (for a slipping part, within reach of the slip),
 * with the offsets that move each onto the last frame by the belt's travel and the simulator's known
 * camera shake (the global shift serving's alignment estimates: the belt fills most of the view).
 * `spec.clips` of them, deterministic in the spec.
 */
export function* simulatorClips(spec: ClipDatasetSpec): Generator<SimulatorClip> {
  validateSpec(spec);
  const { frames: L, sourceWidth, sourceHeight } = spec;
  const pick = Rng.derive(spec.seed, 'clip-ends');
  let made = 0;
  for (let camera = 0; made < spec.clips; camera++) {
    const id = cameraId(camera);
    const scene = new CameraScene({ seed: spec.seed, camera: id, width: sourceWidth, height: sourceHeight, fps: FPS, frames: FRAMES_PER_CAMERA, defectRate: spec.defectRate, channels: 1 });
    const before = made;
    for (const part of scene.parts) {
      if (made === spec.clips) break;
      const end = clipEnd(part, L, FRAMES_PER_CAMERA, pick);
      if (end === null) continue;
      const seqStart = end - L + 1;
      const last = scene.shake(end);
      const speed = scene.geometry.speed;
      const frames: Uint8Array[] = [];
      const offsets: [number, number][] = [];
      for (let seq = seqStart; seq <= end; seq++) {
        const shake = scene.shake(seq);
        frames.push(scene.render(seq));
        // Motion compensation on the belt: last-frame pixel p sees belt point p + last (+ the belt's travel
        // by then); frame seq showed that point at p + last − shake + speed·(end − seq). Parts ride the belt,
        // so a sound part stands still across the clip, and only slipping or wobbling ones move.
        offsets.push([last.dx - shake.dx + speed * (end - seq), last.dy - shake.dy]);
      }
      const label: InspectorClass = part.defect ? part.defect.cls : 'OK';
      const bbox = part.defect ? clipToFrame(scene.screenBox(part, end, part.defect.box), sourceWidth, sourceHeight) : null;
      made++;
      yield { frames, offsets, record: { camera: id, part: part.index, seqStart, seqEnd: end, label, classIndex: INSPECTOR_CLASSES.indexOf(label), temporal: isTemporal(label), bbox } };
    }
    if (made === before && camera > 0) throw new RangeError(`buildClipDataset: camera ${id} gave no clip of ${L} frames; the frame size leaves parts in view too briefly`);
  }
}

/**
 * The simulator's clips (simulatorClips) moved onto their last frames by their true offsets and
 * shrunk to the input size. Labels are the part's class; the heatmap target is the defect box's
 * coverage of each cell on the last frame (zero for OK parts).
 */
export function buildClipDataset(spec: ClipDatasetSpec, onProgress?: (fraction: number, clips: number) => void): ClipDataset {
  validateSpec(spec);
  const { frames: L, inputWidth, inputHeight, heatWidth, heatHeight, sourceWidth, sourceHeight } = spec;
  const clipSize = L * inputWidth * inputHeight;
  const data = new Uint8Array(spec.clips * clipSize);
  const labels = new Uint8Array(spec.clips);
  const heatmaps = new Float32Array(spec.clips * heatWidth * heatHeight);
  const records: ClipRecord[] = [];
  for (const { frames, offsets, record } of simulatorClips(spec)) {
    const index = records.length;
    data.set(clipInput(frames, offsets, sourceWidth, sourceHeight, inputWidth, inputHeight), index * clipSize);
    labels[index] = record.classIndex;
    if (record.bbox) heatmaps.set(boxCoverage(record.bbox, heatHeight, heatWidth, sourceWidth, sourceHeight), index * heatWidth * heatHeight);
    records.push(record);
    onProgress?.(records.length / spec.clips, records.length);
  }
  return { spec, clips: { data, count: spec.clips, frames: L, height: inputHeight, width: inputWidth }, labels, heatmaps, records };
}

/** The last frame of the part's clip, or null when it is not completely in view for L frames. */
function clipEnd(part: Part, L: number, frames: number, pick: Rng): number | null {
  const first = part.firstFull + L - 1;
  const last = part.lastFull;
  if (last > frames - 1 || first > last) return null;
  const defect = part.defect;
  if (defect?.cls === 'slip') {
    // The part lags during frames start+1 .. start+frames: end so that the clip overlaps that enough.
    const lo = Math.max(first, defect.start + MIN_SLIP_OVERLAP);
    const hi = Math.min(last, defect.start + defect.frames + L - MIN_SLIP_OVERLAP);
    if (lo <= hi) return pick.int(lo, hi);
    return null;
  }
  return pick.int(first, last);
}

function clipToFrame(box: PixelBox, width: number, height: number): PixelBox {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  return { x: x0, y: y0, w: Math.max(0, Math.min(width, box.x + box.w) - x0), h: Math.max(0, Math.min(height, box.y + box.h) - y0) };
}

function validateSpec(spec: ClipDatasetSpec): void {
  for (const field of ['clips', 'frames', 'sourceWidth', 'sourceHeight', 'inputWidth', 'inputHeight', 'heatWidth', 'heatHeight'] as const) {
    if (!Number.isSafeInteger(spec[field]) || spec[field] < 1) throw new RangeError(`spec.${field} must be a positive integer, got ${spec[field]}`);
  }
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) throw new RangeError(`spec.seed must be an unsigned 32-bit integer, got ${spec.seed}`);
  if (!(spec.defectRate > 0 && spec.defectRate < 1)) throw new RangeError(`spec.defectRate must be in (0, 1), got ${spec.defectRate}`);
  if (spec.inputWidth % 8 !== 0 || spec.inputHeight % 8 !== 0) throw new RangeError(`spec input ${spec.inputWidth}x${spec.inputHeight} must be multiples of 8`);
  if (spec.inputWidth > spec.sourceWidth || spec.inputHeight > spec.sourceHeight) throw new RangeError(`spec input ${spec.inputWidth}x${spec.inputHeight} must not exceed the source ${spec.sourceWidth}x${spec.sourceHeight}`);
}

