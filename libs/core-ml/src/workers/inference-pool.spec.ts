/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * InferencePool against the real onnxruntime-node in real worker threads (started from source
 * through typescript-worker.js), compared with OnnxModelSession running the same models in this
 * thread. Nothing here is timed: the event-loop spec counts interval ticks while a run is pending.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { Tensor } from 'onnxruntime-node';

import { MicroBatcher } from '../batching/micro-batcher';
import {
  CoreMlErrorCode,
  InferenceFailedError,
  InferencePoolClosedError,
  InferenceWorkerExitedError,
  InvalidFeedError,
  ModelLoadError,
  SessionReleasedError,
} from '../errors';
import { encodeOnnxModel, tensor } from '../onnx';
import { OnnxModelSession } from '../session/onnx-model-session';
import { POISON_EXIT_CODE, POISON_ROWS } from '../../test/helpers/poison';
import { linearModel, twoInputModel } from '../../test/helpers/onnx-model-builder';
import { seededFloats } from '../../test/helpers/random';
import { InferencePool } from './inference-pool';

const W = [
  [0.5, -1.25],
  [2, 0.75],
  [-0.125, 3],
];
const B = [0.1, -0.2];
const WIDTH = 256;
const LAYERS = 12;
const HEAVY_ROWS = 2048;

/** `LAYERS` chained [WIDTH × WIDTH] MatMuls: a few hundred ms of one ORT thread at HEAVY_ROWS rows. */
function heavyModel(): Uint8Array {
  const weights = seededFloats(7, WIDTH * WIDTH, 1 / 16);
  return encodeOnnxModel({
    graphName: 'heavy',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', WIDTH] }],
    outputs: [{ name: 'y', type: 'float32', dims: ['batch', WIDTH] }],
    initializers: [tensor.float32('W', [WIDTH, WIDTH], weights)],
    nodes: Array.from({ length: LAYERS }, (_, i) => ({
      opType: 'MatMul',
      inputs: [i === 0 ? 'x' : `h${i}`, 'W'],
      outputs: [i === LAYERS - 1 ? 'y' : `h${i + 1}`],
    })),
  });
}

/** Reshapes its [batch, 3] input to a fixed [4, 3]: passes feed validation, fails inside ORT unless batch is 4. */
function fixedReshapeModel(): Uint8Array {
  return encodeOnnxModel({
    graphName: 'fixed-reshape',
    inputs: [{ name: 'x', type: 'float32', dims: ['batch', 3] }],
    outputs: [{ name: 'y', type: 'float32', dims: [4, 3] }],
    initializers: [tensor.int64('shape', [2], [4, 3])],
    nodes: [{ opType: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
  });
}

const heavyFeed = (): Record<string, Tensor> => ({ x: new Tensor('float32', seededFloats(3, HEAVY_ROWS * WIDTH), [HEAVY_ROWS, WIDTH]) });
const linearFeed = (rows: number, seed = rows): Tensor => new Tensor('float32', seededFloats(seed, rows * 3, 4), [rows, 3]);

describe(InferencePool.name, () => {
  describe('serving models built here', () => {
    let sut: InferencePool;
    let inThread: OnnxModelSession[];

    beforeAll(() => {
      sut = new InferencePool({ name: 'spec-pool' });
    });

    beforeEach(() => {
      inThread = [];
    });

    afterEach(async () => {
      await Promise.all(inThread.map((session) => session.release()));
    });

    afterAll(async () => {
      await sut.close();
    });

    it.each([1, 7, 256])('computes what the in-thread session computes, bit for bit, for %i rows', async (rows) => {
      // Prepare
      const reference = await OnnxModelSession.load(linearModel(W, B), { name: 'linear' });
      inThread.push(reference);
      const session = await sut.load(linearModel(W, B), { name: 'linear' });

      // Act
      const expected = await reference.run({ x: linearFeed(rows) });
      const actual = await session.run({ x: linearFeed(rows) });
      await session.release();

      // Assert
      expect(actual.y.type).toBe('float32');
      expect(actual.y.dims).toEqual([rows, 2]);
      expect(Array.from(actual.y.data as Float32Array)).toEqual(Array.from(expected.y.data as Float32Array));
    });

    it('describes the model as the in-thread session does', async () => {
      // Prepare
      const reference = await OnnxModelSession.load(twoInputModel(4), { name: 'two-input' });
      inThread.push(reference);

      // Act
      const session = await sut.load(twoInputModel(4), { name: 'two-input', intraOpNumThreads: 1 });
      await session.release();

      // Assert
      expect(session.name).toBe('two-input');
      expect(session.inputs).toEqual(reference.inputs);
      expect(session.outputs).toEqual(reference.outputs);
      expect(session.executionProviders).toEqual(['cpu']);
      expect(session.threads).toEqual(reference.threads);
    });

    it('returns every output of a model with two inputs', async () => {
      // Prepare
      const session = await sut.load(twoInputModel(3), { name: 'two-input' });
      const a = Float32Array.of(1, 2, 3, 4, 5, 6);
      const b = Float32Array.of(0.5, -1, 2, 0, 3, -4);

      // Act
      const out = await session.run({ a: new Tensor('float32', a.slice(), [2, 3]), b: new Tensor('float32', b.slice(), [2, 3]) });
      await session.release();

      // Assert
      expect(Array.from(out.sum.data as Float32Array)).toEqual([1.5, 1, 5, 4, 8, 2]);
      expect(Array.from(out.product.data as Float32Array)).toEqual([0.5, -2, 6, 0, 15, -24]);
    });

    it('transfers a feed buffer the tensor owns whole, and copies a view into a larger one', async () => {
      // Prepare
      const session = await sut.load(twoInputModel(2), { name: 'two-input' });
      const owned = Float32Array.of(1, 2, 3, 4);
      const backing = Float32Array.of(9, 9, 5, 6, 7, 8, 9, 9);
      const view = backing.subarray(2, 6);

      // Act
      const out = await session.run({ a: new Tensor('float32', owned, [2, 2]), b: new Tensor('float32', view, [2, 2]) });
      await session.release();

      // Assert
      expect(Array.from(out.sum.data as Float32Array)).toEqual([6, 8, 10, 12]);
      expect(owned.byteLength).toBe(0);
      expect(Array.from(backing)).toEqual([9, 9, 5, 6, 7, 8, 9, 9]);
    });

    it('rejects a bad feed in the calling thread, before anything is sent', async () => {
      // Prepare
      const session = await sut.load(linearModel(W, B), { name: 'linear' });
      const x = new Tensor('float32', new Float32Array(8), [2, 4]);

      // Act
      const running = session.run({ x });

      // Assert
      await expect(running).rejects.toBeInstanceOf(InvalidFeedError);
      await expect(running).rejects.toMatchObject({ model: 'linear', input: 'x' });
      expect((x.data as Float32Array).byteLength).toBe(32);
      await session.release();
    });

    it('rejects an ORT failure inside the run with an error naming the model, and goes on serving', async () => {
      // Prepare
      const session = await sut.load(fixedReshapeModel(), { name: 'fixed-reshape@2', logSeverityLevel: 4 });

      // Act
      const failing = session.run({ x: linearFeed(5) });
      const passing = session.run({ x: linearFeed(4) });

      // Assert
      await expect(failing).rejects.toBeInstanceOf(InferenceFailedError);
      await expect(failing).rejects.toMatchObject({ code: CoreMlErrorCode.InferenceFailed, model: 'fixed-reshape@2' });
      await expect(failing).rejects.toThrow(/^fixed-reshape@2: inference failed: .+/);
      await expect(passing).resolves.toMatchObject({ y: { dims: [4, 3] } });
      await session.release();
    });

    it('rejects a model ORT cannot load with a ModelLoadError naming it', async () => {
      // Act
      const loading = sut.load(Uint8Array.of(1, 2, 3, 4), { name: 'garbage@1' });

      // Assert
      await expect(loading).rejects.toBeInstanceOf(ModelLoadError);
      await expect(loading).rejects.toMatchObject({ code: CoreMlErrorCode.ModelLoadFailed, model: 'garbage@1', executionProviders: ['cpu'] });
    });

    it('names a missing model file by its path', async () => {
      // Act
      const loading = sut.load('/nonexistent/models/risk/9/trees.onnx');

      // Assert
      await expect(loading).rejects.toMatchObject({ code: CoreMlErrorCode.ModelLoadFailed, model: 'trees.onnx' });
    });

    it('refuses a bad thread count in the calling thread', async () => {
      await expect(sut.load(linearModel(W, B), { intraOpNumThreads: 0 })).rejects.toThrow(/^intraOpNumThreads: expected an integer >= 1, got 0$/);
    });

    it('refuses runs on a released session', async () => {
      // Prepare
      const session = await sut.load(linearModel(W, B), { name: 'linear' });
      await session.release();

      // Act / Assert
      await expect(session.run({ x: linearFeed(1) })).rejects.toBeInstanceOf(SessionReleasedError);
    });

    it('keeps the event loop turning while a heavy batch runs in the worker', async () => {
      // Prepare: the same heavy run in this thread blocks the loop, so at most one tick slips in
      const model = heavyModel();
      const reference = await OnnxModelSession.load(model, { name: 'heavy' });
      inThread.push(reference);
      const session = await sut.load(model, { name: 'heavy' });
      const ticksDuring = async (run: () => Promise<unknown>): Promise<number> => {
        let ticks = 0;
        const interval = setInterval(() => ticks++, 1);
        try {
          await run();
          return ticks;
        } finally {
          clearInterval(interval);
        }
      };

      // Act
      const blocked = await ticksDuring(() => reference.run(heavyFeed()));
      const offloaded = await ticksDuring(() => session.run(heavyFeed()));
      await session.release();

      // Assert
      expect(blocked).toBeLessThanOrEqual(1);
      expect(offloaded).toBeGreaterThanOrEqual(3);
    });

    it('sits behind a MicroBatcher like the in-thread session', async () => {
      // Prepare
      const session = await sut.load(linearModel(W, B), { name: 'linear' });
      const reference = await OnnxModelSession.load(linearModel(W, B), { name: 'linear' });
      inThread.push(reference);
      const batches: number[] = [];
      const batcher = new MicroBatcher<Float32Array, number[]>(
        async (rows) => {
          batches.push(rows.length);
          const x = new Float32Array(rows.length * 3);
          rows.forEach((row, i) => x.set(row, i * 3));
          const { y } = await session.run({ x: new Tensor('float32', x, [rows.length, 3]) });
          return rows.map((_, i) => Array.from((y.data as Float32Array).subarray(i * 2, i * 2 + 2)));
        },
        { maxBatchSize: 4, maxWaitMs: 60_000, maxQueue: 16 },
      );
      const rows = Array.from({ length: 6 }, (_, i) => seededFloats(40 + i, 3, 4));

      // Act
      const outputs = rows.map((row) => batcher.submit(row));
      await batcher.close();
      const results = await Promise.all(outputs);
      await session.release();

      // Assert
      expect(batches).toEqual([4, 2]);
      for (const [i, row] of rows.entries()) {
        const { y } = await reference.run({ x: new Tensor('float32', row, [1, 3]) });
        expect(results[i]).toEqual(Array.from(y.data as Float32Array));
      }
    });
  });

  it('names each worker thread by its OS id once it serves (Linux)', async () => {
    // Prepare
    const workerStarted = jest.fn();
    const sut = new InferencePool({ workers: 2, listener: { workerStarted } });

    // Act
    const first = await sut.load(linearModel(W, B), { name: 'linear' });
    await sut.load(twoInputModel(2), { name: 'two-input' });

    // Assert: each worker once, by a thread of this process that is not the JS thread
    const ids = workerStarted.mock.calls.map(([, osThreadId]: [number, number]) => osThreadId);
    if (process.platform === 'linux') {
      expect(workerStarted.mock.calls.map(([worker]: [number, number]) => worker).sort()).toEqual([0, 1]);
      for (const id of ids) {
        expect(fs.existsSync(`/proc/self/task/${id}`)).toBe(true);
        expect(id).not.toBe(process.pid);
      }
      expect(new Set(ids).size).toBe(2);
    } else {
      expect(workerStarted).not.toHaveBeenCalled();
    }
    await first.release();
    await sut.close();
  });

  it('spreads concurrent runs over its workers, each answer going to its own caller', async () => {
    // Prepare
    const sut = new InferencePool({ workers: 2 });
    const reference = await OnnxModelSession.load(linearModel(W, B), { name: 'linear' });
    const session = await sut.load(linearModel(W, B), { name: 'linear' });
    const rowCounts = [1, 2, 3, 4, 5, 6, 7, 8];

    // Act
    const results = await Promise.all(rowCounts.map((rows) => session.run({ x: linearFeed(rows, 100 + rows) })));

    // Assert
    expect(sut.workers).toBe(2);
    for (const [i, rows] of rowCounts.entries()) {
      const expected = await reference.run({ x: linearFeed(rows, 100 + rows) });
      expect(Array.from(results[i].y.data as Float32Array)).toEqual(Array.from(expected.y.data as Float32Array));
    }
    await reference.release();
    await sut.close();
  });

  it('rejects what a dying worker had in flight, naming the model, and replaces the worker', async () => {
    // Prepare: workers that die on a poison batch; the pool starts them as spawnInferenceWorker starts its own
    const spawn = jest.fn(
      () =>
        new Worker(path.join(__dirname, 'typescript-worker.js'), {
          workerData: { typescriptEntry: path.join(__dirname, '../../test/helpers/crash-on-poison-worker.ts') },
        }),
    );
    const workerExited = jest.fn();
    const workerStarted = jest.fn();
    const sut = new InferencePool({ spawn, listener: { workerExited, workerStarted } });
    const linear = await sut.load(linearModel(W, B), { name: 'linear@1' });
    const other = await sut.load(twoInputModel(2), { name: 'two-input@1' });

    // Act
    const poisoned = linear.run({ x: linearFeed(POISON_ROWS) });

    // Assert
    await expect(poisoned).rejects.toBeInstanceOf(InferenceWorkerExitedError);
    await expect(poisoned).rejects.toMatchObject({ code: CoreMlErrorCode.InferenceWorkerExited, model: 'linear@1', worker: 0 });
    await expect(poisoned).rejects.toThrow(`exit code ${POISON_EXIT_CODE}`);
    expect(workerExited).toHaveBeenCalledWith(0, expect.any(Error), true);
    expect(spawn).toHaveBeenCalledTimes(2);
    await expect(linear.run({ x: linearFeed(2) })).resolves.toMatchObject({ y: { dims: [2, 2] } });
    if (process.platform === 'linux') {
      // The first thread and its replacement, each once, by two OS thread ids.
      expect(workerStarted.mock.calls).toEqual([
        [0, expect.any(Number)],
        [0, expect.any(Number)],
      ]);
      expect(workerStarted.mock.calls[1][1]).not.toBe(workerStarted.mock.calls[0][1]);
    }
    const pair = new Tensor('float32', Float32Array.of(1, 2, 3, 4), [2, 2]);
    await expect(other.run({ a: pair, b: new Tensor('float32', Float32Array.of(1, 1, 1, 1), [2, 2]) })).resolves.toMatchObject({ sum: { dims: [2, 2] } });
    await sut.close();
  });

  it('does not respawn a worker that dies before answering anything, and says why once none is left', async () => {
    // Prepare: a worker that exits at once, as a broken entry would
    const spawn = jest.fn(() => new Worker('process.exit(3)', { eval: true }));
    const sut = new InferencePool({ spawn });

    // Act
    const first = sut.load(linearModel(W, B), { name: 'linear' });
    await expect(first).rejects.toBeInstanceOf(InferenceWorkerExitedError);
    const second = sut.load(linearModel(W, B), { name: 'linear' });

    // Assert
    await expect(second).rejects.toMatchObject({ code: CoreMlErrorCode.InferenceWorkerExited, worker: null });
    await expect(second).rejects.toThrow(/^linear: no inference worker to answer \(last exit: worker 0: exit code 3\)$/);
    expect(spawn).toHaveBeenCalledTimes(1);
    expect(sut.workers).toBe(0);
    await sut.close();
  });

  it('closes in order: runs already sent finish, later loads and runs are refused, the threads stop', async () => {
    // Prepare
    const sut = new InferencePool({ name: 'closing-pool' });
    const session = await sut.load(linearModel(W, B), { name: 'linear' });
    const inFlight = session.run({ x: linearFeed(3) });

    // Act
    const closed = sut.close();

    // Assert
    await expect(session.run({ x: linearFeed(1) })).rejects.toBeInstanceOf(InferencePoolClosedError);
    await expect(sut.load(linearModel(W, B), { name: 'late' })).rejects.toMatchObject({ code: CoreMlErrorCode.InferencePoolClosed, model: 'late' });
    await expect(inFlight).resolves.toMatchObject({ y: { dims: [3, 2] } });
    await closed;
    expect(sut.workers).toBe(0);
    await expect(sut.close()).resolves.toBeUndefined();
  });

  it('rejects a worker count that is not a positive integer', () => {
    expect(() => new InferencePool({ workers: 0 })).toThrow(/^workers: expected an integer >= 1, got 0$/);
  });
});
