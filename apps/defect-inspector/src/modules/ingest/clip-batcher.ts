import { BatcherClosedError, BatchFunction, MicroBatcher, QueueFullError, Timers } from '@vigil/core-ml';

import { Clip } from './clip-assembler';

/**
 * Batches clips across cameras for the model: core-ml's MicroBatcher (max batch, max wait,
 * bounded queue, concurrency cap), one per clip shape, because a batch is one tensor
 * [batch, length, height, width, channels] and cameras on a line need not share a resolution.
 *
 * Backpressure is global: at most `maxQueue` clips wait over all shapes together; past it `submit`
 * rejects at once with core-ml's QueueFullError, which the frames consumer turns into a retriable
 * error (offsets not committed, the consumer backs off) rather than a growing heap.
 */
export interface ClipBatcherOptions {
  maxBatchSize: number;
  maxWaitMs: number;
  /** Clips waiting over all shapes, at least maxBatchSize. */
  maxQueue: number;
  maxConcurrentBatches?: number;
  timers?: Timers;
}

export const clipShape = (clip: Clip): string => `${clip.frames.length}x${clip.height}x${clip.width}x${clip.pixelFormat}`;

export class ClipBatcher<O> {
  readonly #infer: BatchFunction<Clip, O>;
  readonly #options: ClipBatcherOptions;
  readonly #batchers = new Map<string, MicroBatcher<Clip, O>>();
  #closed = false;

  /** `infer` gets clips of one shape and returns one output per clip, in order. */
  constructor(infer: BatchFunction<Clip, O>, options: ClipBatcherOptions) {
    // MicroBatcher checks the options; one built now fails fast on bad ones, not at the first clip.
    new MicroBatcher(infer, { ...options, name: 'clip-batcher' });
    this.#infer = infer;
    this.#options = options;
  }

  /** Clips waiting for a batch, all shapes. */
  get queued(): number {
    let queued = 0;
    for (const batcher of this.#batchers.values()) queued += batcher.queued;
    return queued;
  }

  /** Resolves with the clip's output; rejects with QueueFullError past maxQueue, BatcherClosedError after close, or its batch's error. */
  submit(clip: Clip): Promise<O> {
    if (this.#closed) return Promise.reject(new BatcherClosedError('clip-batcher'));
    if (this.queued >= this.#options.maxQueue) return Promise.reject(new QueueFullError('clip-batcher', this.#options.maxQueue));
    const shape = clipShape(clip);
    let batcher = this.#batchers.get(shape);
    if (batcher === undefined) {
      batcher = new MicroBatcher(this.#infer, { ...this.#options, name: `clip-batcher ${shape}` });
      this.#batchers.set(shape, batcher);
    }
    return batcher.submit(clip);
  }

  /** Sends what waits without waiting out maxWaitMs, refuses new clips, resolves when every batch settled. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#batchers.values()].map((batcher) => batcher.close()));
  }
}
