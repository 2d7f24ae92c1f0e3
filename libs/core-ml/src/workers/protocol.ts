/**
 * The messages between an InferencePool and its worker threads. Tensors cross as plain
 * `{ type, dims, data }` records: a Tensor's class does not survive structured cloning, its typed
 * array does, and a typed array's buffer can be transferred instead of copied.
 */
import type { Tensor } from 'onnxruntime-node';

import type { ValueInfo } from '../session/feed-validation';
import type { ModelSource, OnnxModelSessionOptions, ThreadSettings } from '../session/onnx-model-session';

export interface WireTensor {
  type: Tensor.Type;
  dims: readonly number[];
  data: Tensor.DataType;
}

export type WireTensors = Record<string, WireTensor>;

/** A function (the provider probe) cannot cross a thread: the worker probes its own ORT. */
export type WorkerSessionOptions = Omit<OnnxModelSessionOptions, 'providerProbe'> & { name: string };

export type WorkerRequest =
  | { kind: 'load'; id: number; handle: number; source: ModelSource; options: WorkerSessionOptions }
  | { kind: 'run'; id: number; handle: number; feeds: WireTensors }
  | { kind: 'release'; id: number; handle: number }
  | { kind: 'close'; id: number };

export interface LoadedModel {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  executionProviders: string[];
  unavailableProviders: string[];
  threads: ThreadSettings;
}

/** Errors cross as data: the pool rebuilds the typed CoreMlError on its side. */
export type WireError =
  | { kind: 'load-failed'; executionProviders: string[]; reason: string }
  | { kind: 'run-failed'; reason: string };

export type WorkerReply =
  /** `osThreadId`: the worker's thread id in the OS (Linux only), for the pool's workerStarted hook. */
  | { kind: 'loaded'; id: number; model: LoadedModel; osThreadId?: number }
  | { kind: 'result'; id: number; outputs: WireTensors }
  | { kind: 'done'; id: number }
  | { kind: 'failed'; id: number; error: WireError };

export function toWire(tensors: Readonly<Record<string, Tensor>>): WireTensors {
  const wire: WireTensors = {};
  for (const [name, tensor] of Object.entries(tensors)) {
    wire[name] = { type: tensor.type, dims: [...tensor.dims], data: tensor.data };
  }
  return wire;
}

/**
 * The buffers that can move to the other thread instead of being copied: those a tensor owns
 * whole. A view into a larger buffer (a slice of Node's Buffer pool, a row of a bigger matrix) is
 * copied, since transferring would detach memory that other code still reads; so is a
 * SharedArrayBuffer, which both threads can see anyway.
 */
export function transferableBuffers(tensors: WireTensors): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of Object.values(tensors)) {
    if (!ArrayBuffer.isView(data)) continue;
    const { buffer } = data;
    // Realm-independent test: under jest the buffer may come from another context's ArrayBuffer.
    const plain = Object.prototype.toString.call(buffer) === '[object ArrayBuffer]';
    if (plain && data.byteOffset === 0 && data.byteLength === buffer.byteLength) buffers.add(buffer as ArrayBuffer);
  }
  return [...buffers];
}
