/**
 * The risk service's account-sequence model (a one-layer transformer encoder) run natively from its
 * ONNX file (src/ops/sequence_model/): weights are read and checked once, held in native memory (and
 * in device memory when CUDA is available), and every `run` scores a batch of sequences on the CPU
 * twin or the CUDA kernel.
 */
import { types } from 'node:util';

import { captureCallSite, nativeError, NativeGpuError } from './errors';
import { loadBinding } from './loader';
import type { Backend } from './runtime';
import { readSequenceModelOnnx, SEQUENCE_TENSOR_NAMES } from './sequence-model-onnx';
import type { SequenceArchitecture } from './sequence-model-onnx';
import { describeType, expectInteger, expectObject, expectOneOf } from './validate';

/** CUDA launch configuration (tuning and kernel validation; the defaults suit every batch). */
export interface SequenceModelCudaLaunchOptions {
  /** Threads per block: a multiple of 32 in [32, 1024]. Default 128. */
  blockSize?: number;
  /** Sequences per block, in [1, 16]; each takes ~20 KB of shared memory for the shipped model. Default 2. */
  rowsPerBlock?: number;
}

export interface SequenceModelRunOptions {
  /** `auto` (default) picks `cuda` when `backends()` has it, else `cpu`. */
  backend?: 'auto' | Backend;
  /** CPU backend worker threads; default: the machine's hardware concurrency (fewer for small batches). */
  threads?: number;
  cuda?: SequenceModelCudaLaunchOptions;
}

export interface SequenceModelResult {
  /** The backend that ran. */
  backend: Backend;
  rows: number;
  /** `[rows]`: the raw logit per sequence (the ONNX graph's `logit` [N, 1], flattened). */
  logit: Float32Array;
  /** `[rows]`: sigmoid(logit), the probability (the graph's `score`). */
  score: Float32Array;
}

/** Options of the native run (validated here). */
interface NativeRunOptions {
  backend: 'cpu' | 'cuda' | 'emulate';
  threads: number;
  blockSize?: number;
  rowsPerBlock?: number;
}

/** The native registry id of a loaded model. */
type NativeModel = number;

/** The addon's sequence-model functions (src/ops/sequence_model/sequence_model_worker.cc). */
interface SequenceModelBinding {
  createSequenceModel(dims: Int32Array, constants: Float32Array, tensors: Float32Array[]): Promise<NativeModel>;
  runSequenceModel(model: NativeModel, sequences: Float32Array, options: NativeRunOptions): Promise<{ logit: Float32Array; score: Float32Array }>;
  releaseSequenceModel(model: NativeModel): void;
}

const binding = (): SequenceModelBinding => loadBinding() as unknown as SequenceModelBinding;

/** Frees the native model of a SequenceModel that was collected without release(). */
const unreleased = new FinalizationRegistry<NativeModel>((handle) => binding().releaseSequenceModel(handle));

/**
 * Reads the model from `onnx` (the bytes of the fp32 `sequence.onnx` core-ml exports, e.g.
 * `models/risk/1/sequence.onnx`), checks it (a RangeError starting `onnx:` says what does not fit) and
 * loads its weights into native memory, and into device memory when `backends()` has `cuda`.
 *
 * @example
 * const model = await loadSequenceModel(await fs.promises.readFile('models/risk/1/sequence.onnx'));
 * const { score } = await model.run(sequences); // Float32Array [N * 16 * 26]
 * model.release();
 */
export async function loadSequenceModel(onnx: Uint8Array): Promise<SequenceModel> {
  const callSite = captureCallSite(loadSequenceModel);
  if (!types.isUint8Array(onnx)) throw new TypeError(`onnx: expected Uint8Array (or Buffer), got ${describeType(onnx)}`);
  const graph = readSequenceModelOnnx(onnx);
  const a = graph.architecture;
  const dims = Int32Array.from([a.steps, a.channels, a.maskChannel, a.dModel, a.heads, a.ffn]);
  const constants = Float32Array.from([graph.attentionScale, graph.epsilon]);
  const tensors = SEQUENCE_TENSOR_NAMES.map((name) => graph.tensors[name]);
  let handle: NativeModel;
  try {
    handle = await binding().createSequenceModel(dims, constants, tensors);
  } catch (error) {
    throw nativeError(error, callSite);
  }
  return new SequenceModel(handle, { ...a });
}

/**
 * A sequence model in native memory. Runs may overlap; `release()` frees it once they settle (a model
 * collected without release() is freed then).
 */
export class SequenceModel {
  private handle: NativeModel | undefined;

  /** @internal Use {@link loadSequenceModel}. */
  constructor(
    handle: NativeModel,
    /** The architecture read from the file; a row is `steps × channels` floats. */
    readonly architecture: Readonly<SequenceArchitecture>,
  ) {
    this.handle = handle;
    unreleased.register(this, handle, this);
  }

  /** True once `release()` was called; runs are then refused. */
  get released(): boolean {
    return this.handle === undefined;
  }

  /**
   * Scores `sequences`, row-major `[N][steps][channels]` float32 as the encoder writes them (the ONNX
   * input `sequence`): the mask channel must be 0 or 1 and every row needs a real step (1); other
   * values must be finite. Resolves with `logit` and `score`, one per row, as ONNX Runtime computes
   * them from the same file (within 1e-4 on the logit). A row's result does not depend on its batch.
   *
   * Runs off the JS thread; `sequences` must not be modified until it settles.
   */
  async run(sequences: Float32Array, options: SequenceModelRunOptions = {}): Promise<SequenceModelResult> {
    const callSite = captureCallSite(this.run);
    const backend = resolveBackend(options);
    const native = runOptions(options, backend);
    return this.invoke(sequences, native, callSite);
  }

  /**
   * @internal Runs the CUDA kernel's phases on the CPU (tests only: CPU-only CI checks the kernel's
   * math and workspace layout at each `rowsPerBlock`).
   */
  async emulateKernel(sequences: Float32Array, rowsPerBlock: number): Promise<SequenceModelResult> {
    const callSite = captureCallSite(this.emulateKernel);
    const native = runOptions({ cuda: { rowsPerBlock } }, 'emulate');
    return this.invoke(sequences, native, callSite);
  }

  /** Frees the native (and device) weights once the runs in flight settle; later runs reject. Idempotent. */
  release(): void {
    if (this.handle === undefined) return;
    unreleased.unregister(this);
    binding().releaseSequenceModel(this.handle);
    this.handle = undefined;
  }

  private async invoke(sequences: Float32Array, native: NativeRunOptions, callSite: string): Promise<SequenceModelResult> {
    if (this.handle === undefined) {
      throw new NativeGpuError('model: released; load it again with loadSequenceModel()', 'ERR_NATIVE_GPU_RELEASED');
    }
    const rows = validateSequences(sequences, this.architecture);
    let result: { logit: Float32Array; score: Float32Array };
    try {
      result = await binding().runSequenceModel(this.handle, sequences, native);
    } catch (error) {
      throw nativeError(error, callSite);
    }
    return { backend: native.backend === 'cuda' ? 'cuda' : 'cpu', rows, ...result };
  }
}

function resolveBackend(options: SequenceModelRunOptions): Backend {
  expectObject('options', options, false);
  const requested = options.backend ?? 'auto';
  expectOneOf('options.backend', requested, ['auto', 'cpu', 'cuda'] as const);
  const native = loadBinding();
  const hasCuda = native.backends().includes('cuda');
  if (requested === 'auto') return hasCuda ? 'cuda' : 'cpu';
  if (requested === 'cuda' && !hasCuda) {
    const reason = native.cudaStatus().error ?? 'no CUDA device';
    throw new NativeGpuError(
      `options.backend: 'cuda' is not available on this machine (${reason}); use 'auto' or 'cpu'`,
      'ERR_NATIVE_GPU_CUDA_UNAVAILABLE',
    );
  }
  return requested;
}

function runOptions(options: SequenceModelRunOptions, backend: NativeRunOptions['backend']): NativeRunOptions {
  const native: NativeRunOptions = { backend, threads: 0 };
  if (options.threads !== undefined) {
    expectInteger('options.threads', options.threads, 1, 4096);
    native.threads = options.threads;
  }
  expectObject('options.cuda', options.cuda, true);
  const cuda = options.cuda ?? {};
  if (cuda.blockSize !== undefined) {
    expectInteger('options.cuda.blockSize', cuda.blockSize, 32, 1024);
    if (cuda.blockSize % 32 !== 0) throw new RangeError(`options.cuda.blockSize: expected a multiple of 32, got ${cuda.blockSize}`);
    native.blockSize = cuda.blockSize;
  }
  if (cuda.rowsPerBlock !== undefined) {
    expectInteger('options.cuda.rowsPerBlock', cuda.rowsPerBlock, 1, 16);
    native.rowsPerBlock = cuda.rowsPerBlock;
  }
  return native;
}

/** The row count; throws a TypeError/RangeError naming `sequences` (and the bad element or row). */
function validateSequences(sequences: unknown, a: Readonly<SequenceArchitecture>): number {
  if (!types.isFloat32Array(sequences)) throw new TypeError(`sequences: expected Float32Array, got ${describeType(sequences)}`);
  const values = sequences as Float32Array;
  const rowSize = a.steps * a.channels;
  if (values.length === 0 || values.length % rowSize !== 0) {
    throw new RangeError(`sequences: expected a non-zero multiple of steps × channels = ${a.steps} × ${a.channels} = ${rowSize} elements, got ${values.length}`);
  }
  const rows = values.length / rowSize;
  for (let r = 0; r < rows; r++) {
    let real = 0;
    for (let t = 0; t < a.steps; t++) {
      const at = (r * a.steps + t) * a.channels;
      for (let c = 0; c < a.channels; c++) {
        if (!Number.isFinite(values[at + c])) throw new RangeError(`sequences[${at + c}]: expected a finite number, got ${values[at + c]}`);
      }
      const valid = values[at + a.maskChannel];
      if (valid !== 0 && valid !== 1) {
        throw new RangeError(`sequences[${at + a.maskChannel}]: the mask channel (row ${r}, step ${t}) must be 0 or 1, got ${valid}`);
      }
      real += valid;
    }
    if (real === 0) throw new RangeError(`sequences: row ${r} has no real step (mask channel ${a.maskChannel} is 0 at every step)`);
  }
  return rows;
}
