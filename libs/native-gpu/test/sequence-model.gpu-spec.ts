/**
 * The sequence model's CUDA kernel against the CPU twin, at every launch configuration before any
 * timing (STYLE R15), on a machine with a CUDA device (`npm run test:gpu`; fails loudly without one).
 *
 * Tolerance: |logit − twin| ≤ 1e-4 and |score − twin| ≤ 1e-5 per row, the bar the twin meets
 * against ONNX Runtime (the kernel sums in the twin's order, but with the GPU's expf and its own
 * FMA contraction; the CPU emulation of the kernel's phases is within ~5e-6 of the twin).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { backends, cudaStatus, loadSequenceModel } from '@vigil/native-gpu';
import type { SequenceModel, SequenceModelCudaLaunchOptions, SequenceModelResult } from '@vigil/native-gpu';

import { rng } from './helpers/random';

const MODEL_FILE = path.resolve(__dirname, '../../../models/risk/2/sequence.onnx');
const LOGIT_ATOL = 1e-4;
const SCORE_ATOL = 1e-5;
const [K, D] = [16, 26];
const ROW = K * D;

/** `count` encoder-shaped rows (padding in front) with 1..16 real steps, a tenth of them with one. */
function randomRows(count: number, seed: number): Float32Array {
  const random = rng(seed);
  const out = new Float32Array(count * ROW);
  for (let r = 0; r < count; r++) {
    const real = r % 10 === 0 ? 1 : 1 + Math.floor(random() * K);
    for (let t = K - real; t < K; t++) {
      const at = (r * K + t) * D;
      out[at] = 1;
      for (let c = 1; c < D; c++) out[at + c] = (random() * 2 - 1) * (c % 3 === 0 ? 4 : 1);
    }
  }
  return out;
}

function expectMatchesTwin(gpu: SequenceModelResult, twin: SequenceModelResult): void {
  expect(gpu.backend).toBe('cuda');
  expect(gpu.rows).toBe(twin.rows);
  for (let i = 0; i < twin.rows; i++) {
    if (!(Math.abs(gpu.logit[i] - twin.logit[i]) <= LOGIT_ATOL) || !(Math.abs(gpu.score[i] - twin.score[i]) <= SCORE_ATOL)) {
      throw new Error(`row ${i}: cuda logit ${gpu.logit[i]} score ${gpu.score[i]}, twin logit ${twin.logit[i]} score ${twin.score[i]}`);
    }
  }
}

describe('SequenceModel on CUDA', () => {
  let model: SequenceModel;
  beforeAll(async () => {
    if (!backends().includes('cuda')) {
      throw new Error(`sequence-model.gpu-spec needs a CUDA device; cudaStatus(): ${JSON.stringify(cudaStatus())}`);
    }
    model = await loadSequenceModel(fs.readFileSync(MODEL_FILE));
  });
  afterAll(() => model?.release());

  it("prefers cuda under backend 'auto'", async () => {
    await expect(model.run(randomRows(2, 1))).resolves.toMatchObject({ backend: 'cuda', rows: 2 });
  });

  describe('every launch configuration matches the CPU twin', () => {
    const sequences = randomRows(1000, 7);
    let twin: SequenceModelResult;
    beforeAll(async () => {
      twin = await model.run(sequences, { backend: 'cpu' });
    });
    const configs: SequenceModelCudaLaunchOptions[] = [];
    for (const blockSize of [32, 64, 96, 128, 256, 512, 1024]) {
      for (const rowsPerBlock of [1, 2, 3, 4, 8]) configs.push({ blockSize, rowsPerBlock });
    }

    it.each(configs)('%p', async (cuda) => {
      expectMatchesTwin(await model.run(sequences, { backend: 'cuda', cuda }), twin);
    });

    it('refuses a workspace larger than the device allows (16 rows x ~20 KB), and keeps working', async () => {
      await expect(model.run(sequences, { backend: 'cuda', cuda: { rowsPerBlock: 16 } })).rejects.toMatchObject({ code: 'ERR_NATIVE_GPU_LAUNCH' });
      expectMatchesTwin(await model.run(sequences, { backend: 'cuda' }), twin);
    });
  });

  it.each([1, 2, 3, 31, 32, 33, 64, 255, 1024, 4097, 65_536])('batch of %i (default launch)', async (rows) => {
    const sequences = randomRows(rows, rows);

    const [gpu, cpu] = [await model.run(sequences, { backend: 'cuda' }), await model.run(sequences, { backend: 'cpu' })];

    expectMatchesTwin(gpu, cpu);
  });

  it('reports kernel time and the modelled bytes with timing (rows, weights, logit and score)', async () => {
    const result = await model.run(randomRows(100, 3), { backend: 'cuda', timing: true });

    expect(result.deviceMs).toBeGreaterThan(0);
    expect(result.deviceBytes).toBeGreaterThan(100 * (ROW + 2) * 4);
  });

  it('gives a row the same result alone as within a batch', async () => {
    const sequences = randomRows(333, 5);
    const batch = await model.run(sequences, { backend: 'cuda' });

    const alone = await model.run(sequences.slice(100 * ROW, 101 * ROW), { backend: 'cuda' });

    expect(alone.logit[0]).toBe(batch.logit[100]);
  });

  it('runs concurrent calls on separate streams independently', async () => {
    const inputs = [1, 2, 3, 4].map((seed) => randomRows(500 + seed, 100 * seed));

    const results = await Promise.all(inputs.map((sequences) => model.run(sequences, { backend: 'cuda' })));

    for (const [k, sequences] of inputs.entries()) expectMatchesTwin(results[k], await model.run(sequences, { backend: 'cpu' }));
  });

  it('keeps the device weights of a released model until its runs in flight settle', async () => {
    const own = await loadSequenceModel(fs.readFileSync(MODEL_FILE));
    const sequences = randomRows(4096, 9);

    const inFlight = own.run(sequences, { backend: 'cuda' });
    own.release();

    expectMatchesTwin(await inFlight, await model.run(sequences, { backend: 'cpu' }));
  });
});
