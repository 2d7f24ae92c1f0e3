/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * OnnxModelSession against the real onnxruntime-node (CPU), on models built in the test helper and
 * compared with a direct computation.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { Tensor } from 'onnxruntime-node';

import { CoreMlErrorCode, InvalidFeedError, ModelLoadError, SessionReleasedError } from '../errors';
import { expectTensorClose } from '../../test/helpers/expect-close';
import { linearModel, linearReference, scaledGemmModel, twoInputModel } from '../../test/helpers/onnx-model-builder';
import { seededFloats } from '../../test/helpers/random';
import { OnnxModelSession } from './onnx-model-session';

const W = [
  [0.5, -1.25],
  [2, 0.75],
  [-0.125, 3],
];
const B = [0.1, -0.2];
const float32 = (values: number[], dims: number[]): Tensor => new Tensor('float32', Float32Array.from(values), dims);

describe(OnnxModelSession.name, () => {
  let sut: OnnxModelSession;

  afterEach(async () => {
    await sut?.release();
  });

  describe('linear model (MatMul + Add, dynamic batch)', () => {
    beforeEach(async () => {
      sut = await OnnxModelSession.load(linearModel(W, B), { name: 'linear@1' });
    });

    it('exposes input and output metadata, with the symbolic batch dimension', () => {
      expect(sut.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['batch', 3] }]);
      expect(sut.outputs).toEqual([{ name: 'y', type: 'float32', dims: ['batch', 2] }]);
      expect(sut.inputNames).toEqual(['x']);
      expect(sut.outputNames).toEqual(['y']);
    });

    it('uses explicit thread settings and the cpu provider by default', () => {
      expect(sut.threads).toEqual({ intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
      expect(sut.executionProviders).toEqual(['cpu']);
    });

    it.each([1, 2, 7, 64])('computes x·W + B for a batch of %i rows', async (rows) => {
      // Prepare
      const x = seededFloats(rows, rows * 3, 4);

      // Act
      const out = await sut.run({ x: new Tensor('float32', x, [rows, 3]) });

      // Assert
      expectTensorClose('linear', out.y, [rows, 2], linearReference(x, W, B));
    });

    it.each([
      [{ X: float32([1, 2, 3], [1, 3]) }, 'X', "not an input of the model (inputs: x)"],
      [{}, 'x', 'missing'],
      [{ x: Float32Array.from([1, 2, 3]) }, 'x', 'expected a Tensor, got Float32Array'],
      [{ x: new Tensor('int32', Int32Array.from([1, 2, 3]), [1, 3]) }, 'x', 'expected float32, got int32'],
      [{ x: float32([1, 2, 3], [3]) }, 'x', 'expected rank 2 [batch, 3], got dims [3]'],
      [{ x: float32([1, 2, 3, 4], [2, 2]) }, 'x', 'dim 1 is 2, expected 3 (model [batch, 3], got [2, 2])'],
    ])('rejects feeds %p naming input %p', async (feeds, input, detail) => {
      // Act
      const running = sut.run(feeds as unknown as Record<string, Tensor>);

      // Assert
      await expect(running).rejects.toThrow(new InvalidFeedError('linear@1', input, detail));
      await expect(running).rejects.toMatchObject({ code: CoreMlErrorCode.InvalidFeed, model: 'linear@1', input });
    });

    it('refuses runs after release, and releases only once', async () => {
      // Act
      await sut.release();
      await sut.release();

      // Assert
      expect(sut.released).toBe(true);
      await expect(sut.run({ x: float32([1, 2, 3], [1, 3]) })).rejects.toThrow(new SessionReleasedError('linear@1'));
    });

    it('lets a run that already started finish before the native session is freed', async () => {
      // Prepare
      const running = sut.run({ x: float32([1, 0, 0], [1, 3]) });

      // Act
      const released = sut.release();

      // Assert
      await expect(running).resolves.toHaveProperty('y');
      await expect(released).resolves.toBeUndefined();
    });
  });

  describe('two inputs sharing a batch dimension', () => {
    beforeEach(async () => {
      sut = await OnnxModelSession.load(twoInputModel(3), { name: 'two-input@1' });
    });

    it('feeds both inputs and returns both outputs', async () => {
      // Prepare
      const a = [1, 2, 3, 4, 5, 6];
      const b = [0.5, -1, 2, 0, 3, -2];

      // Act
      const out = await sut.run({ a: float32(a, [2, 3]), b: float32(b, [2, 3]) });

      // Assert
      expectTensorClose('two-input', out.sum, [2, 3], a.map((v, i) => v + b[i]));
      expectTensorClose('two-input', out.product, [2, 3], a.map((v, i) => v * b[i]));
    });

    it('rejects inputs that disagree on the batch size, naming both', async () => {
      // Act
      const running = sut.run({ a: float32([1, 2, 3, 4, 5, 6], [2, 3]), b: float32([1, 2, 3], [1, 3]) });

      // Assert
      await expect(running).rejects.toThrow(new InvalidFeedError('two-input@1', 'b', "dim 0 ('batch') is 1, but input 'a' has 'batch' = 2"));
    });

    it('names the missing second input', async () => {
      await expect(sut.run({ a: float32([1, 2, 3], [1, 3]) })).rejects.toThrow(new InvalidFeedError('two-input@1', 'b', 'missing'));
    });
  });

  describe('loading', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'core-ml-session-'));
    });

    afterAll(async () => {
      await fs.rm(dir, { recursive: true, force: true });
    });

    it('loads from a file path and is named after the file', async () => {
      // Prepare
      const file = path.join(dir, 'linear.onnx');
      await fs.writeFile(file, linearModel(W, B));

      // Act
      sut = await OnnxModelSession.load(file);

      // Assert
      expect(sut.name).toBe('linear.onnx');
      const out = await sut.run({ x: float32([1, 1, 1], [1, 3]) });
      expectTensorClose('linear', out.y, [1, 2], linearReference(Float32Array.from([1, 1, 1]), W, B));
    });

    it('encodes float attributes as floats (Gemm alpha) and int attributes as ints (transB)', async () => {
      // Prepare
      const weightsOutIn = [
        [1, 2, 3],
        [-1, 0.5, 4],
      ];
      sut = await OnnxModelSession.load(scaledGemmModel(weightsOutIn, [0.25, -0.5], 0.5), { name: 'scaled-gemm@1' });

      // Act
      const out = await sut.run({ x: float32([1, 2, 3, -1, 0, 2], [2, 3]) });

      // Assert
      const expected = [
        0.5 * (1 + 4 + 9) + 0.25,
        0.5 * (-1 + 1 + 12) - 0.5,
        0.5 * (-1 + 0 + 6) + 0.25,
        0.5 * (1 + 0 + 8) - 0.5,
      ];
      expectTensorClose('scaled-gemm', out.y, [2, 2], expected);
    });

    it('passes explicit thread settings through', async () => {
      // Act
      sut = await OnnxModelSession.load(linearModel(W, B), { intraOpNumThreads: 2, interOpNumThreads: 2, executionMode: 'parallel' });

      // Assert
      expect(sut.threads).toEqual({ intraOpNumThreads: 2, interOpNumThreads: 2, executionMode: 'parallel' });
      await expect(sut.run({ x: float32([1, 2, 3], [1, 3]) })).resolves.toHaveProperty('y');
    });

    it.each([
      [{ intraOpNumThreads: 0 }, 'intraOpNumThreads: expected an integer >= 1, got 0'],
      [{ interOpNumThreads: 1.5 }, 'interOpNumThreads: expected an integer >= 1, got 1.5'],
    ])('rejects thread settings %p', async (options, message) => {
      await expect(OnnxModelSession.load(linearModel(W, B), options)).rejects.toThrow(new RangeError(message));
    });

    it('drops preferred providers that are not installed and keeps cpu', async () => {
      // Act
      sut = await OnnxModelSession.load(linearModel(W, B), {
        executionProviders: ['cuda', 'cpu'],
        providerProbe: { available: () => ['cpu'] },
      });

      // Assert
      expect(sut.executionProviders).toEqual(['cpu']);
      expect(sut.unavailableProviders).toEqual(['cuda']);
    });

    it('names the model and the providers when ORT cannot load it', async () => {
      // Act
      const loading = OnnxModelSession.load(Uint8Array.from([1, 2, 3, 4]), { name: 'broken@1' });

      // Assert
      await expect(loading).rejects.toBeInstanceOf(ModelLoadError);
      await expect(loading).rejects.toMatchObject({
        code: CoreMlErrorCode.ModelLoadFailed,
        message: expect.stringMatching(/^broken@1: failed to load with execution providers \[cpu\]: /),
      });
    });

    it('rejects a missing file with a ModelLoadError', async () => {
      await expect(OnnxModelSession.load(path.join(dir, 'absent.onnx'))).rejects.toMatchObject({
        code: CoreMlErrorCode.ModelLoadFailed,
        model: 'absent.onnx',
      });
    });
  });

});
