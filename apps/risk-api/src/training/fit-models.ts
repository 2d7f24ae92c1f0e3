import {
  combineLogits,
  fitLogisticStack,
  GradientBoostedTreesParams,
  LogisticStack,
  SequenceModelWeights,
  SequenceTrainParams,
  sequenceModelToOnnx,
  toOnnx,
  trainSequenceModel,
  trainXgboost,
  TreeEnsemble,
} from '@vigil/core-ml';

import { FEATURE_NAMES } from '../modules/features';
import { gatherRows } from './dataset';
import { TrainingLog } from './train-risk';
import { runOnnx } from './onnx-scoring';

/** Rows as the trainers read them, each with a label and a weight. */
export interface TrainingRows {
  readonly rows: number;
  /** rows × FEATURE_NAMES.length. */
  readonly features: Float32Array;
  /** rows × steps × channels. */
  readonly sequences: Float32Array;
  readonly steps: number;
  readonly channels: number;
  readonly labels: Float32Array;
  readonly weights: Float32Array;
}

/** The rows of a feature/sequence source at `indices`, with their labels and weights. */
export function takeRows(
  source: { features: Float32Array; sequences: Float32Array; steps: number; channels: number },
  indices: readonly number[],
  label: (row: number) => number,
  weight: (row: number) => number,
): TrainingRows {
  return {
    rows: indices.length,
    ...gatherRows(source, indices),
    steps: source.steps,
    channels: source.channels,
    labels: Float32Array.from(indices, label),
    weights: Float32Array.from(indices, weight),
  };
}

export function concatRows(parts: readonly TrainingRows[]): TrainingRows {
  const [first] = parts;
  if (first === undefined) throw new RangeError('concatRows needs at least one part');
  for (const part of parts) {
    if (part.steps !== first.steps || part.channels !== first.channels) throw new RangeError(`sequences of ${part.steps}×${part.channels} and ${first.steps}×${first.channels} cannot be mixed`);
  }
  const join = (pick: (p: TrainingRows) => Float32Array): Float32Array => {
    const out = new Float32Array(parts.reduce((n, p) => n + pick(p).length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(pick(part), at);
      at += pick(part).length;
    }
    return out;
  };
  return {
    rows: parts.reduce((n, p) => n + p.rows, 0),
    features: join((p) => p.features),
    sequences: join((p) => p.sequences),
    steps: first.steps,
    channels: first.channels,
    labels: join((p) => p.labels),
    weights: join((p) => p.weights),
  };
}

/** Weighted negatives / weighted positives: the positive class weighted up to an even split. */
export function weightedBalance(rows: TrainingRows): number {
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < rows.rows; i++) {
    if (rows.labels[i] === 1) positive += rows.weights[i];
    else negative += rows.weights[i];
  }
  if (!(positive > 0)) throw new RangeError('the fit rows hold no positive with a weight above 0');
  return negative / positive;
}

/** Tree and sequence models fitted together with the stack over their logits. */
export interface FittedRiskModels {
  readonly ensemble: TreeEnsemble;
  readonly treesOnnx: Uint8Array;
  readonly sequenceWeights: SequenceModelWeights;
  readonly sequenceOnnx: Uint8Array;
  readonly stack: LogisticStack;
  readonly trainSeconds: { trees: number; sequence: number };
}

export interface FitParams {
  readonly trees: GradientBoostedTreesParams;
  readonly sequence: Partial<SequenceTrainParams>;
}

/**
 * The trainers the simulated pipeline uses (libxgboost trees, the libtorch sequence model), fitted
 * on `fit` with its row weights, and the logistic stack over their logits fitted on `stack` (rows
 * the models never saw, so the stack does not trust them more than they deserve).
 */
export async function fitRiskModels(fit: TrainingRows, stack: TrainingRows, params: FitParams, log: TrainingLog): Promise<FittedRiskModels> {
  const width = FEATURE_NAMES.length;
  const balance = weightedBalance(fit);
  log.step(`training gradient-boosted trees on ${fit.rows} rows × ${width} features`);
  const trees = await trainXgboost({ x: fit.features, rows: fit.rows, cols: width, y: fit.labels, weight: fit.weights }, { ...params.trees, scalePosWeight: params.trees.scalePosWeight ?? balance });
  const treesOnnx = toOnnx(trees.ensemble, width);
  log.step(`training the sequence model on ${fit.rows} sequences of ${fit.steps} × ${fit.channels}`);
  const sequence = await trainSequenceModel(
    { sequences: { data: fit.sequences, count: fit.rows, steps: fit.steps, channels: fit.channels }, labels: fit.labels, weights: fit.weights },
    { posWeight: balance, ...params.sequence, onProgress: (p) => log.progress('sequence model')((p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs, p.step) },
  );
  const sequenceOnnx = sequenceModelToOnnx(sequence.weights);
  if (!stack.labels.some((v) => v === 1)) throw new RangeError('the stack rows hold no positive');
  const fitted = { ensemble: trees.ensemble, treesOnnx, sequenceWeights: sequence.weights, sequenceOnnx, trainSeconds: { trees: trees.trainSeconds, sequence: sequence.seconds } };
  const logits = await riskLogits(fitted, stack);
  return { ...fitted, stack: fitLogisticStack(['trees', 'sequence'], [logits.trees, logits.sequence], stack.labels) };
}

/** Both models' logits for `rows`, run by ONNX Runtime as the service runs them. */
export async function riskLogits(models: { treesOnnx: Uint8Array; sequenceOnnx: Uint8Array }, rows: Pick<TrainingRows, 'rows' | 'features' | 'sequences' | 'steps' | 'channels'>, featureWidth = FEATURE_NAMES.length): Promise<{ trees: Float32Array; sequence: Float32Array }> {
  return {
    trees: await runOnnx(models.treesOnnx, 'features', 'margin', rows.features, rows.rows, [featureWidth]),
    sequence: await runOnnx(models.sequenceOnnx, 'sequence', 'logit', rows.sequences, rows.rows, [rows.steps, rows.channels]),
  };
}

/** The stacked probability per row, as RiskScorer computes it before rounding to micro-units. */
export async function riskScores(models: { treesOnnx: Uint8Array; sequenceOnnx: Uint8Array; stack: LogisticStack }, rows: Pick<TrainingRows, 'rows' | 'features' | 'sequences' | 'steps' | 'channels'>, featureWidth?: number): Promise<Float64Array> {
  const { trees, sequence } = await riskLogits(models, rows, featureWidth);
  return Float64Array.from(trees, (z, i) => combineLogits(models.stack, [z, sequence[i]]));
}
