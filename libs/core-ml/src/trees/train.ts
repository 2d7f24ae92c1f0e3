/**
 * Trains gradient-boosted trees (binary:logistic, hist) by running the native `xgb-train` binary
 * (libs/core-ml/native/xgb-train) on temp files, then reads its xgboost JSON into a TreeEnsemble.
 *
 * Inputs are validated here, naming the argument at fault; the binary only checks file sizes.
 * A child process (rather than an addon) keeps xgboost's threads and memory out of the service, and
 * a crash in training cannot take Node down with it.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import type { TreeEnsemble } from './tree-ensemble';
import { parseXgboostModel } from './xgboost-model';

/** A row-major float32 matrix; NaN marks a missing value. */
export interface FeatureMatrix {
  x: Float32Array;
  rows: number;
  cols: number;
}

export interface TrainingData extends FeatureMatrix {
  /** 0 or 1 per row. */
  y: Float32Array;
  /** Optional non-negative weight per row. */
  weight?: Float32Array;
}

export interface GradientBoostedTreesParams {
  /** Boosting rounds (one tree each). */
  trees: number;
  maxDepth: number;
  /** Learning rate, in (0, 1]. */
  eta: number;
  /** Row fraction per tree, in (0, 1]; default 1. */
  subsample?: number;
  /** Column fraction per tree, in (0, 1]; default 1. */
  colsampleByTree?: number;
  /** Minimum hessian sum in a child; default 1. */
  minChildWeight?: number;
  /** Weight of positive rows, e.g. negatives / positives for rare fraud; default 1. */
  scalePosWeight?: number;
  /** xgboost's nthread. */
  threads: number;
  seed: number;
}

export interface TrainOptions {
  /** The xgb-train binary; defaults to libs/core-ml/build/xgb-train. */
  binaryPath?: string;
  /** Also return xgboost's own margins for this matrix (to verify other evaluators against). */
  predict?: FeatureMatrix;
}

export interface XgboostTraining {
  ensemble: TreeEnsemble;
  /** The model exactly as xgboost saved it (JSON text), worth keeping as a training artifact. */
  xgboostModel: string;
  /** xgboost's margins for `options.predict`, when given. */
  margins?: Float32Array;
  /** Wall time of the boosting rounds inside the binary. */
  trainSeconds: number;
}

/** Built by `make -C libs/core-ml/native`; two levels up from both src/trees and dist/trees. */
export const DEFAULT_XGB_TRAIN_PATH = path.resolve(__dirname, '..', '..', 'build', 'xgb-train');

export async function trainGradientBoostedTrees(
  data: TrainingData,
  params: GradientBoostedTreesParams,
  options: TrainOptions = {},
): Promise<TreeEnsemble> {
  return (await trainXgboost(data, params, options)).ensemble;
}

export async function trainXgboost(
  data: TrainingData,
  params: GradientBoostedTreesParams,
  options: TrainOptions = {},
): Promise<XgboostTraining> {
  validateData(data);
  const xgbParams = xgboostParams(params);
  if (options.predict !== undefined) validateMatrix('options.predict', options.predict, data.cols);
  const binary = options.binaryPath ?? DEFAULT_XGB_TRAIN_PATH;
  await fs.access(binary, fsConstants.X_OK).catch(() => {
    throw new Error(`xgb-train binary not found or not executable at ${binary}: build it with \`make -C libs/core-ml/native\``);
  });

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vigil-xgb-'));
  try {
    const file = (name: string): string => path.join(dir, name);
    const args = ['--rows', `${data.rows}`, '--cols', `${data.cols}`, '--rounds', `${params.trees}`, '--model', file('model.json')];
    args.push('--features', await writeFloats(file('x.f32'), data.x));
    args.push('--labels', await writeFloats(file('y.f32'), data.y));
    if (data.weight !== undefined) args.push('--weights', await writeFloats(file('w.f32'), data.weight));
    for (const [key, value] of Object.entries(xgbParams)) args.push('--param', `${key}=${value}`);
    if (options.predict !== undefined) {
      args.push('--predict', await writeFloats(file('predict.f32'), options.predict.x));
      args.push('--predict-rows', `${options.predict.rows}`, '--margins', file('margins.f32'));
    }

    const stdout = await run(binary, args);
    const xgboostModel = await fs.readFile(file('model.json'), 'utf8');
    const margins = options.predict === undefined ? undefined : await readFloats(file('margins.f32'));
    const { trainSeconds } = JSON.parse(stdout) as { trainSeconds: number };
    return { ensemble: parseXgboostModel(xgboostModel), xgboostModel, margins, trainSeconds };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function validateData(data: TrainingData): void {
  validateMatrix('data', data, undefined);
  if (!(data.y instanceof Float32Array) || data.y.length !== data.rows) {
    throw new RangeError(`data.y must be a Float32Array of ${data.rows} labels (one per row), got ${describe(data.y)}`);
  }
  const badLabel = data.y.findIndex((v) => v !== 0 && v !== 1);
  if (badLabel >= 0) throw new RangeError(`data.y[${badLabel}] is ${data.y[badLabel]}: labels must be 0 or 1`);
  if (data.weight !== undefined) {
    if (!(data.weight instanceof Float32Array) || data.weight.length !== data.rows) {
      throw new RangeError(`data.weight must be a Float32Array of ${data.rows} weights (one per row), got ${describe(data.weight)}`);
    }
    const badWeight = data.weight.findIndex((w) => !(w >= 0 && Number.isFinite(w)));
    if (badWeight >= 0) throw new RangeError(`data.weight[${badWeight}] is ${data.weight[badWeight]}: weights must be finite and ≥ 0`);
  }
}

function validateMatrix(name: string, m: FeatureMatrix, cols: number | undefined): void {
  if (!Number.isSafeInteger(m.rows) || m.rows < 1) throw new RangeError(`${name}.rows must be a positive integer, got ${m.rows}`);
  if (!Number.isSafeInteger(m.cols) || m.cols < 1) throw new RangeError(`${name}.cols must be a positive integer, got ${m.cols}`);
  if (cols !== undefined && m.cols !== cols) throw new RangeError(`${name}.cols is ${m.cols}, the training data has ${cols}`);
  if (!(m.x instanceof Float32Array) || m.x.length !== m.rows * m.cols) {
    throw new RangeError(`${name}.x must be a Float32Array of rows × cols = ${m.rows * m.cols} values, got ${describe(m.x)}`);
  }
  const infinite = m.x.findIndex((v) => v === Infinity || v === -Infinity);
  if (infinite >= 0) throw new RangeError(`${name}.x[${infinite}] is ${m.x[infinite]}: use NaN for missing values, not ±Infinity`);
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  return value === undefined ? 'undefined' : typeof value;
}

/** Maps the typed params to xgboost's names, checking each range. */
function xgboostParams(p: GradientBoostedTreesParams): Record<string, string> {
  const check = (name: keyof GradientBoostedTreesParams, ok: (v: number) => boolean, rule: string, fallback?: number): string => {
    const v = p[name] ?? fallback;
    if (typeof v !== 'number' || !ok(v)) throw new RangeError(`params.${name} must be ${rule}, got ${v}`);
    return `${v}`;
  };
  const positiveInt = (v: number): boolean => Number.isSafeInteger(v) && v > 0;
  const fraction = (v: number): boolean => v > 0 && v <= 1;
  check('trees', positiveInt, 'a positive integer');
  return {
    max_depth: check('maxDepth', positiveInt, 'a positive integer'),
    eta: check('eta', fraction, 'in (0, 1]'),
    subsample: check('subsample', fraction, 'in (0, 1]', 1),
    colsample_bytree: check('colsampleByTree', fraction, 'in (0, 1]', 1),
    min_child_weight: check('minChildWeight', (v) => v >= 0 && Number.isFinite(v), 'finite and ≥ 0', 1),
    scale_pos_weight: check('scalePosWeight', (v) => v > 0 && Number.isFinite(v), 'finite and > 0', 1),
    nthread: check('threads', positiveInt, 'a positive integer'),
    seed: check('seed', (v) => Number.isSafeInteger(v) && v >= 0 && v < 2 ** 31, 'an integer in [0, 2^31)'),
  };
}

/** Float32 arrays go to disk as-is: the binary reads little-endian, as every host we run on is. */
async function writeFloats(file: string, values: Float32Array): Promise<string> {
  await fs.writeFile(file, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return file;
}

async function readFloats(file: string): Promise<Float32Array> {
  const bytes = await fs.readFile(file);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Runs the binary; resolves with its stdout, rejects with its stderr and exit status. */
function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`xgb-train could not start (${binary}): ${error.message}`, { cause: error })));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const reason = Buffer.concat(err).toString('utf8').trim() || '(no message)';
      reject(new Error(`xgb-train failed (${signal ?? `exit ${code}`}): ${reason}`));
    });
  });
}
