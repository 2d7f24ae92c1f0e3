/**
 * The clip model's CUDA kernels against the CPU twin, on a machine with a CUDA device
 * (`npm run test:gpu`; fails loudly without one).
 *
 * Tolerance: max |Δ| ≤ 1e-3 on logits and heatmap, the bar the twin meets against ONNX Runtime (the
 * kernels sum in the twin's order, but with the GPU's expf and its own FMA contraction).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { backends, cudaStatus, loadClipModel } from '@vigil/native-gpu';
import type { ClipModel } from '@vigil/native-gpu';

import { inspectorModelDir } from './clip-model-files';
import { rng } from './helpers/random';

const ATOL = 1e-3;
const CLIP = 8 * 64 * 64;

function randomClips(count: number, seed: number): Float32Array {
  const random = rng(seed);
  return Float32Array.from({ length: count * CLIP }, () => random());
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a).toHaveLength(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ClipModel: CUDA vs the CPU twin', () => {
  let model: ClipModel;
  beforeAll(async () => {
    expect({ backends: backends(), status: cudaStatus() }).toMatchObject({ backends: ['cpu', 'cuda'] });
    model = await loadClipModel(fs.readFileSync(path.join(inspectorModelDir(), 'clip.onnx')));
  });
  afterAll(() => model?.release());

  // 1 and 3: a chunk smaller than a block row; 1100: more than one 1024-clip chunk.
  it.each([1, 3, 64, 1100])('matches the twin on %i random clips', async (count) => {
    const clips = randomClips(count, count);
    const [gpu, twin] = await Promise.all([model.run(clips, { backend: 'cuda' }), model.run(clips, { backend: 'cpu' })]);

    expect(gpu).toMatchObject({ backend: 'cuda', clips: count });
    expect(maxDiff(gpu.logits, twin.logits)).toBeLessThanOrEqual(ATOL);
    expect(maxDiff(gpu.heatmap, twin.heatmap)).toBeLessThanOrEqual(ATOL);
  });

  it('reports kernel time over every chunk and the modelled bytes with timing', async () => {
    const result = await model.run(randomClips(1030, 2), { backend: 'cuda', timing: true });

    expect(result.deviceMs).toBeGreaterThan(0);
    expect(result.deviceBytes).toBeGreaterThan(1030 * CLIP * 4);
  });

  it('gives a clip the same result alone as within a batch', async () => {
    const clips = randomClips(40, 5);
    const [batch, alone] = await Promise.all([model.run(clips, { backend: 'cuda' }), model.run(clips.slice(7 * CLIP, 8 * CLIP), { backend: 'cuda' })]);
    expect(alone.logits).toEqual(batch.logits.slice(7 * 8, 8 * 8));
    expect(alone.heatmap).toEqual(batch.heatmap.slice(7 * 1024, 8 * 1024));
  });
});
