/**
 * What the model handles (ClipModel, SequenceModel) share: a native registry id with release-once
 * semantics and a FinalizationRegistry for handles collected unreleased, and the call into the addon
 * that turns a rejection into a NativeGpuError at the caller's call site.
 * The native side of it: src/model_registry.h.
 */
import { types } from 'node:util';

import { CallSite, nativeError, NativeGpuError } from './errors';
import { describeType } from './validate';

/** The native registry id of a loaded model. */
export type ModelId = number;

/** Frees the native model of a handle that was collected without release(). */
const unreleased = new FinalizationRegistry<() => void>((release) => release());

/** A model in native memory. Runs may overlap; `release()` frees it once they settle. */
export abstract class NativeModel<Architecture> {
  private id: ModelId | undefined;

  protected constructor(
    id: ModelId,
    /** The architecture read from the file. */
    readonly architecture: Readonly<Architecture>,
    private readonly releaseNative: (id: ModelId) => void,
    /** The public load function, named in the error a released model's runs get. */
    private readonly loader: string,
  ) {
    this.id = id;
    unreleased.register(this, () => releaseNative(id), this);
  }

  /** True once `release()` was called; runs are then refused. */
  get released(): boolean {
    return this.id === undefined;
  }

  /** Frees the native (and device) weights once the runs in flight settle; later runs reject. Idempotent. */
  release(): void {
    if (this.id === undefined) return;
    unreleased.unregister(this);
    this.releaseNative(this.id);
    this.id = undefined;
  }

  /** The id to run with; throws ERR_NATIVE_GPU_RELEASED once released. */
  protected liveId(): ModelId {
    if (this.id === undefined) {
      throw new NativeGpuError(`model: released; load it again with ${this.loader}()`, 'ERR_NATIVE_GPU_RELEASED');
    }
    return this.id;
  }
}

/** Throws a TypeError unless `onnx` is a Uint8Array (or Buffer). */
export function expectOnnxBytes(onnx: unknown): asserts onnx is Uint8Array {
  if (!types.isUint8Array(onnx)) throw new TypeError(`onnx: expected Uint8Array (or Buffer), got ${describeType(onnx)}`);
}

/** Awaits a call into the addon; a rejection becomes a NativeGpuError with the captured `callSite`. */
export async function callNative<T>(callSite: CallSite, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw nativeError(error, callSite);
  }
}
