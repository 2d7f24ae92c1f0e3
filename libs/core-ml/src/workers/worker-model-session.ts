/**
 * A model served by an InferencePool: the same shape as OnnxModelSession (a ModelSession), so a
 * MicroBatcher or a SessionCache sits in front of either. Feeds are validated here, in the caller's
 * thread, before anything is sent, so a bad feed fails with the same InvalidFeedError either way.
 */
import type { Tensor } from 'onnxruntime-node';

import { SessionReleasedError } from '../errors';
import { type Feeds, type ValueInfo, validateFeeds } from '../session/feed-validation';
import type { ModelSession, ThreadSettings } from '../session/onnx-model-session';
import type { LoadedModel } from './protocol';

/** What a session needs from its pool. */
export interface WorkerSessionHost {
  run(handle: number, feeds: Feeds): Promise<Record<string, Tensor>>;
  release(handle: number): Promise<void>;
}

export class WorkerModelSession implements ModelSession {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** The providers the workers' sessions were created with, in order. */
  readonly executionProviders: readonly string[];
  /** Preferred providers that are not installed here and were left out. */
  readonly unavailableProviders: readonly string[];
  /** Per worker: each worker's session runs with these. */
  readonly threads: Readonly<ThreadSettings>;
  readonly #inFlight = new Set<Promise<unknown>>();
  #release: Promise<void> | undefined;

  /** Made by InferencePool.load. */
  constructor(
    readonly name: string,
    private readonly handle: number,
    model: LoadedModel,
    private readonly host: WorkerSessionHost,
  ) {
    this.inputs = model.inputs;
    this.outputs = model.outputs;
    this.executionProviders = model.executionProviders;
    this.unavailableProviders = model.unavailableProviders;
    this.threads = model.threads;
  }

  get inputNames(): string[] {
    return this.inputs.map((input) => input.name);
  }

  get outputNames(): string[] {
    return this.outputs.map((output) => output.name);
  }

  get released(): boolean {
    return this.#release !== undefined;
  }

  /**
   * Runs the model in a worker thread. With the pool's `transferFeeds` (the default) the feeds'
   * buffers move to the worker and are detached here once this returns its promise: build fresh
   * arrays per call, as a batch function does. Rejects with InvalidFeedError before sending,
   * InferenceFailedError when ORT fails, InferenceWorkerExitedError when the worker dies mid-run,
   * SessionReleasedError after release(), InferencePoolClosedError after the pool's close().
   */
  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    if (this.#release) throw new SessionReleasedError(this.name);
    validateFeeds(this.name, this.inputs, feeds);
    const running = this.host.run(this.handle, feeds);
    this.#inFlight.add(running);
    try {
      return await running;
    } finally {
      this.#inFlight.delete(running);
    }
  }

  /** Unloads the model from every worker once the runs already started have finished. Idempotent. */
  release(): Promise<void> {
    this.#release ??= (async () => {
      await Promise.allSettled([...this.#inFlight]);
      await this.host.release(this.handle);
    })();
    return this.#release;
  }
}
