/**
 * Typed errors of the ML core (STYLE R9): every failure carries a stable `code`, so the services' one
 * global filter can map it (HTTP status, Kafka retry or dead-letter) without parsing messages.
 */

export enum CoreMlErrorCode {
  /** ONNX Runtime could not create a session (bad bytes, missing file, an execution provider that fails). */
  ModelLoadFailed = 'MODEL_LOAD_FAILED',
  /** A feed does not match the model's inputs: name, dtype, rank or dimension. */
  InvalidFeed = 'INVALID_FEED',
  /** `run` on a session that was released (evicted or closed). */
  SessionReleased = 'SESSION_RELEASED',
  /** `use` on a SessionCache after `close()`. */
  CacheClosed = 'CACHE_CLOSED',
  /** A MicroBatcher's queue is at `maxQueue`: shed load now, retry later. */
  QueueFull = 'QUEUE_FULL',
  /** `submit` on a MicroBatcher after `close()`. */
  BatcherClosed = 'BATCHER_CLOSED',
  /** A batch function returned a different number of outputs than it was given items. */
  BatchOutputMismatch = 'BATCH_OUTPUT_MISMATCH',
  /** ONNX Runtime failed inside a run (in a worker thread: the error crossed back as its message). */
  InferenceFailed = 'INFERENCE_FAILED',
  /** An inference worker thread died with the request in flight; the pool replaces the worker. */
  InferenceWorkerExited = 'INFERENCE_WORKER_EXITED',
  /** `load` or `run` on an InferencePool after `close()`. */
  InferencePoolClosed = 'INFERENCE_POOL_CLOSED',
}

export class CoreMlError extends Error {
  readonly code: CoreMlErrorCode;

  constructor(code: CoreMlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class ModelLoadError extends CoreMlError {
  constructor(
    readonly model: string,
    readonly executionProviders: readonly string[],
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      CoreMlErrorCode.ModelLoadFailed,
      `${model}: failed to load with execution providers [${executionProviders.join(', ')}]: ${reason}`,
      { cause },
    );
  }
}

export class InvalidFeedError extends CoreMlError {
  /** `input` is the model input at fault (for an unknown feed, the feed's own name). */
  constructor(
    readonly model: string,
    readonly input: string,
    detail: string,
  ) {
    super(CoreMlErrorCode.InvalidFeed, `${model}: input '${input}': ${detail}`);
  }
}

export class SessionReleasedError extends CoreMlError {
  constructor(readonly model: string) {
    super(CoreMlErrorCode.SessionReleased, `${model}: session was released`);
  }
}

export class CacheClosedError extends CoreMlError {
  constructor(readonly key: string) {
    super(CoreMlErrorCode.CacheClosed, `session cache is closed (asked for ${key})`);
  }
}

export class QueueFullError extends CoreMlError {
  constructor(
    readonly batcher: string,
    readonly maxQueue: number,
  ) {
    super(CoreMlErrorCode.QueueFull, `${batcher}: queue is full (${maxQueue} items waiting)`);
  }
}

export class BatcherClosedError extends CoreMlError {
  constructor(readonly batcher: string) {
    super(CoreMlErrorCode.BatcherClosed, `${batcher}: closed, no new items accepted`);
  }
}

export class BatchOutputMismatchError extends CoreMlError {
  constructor(
    readonly batcher: string,
    readonly items: number,
    readonly outputs: number | string,
  ) {
    const got = typeof outputs === 'number' ? `${outputs} output${outputs === 1 ? '' : 's'}` : `a non-array (${outputs})`;
    super(CoreMlErrorCode.BatchOutputMismatch, `${batcher}: batch function returned ${got} for ${items} items`);
  }
}

export class InferenceFailedError extends CoreMlError {
  constructor(
    readonly model: string,
    readonly reason: string,
  ) {
    super(CoreMlErrorCode.InferenceFailed, `${model}: inference failed: ${reason}`);
  }
}

export class InferenceWorkerExitedError extends CoreMlError {
  constructor(
    readonly model: string,
    /** The worker's slot; null when no worker was left to send the request to. */
    readonly worker: number | null,
    detail: string,
  ) {
    const who = worker === null ? 'no inference worker to answer' : `inference worker ${worker} exited before answering`;
    super(CoreMlErrorCode.InferenceWorkerExited, `${model}: ${who} (${detail})`);
  }
}

export class InferencePoolClosedError extends CoreMlError {
  constructor(
    readonly pool: string,
    readonly model: string,
  ) {
    super(CoreMlErrorCode.InferencePoolClosed, `${pool}: closed (asked to serve ${model})`);
  }
}
