/**
 * Sequence-model argument validation (STYLE R12: validate in TypeScript, name the bad argument), and
 * the ONNX reader's refusals: another graph, a truncated file, weights that do not fit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { onnx } from 'onnx-proto';

import { backends, loadSequenceModel, NativeGpuError } from '@vigil/native-gpu';
import type { SequenceModel, SequenceModelRunOptions } from '@vigil/native-gpu';

import { loadBinding } from '../lib/loader';

const MODELS = path.resolve(__dirname, '../../../models/risk/2');
const ROW = 16 * 26;

/** One valid row: the last two steps real. */
function rows(count: number): Float32Array {
  const out = new Float32Array(count * ROW);
  for (let r = 0; r < count; r++) {
    for (const t of [14, 15]) out.fill(0.25, (r * 16 + t) * 26, (r * 16 + t + 1) * 26).fill(1, (r * 16 + t) * 26, (r * 16 + t) * 26 + 1);
  }
  return out;
}

/** The shipped file with one initializer changed by `edit`. */
function edited(name: string, edit: (tensor: onnx.TensorProto) => void): Uint8Array {
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(MODELS, 'sequence.onnx')));
  const tensor = model.graph!.initializer!.find((t) => t.name === name) as onnx.TensorProto;
  edit(tensor);
  return onnx.ModelProto.encode(model).finish();
}

describe(`${loadSequenceModel.name} validation`, () => {
  let model: SequenceModel;
  beforeAll(async () => {
    model = await loadSequenceModel(fs.readFileSync(path.join(MODELS, 'sequence.onnx')));
  });
  afterAll(() => model.release());

  it('accepts the valid baseline', async () => {
    await expect(model.run(rows(3))).resolves.toMatchObject({ rows: 3 });
  });

  it.each([
    [new Float64Array(ROW), TypeError, 'sequences: expected Float32Array, got Float64Array'],
    [Array.from(rows(1)), TypeError, 'sequences: expected Float32Array, got Array'],
    [null, TypeError, 'sequences: expected Float32Array, got null'],
    [new Float32Array(0), RangeError, 'sequences: expected a non-zero multiple of steps × channels = 16 × 26 = 416 elements, got 0'],
    [new Float32Array(ROW + 3), RangeError, 'sequences: expected a non-zero multiple of steps × channels = 16 × 26 = 416 elements, got 419'],
    [new Float32Array(ROW), RangeError, 'sequences: row 0 has no real step (mask channel 0 is 0 at every step)'],
    [rows(2).fill(0.5, ROW + 15 * 26, ROW + 15 * 26 + 1), RangeError, 'sequences[806]: the mask channel (row 1, step 15) must be 0 or 1, got 0.5'],
    [rows(2).fill(NaN, 100, 101), RangeError, 'sequences[100]: expected a finite number, got NaN'],
  ])('rejects bad sequences: %#', async (sequences, type, message) => {
    await expect(model.run(sequences as Float32Array)).rejects.toThrow(new type(message));
  });

  it.each([
    [null, TypeError, 'options: expected an object, got null'],
    [{ backend: 'gpu' }, TypeError, "options.backend: expected one of 'auto', 'cpu', 'cuda', got 'gpu'"],
    [{ threads: 0 }, RangeError, 'options.threads: expected an integer in [1, 4096], got 0'],
    [{ cuda: { blockSize: 48 } }, RangeError, 'options.cuda.blockSize: expected a multiple of 32, got 48'],
    [{ cuda: { rowsPerBlock: 17 } }, RangeError, 'options.cuda.rowsPerBlock: expected an integer in [1, 16], got 17'],
    [{ timing: 'yes' }, TypeError, 'options.timing: expected a boolean, got string'],
  ])('rejects bad options: %p', async (options, type, message) => {
    await expect(model.run(rows(1), options as SequenceModelRunOptions)).rejects.toThrow(new type(message));
  });

  it("rejects backend 'cuda' where there is no device, with a NativeGpuError", async () => {
    if (backends().includes('cuda')) return; // covered by the GPU spec on GPU machines

    await expect(model.run(rows(1), { backend: 'cuda' })).rejects.toBeInstanceOf(NativeGpuError);
    await expect(model.run(rows(1), { backend: 'cuda' })).rejects.toMatchObject({ code: 'ERR_NATIVE_GPU_CUDA_UNAVAILABLE' });
  });

  it.each([
    ['a string', 'models/risk/1/sequence.onnx', TypeError, 'onnx: expected Uint8Array (or Buffer), got string'],
    ['the INT8 variant', fs.readFileSync(path.join(MODELS, 'sequence-int8.onnx')), RangeError, /^onnx: op DynamicQuantizeLinear .* is not part of the fp32 sequence graph/],
    ['the tree model', fs.readFileSync(path.join(MODELS, 'trees.onnx')), RangeError, /^onnx: op TreeEnsemble/],
    ['a truncated file', fs.readFileSync(path.join(MODELS, 'sequence.onnx')).subarray(0, 5000), RangeError, /^onnx: not an ONNX model/],
    ['ffn_2 of the wrong shape', edited('ffn_2_weight', (t) => (t.dims = [32, 64])), RangeError, 'onnx: initializer ffn_2_weight has dims [32, 64], expected [64, 32]'],
    ['a non-finite weight', edited('attn_k_bias', (t) => new DataView(t.rawData.buffer, t.rawData.byteOffset).setFloat32(12, Infinity, true)), RangeError, 'onnx: initializer attn_k_bias[3] is Infinity'],
    ['another padding bias', edited('mask_scale', (t) => new DataView(t.rawData.buffer, t.rawData.byteOffset).setFloat32(0, 1e4, true)), RangeError, 'onnx: the padding-key bias must be (valid − 1) · 1000000000'],
  ])('refuses %s', async (_, bytes, type, message) => {
    await expect(loadSequenceModel(bytes as Uint8Array)).rejects.toThrow(message instanceof RegExp ? message : new type(message));
    await expect(loadSequenceModel(bytes as Uint8Array)).rejects.toBeInstanceOf(type);
  });

  it('refuses a foreign or unknown model id in the raw binding instead of crashing', () => {
    const raw = loadBinding() as unknown as { runSequenceModel(model: unknown, sequences: Float32Array, options: object): unknown };

    expect(() => raw.runSequenceModel({}, rows(1), { backend: 'cpu' })).toThrow(new TypeError('runSequenceModel: model must be a sequence-model id'));
    expect(() => raw.runSequenceModel(123_456, rows(1), { backend: 'cpu' })).toThrow(new TypeError('runSequenceModel: no such model (released?)'));
  });
});
