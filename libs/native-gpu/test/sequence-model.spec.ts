/** @jest-environment @vigil/core-ml/test/ort-environment */
/**
 * The sequence model's CPU twin (and the CUDA kernel's phases, emulated on the CPU) against ONNX
 * Runtime running the same shipped file, models/risk/2/sequence.onnx.
 *
 * Tolerance: |logit − ORT logit| ≤ 1e-4 and |score − ORT score| ≤ 1e-5 on every row (float32
 * throughout; the twin sums in a different order and skips padding steps, whose contribution is
 * exactly 0 in ORT too). Measured here: ~2e-6 on logits. The emulated kernel must match the twin
 * within the same bounds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as ort from 'onnxruntime-node';

import { loadSequenceModel, NativeGpuError } from '@vigil/native-gpu';
import type { SequenceModel, SequenceModelResult } from '@vigil/native-gpu';

import { computeSequences } from '../../../apps/risk-api/src/modules/features/sequence/compute-sequences';
import { syntheticHistory } from '../../../apps/risk-api/src/modules/features/testing/synthetic-history';
import { T0 } from '../../../apps/risk-api/src/modules/features/testing/transaction-builder';
import { rng } from './helpers/random';

const MODEL_FILE = path.resolve(__dirname, '../../../models/risk/2/sequence.onnx');
const LOGIT_ATOL = 1e-4;
const SCORE_ATOL = 1e-5;
const [K, D] = [16, 26];
const ROW = K * D;
// NATIVE_GPU_TEST_SCALE < 1 (the valgrind leak run) shrinks the batches.
const SCALE = Number(process.env.NATIVE_GPU_TEST_SCALE ?? '1');
const scaled = (n: number): number => Math.max(4, Math.round(n * SCALE));

/** Random rows with the encoder's layout: `real` trailing real steps, padding (all zeros) in front. */
function randomRows(count: number, seed: number, realSteps: (row: number, random: () => number) => number): Float32Array {
  const random = rng(seed);
  const out = new Float32Array(count * ROW);
  for (let r = 0; r < count; r++) {
    const real = realSteps(r, random);
    for (let t = K - real; t < K; t++) {
      const at = (r * K + t) * D;
      out[at] = 1;
      for (let c = 1; c < D; c++) out[at + c] = (random() * 2 - 1) * (c % 3 === 0 ? 4 : 1);
    }
  }
  return out;
}

/** The encoder's real output on a synthetic bank history (every planted typology). */
function encodedRows(): Float32Array {
  const history = syntheticHistory({ seed: 11, transactions: scaled(600), accounts: 60, start: T0, days: 20, lateShare: 0.05, maxLatenessMs: 3_600_000, patterns: 2 });
  return computeSequences(history).data;
}

function expectMatchesOrt(name: string, got: SequenceModelResult, expected: { logit: Float32Array; score: Float32Array }): number {
  expect(got.logit).toHaveLength(expected.logit.length);
  let worst = 0;
  for (let i = 0; i < expected.logit.length; i++) {
    const dl = Math.abs(got.logit[i] - expected.logit[i]);
    const ds = Math.abs(got.score[i] - expected.score[i]);
    if (!(dl <= LOGIT_ATOL) || !(ds <= SCORE_ATOL)) {
      throw new Error(`${name} row ${i}: logit ${got.logit[i]} vs ${expected.logit[i]}, score ${got.score[i]} vs ${expected.score[i]}`);
    }
    worst = Math.max(worst, dl);
  }
  return worst;
}

describe('SequenceModel (CPU twin) vs ONNX Runtime on models/risk/2/sequence.onnx', () => {
  const bytes = fs.readFileSync(MODEL_FILE);
  let model: SequenceModel;
  let session: ort.InferenceSession;

  async function runOrt(sequences: Float32Array): Promise<{ logit: Float32Array; score: Float32Array }> {
    const out = await session.run({ sequence: new ort.Tensor('float32', sequences, [sequences.length / ROW, K, D]) });
    return { logit: out.logit.data as Float32Array, score: out.score.data as Float32Array };
  }

  beforeAll(async () => {
    model = await loadSequenceModel(bytes);
    session = await ort.InferenceSession.create(bytes);
  });
  afterAll(async () => {
    model.release();
    await session.release();
  });

  it('reads the architecture from the file', () => {
    expect(model.architecture).toEqual({ steps: 16, channels: 26, maskChannel: 0, dModel: 32, heads: 2, ffn: 64 });
  });

  it('matches ORT on the encoder output of a synthetic history', async () => {
    const sequences = encodedRows();
    const [got, expected] = await Promise.all([model.run(sequences, { backend: 'cpu' }), runOrt(sequences)]);

    expect(got).toMatchObject({ backend: 'cpu', rows: sequences.length / ROW });
    expect(expectMatchesOrt('encoded', got, expected)).toBeLessThan(LOGIT_ATOL);
    // The history is not all short: some rows use every step.
    const fullRows = Array.from({ length: got.rows }, (_, r) => sequences[r * ROW]).filter((v) => v === 1).length;
    expect(fullRows).toBeGreaterThan(0);
  });

  it.each([
    ['any number of real steps', (_: number, random: () => number) => 1 + Math.floor(random() * K)],
    ['one real step per row (all padding but one)', () => 1],
    ['every step real', () => K],
  ])('matches ORT on random rows: %s', async (_, realSteps) => {
    const sequences = randomRows(scaled(300), 5, realSteps);

    const [got, expected] = await Promise.all([model.run(sequences, { backend: 'cpu' }), runOrt(sequences)]);

    expectMatchesOrt('random', got, expected);
  });

  it('takes real steps anywhere in the row, not only at the end', async () => {
    const sequences = randomRows(scaled(64), 9, () => K);
    const random = rng(3);
    for (let r = 0; r < sequences.length / ROW; r++) {
      for (let t = 0; t < K; t++) {
        if (t !== r % K && random() < 0.5) sequences.fill(0, (r * K + t) * D, (r * K + t + 1) * D);
      }
    }

    expectMatchesOrt('scattered', await model.run(sequences, { backend: 'cpu' }), await runOrt(sequences));
  });

  it('gives a row the same result alone as within a batch, for any thread count (bit for bit)', async () => {
    const sequences = randomRows(scaled(100), 21, (_, random) => 1 + Math.floor(random() * K));
    const rows = sequences.length / ROW;
    const picked = [0, Math.floor(rows / 2), rows - 1];

    const [one, two] = await Promise.all([model.run(sequences, { backend: 'cpu', threads: 1 }), model.run(sequences, { backend: 'cpu', threads: 2 })]);
    const alone = await Promise.all(picked.map((r) => model.run(sequences.slice(r * ROW, (r + 1) * ROW), { backend: 'cpu' })));

    expect(two.logit).toEqual(one.logit);
    expect(two.score).toEqual(one.score);
    expect(alone.map((result) => result.logit[0])).toEqual(picked.map((r) => one.logit[r]));
    expect(alone.map((result) => result.score[0])).toEqual(picked.map((r) => one.score[r]));
  });

  it.each([1, 2, 3, 16])("runs the CUDA kernel's phases (emulated, %i rows per block) as the twin computes", async (rowsPerBlock) => {
    const sequences = randomRows(scaled(40) + 1, 33, (r, random) => (r % 5 === 0 ? 1 : 1 + Math.floor(random() * K)));

    const [emulated, twin] = await Promise.all([model.emulateKernel(sequences, rowsPerBlock), model.run(sequences, { backend: 'cpu' })]);

    expectMatchesOrt('emulated kernel vs twin', emulated, twin);
  });

  it('refuses runs once released, and lets a run in flight finish', async () => {
    const own = await loadSequenceModel(bytes);
    const sequences = randomRows(8, 2, () => K);

    const inFlight = own.run(sequences, { backend: 'cpu' });
    own.release();
    own.release(); // idempotent

    await expect(inFlight).resolves.toMatchObject({ rows: 8 });
    expect(own.released).toBe(true);
    await expect(own.run(sequences)).rejects.toThrow(new NativeGpuError('model: released; load it again with loadSequenceModel()', 'ERR_NATIVE_GPU_RELEASED'));
    await expect(own.run(sequences)).rejects.toMatchObject({ code: 'ERR_NATIVE_GPU_RELEASED' });
  });
});
