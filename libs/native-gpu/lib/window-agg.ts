/**
 * Exact sliding-window aggregates over key-segmented event streams (src/ops/window_agg/).
 */
import type { DeviceTiming, NativeBackend, NativeWindowAggOptions, WindowStatistics } from './binding';
import { CallSite, captureCallSite, nativeError, NativeGpuError } from './errors';
import { loadBinding } from './loader';
import type { Backend } from './runtime';
import {
  describeType,
  expectAllFinite,
  expectInteger,
  expectObject,
  expectOneOf,
  expectTypedArray,
  optionalBoolean,
} from './validate';

/** Events, sorted by key then time. All arrays have one element per event. */
export interface WindowAggregatesInput {
  /** Segment (account, device, ...) id per event, ascending. */
  keys: Int32Array;
  /** Event time in ms, finite, non-decreasing within a key. */
  times: Float64Array;
  /** The aggregated value per event (e.g. the amount), finite. */
  values: Float64Array;
  /** Optional category per event (e.g. beneficiary id); enables the `distinct` output. */
  categories?: Int32Array;
  /**
   * Window lengths in ms, each > 0; `Infinity` aggregates the key's whole history up to the event.
   * A 0 ms window would be empty and is rejected. Example: `[60_000, 3_600_000, 86_400_000]`.
   */
  windowsMs: readonly number[];
}

/** CUDA launch configuration (tuning and kernel validation; the defaults suit most inputs). */
export interface CudaLaunchOptions {
  /** Threads per block: a multiple of 32 in [32, 1024]. Default 256. */
  blockSize?: number;
  /** Threads cooperating on one (event, window): 1, 2, 4, 8, 16 or 32. Default 32. */
  lanesPerQuery?: 1 | 2 | 4 | 8 | 16 | 32;
  /** Blocks in the grid (the kernel grid-strides); default: enough to cover the work. */
  gridSize?: number;
}

export interface WindowAggregatesOptions {
  /** `auto` (default) picks `cuda` when `backends()` has it, else `cpu`. */
  backend?: 'auto' | Backend;
  /** CPU backend worker threads; default: the machine's hardware concurrency. */
  threads?: number;
  cuda?: CudaLaunchOptions;
  /**
   * CUDA only: report `deviceMs` and `deviceBytes` (traffic model: the inputs read once and the
   * statistics written once; the look-backs over a key's earlier events are not counted).
   */
  timing?: boolean;
}

/**
 * One Float64Array per statistic, row-major `[event][window]`: the value for event `i` and
 * `windowsMs[w]` is at index `i * windows + w`.
 */
export interface WindowAggregates extends WindowStatistics, DeviceTiming {
  /** The backend that ran. */
  backend: Backend;
  /** Number of events (`keys.length`). */
  events: number;
  /** Number of windows (`windowsMs.length`). */
  windows: number;
  windowsMs: number[];
}

const MAX_EVENTS = 2 ** 31 - 1;
const LANES = [1, 2, 4, 8, 16, 32] as const;

/**
 * For each event `i` and each window `w`, aggregates the events `j` of the same key with
 * `times[i] - w < times[j] <= times[i]` and `j <= i`: strictly after the window start, up to and
 * including event `i`; among equal timestamps only events at or before `i` count (streaming order).
 *
 * Runs off the JS thread and resolves with new arrays; the input arrays must not be modified or
 * transferred until it settles. Rejects with a TypeError/RangeError naming the bad argument, or a
 * {@link NativeGpuError} (e.g. a CUDA error, with its CUDA error string and `code`).
 *
 * @example
 * const r = await windowAggregates({ keys, times, values, windowsMs: [3_600_000, 86_400_000] });
 * const lastHourCount = r.count[i * r.windows + 0];
 */
export async function windowAggregates(
  input: WindowAggregatesInput,
  options: WindowAggregatesOptions = {},
): Promise<WindowAggregates> {
  const callSite = captureCallSite(windowAggregates);
  const backend = resolveBackend(options);
  return run(input, options, backend, callSite);
}

/**
 * @internal Runs the CUDA kernel's per-query math on the CPU, lane by lane (tests only: it lets
 * CPU-only CI validate the kernel's algorithm at every `lanesPerQuery`).
 */
export async function emulateWindowAggregatesKernel(
  input: WindowAggregatesInput,
  options: { lanesPerQuery?: CudaLaunchOptions['lanesPerQuery'] } = {},
): Promise<WindowAggregates> {
  const callSite = captureCallSite(emulateWindowAggregatesKernel);
  return run(input, { cuda: { lanesPerQuery: options.lanesPerQuery } }, 'emulate', callSite);
}

async function run(
  input: WindowAggregatesInput,
  options: WindowAggregatesOptions,
  backend: NativeBackend,
  callSite: CallSite,
): Promise<WindowAggregates> {
  const { keys, times, values, categories, windows } = validateInput(input);
  const nativeOptions = validateOptions(options, backend);
  let result: WindowStatistics & DeviceTiming;
  try {
    result = await loadBinding().windowAggregates(keys, times, values, categories ?? null, windows, nativeOptions);
  } catch (error) {
    throw nativeError(error, callSite);
  }
  return {
    backend: backend === 'cuda' ? 'cuda' : 'cpu',
    events: keys.length,
    windows: windows.length,
    windowsMs: Array.from(windows),
    ...result,
  };
}

function resolveBackend(options: WindowAggregatesOptions): NativeBackend {
  expectObject('options', options, false);
  const requested = options.backend ?? 'auto';
  expectOneOf('options.backend', requested, ['auto', 'cpu', 'cuda'] as const);
  const binding = loadBinding();
  const hasCuda = binding.backends().includes('cuda');
  if (requested === 'auto') return hasCuda ? 'cuda' : 'cpu';
  if (requested === 'cuda' && !hasCuda) {
    const reason = binding.cudaStatus().error ?? 'no CUDA device';
    throw new NativeGpuError(
      `options.backend: 'cuda' is not available on this machine (${reason}); use 'auto' or 'cpu'`,
      'ERR_NATIVE_GPU_CUDA_UNAVAILABLE',
    );
  }
  return requested;
}

function validateInput(input: WindowAggregatesInput): {
  keys: Int32Array;
  times: Float64Array;
  values: Float64Array;
  categories?: Int32Array;
  windows: Float64Array;
} {
  expectObject('input', input, false);
  const { keys, times, values, categories, windowsMs } = input;
  expectTypedArray('keys', keys, 'Int32Array');
  const n = keys.length;
  if (n > MAX_EVENTS) throw new RangeError(`keys: at most ${MAX_EVENTS} events are supported, got ${n}`);
  expectTypedArray('times', times, 'Float64Array', n);
  expectTypedArray('values', values, 'Float64Array', n);
  if (categories !== undefined) expectTypedArray('categories', categories, 'Int32Array', n);

  if (!Array.isArray(windowsMs) || windowsMs.length === 0) {
    throw new TypeError(`windowsMs: expected a non-empty array of numbers, got ${describeType(windowsMs)}`);
  }
  const windows = new Float64Array(windowsMs.length);
  windowsMs.forEach((w: unknown, k) => {
    if (typeof w !== 'number') throw new TypeError(`windowsMs[${k}]: expected a number, got ${describeType(w)}`);
    if (!(w > 0)) throw new RangeError(`windowsMs[${k}]: expected a number of ms > 0 (Infinity allowed), got ${w}`);
    windows[k] = w;
  });

  expectAllFinite('times', times);
  expectAllFinite('values', values);
  for (let i = 1; i < n; i++) {
    if (keys[i] < keys[i - 1]) {
      throw new RangeError(`keys: must be sorted ascending, but keys[${i}] = ${keys[i]} < keys[${i - 1}] = ${keys[i - 1]}`);
    }
    if (keys[i] === keys[i - 1] && times[i] < times[i - 1]) {
      throw new RangeError(
        `times: must be non-decreasing within a key, but times[${i}] = ${times[i]} < times[${i - 1}] = ${times[i - 1]} (key ${keys[i]})`,
      );
    }
  }
  return { keys, times, values, categories, windows };
}

function validateOptions(options: WindowAggregatesOptions, backend: NativeBackend): NativeWindowAggOptions {
  const native: NativeWindowAggOptions = { backend, threads: 0, timing: optionalBoolean('options.timing', options.timing) };
  if (options.threads !== undefined) {
    expectInteger('options.threads', options.threads, 1, 4096);
    native.threads = options.threads;
  }
  expectObject('options.cuda', options.cuda, true);
  const cuda = options.cuda ?? {};
  if (cuda.blockSize !== undefined) {
    expectInteger('options.cuda.blockSize', cuda.blockSize, 32, 1024);
    if (cuda.blockSize % 32 !== 0) {
      throw new RangeError(`options.cuda.blockSize: expected a multiple of 32, got ${cuda.blockSize}`);
    }
    native.blockSize = cuda.blockSize;
  }
  if (cuda.lanesPerQuery !== undefined) {
    expectOneOf('options.cuda.lanesPerQuery', cuda.lanesPerQuery, LANES);
    native.lanesPerQuery = cuda.lanesPerQuery;
  }
  if (cuda.gridSize !== undefined) {
    expectInteger('options.cuda.gridSize', cuda.gridSize, 1, 2 ** 31 - 1);
    native.gridSize = cuda.gridSize;
  }
  return native;
}
