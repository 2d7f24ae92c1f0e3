/** @jest-environment @vigil/core-ml/test/ort-environment */
/**
 * The clip model's CPU twin against ONNX Runtime running the same shipped file,
 * models/inspector/<highest version>/clip.onnx, on real preprocessed simulator clips (the training pipeline's
 * buildClipDataset with the manifest's holdout spec) and on random clips in the input's range [0, 1].
 *
 * Tolerance: max |Δ| ≤ 1e-3 on logits and on heatmap probabilities (float32 throughout; the twin sums
 * in its own order). Measured here: ~1e-6 on both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as ort from 'onnxruntime-node';

import { loadClipModel, NativeGpuError } from '@vigil/native-gpu';
import type { ClipModel, ClipModelResult } from '@vigil/native-gpu';

import { buildClipDataset } from '../../../apps/defect-inspector/src/training/dataset';
import { inspectorModelDir } from './clip-model-files';
import { rng } from './helpers/random';

const MODEL_DIR = inspectorModelDir();
const ATOL = 1e-3;
const [L, H, W] = [8, 64, 64];
const CLIP = L * H * W;

function randomClips(count: number, seed: number): Float32Array {
  const random = rng(seed);
  return Float32Array.from({ length: count * CLIP }, () => random());
}

/** Clips as serving feeds them: the simulator's frames, aligned and shrunk, grey / 255. */
function simulatorClips(count: number): Float32Array {
  const manifest = JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8'));
  const dataset = buildClipDataset({ ...manifest.data.holdout, clips: count });
  return Float32Array.from(dataset.clips.data, (v) => v / 255);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a).toHaveLength(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ClipModel (CPU twin) vs ONNX Runtime on the shipped models/inspector clip.onnx', () => {
  const bytes = fs.readFileSync(path.join(MODEL_DIR, 'clip.onnx'));
  let model: ClipModel;
  let session: ort.InferenceSession;

  async function runOrt(clips: Float32Array): Promise<{ logits: Float32Array; heatmap: Float32Array }> {
    const out = await session.run({ clip: new ort.Tensor('float32', clips, [clips.length / CLIP, 1, L, H, W]) });
    return { logits: out.logits.data as Float32Array, heatmap: out.heatmap.data as Float32Array };
  }

  function expectMatches(got: ClipModelResult, expected: { logits: Float32Array; heatmap: Float32Array }): void {
    expect(maxDiff(got.logits, expected.logits)).toBeLessThanOrEqual(ATOL);
    expect(maxDiff(got.heatmap, expected.heatmap)).toBeLessThanOrEqual(ATOL);
  }

  beforeAll(async () => {
    model = await loadClipModel(bytes);
    session = await ort.InferenceSession.create(bytes);
  });
  afterAll(async () => {
    model.release();
    await session.release();
  });

  it('reads the architecture from the file', () => {
    expect(model.architecture).toEqual({
      frames: 8, height: 64, width: 64, classes: 8, c1: 16, c2: 32, dModel: 64, heads: 4, ffn: 128, layers: 2, upscale: 4, heatChannels: 8, headChannels: 16,
    });
  });

  it('matches ORT on preprocessed simulator clips', async () => {
    const clips = simulatorClips(12);
    const [got, expected] = await Promise.all([model.run(clips, { backend: 'cpu' }), runOrt(clips)]);

    expect(got).toMatchObject({ backend: 'cpu', clips: 12 });
    expect(got.logits).toHaveLength(12 * 8);
    expect(got.heatmap).toHaveLength(12 * 32 * 32);
    expectMatches(got, expected);
    // Real clips exercise both heads: some heatmap cells are hot, some cold.
    expect(Math.max(...got.heatmap)).toBeGreaterThan(0.5);
    expect(Math.min(...got.heatmap)).toBeLessThan(0.5);
  });

  it('matches ORT on random clips in [0, 1]', async () => {
    const clips = randomClips(6, 7);
    expectMatches(await model.run(clips, { backend: 'cpu' }), await runOrt(clips));
  });

  it('gives a clip the same result alone as within a batch, for any thread count (bit for bit)', async () => {
    const clips = randomClips(5, 11);
    const [one, two] = await Promise.all([model.run(clips, { backend: 'cpu', threads: 1 }), model.run(clips, { backend: 'cpu', threads: 2 })]);
    const alone = await model.run(clips.slice(3 * CLIP, 4 * CLIP), { backend: 'cpu' });

    expect(two.logits).toEqual(one.logits);
    expect(two.heatmap).toEqual(one.heatmap);
    expect(alone.logits).toEqual(one.logits.slice(3 * 8, 4 * 8));
    expect(alone.heatmap).toEqual(one.heatmap.slice(3 * 1024, 4 * 1024));
  });

  it('refuses runs once released, and lets a run in flight finish', async () => {
    const own = await loadClipModel(bytes);
    const clips = randomClips(2, 3);
    const inFlight = own.run(clips, { backend: 'cpu' });
    own.release();
    own.release(); // idempotent

    await expect(inFlight).resolves.toMatchObject({ clips: 2 });
    expect(own.released).toBe(true);
    await expect(own.run(clips)).rejects.toThrow(new NativeGpuError('model: released; load it again with loadClipModel()', 'ERR_NATIVE_GPU_RELEASED'));
  });
});
