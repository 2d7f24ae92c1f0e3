/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * The clip model and its frame baseline end to end on a tiny synthetic task: clip-train (make -C
 * libs/core-ml/native) learns it, and ORT runs each ONNX export to the trainer's own outputs.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';

import { seededFloats } from '../../test/helpers/random';
import { clipParameterCount, parseClipModel, serializeClipModel } from './clip-model';
import { clipInputName, clipModelToOnnx } from './clip-onnx';
import { boxCoverage } from './heatmap-box';
import { ClipBatch, ClipTrainerError, trainClipModel, ClipTrainingResult } from './train-clip-model';

const L = 4;
const S = 16;
const HEAT = 8; // S/8 tokens per axis × upscale 4

/** Noise clips; class 1 has a 4×4 square that alternates bright/dark frame to frame (either phase), class 2 a steady bright one. */
function task(count: number, seed: number): { clips: ClipBatch; labels: Uint8Array; heatmaps: Float32Array } {
  const noise = seededFloats(seed, count * (L * S * S + 3));
  const data = new Uint8Array(count * L * S * S);
  const labels = new Uint8Array(count);
  const heatmaps = new Float32Array(count * HEAT * HEAT);
  for (let i = 0; i < count; i++) {
    const base = i * (L * S * S + 3);
    const label = Math.floor(((noise[base] + 1) / 2) * 3) % 3;
    const x = 2 + Math.floor(((noise[base + 1] + 1) / 2) * 10);
    const y = 2 + Math.floor(((noise[base + 2] + 1) / 2) * 10);
    labels[i] = label;
    for (let t = 0; t < L; t++) {
      for (let p = 0; p < S * S; p++) {
        const inSquare = p % S >= x && p % S < x + 4 && Math.floor(p / S) >= y && Math.floor(p / S) < y + 4;
        // Every other clip flickers in the opposite phase, so its last frame alone can look steady.
        const mark = !inSquare || label === 0 ? 0 : label === 2 || (t + i) % 2 === 0 ? 60 : -60;
        data[(i * L + t) * S * S + p] = Math.round(128 + 20 * noise[base + 3 + t * S * S + p] + mark);
      }
    }
    if (label !== 0) heatmaps.set(boxCoverage({ x, y, w: 4, h: 4 }, HEAT, HEAT, S, S), i * HEAT * HEAT);
  }
  return { clips: { data, count, frames: L, height: S, width: S }, labels, heatmaps };
}

async function runOnnx(model: Uint8Array, input: string, batch: ClipBatch): Promise<{ logits: Float32Array; heatmap: Float32Array }> {
  const session = await InferenceSession.create(model);
  try {
    const x = Float32Array.from(batch.data, (v) => v / 255);
    const frameSize = S * S;
    const feed =
      input === 'clip'
        ? new Tensor('float32', x, [batch.count, 1, L, S, S])
        : new Tensor('float32', Float32Array.from({ length: batch.count * frameSize }, (_, i) => x[(Math.floor(i / frameSize) * L + L - 1) * frameSize + (i % frameSize)]), [batch.count, 1, S, S]);
    const out = await session.run({ [input]: feed });
    expect(out.logits.dims).toEqual([batch.count, 3]);
    expect(out.heatmap.dims).toEqual([batch.count, HEAT, HEAT]);
    return { logits: out.logits.data as Float32Array, heatmap: out.heatmap.data as Float32Array };
  } finally {
    await session.release();
  }
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const accuracy = (logits: Float32Array, labels: Uint8Array): number =>
  labels.reduce((hits, label, i) => {
    const row = Array.from(logits.subarray(i * 3, i * 3 + 3));
    return hits + (row.indexOf(Math.max(...row)) === label ? 1 : 0);
  }, 0) / labels.length;

describe('clip model', () => {
  const train = task(384, 1);
  const test = task(96, 2);
  const params = { classes: 3, c1: 4, c2: 8, dModel: 16, heads: 2, ffn: 32, layers: 1, epochs: 6, batchSize: 16, learningRate: 3e-3, seed: 3, threads: 1, evaluate: test.clips };
  const results: Partial<Record<'clip' | 'frame', ClipTrainingResult>> = {};

  beforeAll(async () => {
    // As the inspector trains them: the clip model with the Dice term, the baseline without.
    results.clip = await trainClipModel(train, { ...params, kind: 'clip', heatDiceWeight: 4 });
    results.frame = await trainClipModel(train, { ...params, kind: 'frame' });
  }, 60_000);

  it.each(['clip', 'frame'] as const)('ORT runs the %s export to the trainer outputs', async (kind) => {
    const result = results[kind] as ClipTrainingResult;
    const { logits, heatmap } = await runOnnx(clipModelToOnnx(result.weights), clipInputName(kind), test.clips);
    expect(maxAbsDiff(logits, result.evalLogits as Float32Array)).toBeLessThan(1e-3);
    expect(maxAbsDiff(heatmap, result.evalHeatmaps as Float32Array)).toBeLessThan(1e-4);
  });

  it('tells the flickering square from the steady one only with the clip model', () => {
    // The frame model sees one frame: a flickering square looks steady (bright phase) or dark.
    expect(accuracy(results.clip?.evalLogits as Float32Array, test.labels)).toBeGreaterThan(0.9);
    expect(accuracy(results.frame?.evalLogits as Float32Array, test.labels)).toBeLessThan(accuracy(results.clip?.evalLogits as Float32Array, test.labels));
  });

  it('round-trips the weights through the trainer file format', () => {
    const weights = (results.clip as ClipTrainingResult).weights;
    const { manifestJson, weightsBin } = serializeClipModel(weights);
    const again = parseClipModel(manifestJson, weightsBin);
    expect(again.architecture).toEqual(weights.architecture);
    expect(clipParameterCount(again)).toBe(clipParameterCount(weights));
    expect(Array.from(again.tensors.cls_weight.values)).toEqual(Array.from(weights.tensors.cls_weight.values));
  });

  it('refuses bad inputs before running the trainer, naming the argument', async () => {
    await expect(trainClipModel({ ...train, labels: train.labels.slice(1) }, params)).rejects.toThrow(/data\.labels holds 383 values/);
    await expect(trainClipModel({ ...train, heatmaps: new Float32Array(3) }, params)).rejects.toThrow(/data\.heatmaps must be/);
    await expect(trainClipModel(train, { ...params, classes: 2 })).rejects.toThrow(/data\.labels\[\d+\] is 2/);
    await expect(trainClipModel(train, { ...params, binaryPath: '/nonexistent/clip-train' })).rejects.toThrow(ClipTrainerError);
    await expect(trainClipModel(train, { ...params, upscale: 2 })).rejects.toThrow(/params\.upscale must be 4/);
    await expect(trainClipModel(train, { ...params, heatDiceWeight: -1 })).rejects.toThrow(/params\.heatDiceWeight must be a finite number >= 0/);
    const twoFrames = { ...train, clips: { ...train.clips, frames: 2, data: train.clips.data.subarray(0, (train.clips.data.length / L) * 2) } };
    await expect(trainClipModel(twoFrames, { ...params, kind: 'clip' })).rejects.toThrow(/needs at least 3/);
  });
});
