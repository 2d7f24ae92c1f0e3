/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * End to end on a small synthetic dataset: the native trainer (libs/core-ml/build/xgb-train, built by
 * `make -C libs/core-ml/native`) → TreeEnsemble → ONNX in onnxruntime-node, checked against the
 * margins xgboost itself predicts; TreeSHAP on the trained ensemble against brute force; bad inputs.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';

import { seededFloats } from '../../test/helpers/random';
import { bruteForceShapley } from './shapley-reference';
import { FastTreeShapExplainer } from './fast-tree-shap';
import { type ShapExplainer, TreeShapExplainer } from './tree-shap';
import { type TreeEnsemble, sigmoid } from './tree-ensemble';
import { toOnnx } from './tree-onnx';
import { type FeatureMatrix, type GradientBoostedTreesParams, type TrainingData, type XgboostTraining, trainGradientBoostedTrees, trainXgboost } from './train';

const COLS = 6;
const PARAMS: GradientBoostedTreesParams = { trees: 25, maxDepth: 5, eta: 0.3, subsample: 0.9, colsampleByTree: 0.9, threads: 1, seed: 7 };

/** Rows with ~7% missing values; the label depends on f0, f1·f2 and whether f3 is missing, plus noise. */
function syntheticData(seed: number, rows: number): TrainingData {
  const x = seededFloats(seed, rows * COLS, 2);
  const noise = seededFloats(seed + 1, rows * 2);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < COLS; f++) if (noise[(r * 7 + f) % noise.length] > 0.86) x[r * COLS + f] = NaN;
    const row = x.subarray(r * COLS, r * COLS + COLS);
    const z = (row[0] || 0) + (row[1] || 0) * (row[2] || 0) + (Number.isNaN(row[3]) ? 1.5 : 0) + noise[rows + r];
    y[r] = z > 0.3 ? 1 : 0;
  }
  return { x, rows, cols: COLS, y };
}

const rowOf = (m: FeatureMatrix, r: number): Float32Array => m.x.subarray(r * m.cols, (r + 1) * m.cols);

describe(trainXgboost.name, () => {
  const data = syntheticData(11, 3000);
  const holdout = syntheticData(12, 400);
  let trained: XgboostTraining;

  beforeAll(async () => {
    trained = await trainXgboost(data, PARAMS, { predict: holdout });
  });

  it('trains the requested trees and returns xgboost’s model and margins', () => {
    expect(trained.ensemble.treeCount).toBe(PARAMS.trees);
    expect(trained.ensemble.featureCount).toBe(COLS);
    expect(trained.ensemble.maxDepth).toBeLessThanOrEqual(PARAMS.maxDepth);
    expect(JSON.parse(trained.xgboostModel).learner.objective.name).toBe('binary:logistic');
    expect(trained.margins).toHaveLength(holdout.rows);
  });

  it('predicts xgboost’s own margins in TypeScript', () => {
    for (let r = 0; r < holdout.rows; r++) {
      expect(Math.abs(trained.ensemble.predictMargin(rowOf(holdout, r)) - trained.margins![r])).toBeLessThanOrEqual(1e-5);
    }
  });

  it('exports ONNX whose score matches sigmoid(xgboost margin) within 1e-5 in onnxruntime', async () => {
    // Prepare
    const session = await InferenceSession.create(toOnnx(trained.ensemble, COLS));

    // Act
    const { score, margin } = await session.run({ features: new Tensor('float32', holdout.x, [holdout.rows, COLS]) });
    await session.release();

    // Assert
    expect(score.dims).toEqual([holdout.rows, 1]);
    const scores = score.data as Float32Array;
    const margins = margin.data as Float32Array;
    let maxMarginDiff = 0;
    let maxScoreDiff = 0;
    for (let r = 0; r < holdout.rows; r++) {
      maxMarginDiff = Math.max(maxMarginDiff, Math.abs(margins[r] - trained.margins![r]));
      maxScoreDiff = Math.max(maxScoreDiff, Math.abs(scores[r] - sigmoid(trained.margins![r])));
    }
    expect(maxMarginDiff).toBeLessThanOrEqual(1e-5);
    expect(maxScoreDiff).toBeLessThanOrEqual(1e-5);
  });

  it('learns something: holdout accuracy well above the base rate', () => {
    let correct = 0;
    let positives = 0;
    for (let r = 0; r < holdout.rows; r++) {
      positives += holdout.y[r];
      if ((trained.margins![r] > 0 ? 1 : 0) === holdout.y[r]) correct++;
    }
    const baseRate = Math.max(positives, holdout.rows - positives) / holdout.rows;
    expect(correct / holdout.rows).toBeGreaterThan(baseRate + 0.15);
  });

  it.each([TreeShapExplainer, FastTreeShapExplainer])('%p on the trained ensemble equals brute-force Shapley values and adds up to the margin', (Explainer: new (e: TreeEnsemble) => ShapExplainer) => {
    const sut = new Explainer(trained.ensemble);
    for (let r = 0; r < 20; r++) {
      const row = rowOf(holdout, r);
      const expected = bruteForceShapley(trained.ensemble, row);
      const actual = sut.explain(row);
      expect(Math.abs(actual.bias - expected.bias)).toBeLessThanOrEqual(1e-9);
      const worst = Math.max(...actual.contributions.map((c, f) => Math.abs(c - expected.contributions[f])));
      expect(worst).toBeLessThanOrEqual(1e-9);
      const sum = actual.contributions.reduce((a, b) => a + b, actual.bias);
      expect(Math.abs(sum - trained.ensemble.predictMargin(row))).toBeLessThanOrEqual(1e-9);
    }
  });

  it('is reproducible for a seed', async () => {
    const again = await trainGradientBoostedTrees(data, PARAMS);
    expect(again.toJSON()).toEqual(trained.ensemble.toJSON());
  });
});

describe('trainXgboost input checks', () => {
  const data = syntheticData(21, 50);

  it.each<[string, TrainingData, RegExp]>([
    ['x shorter than rows × cols', { ...data, x: data.x.subarray(1) }, /data\.x must be a Float32Array of rows × cols = 300 values, got Float32Array\(299\)/],
    ['y of the wrong length', { ...data, y: data.y.subarray(1) }, /data\.y must be a Float32Array of 50 labels .* got Float32Array\(49\)/],
    ['NaN labels', { ...data, y: data.y.map((v, i) => (i === 3 ? NaN : v)) }, /data\.y\[3\] is NaN: labels must be 0 or 1/],
    ['weights of the wrong length', { ...data, weight: new Float32Array(7) }, /data\.weight must be a Float32Array of 50 weights/],
    ['negative weights', { ...data, weight: new Float32Array(50).fill(-1) }, /data\.weight\[0\] is -1: weights must be finite and ≥ 0/],
    ['infinite features', { ...data, x: data.x.map((v, i) => (i === 5 ? Infinity : v)) }, /data\.x\[5\] is Infinity: use NaN for missing values/],
    ['a fractional row count', { ...data, rows: 2.5 }, /data\.rows must be a positive integer, got 2\.5/],
  ])('rejects %s', async (_, bad, message) => {
    await expect(trainXgboost(bad, PARAMS)).rejects.toThrow(message);
  });

  it.each<[Partial<GradientBoostedTreesParams>, RegExp]>([
    [{ trees: 0 }, /params\.trees must be a positive integer, got 0/],
    [{ eta: 1.5 }, /params\.eta must be in \(0, 1\], got 1\.5/],
    [{ subsample: 0 }, /params\.subsample must be in \(0, 1\], got 0/],
    [{ threads: 0 }, /params\.threads must be a positive integer, got 0/],
  ])('rejects params %j', async (override, message) => {
    await expect(trainXgboost(data, { ...PARAMS, ...override })).rejects.toThrow(message);
  });

  it('rejects a prediction matrix with other columns', async () => {
    await expect(trainXgboost(data, PARAMS, { predict: { x: new Float32Array(5), rows: 1, cols: 5 } })).rejects.toThrow(
      'options.predict.cols is 5, the training data has 6',
    );
  });

  it('says how to build the binary when it is missing', async () => {
    await expect(trainXgboost(data, PARAMS, { binaryPath: '/nonexistent/xgb-train' })).rejects.toThrow(
      'xgb-train binary not found or not executable at /nonexistent/xgb-train: build it with `make -C libs/core-ml/native`',
    );
  });

  it('reports a failing binary with its exit status', async () => {
    await expect(trainXgboost(data, PARAMS, { binaryPath: '/bin/false' })).rejects.toThrow('xgb-train failed (exit 1)');
  });
});
