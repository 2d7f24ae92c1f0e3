/**
 * One loaded ONNX model: the only place in the platform that talks to onnxruntime-node's
 * InferenceSession (STYLE R2). Thread counts and execution mode are explicit, providers are resolved
 * against what is installed (R17), and feeds are validated against the model's metadata before ORT
 * runs them.
 *
 * onnxruntime-node 1.30 runs both session creation and `run()` synchronously on the JS thread (it
 * only defers them with setImmediate): a run blocks the event loop for its duration, and two runs
 * never overlap in one thread. Parallelism comes from `intraOpNumThreads` inside a run; batching
 * (MicroBatcher) amortises the per-run cost; InferencePool (workers/) runs the same sessions in
 * worker threads, off the event loop.
 */
import * as path from 'node:path';

import { InferenceSession, type Tensor } from 'onnxruntime-node';

import { ModelLoadError, SessionReleasedError } from '../errors';
import {
  type ExecutionProviderName,
  type ExecutionProviderProbe,
  ortExecutionProviderProbe,
  resolveExecutionProviders,
} from './execution-providers';
import { type Feeds, type ValueInfo, validateFeeds } from './feed-validation';

/** A model file path, or the model's bytes (e.g. read from the registry's blob store). */
export type ModelSource = string | Uint8Array;

export type ExecutionMode = 'sequential' | 'parallel';
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface OnnxModelSessionOptions {
  /** Used in every error message and log line; defaults to the file name, or `model` for bytes. */
  name?: string;
  /** Preference order; intersected with what is installed, `cpu` always added. Default `['cpu']`. */
  executionProviders?: readonly ExecutionProviderName[];
  /**
   * Threads inside one operator. Default 1: ORT's own default (0) is one thread per physical core
   * per session, which oversubscribes the machine as soon as two models are live. Size it per model.
   */
  intraOpNumThreads?: number;
  /** Threads across independent operators; only used with `executionMode: 'parallel'`. Default 1. */
  interOpNumThreads?: number;
  /** Default `sequential`: parallel mode only helps graphs with wide independent branches. */
  executionMode?: ExecutionMode;
  /** Default `all`. */
  graphOptimizationLevel?: GraphOptimizationLevel;
  /** ORT log severity: 0 verbose … 4 fatal. Default ORT's (2, warning). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** Which providers can load here; default probes the installed onnxruntime-node. */
  providerProbe?: ExecutionProviderProbe;
}

export interface ThreadSettings {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  executionMode: ExecutionMode;
}

/** What services depend on (and mock in their specs), rather than the ORT-backed class. */
export interface ModelSession {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  run(feeds: Feeds): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}

export class OnnxModelSession implements ModelSession {
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly #session: InferenceSession;
  readonly #inFlight = new Set<Promise<unknown>>();
  #release: Promise<void> | undefined;

  private constructor(
    readonly name: string,
    session: InferenceSession,
    /** The providers the session was created with, in order. */
    readonly executionProviders: readonly ExecutionProviderName[],
    /** Preferred providers that are not installed here and were left out. */
    readonly unavailableProviders: readonly ExecutionProviderName[],
    readonly threads: Readonly<ThreadSettings>,
  ) {
    this.#session = session;
    this.inputs = session.inputMetadata.map(toValueInfo);
    this.outputs = session.outputMetadata.map(toValueInfo);
  }

  /** Creates the ORT session; rejects with a ModelLoadError naming the model and the providers tried. */
  static async load(source: ModelSource, options: OnnxModelSessionOptions = {}): Promise<OnnxModelSession> {
    const name = options.name ?? (typeof source === 'string' ? path.basename(source) : 'model');
    const threads = resolveThreadSettings(options);
    const probe = options.providerProbe ?? ortExecutionProviderProbe();
    const { selected, unavailable } = resolveExecutionProviders(options.executionProviders ?? ['cpu'], probe.available());
    const sessionOptions: InferenceSession.SessionOptions = {
      ...threads,
      executionProviders: selected,
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      logId: name,
      ...(options.logSeverityLevel !== undefined ? { logSeverityLevel: options.logSeverityLevel } : {}),
    };
    let session: InferenceSession;
    try {
      session =
        typeof source === 'string'
          ? await InferenceSession.create(source, sessionOptions)
          : await InferenceSession.create(source, sessionOptions);
    } catch (error) {
      throw new ModelLoadError(name, selected, error);
    }
    return new OnnxModelSession(name, session, selected, unavailable, threads);
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
   * Runs the model on feeds keyed by input name; every input must be fed. Rejects with an
   * InvalidFeedError naming the input before ORT is called, or a SessionReleasedError.
   */
  async run(feeds: Feeds): Promise<Record<string, Tensor>> {
    if (this.#release) throw new SessionReleasedError(this.name);
    validateFeeds(this.name, this.inputs, feeds);
    const running = this.#session.run(feeds);
    this.#inFlight.add(running);
    try {
      // Outputs of the models we serve are tensors; maps and sequences would need their own API.
      return (await running) as Record<string, Tensor>;
    } finally {
      this.#inFlight.delete(running);
    }
  }

  /**
   * Frees the native session once the runs already started have finished (an evicting cache must
   * not pull the session out from under a batch); new runs are refused at once. Idempotent.
   */
  release(): Promise<void> {
    this.#release ??= (async () => {
      await Promise.allSettled([...this.#inFlight]);
      await this.#session.release();
    })();
    return this.#release;
  }
}

/** The thread settings a session gets from its options; throws a RangeError naming a bad count. */
export function resolveThreadSettings(options: Pick<OnnxModelSessionOptions, 'intraOpNumThreads' | 'interOpNumThreads' | 'executionMode'>): ThreadSettings {
  return {
    intraOpNumThreads: positiveInteger('intraOpNumThreads', options.intraOpNumThreads ?? 1),
    interOpNumThreads: positiveInteger('interOpNumThreads', options.interOpNumThreads ?? 1),
    executionMode: options.executionMode ?? 'sequential',
  };
}

function toValueInfo(metadata: InferenceSession.ValueMetadata): ValueInfo {
  return metadata.isTensor ? { name: metadata.name, type: metadata.type, dims: [...metadata.shape] } : { name: metadata.name };
}

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${option}: expected an integer >= 1, got ${value}`);
  }
  return value;
}
