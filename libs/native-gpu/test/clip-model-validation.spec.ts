/**
 * Clip-model argument validation (STYLE R12: validate in TypeScript, name the bad argument), and the
 * ONNX reader's refusals: another graph, an edited attribute, weights that do not fit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { onnx } from 'onnx-proto';

import { loadClipModel } from '@vigil/native-gpu';
import type { ClipModel, ClipModelRunOptions } from '@vigil/native-gpu';

import { inspectorModelDir } from './clip-model-files';

const MODELS = inspectorModelDir();
const CLIP = 8 * 64 * 64;

/** The shipped file after `edit`. */
function edited(edit: (model: onnx.ModelProto) => void): Uint8Array {
  const model = onnx.ModelProto.decode(fs.readFileSync(path.join(MODELS, 'clip.onnx')));
  edit(model);
  return onnx.ModelProto.encode(model).finish();
}

describe(`${loadClipModel.name} validation`, () => {
  let model: ClipModel;
  beforeAll(async () => {
    model = await loadClipModel(fs.readFileSync(path.join(MODELS, 'clip.onnx')));
  });
  afterAll(() => model.release());

  it.each<[string, unknown, unknown, RegExp]>([
    ['a non-array', [1, 2], {}, /^clips: expected Float32Array, got Array/],
    ['a partial clip', new Float32Array(CLIP + 1), {}, /^clips: expected a non-zero multiple of frames × height × width = 8 × 64 × 64 = 32768 elements, got 32769/],
    ['an empty batch', new Float32Array(0), {}, /^clips: expected a non-zero multiple/],
    ['a NaN', new Float32Array(CLIP).fill(Number.NaN, 5, 6), {}, /^clips\[5\]: expected a finite number, got NaN/],
    ['a bad backend', new Float32Array(CLIP), { backend: 'tpu' }, /^options\.backend/],
    ['zero threads', new Float32Array(CLIP), { threads: 0 }, /^options\.threads/],
    ['a non-boolean timing', new Float32Array(CLIP), { timing: 1 }, /^options\.timing: expected a boolean, got number/],
  ])('rejects %s, naming the argument', async (_, clips, options, message) => {
    await expect(model.run(clips as Float32Array, options as ClipModelRunOptions)).rejects.toThrow(message);
  });

  it('rejects what is not an ONNX clip model, saying what differs', async () => {
    await expect(loadClipModel('clip.onnx' as unknown as Uint8Array)).rejects.toThrow(/^onnx: expected Uint8Array/);
    await expect(loadClipModel(fs.readFileSync(path.join(MODELS, 'frame.onnx')))).rejects.toThrow(/^onnx: expected a graph input `clip`/);
    await expect(loadClipModel(Uint8Array.from([1, 2, 3, 4, 5]))).rejects.toThrow(/^onnx:/);
  });

  it('refuses an edited graph or weight, naming it', async () => {
    const reluGone = edited((m) => {
      m.graph!.node![1].opType = 'Sigmoid';
    });
    await expect(loadClipModel(reluGone)).rejects.toThrow(/^onnx: node 1 \(.*\) is Sigmoid, the clip graph has Relu there/);

    const strided = edited((m) => {
      const conv = m.graph!.node!.find((n) => n.opType === 'Conv')!;
      conv.attribute!.find((a) => a.name === 'strides')!.ints = [1, 1, 1];
    });
    await expect(loadClipModel(strided)).rejects.toThrow(/^onnx: node .* \(Conv\) has strides \[1,1,1\], the clip graph has \[1,2,2\]/);

    const missing = edited((m) => {
      m.graph!.initializer = m.graph!.initializer!.filter((t) => t.name !== 'layer1_ffn_2_bias');
    });
    await expect(loadClipModel(missing)).rejects.toThrow('onnx: initializer layer1_ffn_2_bias is missing');

    const reshaped = edited((m) => {
      const pos = m.graph!.initializer!.find((t) => t.name === 'cls_weight')!;
      pos.dims = [64, 16];
    });
    await expect(loadClipModel(reshaped)).rejects.toThrow('onnx: initializer cls_weight has dims [64, 16], expected [128, 8]');
  });
});
