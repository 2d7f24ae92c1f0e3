import { setTimeout as sleep } from 'node:timers/promises';

import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { decodeFrame, Frame, InspectionResultMessage, toGray, Topic } from '@vigil/contracts';
import { MicroBatcher, SlotLease } from '@vigil/core-ml';
import { DeadLetterError, InboundMessage, JsonLogger, RejectedMessage } from '@vigil/platform';
import { Kafka } from 'kafkajs';

import { CameraCountTally } from '../ingest/camera-health';
import { Clip } from '../ingest/clip-assembler';
import { ReorderCounts } from '../ingest/reorder-window';
import { CameraStream, StreamResume, TrackedFrame } from './camera-stream';
import { clipInputs } from './clip-inputs';
import { alignClips, ClipAlignment, ClipFrames } from './frame-alignment';
import { defectImages } from './inspection-images';
import { InspectionMetrics } from './inspection-metrics';
import { INSPECTION_OPTIONS, InspectionOptions } from './inspection-options';
import { clipKey, InspectionOutbox } from './inspection-outbox';
import { BatchCounts, HealthRow, InspectionRecord, InspectionRepository, PartitionCursor, UnpublishedInspection } from './inspection.repository';
import { InspectorModel, LiveInspectorModel } from './live-inspector-model';
import { readPartitionRange } from './partition-range-reader';
import { clipVerdict } from './verdict';

/** The in-memory state of one camera.frames partition this instance consumes. */
interface PartitionState {
  cameras: Map<string, CameraStream>;
  /** Where cameras not seen since the state was rebuilt resume. */
  resumes: Map<string, StreamResume>;
  /** The partition's clock: the highest Kafka timestamp seen (ms), so a replay decides alike. */
  clock: number;
  /** The offset the next batch must start at for this state to be current. */
  nextOffset: number;
  clipLength: number;
  /** Transport counts already in the metrics, per camera. */
  reported: Map<string, ReorderCounts>;
  /** Counts not yet taken by a batch. */
  counts: CameraCountTally;
  /** Frames at or above this offset are counted: below it, their counts are stored or in a batch in flight (-1: no cursor). */
  countedTo: number;
  /** Monotonic ms of each camera's last stored health snapshot. */
  snapshotAt: Map<string, number>;
  /** The last batch's store: the next batch stores after it. */
  tail: { stored: Promise<unknown> };
  /** Batches ingested whose verdicts are not stored yet (settled promises, oldest first). */
  inFlight: Promise<void>[];
  /** Monotonic ms of the last batch launched (each stores the cursor and the counts up to it). */
  launchedAt: number;
  /** Batches read since then that were not launched: they completed no clip (see cursorFlushMs). */
  held: boolean;
}

/** What one batch left to do once its frames are in their cameras' windows. */
interface BatchWork {
  clips: Clip[];
  cursor: PartitionCursor;
  counts: BatchCounts;
  health: HealthRow[];
}

/** A camera-id as the frame contract allows it. */
const CAMERA_ID = /^[\x21-\x7e]{1,64}$/;

interface ClipJob {
  model: InspectorModel;
  /** `[frames][inputHeight][inputWidth]` grey / 255. */
  input: Float32Array;
}

interface ClipOutput {
  logits: Float32Array;
  heatmap: Float32Array;
}

/**
 * camera.frames in, one stored and published verdict per clip out, exactly once across restarts.
 *
 * Per batch of a partition: frames are decoded (contract breaks go back to the DLQ) and pass their
 * camera's ReorderWindow and ClipAssembler; then the handler returns, so the consumer fetches the
 * next frames while this batch's work goes on behind it: every frame of each completed clip is
 * aligned to the clip's last frame (one alignFrames call for all cameras), moved onto it and shrunk
 * exactly as training's clipInput does (clipInputs, off the JS thread), the champion scores clips
 * of every partition and batch in shared runs, and the batch's inspections, images and the
 * partition's cursor are stored in one statement before the outbox publishes them. Within a partition, batches store in order; at most
 * `pipelineDepth` of them are in flight.
 *
 * Offsets: the platform commits every handled offset, including frames that are still held in a
 * window, in a half-built clip or in a batch not stored yet. What makes that safe is the cursor
 * stored with each batch: an offset at or before every frame still held, and per camera the seq
 * its next clip starts at. When a partition's state is not current (a start, a rebalance, a failed
 * batch), it is rebuilt by re-reading the partition from the cursor to the next batch (frames below
 * a camera's resume seq are skipped), so held frames are never lost; a failed batch is recovered
 * that way at once, with a backoff, without waiting for more frames. Windows run on the
 * partition's Kafka timestamps, so the replay cuts the same clips; a clip replayed all the same is
 * stored once (unique camera_id, seq_end) and published once.
 *
 * Camera counts (frames received, refused, dropped; gaps, duplicates, late frames, resyncs) are
 * stored with the batch too, per camera and 10 s of Kafka time, and the cursor says up to which
 * offset they are (`countedTo`): a rebuilt state counts the frames at or above it, replayed (a
 * failed batch's, never dead-lettered twice) or redelivered, and none below, so each frame is counted
 * once; the store refuses counts that do not follow on from the stored countedTo.
 *
 * A batch that completes no clip has nothing to publish, so it is not stored on its own while the
 * partition stored within `cursorFlushMs`: its counts stay in the tally and the next batch's
 * cursor covers it (a timer stores them if no batch comes). Until then a restart re-reads it, which
 * the cursor makes safe; at 100 fps this halves the stores.
 */
@Injectable()
export class InspectionPipeline implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly #partitions = new Map<number, PartitionState>();
  readonly #tracked = new WeakMap<Frame, TrackedFrame>();
  /** When each result's clip's last frame reached the service (monotonic ms), for its latency. */
  readonly #receivedAt = new WeakMap<InspectionResultMessage, number>();
  readonly #batcher: MicroBatcher<ClipJob, ClipOutput>;
  /** Per partition: its ingest or recovery in progress (one at a time). */
  readonly #locks = new Map<number, Promise<unknown>>();
  /** Per partition: settles once every batch ingested so far is stored or failed, across rebuilds. */
  readonly #settled = new Map<number, Promise<void>>();
  /** Per partition: consecutive failed recoveries, for the backoff. */
  readonly #failures = new Map<number, number>();
  readonly #recoveries = new Set<NodeJS.Timeout>();
  /** Per partition: the timer that stores what held batches read, unless a batch stores it first. */
  readonly #flushes = new Map<number, NodeJS.Timeout>();
  #stopping = false;

  constructor(
    @Inject(INSPECTION_OPTIONS) private readonly options: InspectionOptions,
    private readonly model: LiveInspectorModel,
    private readonly repository: InspectionRepository,
    private readonly outbox: InspectionOutbox,
    private readonly metrics: InspectionMetrics,
    private readonly kafka: Kafka,
    private readonly logger: JsonLogger,
  ) {
    this.#batcher = new MicroBatcher((jobs) => runClips(jobs), {
      name: 'inspection-clips',
      maxBatchSize: options.maxBatchSize,
      maxWaitMs: options.maxWaitMs,
      maxQueue: Math.max(1024, options.maxBatchSize),
    });
  }

  /**
   * Lets the batches in flight finish while the consumer stops (the producer and the model close
   * after this). Whatever does not finish is not lost: the stored cursors re-read it next start.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    for (const timer of [...this.#recoveries, ...this.#flushes.values()]) clearTimeout(timer);
    this.#recoveries.clear();
    this.#flushes.clear();
    // A handler the consumer is still finishing may ingest one more batch meanwhile.
    for (let idle = 0; idle < 2; ) {
      const pending = [...this.#locks.values(), ...this.#settled.values()];
      await Promise.allSettled(pending);
      await sleep(20);
      idle = pending.length === 0 && this.#locks.size === 0 && this.#settled.size === 0 ? idle + 1 : 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.#batcher.close();
  }

  /**
   * One chunk of one partition, in offset order. Resolves once its frames are in their cameras'
   * windows, with the contract breaks for the DLQ; the rest of its work is in flight behind it.
   */
  async process(messages: InboundMessage[]): Promise<RejectedMessage[]> {
    if (messages.length === 0) return [];
    const partition = messages[0].partition;
    return this.#exclusive(partition, () => this.#ingest(partition, messages, Number(messages[messages.length - 1].offset) + 1));
  }

  /** Runs `task` after the partition's previous ingest or recovery. */
  async #exclusive<T>(partition: number, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(partition);
    const run = (previous ?? Promise.resolve()).then(task, task);
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(partition, done);
    try {
      return await run;
    } finally {
      if (this.#locks.get(partition) === done) this.#locks.delete(partition);
    }
  }

  /** Feeds `messages` (the offsets up to `upTo`, or none when recovering) and launches their work. */
  async #ingest(partition: number, messages: InboundMessage[], upTo: number): Promise<RejectedMessage[]> {
    const lease = await this.#championLease();
    let launched = false;
    try {
      const champion = lease.champion as InspectorModel;
      const first = messages.length > 0 ? Number(messages[0].offset) : upTo;
      const { state, replay, skipBelow } = await this.#current(partition, first, champion);
      const rejected: RejectedMessage[] = [];
      const clips: Clip[] = [];
      const { inputWidth, inputHeight } = champion.manifest;
      const feed = (message: InboundMessage, live: boolean) => {
        const offset = Number(message.offset);
        // The Kafka time its counts go to; undefined when they are stored already.
        const countAt = offset >= state.countedTo ? Number(message.timestamp) : undefined;
        const decoded = decodeFrame(message);
        if (!decoded.ok) {
          if (live) {
            rejected.push({ message, error: new DeadLetterError(decoded.code, decoded.message) });
            this.metrics.rejected.inc({ code: decoded.code });
          }
          const sender = senderOf(message);
          if (countAt !== undefined && sender !== undefined) state.counts.add(sender, state.cameras.get(sender)?.lineId || null, countAt, { rejected: 1 });
          return;
        }
        if (offset < skipBelow) return;
        state.clock = Math.max(state.clock, Number(message.timestamp));
        const { frame } = decoded;
        const camera = this.#camera(state, partition, frame.cameraId);
        const receivedAt = performance.now();
        if (live) {
          camera.health.frameReceived(receivedAt, Date.now() - frame.ts / 1000);
          this.metrics.frames.inc({ camera: frame.cameraId });
        }
        if (countAt !== undefined) state.counts.add(frame.cameraId, frame.lineId, countAt, { received: 1 });
        const tracked: TrackedFrame = { seq: frame.seq, frame, offset, gray: toGray(frame), receivedAt };
        this.#tracked.set(frame, tracked);
        const emitted = [...camera.push(tracked, state.clock).clips];
        for (const other of state.cameras.values()) if (other !== camera) emitted.push(...other.poll(state.clock).clips);
        for (const clip of emitted) {
          if (clip.width >= inputWidth && clip.height >= inputHeight) {
            clips.push(clip);
            continue;
          }
          this.metrics.unservable.inc({ camera: clip.cameraId });
          if (countAt !== undefined) state.counts.add(clip.cameraId, clip.lineId, countAt, { dropped: clip.frames.length });
        }
        for (const each of state.cameras.values()) state.counts.reorder(each.cameraId, each.lineId || null, each.reorderCounts, countAt);
      };
      for (const message of replay) feed(message, false);
      // Transport faults seen while replaying were counted before the restart.
      for (const camera of state.cameras.values()) state.reported.set(camera.cameraId, { ...camera.reorderCounts });
      for (const message of messages) feed(message, true);
      if (messages.length > 0 && clips.length === 0 && performance.now() - state.launchedAt < this.options.cursorFlushMs) {
        // Nothing to inspect: its counts stay in the tally and its cursor is stored by a later batch.
        state.nextOffset = upTo;
        state.held = true;
        this.#reportCounts(state);
        this.#scheduleFlush(partition, state);
        return rejected;
      }

      const counts: BatchCounts = { from: state.countedTo, buckets: state.counts.take() };
      state.countedTo = Math.max(state.countedTo, upTo);
      const work: BatchWork = { clips, cursor: this.#cursor(partition, state, upTo), counts, health: this.#healthRows(state) };
      state.nextOffset = upTo;
      this.#reportCounts(state);
      while (state.inFlight.length >= this.options.pipelineDepth) await Promise.race(state.inFlight);
      this.#launch(partition, state, work, lease);
      launched = true;
      return rejected;
    } catch (error) {
      // Whatever the state saw of this batch is not stored: the retry rebuilds it from the cursor.
      this.#partitions.delete(partition);
      throw error;
    } finally {
      if (!launched) lease.release();
    }
  }

  /** Stores what the partition's held batches read once it has gone cursorFlushMs without a launch. */
  #scheduleFlush(partition: number, state: PartitionState): void {
    if (this.#flushes.has(partition)) return;
    const timer = setTimeout(() => {
      this.#flushes.delete(partition);
      void this.#exclusive(partition, async () => {
        if (this.#stopping || this.#partitions.get(partition) !== state || !state.held) return;
        await this.#ingest(partition, [], state.nextOffset);
      }).catch((error: unknown) => this.logger.pino.error({ err: error, partition }, 'storing a partition cursor failed; the next batch rebuilds it'));
    }, this.options.cursorFlushMs);
    this.#flushes.set(partition, timer);
  }

  /** The model lease for one batch; the first batch can come before the slot loaded the champion. */
  async #championLease(): Promise<SlotLease<InspectorModel>> {
    let lease = this.model.acquire();
    if (lease.champion === undefined) {
      lease.release();
      await this.model.refresh();
      lease = this.model.acquire();
    }
    if (lease.champion === undefined) {
      lease.release();
      throw new Error(`no ${Topic.CameraFrames} can be inspected: the inspector model has no champion (run the model seed)`);
    }
    return lease;
  }

  /** The partition's state, current at offset `first`: rebuilt from the stored cursor if it is not. */
  async #current(partition: number, first: number, champion: InspectorModel): Promise<{ state: PartitionState; replay: InboundMessage[]; skipBelow: number }> {
    const state = this.#partitions.get(partition);
    if (state !== undefined && state.nextOffset === first && state.clipLength === champion.manifest.frames) return { state, replay: [], skipBelow: -1 };
    // The cursor to rebuild from is the one the batches still in flight leave stored.
    await this.#settled.get(partition);
    const cursor = await this.repository.loadCursor(partition);
    const fresh = this.#emptyState(cursor, champion.manifest.frames);
    this.#partitions.set(partition, fresh);
    this.metrics.rebuilds.inc();
    let replay: InboundMessage[] = [];
    if (cursor !== undefined && cursor.resumeOffset < first) {
      const range = await readPartitionRange(this.kafka, Topic.CameraFrames, partition, cursor.resumeOffset, first);
      if (range.skipped > 0) this.logger.pino.warn({ partition, lost: range.skipped }, 'frames held before the restart are gone from Kafka; their clips are lost');
      replay = range.messages;
      this.metrics.replayed.inc(replay.length);
    }
    return { state: fresh, replay, skipBelow: cursor?.resumeOffset ?? -1 };
  }

  /** Aligns and scores the batch's clips, and stores them after the previous batch stored. */
  #launch(partition: number, state: PartitionState, work: BatchWork, lease: SlotLease<InspectorModel>): void {
    state.launchedAt = performance.now();
    state.held = false;
    const champion = lease.champion as InspectorModel;
    // Each stage's time runs from the end of the one before: together they are the batch's time in flight.
    let at = performance.now();
    const lap = (stage: string) => {
      const now = performance.now();
      this.metrics.batchStage.observe({ stage }, (now - at) / 1000);
      at = now;
    };
    const frames = work.clips.map((clip) => ({ grays: clip.frames.map((frame) => this.#trackedOf(frame).gray), width: clip.width, height: clip.height }));
    const aligned = this.#align(work.clips, frames, state).then((alignments) => {
      lap('align');
      return alignments;
    });
    const records = aligned.then(async (alignments) => {
      const done = await this.#inspect(work.clips, frames, alignments, champion);
      lap('score');
      return done;
    });
    const previousStored = state.tail.stored;
    const stored = records.then(async (done) => {
      await previousStored;
      lap('store_wait');
      const fresh = await this.#store(done, work.cursor, work.counts, work.health);
      lap('store');
      return fresh;
    });
    // The outbox publishes in the order batches were stored; the next batch need not wait for it.
    const published = stored.then(async (fresh) => {
      await this.#publish(fresh);
      lap('publish');
    });
    state.tail = { stored };
    const settled = published.then(
      () => void this.#failures.delete(partition),
      (error: unknown) => this.#fail(partition, state, error),
    );
    const finished = settled.finally(() => {
      lease.release();
      state.inFlight.splice(state.inFlight.indexOf(finished), 1);
    });
    state.inFlight.push(finished);
    const before = this.#settled.get(partition);
    const all = Promise.all([before, finished]).then(() => undefined);
    this.#settled.set(partition, all);
    void all.then(() => {
      if (this.#settled.get(partition) === all) this.#settled.delete(partition);
    });
  }

  /**
   * A batch failed after its handler returned (its offsets are committed): the partition's state
   * is dropped, later batches of it fail with it, and the partition is rebuilt from the last stored
   * cursor up to where it had read, which inspects the failed batches' clips again.
   */
  #fail(partition: number, state: PartitionState, error: unknown): void {
    if (this.#partitions.get(partition) !== state) return;
    this.#partitions.delete(partition);
    this.metrics.failures.inc();
    this.logger.pino.error({ err: error, partition }, 'inspecting a batch failed; the partition is rebuilt from its stored cursor');
    this.#recover(partition, state.nextOffset);
  }

  /** Rebuilds the partition up to offset `upTo` after a backoff, unless a batch did it meanwhile. */
  #recover(partition: number, upTo: number): void {
    if (this.#stopping) return;
    const attempt = (this.#failures.get(partition) ?? 0) + 1;
    this.#failures.set(partition, attempt);
    const timer = setTimeout(
      () => {
        this.#recoveries.delete(timer);
        void this.#exclusive(partition, async () => {
          if (this.#stopping || this.#partitions.has(partition)) return;
          await this.#ingest(partition, [], upTo);
        }).catch((error: unknown) => {
          this.logger.pino.error({ err: error, partition, attempt }, 'rebuilding a partition failed; trying again');
          this.#recover(partition, upTo);
        });
      },
      Math.min(30_000, 250 * 2 ** Math.min(attempt - 1, 7)),
    );
    this.#recoveries.add(timer);
  }

  #emptyState(cursor: PartitionCursor | undefined, clipLength: number): PartitionState {
    return {
      cameras: new Map(),
      resumes: new Map(cursor?.cameras.map((c) => [c.cameraId, { seq: c.resumeSeq, givenUp: c.givenUp }]) ?? []),
      clock: 0,
      nextOffset: -1,
      clipLength,
      reported: new Map(),
      counts: new CameraCountTally(),
      countedTo: cursor?.countedTo ?? -1,
      snapshotAt: new Map(),
      tail: { stored: Promise.resolve() },
      inFlight: [],
      launchedAt: -Infinity,
      held: false,
    };
  }

  #camera(state: PartitionState, partition: number, cameraId: string): CameraStream {
    let camera = state.cameras.get(cameraId);
    if (camera === undefined) {
      const { reorderSize, reorderMaxWaitMs, clipStride, maxMissing } = this.options;
      camera = new CameraStream(
        cameraId,
        partition,
        {
          reorder: { size: reorderSize, maxWaitMs: reorderMaxWaitMs },
          clip: { length: state.clipLength, stride: Math.min(clipStride, state.clipLength), maxMissing: Math.min(maxMissing, state.clipLength - 1) },
        },
        state.resumes.get(cameraId),
      );
      state.cameras.set(cameraId, camera);
      state.resumes.delete(cameraId);
    }
    return camera;
  }

  /** Every clip's frames against its last frame, all cameras of the batch in one call per frame size. */
  async #align(clips: Clip[], frames: ClipFrames[], state: PartitionState): Promise<ClipAlignment[]> {
    const alignments = await alignClips(frames);
    clips.forEach((clip, i) => {
      state.cameras.get(clip.cameraId)?.health.setAlignmentConfidence(alignments[i].confidence);
      this.metrics.alignmentConfidence.set({ camera: clip.cameraId }, alignments[i].confidence);
    });
    return alignments;
  }

  /** Scores clips the model can serve (the batch's ingest dropped the others). */
  async #inspect(clips: Clip[], frames: ClipFrames[], alignments: ClipAlignment[], model: InspectorModel): Promise<InspectionRecord[]> {
    const { manifest } = model;
    const inputs = await clipInputs(frames, alignments, manifest.inputWidth, manifest.inputHeight);
    const prepared = clips.map((clip, i) => ({ clip, alignment: alignments[i], output: this.#batcher.submit({ model, input: inputs[i] }) }));
    const records: InspectionRecord[] = [];
    for (const { clip, alignment, output } of prepared) {
      const { logits, heatmap } = await output;
      const verdict = clipVerdict(logits, heatmap, manifest, clip.width, clip.height);
      const last = this.#trackedOf(clip.frames[clip.frames.length - 1]);
      const message: InspectionResultMessage = {
        cameraId: clip.cameraId,
        lineId: clip.lineId,
        seqStart: clip.seqStart,
        seqEnd: clip.seqEnd,
        tsStart: clip.tsStart,
        tsEnd: clip.tsEnd,
        verdict: verdict.verdict,
        defectClass: verdict.defectClass,
        score: verdict.score,
        bbox: verdict.bbox,
        modelVersion: String(model.version),
        latencyMs: 0,
        threshold: manifest.defectThreshold,
        modelName: model.name,
        missingFrames: clip.missing.length,
        alignmentConfidence: alignment.confidence,
        processedAt: '',
      };
      records.push({
        message,
        classScores: verdict.classScores,
        alignDx: alignment.dx,
        alignDy: alignment.dy,
        images: verdict.verdict === 'DEFECT' ? defectImages(last.gray, clip.width, clip.height, verdict.bbox, heatmap, manifest.heatWidth, manifest.heatHeight) : null,
      });
      this.#receivedAt.set(message, last.receivedAt);
    }
    return records;
  }

  #trackedOf(frame: Frame): TrackedFrame {
    const tracked = this.#tracked.get(frame);
    if (tracked === undefined) throw new Error(`frame ${frame.cameraId}/${frame.seq} is not tracked`);
    return tracked;
  }

  #cursor(partition: number, state: PartitionState, nextOffset: number): PartitionCursor {
    let resumeOffset = nextOffset;
    const cameras: PartitionCursor['cameras'] = [];
    for (const camera of state.cameras.values()) {
      const lowest = camera.lowestOffset();
      if (lowest !== undefined) resumeOffset = Math.min(resumeOffset, lowest);
      if (camera.resumeSeq !== undefined) cameras.push({ cameraId: camera.cameraId, resumeSeq: camera.resumeSeq, givenUp: camera.givenUp() });
    }
    // Cameras known from the stored cursor but not seen since keep where they resume.
    for (const [cameraId, resume] of state.resumes) cameras.push({ cameraId, resumeSeq: resume.seq, givenUp: [...resume.givenUp] });
    return { partition, resumeOffset, cameras, countedTo: state.countedTo };
  }

  /** Stores the batch in one transaction; resolves with the inspections stored for the first time. */
  async #store(records: InspectionRecord[], cursor: PartitionCursor, counts: BatchCounts, health: HealthRow[]): Promise<UnpublishedInspection[]> {
    const messages = records.map((record) => record.message);
    this.outbox.claim(messages.map(clipKey));
    let saved: Awaited<ReturnType<InspectionRepository['saveBatch']>>;
    const storedAt = performance.now();
    const processedAt = new Date().toISOString();
    for (const message of messages) {
      message.latencyMs = Math.max(0, Math.round((storedAt - (this.#receivedAt.get(message) ?? storedAt)) * 1000) / 1000);
      message.processedAt = processedAt;
    }
    try {
      saved = await this.repository.saveBatch(records, cursor, counts, health);
    } catch (error) {
      this.outbox.release(messages.map(clipKey));
      throw error;
    }
    if (saved.some((s) => !s.inserted && !s.published)) this.outbox.expectRecovery();
    const fresh = records.flatMap((record, i) => (saved[i].inserted ? [{ id: saved[i].id, message: record.message }] : []));
    this.outbox.release(records.filter((_, i) => !saved[i].inserted).map((record) => clipKey(record.message)));
    return fresh;
  }

  async #publish(fresh: UnpublishedInspection[]): Promise<void> {
    await this.outbox.publish(fresh);
    const publishedAt = performance.now();
    for (const { message } of fresh) {
      this.metrics.clips.inc({ verdict: message.verdict });
      this.metrics.clipLatency.observe((publishedAt - (this.#receivedAt.get(message) ?? publishedAt)) / 1000);
    }
  }

  #healthRows(state: PartitionState): HealthRow[] {
    const now = performance.now();
    const rows: HealthRow[] = [];
    for (const camera of state.cameras.values()) {
      const snapshot = camera.health.snapshot(now);
      this.metrics.fps.set({ camera: camera.cameraId }, snapshot.fps);
      const last = state.snapshotAt.get(camera.cameraId);
      if (last !== undefined && now - last < this.options.healthSnapshotMs) continue;
      state.snapshotAt.set(camera.cameraId, now);
      rows.push({ ...snapshot, lineId: camera.lineId });
    }
    return rows;
  }

  #reportCounts(state: PartitionState): void {
    for (const camera of state.cameras.values()) {
      const counts = camera.reorderCounts;
      const before = state.reported.get(camera.cameraId) ?? { released: 0, duplicates: 0, late: 0, gaps: 0, resyncs: 0 };
      const labels = { camera: camera.cameraId };
      this.metrics.gaps.inc(labels, counts.gaps - before.gaps);
      this.metrics.duplicates.inc(labels, counts.duplicates - before.duplicates);
      this.metrics.late.inc(labels, counts.late - before.late);
      state.reported.set(camera.cameraId, { ...counts });
    }
  }
}

/** Who a refused message claims to come from: its key, else its camera-id header, when either is an id at all. */
function senderOf(message: InboundMessage): string | undefined {
  return [message.key?.toString('utf8'), message.headers['camera-id']].find((id) => id !== undefined && CAMERA_ID.test(id));
}

/** One model run per version present in the batch: [N, 1, L, H, W], as trained. */
async function runClips(jobs: ClipJob[]): Promise<ClipOutput[]> {
  const outputs: ClipOutput[] = new Array(jobs.length);
  const byModel = new Map<InspectorModel, number[]>();
  jobs.forEach((job, i) => byModel.set(job.model, [...(byModel.get(job.model) ?? []), i]));
  for (const [model, indices] of byModel) {
    const { frames, inputHeight, inputWidth, classes, heatWidth, heatHeight } = model.manifest;
    const size = frames * inputHeight * inputWidth;
    const data = new Float32Array(indices.length * size);
    indices.forEach((index, k) => data.set(jobs[index].input, k * size));
    const { logits, heatmap: heatmaps } = await model.engine.score(data, indices.length, frames, inputHeight, inputWidth);
    const heat = heatWidth * heatHeight;
    indices.forEach((index, k) => {
      outputs[index] = { logits: logits.slice(k * classes.length, (k + 1) * classes.length), heatmap: heatmaps.slice(k * heat, (k + 1) * heat) };
    });
  }
  return outputs;
}
