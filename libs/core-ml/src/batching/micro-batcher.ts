/**
 * Dynamic batching in front of a model: callers submit one item each and get one output back, while
 * the model sees batches (one ORT run per batch amortises its fixed cost, and a GPU wants rows).
 *
 * A batch leaves when it is full (`maxBatchSize`) or when its oldest item has waited `maxWaitMs`,
 * whichever comes first, and only while fewer than `maxConcurrentBatches` batches are running; items
 * that arrive while every slot is busy keep accumulating, so batches grow under load by themselves.
 *
 * Backpressure: at most `maxQueue` items wait (not yet handed to the batch function). Past that,
 * `submit` rejects at once with a QueueFullError instead of waiting. Waiting would only move the
 * queue into the callers' promises, growing memory and latency without bound; a real-time decision
 * path would rather shed load visibly: a Kafka handler rethrows it as retriable, so the offset is not
 * committed and the consumer backs off.
 *
 * With onnxruntime-node, runs execute one at a time on the JS thread (see OnnxModelSession), so more
 * than one concurrent batch only helps batch functions that really are asynchronous (the native-gpu
 * addon's AsyncWorker, a worker thread, a remote model).
 */
import { BatcherClosedError, BatchOutputMismatchError, QueueFullError } from '../errors';
import { systemTimers, type TimerHandle, type Timers } from '../common/timers';

/** Must return exactly one output per item, in item order. */
export type BatchFunction<I, O> = (items: I[]) => Promise<O[]>;

export interface MicroBatcherOptions {
  /** In error messages. */
  name?: string;
  /** Items per batch at most. */
  maxBatchSize: number;
  /** How long the oldest waiting item may wait for company; 0 sends every item as soon as a slot is free. */
  maxWaitMs: number;
  /** Items waiting for a batch at most (>= maxBatchSize); beyond it `submit` rejects with QueueFullError. */
  maxQueue: number;
  /** Batches running at once. Default 1. */
  maxConcurrentBatches?: number;
  timers?: Timers;
}

interface Pending<I, O> {
  item: I;
  enqueuedAt: number;
  resolve(output: O): void;
  reject(error: unknown): void;
}

export class MicroBatcher<I, O> {
  readonly name: string;
  readonly #batch: BatchFunction<I, O>;
  readonly #maxBatchSize: number;
  readonly #maxWaitMs: number;
  readonly #maxQueue: number;
  readonly #maxConcurrentBatches: number;
  readonly #timers: Timers;
  readonly #queue: Pending<I, O>[] = [];
  #running = 0;
  #timer: TimerHandle | undefined;
  /** When the armed timer fires; re-arming for the same oldest item is skipped. */
  #timerDueAt: number | undefined;
  #closing = false;
  #drained: Promise<void> | undefined;
  #onDrained: (() => void) | undefined;

  constructor(batch: BatchFunction<I, O>, options: MicroBatcherOptions) {
    this.name = options.name ?? 'micro-batcher';
    this.#batch = batch;
    this.#maxBatchSize = integerAtLeast('maxBatchSize', options.maxBatchSize, 1);
    if (!(Number.isFinite(options.maxWaitMs) && options.maxWaitMs >= 0)) {
      throw new RangeError(`maxWaitMs: expected a number of ms >= 0, got ${options.maxWaitMs}`);
    }
    this.#maxWaitMs = options.maxWaitMs;
    this.#maxQueue = integerAtLeast('maxQueue', options.maxQueue, this.#maxBatchSize);
    this.#maxConcurrentBatches = integerAtLeast('maxConcurrentBatches', options.maxConcurrentBatches ?? 1, 1);
    this.#timers = options.timers ?? systemTimers;
  }

  /** Items waiting for a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Batches running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * Resolves with this item's output. Rejects with QueueFullError when `maxQueue` items are already
   * waiting, BatcherClosedError after `close()`, the batch function's error if its batch failed, or
   * BatchOutputMismatchError if the batch function broke its contract.
   */
  submit(item: I): Promise<O> {
    if (this.#closing) return Promise.reject(new BatcherClosedError(this.name));
    if (this.#queue.length >= this.#maxQueue) return Promise.reject(new QueueFullError(this.name, this.#maxQueue));
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, enqueuedAt: this.#timers.now(), resolve, reject });
      this.#pump();
    });
  }

  /**
   * Drains: new submits are rejected, queued items are sent at once without waiting out `maxWaitMs`
   * (still within the concurrency cap), and the promise resolves when every batch has settled.
   */
  close(): Promise<void> {
    this.#closing = true;
    this.#drained ??= new Promise<void>((resolve) => {
      this.#onDrained = resolve;
    });
    this.#pump();
    return this.#drained;
  }

  /** Sends every batch that is ready and has a slot, then re-arms the wait timer. */
  #pump(): void {
    while (this.#running < this.#maxConcurrentBatches && this.#queue.length > 0) {
      const full = this.#queue.length >= this.#maxBatchSize;
      const due = this.#closing || this.#timers.now() - this.#queue[0].enqueuedAt >= this.#maxWaitMs;
      if (!full && !due) break;
      this.#dispatch(this.#queue.splice(0, this.#maxBatchSize));
    }
    this.#arm();
    if (this.#closing && this.#queue.length === 0 && this.#running === 0) this.#onDrained?.();
  }

  /**
   * One timer, for the oldest waiting item. None while every slot is busy: a finishing batch pumps,
   * and by then the oldest item is either due or gets its timer.
   */
  #arm(): void {
    const oldest = this.#queue[0];
    if (oldest === undefined || this.#running >= this.#maxConcurrentBatches || this.#closing) {
      this.#disarm();
      return;
    }
    const dueAt = oldest.enqueuedAt + this.#maxWaitMs;
    if (this.#timer !== undefined && this.#timerDueAt === dueAt) return;
    this.#disarm();
    this.#timerDueAt = dueAt;
    this.#timer = this.#timers.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerDueAt = undefined;
        this.#pump();
      },
      Math.max(0, dueAt - this.#timers.now()),
    );
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDueAt = undefined;
  }

  #dispatch(batch: Pending<I, O>[]): void {
    this.#running++;
    let outputs: Promise<O[]>;
    try {
      outputs = Promise.resolve(this.#batch(batch.map((pending) => pending.item)));
    } catch (error) {
      outputs = Promise.reject(error);
    }
    outputs
      .then(
        (results) => {
          if (!Array.isArray(results) || results.length !== batch.length) {
            const error = new BatchOutputMismatchError(
              this.name,
              batch.length,
              Array.isArray(results) ? results.length : results === null ? 'null' : typeof results,
            );
            for (const pending of batch) pending.reject(error);
            return;
          }
          batch.forEach((pending, i) => pending.resolve(results[i]));
        },
        // Only this batch's callers see the failure; the next batch runs as usual.
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        this.#running--;
        this.#pump();
      });
  }
}

function integerAtLeast(option: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${option}: expected an integer >= ${min}, got ${value}`);
  }
  return value;
}
