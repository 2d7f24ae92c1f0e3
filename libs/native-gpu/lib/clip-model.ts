/**
 * The defect inspector's clip model (3-frame Conv3d stem pooled over time, transformer encoder, class
 * head and heatmap decoder) run natively from its ONNX file (src/ops/clip_model/): weights are read and
 * checked once, held in native memory (and in device memory when CUDA is available), and every `run`
 * scores a batch of clips on the CPU twin or the CUDA kernels.
 */
import { types } from 'node:util';

import type { DeviceTiming } from './binding';
import type { ClipArchitecture } from './clip-model-onnx';
import { readClipModelOnnx } from './clip-model-onnx';
import { captureCallSite } from './errors';
import { loadBinding } from './loader';
import type { ModelId } from './native-model';
import { callNative, expectOnnxBytes, NativeModel } from './native-model';
import { resolveBackend } from './runtime';
import type { Backend } from './runtime';
import { describeType, expectInteger, optionalBoolean } from './validate';

export interface ClipModelRunOptions {
  /** `auto` (default) picks `cuda` when `backends()` has it, else `cpu`. */
  backend?: 'auto' | Backend;
  /** CPU backend worker threads (one clip each at a time); default: the machine's hardware concurrency. */
  threads?: number;
  /**
   * CUDA only: report `deviceMs` and `deviceBytes`. The traffic model counts what must move (the clips
   * read once, the weights read once, logits and heatmap written once), not the activations between
   * layers: a lower bound on the DRAM traffic.
   */
  timing?: boolean;
}

export interface ClipModelResult extends DeviceTiming {
  /** The backend that ran. */
  backend: Backend;
  clips: number;
  /** `[clips][classes]`: class logits, class 0 = OK (the graph's `logits`). */
  logits: Float32Array;
  /** `[clips][H/2][W/2]`: defect probability per cell (the graph's `heatmap`). */
  heatmap: Float32Array;
}

/** The addon's clip-model functions (src/ops/clip_model/clip_model_worker.cc). */
interface ClipModelBinding {
  createClipModel(dims: Int32Array, constants: Float32Array, weights: Float32Array): Promise<ModelId>;
  runClipModel(
    model: ModelId,
    clips: Float32Array,
    options: { backend: Backend; threads: number; timing: boolean },
  ): Promise<{ logits: Float32Array; heatmap: Float32Array } & DeviceTiming>;
  releaseClipModel(model: ModelId): void;
}

const binding = (): ClipModelBinding => loadBinding() as unknown as ClipModelBinding;

const releaseClipModel = (id: ModelId): void => binding().releaseClipModel(id);

/**
 * Reads the model from `onnx` (the bytes of `models/inspector/<v>/clip.onnx`), checks it (a RangeError
 * starting `onnx:` names what does not fit) and loads its weights into native memory, and into device
 * memory when `backends()` has `cuda`.
 *
 * @example
 * const model = await loadClipModel(await fs.promises.readFile('models/inspector/3/clip.onnx'));
 * const { logits, heatmap } = await model.run(clips); // Float32Array [N * 8 * 64 * 64]
 * model.release();
 */
export async function loadClipModel(onnx: Uint8Array): Promise<ClipModel> {
  const callSite = captureCallSite(loadClipModel);
  expectOnnxBytes(onnx);
  const graph = readClipModelOnnx(onnx);
  const a = graph.architecture;
  const dims = Int32Array.from([a.frames, a.height, a.width, a.classes, a.c1, a.c2, a.dModel, a.heads, a.ffn, a.layers, a.upscale, a.heatChannels, a.headChannels]);
  const id = await callNative(callSite, () => binding().createClipModel(dims, Float32Array.from([graph.attentionScale, graph.epsilon]), graph.weights));
  return new ClipModel(id, { ...a });
}

/** A clip model in native memory. Runs may overlap; `release()` frees it once they settle. */
export class ClipModel extends NativeModel<ClipArchitecture> {
  /** The architecture read from the file; a clip is `frames × height × width` floats. */
  declare readonly architecture: Readonly<ClipArchitecture>;

  /** @internal Use {@link loadClipModel}. */
  constructor(id: ModelId, architecture: Readonly<ClipArchitecture>) {
    super(id, architecture, releaseClipModel, 'loadClipModel');
  }

  /**
   * Scores `clips`, row-major `[N][frames][height][width]` float32 (the ONNX input `clip` [N, 1, L, H, W]:
   * grey / 255, oldest frame first; values must be finite). Resolves with `logits` and `heatmap` as ONNX
   * Runtime computes them from the same file (within 1e-3). A clip's result does not depend on its batch.
   *
   * Runs off the JS thread; `clips` must not be modified until it settles.
   */
  async run(clips: Float32Array, options: ClipModelRunOptions = {}): Promise<ClipModelResult> {
    const callSite = captureCallSite(this.run);
    const backend = resolveBackend(options);
    let threads = 0;
    if (options.threads !== undefined) {
      expectInteger('options.threads', options.threads, 1, 4096);
      threads = options.threads;
    }
    const timing = optionalBoolean('options.timing', options.timing);
    const id = this.liveId();
    const count = validateClips(clips, this.architecture);
    const result = await callNative(callSite, () => binding().runClipModel(id, clips, { backend, threads, timing }));
    return { backend, clips: count, ...result };
  }
}

/** The clip count; throws a TypeError/RangeError naming `clips` (and the bad element). */
function validateClips(clips: unknown, a: Readonly<ClipArchitecture>): number {
  if (!types.isFloat32Array(clips)) throw new TypeError(`clips: expected Float32Array, got ${describeType(clips)}`);
  const values = clips as Float32Array;
  const size = a.frames * a.height * a.width;
  if (values.length === 0 || values.length % size !== 0) {
    throw new RangeError(`clips: expected a non-zero multiple of frames × height × width = ${a.frames} × ${a.height} × ${a.width} = ${size} elements, got ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`clips[${i}]: expected a finite number, got ${values[i]}`);
  }
  return values.length / size;
}
