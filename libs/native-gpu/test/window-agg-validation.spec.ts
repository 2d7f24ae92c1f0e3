/**
 * windowAggregates argument validation (STYLE R12: validate in TypeScript, name the bad argument).
 */
import { backends, NativeGpuError, windowAggregates } from '@vigil/native-gpu';

import type { WindowAggregatesInput, WindowAggregatesOptions } from '../lib/window-agg';

function valid(): WindowAggregatesInput {
  return {
    keys: Int32Array.from([1, 1, 2, 2, 2]),
    times: Float64Array.from([0, 10, 5, 5, 9]),
    values: Float64Array.from([1, 2, 3, 4, 5]),
    categories: Int32Array.from([0, 1, 0, 0, 1]),
    windowsMs: [60_000],
  };
}

function call(patch: Record<string, unknown>, options?: unknown): Promise<unknown> {
  return windowAggregates({ ...valid(), ...patch } as unknown as WindowAggregatesInput, options as WindowAggregatesOptions);
}

describe(`${windowAggregates.name} validation`, () => {
  it('accepts the valid baseline', async () => {
    await expect(call({})).resolves.toBeDefined();
  });

  it.each([
    ['input', null, 'input: expected an object, got null'],
    ['input', 'x', 'input: expected an object, got string'],
  ])('rejects a bad %s', async (_name, value, message) => {
    await expect(windowAggregates(value as unknown as WindowAggregatesInput)).rejects.toThrow(new TypeError(message));
  });

  it.each([
    [{ keys: Float64Array.from([1, 1, 2, 2, 2]) }, TypeError, 'keys: expected Int32Array, got Float64Array'],
    [{ keys: [1, 1, 2, 2, 2] }, TypeError, 'keys: expected Int32Array, got Array'],
    [{ keys: undefined }, TypeError, 'keys: expected Int32Array, got undefined'],
    [{ times: new Float32Array(5) }, TypeError, 'times: expected Float64Array of length 5, got Float32Array'],
    [{ times: new Float64Array(4) }, RangeError, 'times: expected Float64Array of length 5, got Float64Array of length 4'],
    [{ values: new BigInt64Array(5) }, TypeError, 'values: expected Float64Array of length 5, got BigInt64Array'],
    [{ values: new Float64Array(6) }, RangeError, 'values: expected Float64Array of length 5, got Float64Array of length 6'],
    [{ categories: new Uint32Array(5) }, TypeError, 'categories: expected Int32Array of length 5, got Uint32Array'],
    [{ categories: null }, TypeError, 'categories: expected Int32Array of length 5, got null'],
    [{ categories: new Int32Array(2) }, RangeError, 'categories: expected Int32Array of length 5, got Int32Array of length 2'],
  ])('rejects bad arrays: %p', async (patch, type, message) => {
    await expect(call(patch)).rejects.toThrow(new type(message));
  });

  it.each([
    [{ windowsMs: [] }, TypeError, 'windowsMs: expected a non-empty array of numbers, got Array'],
    [{ windowsMs: 60_000 }, TypeError, 'windowsMs: expected a non-empty array of numbers, got number'],
    [{ windowsMs: Float64Array.from([1]) }, TypeError, 'windowsMs: expected a non-empty array of numbers, got Float64Array'],
    [{ windowsMs: [1000, 0] }, RangeError, 'windowsMs[1]: expected a number of ms > 0 (Infinity allowed), got 0'],
    [{ windowsMs: [-5] }, RangeError, 'windowsMs[0]: expected a number of ms > 0 (Infinity allowed), got -5'],
    [{ windowsMs: [NaN] }, RangeError, 'windowsMs[0]: expected a number of ms > 0 (Infinity allowed), got NaN'],
    [{ windowsMs: ['60s'] }, TypeError, 'windowsMs[0]: expected a number, got string'],
  ])('rejects bad windows: %p', async (patch, type, message) => {
    await expect(call(patch)).rejects.toThrow(new type(message));
  });

  it.each([
    [{ times: Float64Array.from([0, 10, NaN, 5, 9]) }, 'times[2]: expected a finite number, got NaN'],
    [{ times: Float64Array.from([0, Infinity, 5, 5, 9]) }, 'times[1]: expected a finite number, got Infinity'],
    [{ values: Float64Array.from([1, 2, 3, 4, -Infinity]) }, 'values[4]: expected a finite number, got -Infinity'],
    [{ keys: Int32Array.from([1, 1, 2, 0, 2]) }, 'keys: must be sorted ascending, but keys[3] = 0 < keys[2] = 2'],
    [{ times: Float64Array.from([0, 10, 5, 4, 9]) }, 'times: must be non-decreasing within a key, but times[3] = 4 < times[2] = 5 (key 2)'],
  ])('rejects unsorted or non-finite data: %p', async (patch, message) => {
    await expect(call(patch)).rejects.toThrow(new RangeError(message));
  });

  it('allows time to go back at a new key', async () => {
    await expect(call({ times: Float64Array.from([100, 200, 5, 6, 7]) })).resolves.toBeDefined();
  });

  it.each([
    [null, TypeError, 'options: expected an object, got null'],
    [{ backend: 'gpu' }, TypeError, "options.backend: expected one of 'auto', 'cpu', 'cuda', got 'gpu'"],
    [{ threads: 0 }, RangeError, 'options.threads: expected an integer in [1, 4096], got 0'],
    [{ threads: 1.5 }, RangeError, 'options.threads: expected an integer in [1, 4096], got 1.5'],
    [{ threads: '2' }, TypeError, 'options.threads: expected an integer, got string'],
    [{ cuda: 5 }, TypeError, 'options.cuda: expected an object, got number'],
    [{ cuda: { blockSize: 48 } }, RangeError, 'options.cuda.blockSize: expected a multiple of 32, got 48'],
    [{ cuda: { blockSize: 2048 } }, RangeError, 'options.cuda.blockSize: expected an integer in [32, 1024], got 2048'],
    [{ cuda: { lanesPerQuery: 3 } }, TypeError, 'options.cuda.lanesPerQuery: expected one of 1, 2, 4, 8, 16, 32, got 3'],
    [{ cuda: { gridSize: 0 } }, RangeError, 'options.cuda.gridSize: expected an integer in [1, 2147483647], got 0'],
    [{ timing: 'on' }, TypeError, 'options.timing: expected a boolean, got string'],
  ])('rejects bad options: %p', async (options, type, message) => {
    await expect(call({}, options)).rejects.toThrow(new type(message));
  });

  (backends().includes('cuda') ? it.skip : it)("rejects backend 'cuda' on a machine without CUDA, saying why", async () => {
    const rejection = call({}, { backend: 'cuda' });

    await expect(rejection).rejects.toThrow(NativeGpuError);
    await expect(rejection).rejects.toMatchObject({
      code: 'ERR_NATIVE_GPU_CUDA_UNAVAILABLE',
      message: expect.stringMatching(/^options\.backend: 'cuda' is not available on this machine \(.+\)/),
    });
  });
});
