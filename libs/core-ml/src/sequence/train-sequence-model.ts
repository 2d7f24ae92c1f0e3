import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { definedOnly, EpochProgress, float32Bytes, float32sOf, runEpochTrainer } from '../common/epoch-trainer';
import { parseSequenceModel, SequenceModelWeights } from './sequence-model';

/** Sequences row-major [count, steps, channels]; the risk service's SequenceBatch has this shape. */
export interface SequenceTensorBatch {
  data: Float32Array;
  count: number;
  steps: number;
  channels: number;
}

export interface SequenceTrainingData {
  sequences: SequenceTensorBatch;
  /** One 0/1 label per sequence. */
  labels: ArrayLike<number>;
  /** Optional per-sequence weights (finite, >= 0). */
  weights?: ArrayLike<number>;
}

export interface SequenceTrainParams {
  /** The validity channel (default 0, the encoder's `valid`). */
  maskChannel: number;
  dModel: number;
  heads: number;
  ffn: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Weight of the positive class in the loss (negatives / positives balances it). */
  posWeight: number;
  seed: number;
  threads: number;
  /** Sequences whose logits the trainer writes back, to verify exported models against. */
  evaluate?: SequenceTensorBatch;
  /** Each progress line the trainer prints. */
  onProgress?: (progress: SequenceTrainProgress) => void;
  /** Defaults to libs/core-ml/build/seq-train. */
  binaryPath: string;
}

export type SequenceTrainProgress = EpochProgress;

export interface SequenceTrainingResult {
  weights: SequenceModelWeights;
  /** The trainer's logits for `params.evaluate`, when given. */
  evalLogits?: Float32Array;
  /** Optimizer steps, their wall time (excluding loading and writing), and the last epoch's mean loss. */
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  finalLoss: number;
}

/** seq-train ran but failed: its exit status and its last stderr line. */
export class SequenceTrainerError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const DEFAULT_SEQUENCE_TRAIN_PARAMS: Readonly<SequenceTrainParams> = Object.freeze({
  maskChannel: 0,
  dModel: 32,
  heads: 2,
  ffn: 64,
  epochs: 5,
  batchSize: 256,
  learningRate: 1e-3,
  posWeight: 1,
  seed: 1,
  threads: 1,
  // src/sequence or dist/sequence → libs/core-ml/build
  binaryPath: resolve(__dirname, '../../build/seq-train'),
});


/**
 * Trains the sequence model with the native trainer: inputs go to a temporary folder as raw float32,
 * seq-train runs as a child process, and its weights come back parsed. The folder is removed whatever
 * happens. Bad inputs are refused here with a RangeError naming the argument, before anything runs.
 */
export async function trainSequenceModel(data: SequenceTrainingData, params: Partial<SequenceTrainParams> = {}): Promise<SequenceTrainingResult> {
  const p = { ...DEFAULT_SEQUENCE_TRAIN_PARAMS, ...definedOnly(params) };
  validateParams(p);
  validateBatch('data.sequences', data.sequences, p.maskChannel);
  const n = data.sequences.count;
  const labels = toFloat32('data.labels', data.labels, n, (v) => v === 0 || v === 1, 'a 0 or 1');
  const weights = data.weights && toFloat32('data.weights', data.weights, n, (v) => Number.isFinite(v) && v >= 0, 'finite and >= 0');
  if (p.evaluate) {
    validateBatch('params.evaluate', p.evaluate, p.maskChannel);
    const { steps, channels } = p.evaluate;
    if (steps !== data.sequences.steps || channels !== data.sequences.channels) {
      throw new RangeError(`params.evaluate is [${steps}, ${channels}] per sequence, data.sequences [${data.sequences.steps}, ${data.sequences.channels}]`);
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'seq-train-'));
  try {
    const file = (name: string): string => join(dir, name);
    await writeFile(file('x.bin'), float32Bytes(data.sequences.data));
    await writeFile(file('y.bin'), float32Bytes(labels));
    const args = [
      '--data', file('x.bin'), '--labels', file('y.bin'), '--out', dir,
      '--n', `${n}`, '--steps', `${data.sequences.steps}`, '--channels', `${data.sequences.channels}`, '--mask-channel', `${p.maskChannel}`,
      '--d-model', `${p.dModel}`, '--heads', `${p.heads}`, '--ffn', `${p.ffn}`,
      '--epochs', `${p.epochs}`, '--batch', `${p.batchSize}`, '--lr', `${p.learningRate}`, '--pos-weight', `${p.posWeight}`,
      '--seed', `${p.seed}`, '--threads', `${p.threads}`,
    ];
    if (weights) {
      await writeFile(file('w.bin'), float32Bytes(weights));
      args.push('--weights', file('w.bin'));
    }
    if (p.evaluate) {
      await writeFile(file('eval.bin'), float32Bytes(p.evaluate.data));
      args.push('--eval', file('eval.bin'), '--eval-n', `${p.evaluate.count}`);
    }
    const done = await runEpochTrainer('seq-train', p.binaryPath, args, (message, code) => new SequenceTrainerError(message, code), p.onProgress);
    const model = parseSequenceModel(await readFile(file('manifest.json'), 'utf8'), await readFile(file('weights.bin')));
    const evalLogits = p.evaluate ? float32sOf(await readFile(file('eval-logits.bin'))) : undefined;
    return { weights: model, ...(evalLogits ? { evalLogits } : {}), ...done };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function validateParams(p: SequenceTrainParams): void {
  for (const name of ['dModel', 'heads', 'ffn', 'epochs', 'batchSize', 'threads'] as const) {
    if (!Number.isSafeInteger(p[name]) || p[name] < 1) throw new RangeError(`params.${name} must be a positive integer, got ${p[name]}`);
  }
  if (!Number.isSafeInteger(p.seed) || p.seed < 0) throw new RangeError(`params.seed must be a non-negative integer, got ${p.seed}`);
  for (const name of ['learningRate', 'posWeight'] as const) {
    if (!Number.isFinite(p[name]) || p[name] <= 0) throw new RangeError(`params.${name} must be a finite number > 0, got ${p[name]}`);
  }
  if (p.dModel % p.heads !== 0) throw new RangeError(`params.dModel ${p.dModel} must be a multiple of params.heads ${p.heads}`);
}

/** Shape, finiteness and a valid step in every sequence (the masked mean divides by their count). */
export function validateBatch(name: string, batch: SequenceTensorBatch, maskChannel: number): void {
  const { data, count, steps, channels } = batch;
  for (const [field, value] of [['count', count], ['steps', steps], ['channels', channels]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name}.${field} must be a positive integer, got ${value}`);
  }
  if (!(data instanceof Float32Array)) throw new RangeError(`${name}.data must be a Float32Array`);
  if (data.length !== count * steps * channels) {
    throw new RangeError(`${name}.data holds ${data.length} values, expected count·steps·channels = ${count * steps * channels}`);
  }
  if (!Number.isInteger(maskChannel) || maskChannel < 0 || maskChannel >= channels) {
    throw new RangeError(`params.maskChannel must be an integer in 0..${channels - 1}, got ${maskChannel}`);
  }
  for (let i = 0; i < count; i++) {
    let valid = false;
    for (let k = 0; k < steps; k++) {
      const at = (i * steps + k) * channels;
      for (let c = 0; c < channels; c++) {
        if (!Number.isFinite(data[at + c])) throw new RangeError(`${name}.data: sequence ${i} step ${k} channel ${c} is not finite`);
      }
      if (data[at + maskChannel] > 0.5) valid = true;
    }
    if (!valid) throw new RangeError(`${name}.data: sequence ${i} has no valid step (channel ${maskChannel})`);
  }
}

function toFloat32(name: string, values: ArrayLike<number>, count: number, ok: (v: number) => boolean, what: string): Float32Array {
  if (values.length !== count) throw new RangeError(`${name} holds ${values.length} values, expected one per sequence (${count})`);
  const out = Float32Array.from(values);
  const bad = out.findIndex((v) => !ok(v));
  if (bad >= 0) throw new RangeError(`${name}[${bad}] is ${values[bad]}, must be ${what}`);
  return out;
}
