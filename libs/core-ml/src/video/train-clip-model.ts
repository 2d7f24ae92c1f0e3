import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { definedOnly, EpochProgress, float32Bytes, float32sOf, runEpochTrainer } from '../common/epoch-trainer';
import { CLIP_TIME_KERNEL, clipGeometry, ClipModelKind, ClipModelWeights, parseClipModel } from './clip-model';

/** Grey clips, row-major [count, frames, height, width], one byte per pixel (the model sees value / 255). */
export interface ClipBatch {
  data: Uint8Array;
  count: number;
  frames: number;
  height: number;
  width: number;
}

export interface ClipTrainingData {
  clips: ClipBatch;
  /** One class index per clip, 0 = OK, below params.classes. */
  labels: ArrayLike<number>;
  /** Localisation targets [count, H/8·upscale, W/8·upscale], each in [0, 1]. */
  heatmaps: Float32Array;
}

export interface ClipTrainParams {
  kind: ClipModelKind;
  classes: number;
  c1: number;
  c2: number;
  dModel: number;
  heads: number;
  ffn: number;
  layers: number;
  upscale: number;
  epochs: number;
  batchSize: number;
  /** Peak Adam learning rate, decayed along a cosine to 0. */
  learningRate: number;
  /** Weight of the heatmap loss next to the class loss, and of its positive part within it. */
  heatWeight: number;
  heatPosWeight: number;
  /** Weight of 1 − soft Dice between heatmap and target (clips with a defect): sharpens box edges; 0 leaves it out. */
  heatDiceWeight: number;
  seed: number;
  threads: number;
  /** Clips whose logits and heatmaps the trainer writes back, to verify exported models against. */
  evaluate?: ClipBatch;
  onProgress?: (progress: ClipTrainProgress) => void;
  /** Defaults to libs/core-ml/build/clip-train. */
  binaryPath: string;
}

export type ClipTrainProgress = EpochProgress;

export interface ClipTrainingResult {
  weights: ClipModelWeights;
  /** The trainer's outputs for `params.evaluate`: logits [M, C] and heatmaps [M, h, w] after the sigmoid. */
  evalLogits?: Float32Array;
  evalHeatmaps?: Float32Array;
  /** Optimizer steps, their wall time (excluding loading and writing), and the last epoch's mean loss. */
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  finalLoss: number;
}

/** clip-train ran but failed: its exit status and its last stderr line. */
export class ClipTrainerError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const DEFAULT_CLIP_TRAIN_PARAMS: Readonly<ClipTrainParams> = Object.freeze({
  kind: 'clip',
  classes: 8,
  c1: 16,
  c2: 32,
  dModel: 64,
  heads: 4,
  ffn: 128,
  layers: 2,
  upscale: 4,
  epochs: 10,
  batchSize: 16,
  learningRate: 1e-3,
  // Heatmap targets are sparse (a few of 1024 cells): at 8 their loss was swamped and static marks went unlearned.
  heatWeight: 64,
  // 1 keeps the heatmap a calibrated coverage, which heatmapToBox reads edges from; more inflates it.
  heatPosWeight: 1,
  heatDiceWeight: 0,
  seed: 1,
  threads: 1,
  // src/video or dist/video → libs/core-ml/build
  binaryPath: resolve(__dirname, '../../build/clip-train'),
});


/**
 * Trains the clip model (or the single-frame baseline) with the native trainer: inputs go to a
 * temporary folder as raw bytes, clip-train runs as a child process, and its weights come back parsed.
 * The folder is removed whatever happens. Bad inputs are refused here with a RangeError naming the
 * argument, before anything runs.
 */
export async function trainClipModel(data: ClipTrainingData, params: Partial<ClipTrainParams> = {}): Promise<ClipTrainingResult> {
  const p = { ...DEFAULT_CLIP_TRAIN_PARAMS, ...definedOnly(params) };
  validateParams(p);
  validateClipBatch('data.clips', data.clips);
  const { count: n, frames, height, width } = data.clips;
  if (height % 8 !== 0 || width % 8 !== 0) throw new RangeError(`data.clips is ${height}x${width}; height and width must be multiples of 8`);
  if (p.kind === 'clip' && frames < CLIP_TIME_KERNEL) throw new RangeError(`data.clips has ${frames} frames; the clip model needs at least ${CLIP_TIME_KERNEL}`);
  const labels = Uint8Array.from(data.labels);
  if (data.labels.length !== n) throw new RangeError(`data.labels holds ${data.labels.length} values, expected one per clip (${n})`);
  const badLabel = Array.from(data.labels).findIndex((v) => !Number.isInteger(v) || v < 0 || v >= p.classes);
  if (badLabel >= 0) throw new RangeError(`data.labels[${badLabel}] is ${data.labels[badLabel]}, must be an integer class index below params.classes (${p.classes})`);
  const { heatH, heatW } = clipGeometry({ ...p, frames, height, width });
  if (!(data.heatmaps instanceof Float32Array) || data.heatmaps.length !== n * heatH * heatW) {
    throw new RangeError(`data.heatmaps must be a Float32Array of count·${heatH}·${heatW} = ${n * heatH * heatW} values`);
  }
  const badHeat = data.heatmaps.findIndex((v) => !(v >= 0 && v <= 1));
  if (badHeat >= 0) throw new RangeError(`data.heatmaps[${badHeat}] is ${data.heatmaps[badHeat]}, must be in [0, 1]`);
  if (p.evaluate) {
    validateClipBatch('params.evaluate', p.evaluate);
    if (p.evaluate.frames !== frames || p.evaluate.height !== height || p.evaluate.width !== width) {
      throw new RangeError(`params.evaluate clips are ${p.evaluate.frames}x${p.evaluate.height}x${p.evaluate.width}, data.clips ${frames}x${height}x${width}`);
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'clip-train-'));
  try {
    const file = (name: string): string => join(dir, name);
    await writeFile(file('x.u8'), data.clips.data);
    await writeFile(file('y.u8'), labels);
    await writeFile(file('heat.bin'), float32Bytes(data.heatmaps));
    const args = [
      '--model', p.kind, '--data', file('x.u8'), '--labels', file('y.u8'), '--heatmaps', file('heat.bin'), '--out', dir,
      '--n', `${n}`, '--frames', `${frames}`, '--height', `${height}`, '--width', `${width}`, '--classes', `${p.classes}`,
      '--c1', `${p.c1}`, '--c2', `${p.c2}`, '--d-model', `${p.dModel}`, '--heads', `${p.heads}`, '--ffn', `${p.ffn}`, '--layers', `${p.layers}`,
      '--upscale', `${p.upscale}`, '--epochs', `${p.epochs}`, '--batch', `${p.batchSize}`, '--lr', `${p.learningRate}`,
      '--heat-weight', `${p.heatWeight}`, '--heat-pos-weight', `${p.heatPosWeight}`, '--seed', `${p.seed}`, '--threads', `${p.threads}`,
    ];
    // clip-train's flags take positive numbers; without this one it leaves the Dice term out.
    if (p.heatDiceWeight > 0) args.push('--heat-dice-weight', `${p.heatDiceWeight}`);
    if (p.evaluate) {
      await writeFile(file('eval.u8'), p.evaluate.data);
      args.push('--eval', file('eval.u8'), '--eval-n', `${p.evaluate.count}`);
    }
    const done = await runEpochTrainer('clip-train', p.binaryPath, args, (message, code) => new ClipTrainerError(message, code), p.onProgress);
    const weights = parseClipModel(await readFile(file('manifest.json'), 'utf8'), await readFile(file('weights.bin')));
    if (!p.evaluate) return { weights, ...done };
    return { weights, evalLogits: float32sOf(await readFile(file('eval-logits.bin'))), evalHeatmaps: float32sOf(await readFile(file('eval-heatmaps.bin'))), ...done };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function validateParams(p: ClipTrainParams): void {
  if (p.kind !== 'clip' && p.kind !== 'frame') throw new RangeError(`params.kind must be clip or frame, got ${String(p.kind)}`);
  for (const name of ['c1', 'c2', 'dModel', 'heads', 'ffn', 'layers', 'upscale', 'epochs', 'batchSize', 'threads'] as const) {
    if (!Number.isSafeInteger(p[name]) || p[name] < 1) throw new RangeError(`params.${name} must be a positive integer, got ${p[name]}`);
  }
  if (!Number.isSafeInteger(p.classes) || p.classes < 2 || p.classes > 255) throw new RangeError(`params.classes must be an integer from 2 to 255, got ${p.classes}`);
  if (!Number.isSafeInteger(p.seed) || p.seed < 0) throw new RangeError(`params.seed must be a non-negative integer, got ${p.seed}`);
  for (const name of ['learningRate', 'heatWeight', 'heatPosWeight'] as const) {
    if (!Number.isFinite(p[name]) || p[name] <= 0) throw new RangeError(`params.${name} must be a finite number > 0, got ${p[name]}`);
  }
  if (!Number.isFinite(p.heatDiceWeight) || p.heatDiceWeight < 0) throw new RangeError(`params.heatDiceWeight must be a finite number >= 0, got ${p.heatDiceWeight}`);
  if (p.dModel % p.heads !== 0) throw new RangeError(`params.dModel ${p.dModel} must be a multiple of params.heads ${p.heads}`);
  if (p.upscale !== 4) throw new RangeError(`params.upscale must be 4 (the heatmap decoder reads conv1's H/2 × W/2 grid), got ${p.upscale}`);
}

/** Shape and byte count of a clip batch. */
export function validateClipBatch(name: string, batch: ClipBatch): void {
  const { data, count, frames, height, width } = batch;
  for (const [field, value] of [['count', count], ['frames', frames], ['height', height], ['width', width]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name}.${field} must be a positive integer, got ${value}`);
  }
  if (!(data instanceof Uint8Array)) throw new RangeError(`${name}.data must be a Uint8Array`);
  if (data.length !== count * frames * height * width) {
    throw new RangeError(`${name}.data holds ${data.length} bytes, expected count·frames·height·width = ${count * frames * height * width}`);
  }
}
