/**
 * The risk service's account-sequence model (a one-layer transformer encoder) run natively from its
 * ONNX file (src/ops/sequence_model/): weights are read and checked once, held in native memory (and
 * in device memory when CUDA is available), and every `run` scores a batch of sequences on the CPU
 * twin or the CUDA kernel.
 */
import { types } from 'node:util';

import type { DeviceTiming } from './binding';
import { CallSite, captureCallSite } from './errors';
import { loadBinding } from './loader';
import type { ModelId } from './native-model';
import { callNative, expectOnnxBytes, NativeModel } from './native-model';
import { resolveBackend } from './runtime';
import type { Backend } from './runtime';
import { readSequenceModelOnnx, SEQUENCE_TENSOR_NAMES } from './sequence-model-onnx';
import type { SequenceArchitecture } from './sequence-model-onnx';
import { describeType, expectInteger, expectObject, optionalBoolean } from './validate';

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
  /** CUDA only: report `deviceMs` and `deviceBytes` (traffic model: the sequences read once, the weights read once, logit and score written once). */
  timing?: boolean;
}

export interface SequenceModelResult extends DeviceTiming {
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
  timing: boolean;
  blockSize?: number;
  rowsPerBlock?: number;
}

/** The addon's sequence-model functions (src/ops/sequence_model/sequence_model_worker.cc). */
interface SequenceModelBinding {
  createSequenceModel(dims: Int32Array, constants: Float32Array, tensors: Float32Array[]): Promise<ModelId>;
  runSequenceModel(model: ModelId, sequences: Float32Array, options: NativeRunOptions): Promise<{ logit: Float32Array; score: Float32Array } & DeviceTiming>;
  releaseSequenceModel(model: ModelId): void;
}

const binding = (): SequenceModelBinding => loadBinding() as unknown as SequenceModelBinding;

const releaseSequenceModel = (id: ModelId): void => binding().releaseSequenceModel(id);

/**
 * Reads the model from `onnx` (the bytes of the fp32 `sequence.onnx` core-ml exports, e.g.
 * `models/risk/2/sequence.onnx`), checks it (a RangeError starting `onnx:` says what does not fit) and
 * loads its weights into native memory, and into device memory when `backends()` has `cuda`.
 *
 * @example
 * const model = await loadSequenceModel(await fs.promises.readFile('models/risk/2/sequence.onnx'));
 * const { score } = await model.run(sequences); // Float32Array [N * 16 * 26]
 * model.release();
 */
export async function loadSequenceModel(onnx: Uint8Array): Promise<SequenceModel> {
  const callSite = captureCallSite(loadSequenceModel);
  expectOnnxBytes(onnx);
  const graph = readSequenceModelOnnx(onnx);
  const a = graph.architecture;
  const dims = Int32Array.from([a.steps, a.channels, a.maskChannel, a.dModel, a.heads, a.ffn]);
  const constants = Float32Array.from([graph.attentionScale, graph.epsilon]);
  const tensors = SEQUENCE_TENSOR_NAMES.map((name) => graph.tensors[name]);
  const id = await callNative(callSite, () => binding().createSequenceModel(dims, constants, tensors));
  return new SequenceModel(id, { ...a });
}

/**
 * A sequence model in native memory. Runs may overlap; `release()` frees it once they settle (a model
 * collected without release() is freed then).
 */
export class SequenceModel extends NativeModel<SequenceArchitecture> {
  /** The architecture read from the file; a row is `steps × channels` floats. */
  declare readonly architecture: Readonly<SequenceArchitecture>;

  /** @internal Use {@link loadSequenceModel}. */
  constructor(id: ModelId, architecture: Readonly<SequenceArchitecture>) {
    super(id, architecture, releaseSequenceModel, 'loadSequenceModel');
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

  private async invoke(sequences: Float32Array, native: NativeRunOptions, callSite: CallSite): Promise<SequenceModelResult> {
    const id = this.liveId();
    const rows = validateSequences(sequences, this.architecture);
    const result = await callNative(callSite, () => binding().runSequenceModel(id, sequences, native));
    return { backend: native.backend === 'cuda' ? 'cuda' : 'cpu', rows, ...result };
  }
}

function runOptions(options: SequenceModelRunOptions, backend: NativeRunOptions['backend']): NativeRunOptions {
  const native: NativeRunOptions = { backend, threads: 0, timing: optionalBoolean('options.timing', options.timing) };
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
