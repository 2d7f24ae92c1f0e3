import type { ModelManifest } from '@vigil/core-ml';

/** The model name defect-inspector serves (models/inspector/<version>/, written by train:inspector). */
export const INSPECTOR_MODEL = 'inspector';
/** The clip graph in a version directory: `clip` [N, 1, L, H, W] in, `logits` [N, C] and `heatmap` [N, h, w] out. */
export const CLIP_ONNX = 'clip.onnx';

/** What serving needs from an inspector manifest (train:inspector writes it). */
export interface InspectorManifest {
  /** Class names, index 0 is OK. */
  classes: string[];
  /** Frames per clip and the model's input size (grey, scaled by 1/255). */
  frames: number;
  inputWidth: number;
  inputHeight: number;
  heatWidth: number;
  heatHeight: number;
  /** A clip is a DEFECT when 1 − P(OK) reaches it. */
  defectThreshold: number;
}

/** Checks the fields serving relies on; a manifest that lacks one fails the version's load, naming it. */
export function parseInspectorManifest(manifest: ModelManifest, where: string): InspectorManifest {
  const raw = manifest as unknown as Record<string, unknown>;
  const input = object(raw.input, `${where}: input`);
  const heatmap = object(raw.heatmap, `${where}: heatmap`);
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length < 2 || !classes.every((c) => typeof c === 'string' && c.length > 0) || classes[0] !== 'OK') {
    throw new RangeError(`${where}: classes must list at least two names, OK first, got ${JSON.stringify(classes)}`);
  }
  const threshold = raw.defectThreshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) throw new RangeError(`${where}: defectThreshold must be a number in (0, 1), got ${JSON.stringify(threshold)}`);
  if (input.scale !== '1/255') throw new RangeError(`${where}: input.scale must be "1/255", got ${JSON.stringify(input.scale)}`);
  return {
    classes: classes as string[],
    frames: positiveInteger(input.frames, `${where}: input.frames`),
    inputWidth: positiveInteger(input.width, `${where}: input.width`),
    inputHeight: positiveInteger(input.height, `${where}: input.height`),
    heatWidth: positiveInteger(heatmap.width, `${where}: heatmap.width`),
    heatHeight: positiveInteger(heatmap.height, `${where}: heatmap.height`),
    defectThreshold: threshold,
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what}: expected an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`${what}: expected an integer >= 1, got ${JSON.stringify(value)}`);
  return value;
}
