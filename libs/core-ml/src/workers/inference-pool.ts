/**
 * ONNX inference off the event loop. onnxruntime-node runs a model synchronously on the calling
 * thread (see OnnxModelSession), so a 1024-row batch on the service's thread stalls Kafka
 * heartbeats and HTTP for its whole duration. The pool runs models in worker threads instead: each
 * worker loads every model the pool serves, a run goes to the worker with the fewest requests in
 * flight, feeds and outputs cross as typed arrays whose buffers are transferred, not copied.
 *
 * A worker that dies (a native crash, an uncaught error) rejects what it had in flight with an
 * InferenceWorkerExitedError naming the model and is replaced by a fresh thread that loads the
 * models again. One that dies before it ever answered (a broken entry, a model that crashes ORT on
 * load) is not replaced, which would only crash again in a loop: its slot stays empty, and requests
 * fail once no worker is left.
 *
 * Close it before the process exits. Ending a worker thread while ORT is inside a run, by
 * `terminate()` or by `process.exit()` in the main thread, aborts the whole process (exit 134:
 * onnxruntime-node 1.30 throws a C++ Napi::Error into the dying environment); close() lets the runs
 * in flight finish and releases the sessions before it stops the threads.
 *
 * Size it with the cores: each worker's run uses `intraOpNumThreads` threads of its own, and the
 * event loop needs a core too. Default one worker.
 */
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';

import { Tensor } from 'onnxruntime-node';

import {
  InferenceFailedError,
  InferencePoolClosedError,
  InferenceWorkerExitedError,
  ModelLoadError,
  SessionReleasedError,
} from '../errors';
import type { Feeds } from '../session/feed-validation';
import { type ModelSource, type OnnxModelSessionOptions, resolveThreadSettings } from '../session/onnx-model-session';
import {
  type LoadedModel,
  toWire,
  transferableBuffers,
  type WireError,
  type WireTensors,
  type WorkerReply,
  type WorkerRequest,
  type WorkerSessionOptions,
} from './protocol';
import { spawnInferenceWorker } from './spawn-inference-worker';
import { WorkerModelSession } from './worker-model-session';

/** As for OnnxModelSession, less the provider probe: each worker probes its own ORT. */
export type WorkerModelSessionOptions = Omit<OnnxModelSessionOptions, 'providerProbe'>;

/** Hooks for logs and metrics; none of them may throw. */
export interface InferencePoolListener {
  /** A worker died unexpectedly; its requests in flight were rejected. `replaced`: a new thread took its slot. */
  workerExited?(worker: number, error: Error, replaced: boolean): void;
  /**
   * A worker thread (a first one or a replacement) loaded its first model: its thread id in the OS,
   * e.g. to set its scheduling. Linux only; elsewhere it is never called.
   */
  workerStarted?(worker: number, osThreadId: number): void;
}

export interface InferencePoolOptions {
  /** In error messages. */
  name?: string;
  /** Worker threads. Default 1. */
  workers?: number;
  /**
   * Move the feeds' buffers to the worker rather than copying them (default true); the caller's
   * arrays are detached afterwards. Buffers a tensor does not own whole are copied regardless.
   */
  transferFeeds?: boolean;
  /** Starts one worker thread; default spawnInferenceWorker(). */
  spawn?: () => Worker;
  listener?: InferencePoolListener;
}

interface PendingRequest {
  model: string;
  resolve(reply: WorkerReply): void;
  reject(error: unknown): void;
}

/** A model the pool serves, kept so a replacement worker can load it again. */
interface ModelEntry {
  handle: number;
  name: string;
  source: ModelSource;
  options: WorkerSessionOptions;
}

class PoolWorker {
  readonly pending = new Map<number, PendingRequest>();
  /** Per model handle: its load in this worker. */
  readonly loads = new Map<number, Promise<LoadedModel>>();
  /** Has answered a request: only such a worker is replaced when it dies. */
  answered = false;
  /** workerStarted was called for it. */
  announced = false;
  exited = false;
  /** Set by close(): the exit that follows is not a crash. */
  stopping = false;
  failure: Error | undefined;

  constructor(
    readonly index: number,
    readonly thread: Worker,
  ) {}
}

export class InferencePool {
  readonly name: string;
  readonly #spawn: () => Worker;
  readonly #transferFeeds: boolean;
  readonly #listener: InferencePoolListener;
  /** Per slot: its live worker, or undefined for one that died before it ever answered. */
  readonly #slots: (PoolWorker | undefined)[];
  readonly #models = new Map<number, ModelEntry>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #nextId = 1;
  #nextHandle = 1;
  #closing = false;
  /** Why the last worker died, for the error once none is left. */
  #lastExit = 'no worker started';
  #closed: Promise<void> | undefined;

  constructor(options: InferencePoolOptions = {}) {
    this.name = options.name ?? 'inference-pool';
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers: expected an integer >= 1, got ${workers}`);
    this.#spawn = options.spawn ?? (() => spawnInferenceWorker());
    this.#transferFeeds = options.transferFeeds ?? true;
    this.#listener = options.listener ?? {};
    this.#slots = Array.from({ length: workers }, (_, index) => this.#start(index));
  }

  /** Worker threads alive now. */
  get workers(): number {
    return this.#live().length;
  }

  /**
   * Loads the model in every worker; resolves with a session once all have it. Rejects with a
   * ModelLoadError naming the model (and unloads it from the workers that did load it), a
   * RangeError for a bad thread count, or InferencePoolClosedError.
   */
  load(source: ModelSource, options: WorkerModelSessionOptions = {}): Promise<WorkerModelSession> {
    return this.#track(async () => {
      const name = options.name ?? (typeof source === 'string' ? path.basename(source) : 'model');
      if (this.#closing) throw new InferencePoolClosedError(this.name, name);
      if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
        throw new TypeError(`source: expected a model file path or its bytes, got ${typeof source}`);
      }
      resolveThreadSettings(options);
      // Bytes are copied once: a replacement worker needs them after the caller may have reused the array.
      const entry: ModelEntry = {
        handle: this.#nextHandle++,
        name,
        source: typeof source === 'string' ? source : source.slice(),
        options: { ...options, name },
      };
      this.#models.set(entry.handle, entry);
      try {
        const live = this.#live();
        if (live.length === 0) throw this.#noWorkerLeft(name);
        const [model] = await Promise.all(live.map((slot) => this.#ensureLoaded(slot, entry)));
        return new WorkerModelSession(name, entry.handle, model, {
          run: (handle, feeds) => this.#run(handle, feeds),
          release: (handle) => this.#release(handle),
        });
      } catch (error) {
        await this.#release(entry.handle);
        throw error;
      }
    });
  }

  /**
   * Refuses new loads and runs, lets the requests already sent finish, releases every session and
   * stops the threads. Idempotent.
   */
  close(): Promise<void> {
    this.#closing = true;
    this.#closed ??= (async () => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      // Loads a replacement worker started by itself too: a thread must not be stopped inside ORT.
      await Promise.allSettled(this.#live().flatMap((slot) => [...slot.loads.values()]));
      await Promise.all(
        this.#live().map(async (slot) => {
          slot.stopping = true;
          await this.#call(slot, this.name, { kind: 'close', id: this.#nextId++ }).catch(() => undefined);
          await slot.thread.terminate();
        }),
      );
    })();
    return this.#closed;
  }

  #run(handle: number, feeds: Feeds): Promise<Record<string, Tensor>> {
    return this.#track(async () => {
      const entry = this.#models.get(handle);
      if (this.#closing) throw new InferencePoolClosedError(this.name, entry?.name ?? `model handle ${handle}`);
      if (entry === undefined) throw new SessionReleasedError(`model handle ${handle}`);
      const wire = toWire(feeds);
      const slot = this.#pick();
      if (slot === undefined) throw this.#noWorkerLeft(entry.name);
      await this.#ensureLoaded(slot, entry);
      const transfer = this.#transferFeeds ? transferableBuffers(wire) : [];
      const reply = await this.#call(slot, entry.name, { kind: 'run', id: this.#nextId++, handle, feeds: wire }, transfer);
      return fromWire(expectReply(reply, 'result').outputs);
    });
  }

  /** Unloads a model from every worker; a load still under way there is awaited first. */
  async #release(handle: number): Promise<void> {
    const entry = this.#models.get(handle);
    if (entry === undefined) return;
    this.#models.delete(handle);
    await Promise.all(
      this.#live().map(async (slot) => {
        const loading = slot.loads.get(handle);
        if (loading === undefined) return;
        slot.loads.delete(handle);
        if ((await loading.then(() => true).catch(() => false)) === false) return;
        await this.#call(slot, entry.name, { kind: 'release', id: this.#nextId++, handle }).catch(() => undefined);
      }),
    );
  }

  #start(index: number): PoolWorker {
    const slot = new PoolWorker(index, this.#spawn());
    const { thread } = slot;
    // Held open only while requests are in flight: an idle pool does not keep a finished process alive.
    thread.unref();
    thread.on('message', (reply: WorkerReply) => this.#settle(slot, reply));
    thread.on('error', (error: Error) => {
      slot.failure = error;
    });
    thread.on('exit', (code: number) => this.#exited(slot, code));
    for (const entry of this.#models.values()) this.#ensureLoaded(slot, entry).catch(() => undefined);
    return slot;
  }

  #exited(slot: PoolWorker, code: number): void {
    slot.exited = true;
    if (slot.stopping) return;
    const detail = slot.failure ? `${slot.failure.name}: ${slot.failure.message}` : `exit code ${code}`;
    this.#lastExit = `worker ${slot.index}: ${detail}`;
    for (const request of slot.pending.values()) {
      request.reject(new InferenceWorkerExitedError(request.model, slot.index, detail));
    }
    slot.pending.clear();
    let replaced = false;
    this.#slots[slot.index] = undefined;
    if (slot.answered && !this.#closing) {
      // In an event handler a throw would crash the service: a failed spawn leaves the slot empty.
      try {
        this.#slots[slot.index] = this.#start(slot.index);
        replaced = true;
      } catch (error) {
        this.#lastExit += `; replacing it failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    this.#listener.workerExited?.(slot.index, slot.failure ?? new Error(detail), replaced);
  }

  #settle(slot: PoolWorker, reply: WorkerReply): void {
    const request = slot.pending.get(reply.id);
    if (request === undefined) return;
    slot.pending.delete(reply.id);
    slot.answered = true;
    if (slot.pending.size === 0) slot.thread.unref();
    if (reply.kind === 'failed') request.reject(toError(request.model, reply.error));
    else request.resolve(reply);
  }

  #call(slot: PoolWorker, model: string, request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (slot.exited) {
      const detail = slot.failure?.message ?? 'exited';
      return Promise.reject(new InferenceWorkerExitedError(model, slot.index, detail));
    }
    return new Promise<WorkerReply>((resolve, reject) => {
      slot.pending.set(request.id, { model, resolve, reject });
      if (slot.pending.size === 1) slot.thread.ref();
      try {
        slot.thread.postMessage(request, transfer);
      } catch (error) {
        // DataCloneError: a feed the structured clone cannot carry.
        slot.pending.delete(request.id);
        if (slot.pending.size === 0) slot.thread.unref();
        reject(error);
      }
    });
  }

  #ensureLoaded(slot: PoolWorker, entry: ModelEntry): Promise<LoadedModel> {
    const existing = slot.loads.get(entry.handle);
    if (existing) return existing;
    const request: WorkerRequest = { kind: 'load', id: this.#nextId++, handle: entry.handle, source: entry.source, options: entry.options };
    const loading = this.#call(slot, entry.name, request).then((reply) => {
      const loaded = expectReply(reply, 'loaded');
      if (!slot.announced && loaded.osThreadId !== undefined) {
        slot.announced = true;
        this.#listener.workerStarted?.(slot.index, loaded.osThreadId);
      }
      return loaded.model;
    });
    slot.loads.set(entry.handle, loading);
    // A failed load is forgotten, so the next run on this worker tries again.
    loading.catch(() => {
      if (slot.loads.get(entry.handle) === loading) slot.loads.delete(entry.handle);
    });
    return loading;
  }

  #pick(): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const slot of this.#live()) if (best === undefined || slot.pending.size < best.pending.size) best = slot;
    return best;
  }

  #live(): PoolWorker[] {
    return this.#slots.filter((slot): slot is PoolWorker => slot !== undefined && !slot.exited);
  }

  #noWorkerLeft(model: string): InferenceWorkerExitedError {
    return new InferenceWorkerExitedError(model, null, `last exit: ${this.#lastExit}`);
  }

  #track<T>(operation: () => Promise<T>): Promise<T> {
    const running = operation();
    this.#inFlight.add(running);
    running.then(
      () => this.#inFlight.delete(running),
      () => this.#inFlight.delete(running),
    );
    return running;
  }
}

function fromWire(outputs: WireTensors): Record<string, Tensor> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, { type, data, dims }] of Object.entries(outputs)) tensors[name] = new Tensor(type, data, dims);
  return tensors;
}

function expectReply<K extends WorkerReply['kind']>(reply: WorkerReply, kind: K): Extract<WorkerReply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`inference worker answered '${reply.kind}' where '${kind}' was due`);
  return reply as Extract<WorkerReply, { kind: K }>;
}

function toError(model: string, error: WireError): Error {
  switch (error.kind) {
    case 'load-failed':
      return new ModelLoadError(model, error.executionProviders, new Error(error.reason));
    case 'run-failed':
      return new InferenceFailedError(model, error.reason);
  }
}
