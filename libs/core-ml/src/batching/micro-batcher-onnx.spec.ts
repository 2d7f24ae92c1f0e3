/**
 * @jest-environment @vigil/core-ml/test/ort-environment
 *
 * The serving stack end to end on a real model: MicroBatcher → SessionCache → OnnxModelSession.
 * Batches leave by size and by close(), never by the clock, so the spec runs on real timers (ORT
 * defers its runs with setImmediate, which jest's fake timers would hold back) without timing anything.
 */
import { Tensor } from 'onnxruntime-node';

import { SessionCache, type SessionKey } from '../registry/session-cache';
import { OnnxModelSession } from '../session/onnx-model-session';
import { expectTensorClose } from '../../test/helpers/expect-close';
import { linearModel, linearReference } from '../../test/helpers/onnx-model-builder';
import { seededFloats } from '../../test/helpers/random';
import { MicroBatcher } from './micro-batcher';

const W = [
  [1.5, -0.5],
  [0.25, 2],
  [-1, 0.75],
];
const B = [0.5, -0.25];
const FEATURES = 3;
const OUTPUTS = 2;
const key: SessionKey = { model: 'linear', version: '1', providers: ['cpu'] };

describe(`${MicroBatcher.name} in front of an ${OnnxModelSession.name}`, () => {
  let cache: SessionCache<OnnxModelSession>;

  beforeEach(() => {
    cache = new SessionCache({
      load: (k) => OnnxModelSession.load(linearModel(W, B), { name: `${k.model}@${k.version}`, executionProviders: k.providers }),
      idleTtlMs: 60_000,
    });
  });

  afterEach(async () => {
    await cache.close();
  });

  it("gives every caller its own row of the batched output", async () => {
    // Prepare: one feature row per caller; the batch function stacks rows into [n, 3] and splits y
    const batchSizes: number[] = [];
    const sut = new MicroBatcher<Float32Array, Float32Array>(
      async (rows) => {
        batchSizes.push(rows.length);
        const x = new Float32Array(rows.length * FEATURES);
        rows.forEach((row, i) => x.set(row, i * FEATURES));
        const { y } = await cache.use(key, (session) => session.run({ x: new Tensor('float32', x, [rows.length, FEATURES]) }));
        const data = y.data as Float32Array;
        return rows.map((_, i) => data.slice(i * OUTPUTS, (i + 1) * OUTPUTS));
      },
      { name: 'linear', maxBatchSize: 4, maxWaitMs: 60_000, maxQueue: 64 },
    );
    const rows = Array.from({ length: 6 }, (_, i) => seededFloats(100 + i, FEATURES, 5));

    // Act: four leave as a full batch, the last two when close() drains
    const outputs = rows.map((row) => sut.submit(row));
    await sut.close();
    const results = await Promise.all(outputs);

    // Assert
    expect(batchSizes).toEqual([4, 2]);
    results.forEach((result, i) => {
      expectTensorClose('linear', new Tensor('float32', result, [1, OUTPUTS]), [1, OUTPUTS], linearReference(rows[i], W, B));
    });
    expect(new Set(results.map((r) => r.join(','))).size).toBe(rows.length);
  });
});
