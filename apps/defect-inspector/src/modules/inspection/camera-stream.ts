import { Frame } from '@vigil/contracts';

import { CameraHealth } from '../ingest/camera-health';
import { Clip, ClipAssembler, ClipOptions } from '../ingest/clip-assembler';
import { ReorderWindow, ReorderWindowOptions } from '../ingest/reorder-window';

/** A frame with where it came from (its camera.frames offset) and its grey pixels. */
export interface TrackedFrame {
  /** frame.seq, for the ReorderWindow. */
  seq: number;
  frame: Frame;
  offset: number;
  gray: Uint8Array;
  /** Monotonic ms when the service received it (for latency). */
  receivedAt: number;
}

export interface CameraStreamOptions {
  reorder: ReorderWindowOptions;
  clip: ClipOptions;
}

/** Where a rebuilt stream resumes: its next clip's first seq, and the seqs below it its window gave up on. */
export interface StreamResume {
  seq: number;
  givenUp: readonly number[];
}

/** What one frame did to a camera stream: frames released in seq order, and the clips they completed. */
export interface StreamStep {
  released: TrackedFrame[];
  clips: Clip[];
}

/**
 * One camera's ingest: ReorderWindow then ClipAssembler, plus the bookkeeping a restart needs.
 *
 * It knows which Kafka offsets it still depends on (frames held in the window, and frames in the
 * assembler that a future clip will contain) and the seq its next clip starts at (`resumeSeq`),
 * mirroring the assembler from its public counts: a clip due at frame F (emitted or not) moves the
 * start to F + stride − length + 1; a restart of assembly (gap, format change) moves it to F.
 *
 * A stream rebuilt after a restart is given that `resumeSeq`: until it first releases a frame it
 * takes no frame below it (already inside stored clips), so replaying the partition from the
 * stored offset cuts exactly the clips the stream would have cut had it never stopped; its window,
 * resumed with the seqs it had given up on (`givenUp`, stored with the cursor), counts such a
 * frame as late or a duplicate as the live window did.
 */
export class CameraStream {
  readonly health: CameraHealth;
  readonly #window: ReorderWindow<TrackedFrame>;
  readonly #assembler: ClipAssembler;
  /** Seq → offset of frames held in the window. */
  readonly #held = new Map<number, number>();
  /** Released frames still needed by a future clip, in seq order. */
  #needed: { seq: number; offset: number }[] = [];
  #resumeSeq: number | undefined;
  #floor: number | undefined;
  #previous: TrackedFrame | undefined;
  #lineId = '';

  constructor(
    readonly cameraId: string,
    readonly partition: number,
    options: CameraStreamOptions,
    resume?: StreamResume,
  ) {
    this.#window = new ReorderWindow(options.reorder);
    this.#assembler = new ClipAssembler(options.clip);
    this.health = new CameraHealth(cameraId);
    this.#resumeSeq = resume?.seq;
    this.#floor = resume?.seq;
    if (resume !== undefined) this.#window.resume(resume.seq, resume.givenUp);
  }

  /** The line of the latest frame accepted. */
  get lineId(): string {
    return this.#lineId;
  }

  get reorderCounts() {
    return this.#window.counts;
  }

  get clipCounts() {
    return this.#assembler.counts;
  }

  /** The seq the next clip starts at; undefined before the first frame. */
  get resumeSeq(): number | undefined {
    return this.#resumeSeq;
  }

  /** The seqs below resumeSeq its window gave up on and remembers (stored with the cursor). */
  givenUp(): number[] {
    return this.#resumeSeq === undefined ? [] : this.#window.givenUp(this.#resumeSeq);
  }

  /** The lowest offset this stream still needs, undefined when it needs none. */
  lowestOffset(): number | undefined {
    let lowest: number | undefined;
    for (const offset of this.#held.values()) lowest = lowest === undefined ? offset : Math.min(lowest, offset);
    for (const { offset } of this.#needed) lowest = lowest === undefined ? offset : Math.min(lowest, offset);
    return lowest;
  }

  /** Takes one frame at `now` (the partition's clock). Returns what it released and the clips those completed. */
  push(item: TrackedFrame, now: number): StreamStep {
    if (this.#floor !== undefined && item.frame.seq < this.#floor) {
      this.#window.countBelowResume(item.frame.seq);
      return { released: [], clips: [] };
    }
    this.#lineId = item.frame.lineId;
    const counts = this.#window.counts;
    const discardedBefore = counts.duplicates + counts.late;
    const resyncsBefore = counts.resyncs;
    const released = this.#window.push(item, now);
    const discarded = counts.duplicates + counts.late > discardedBefore && counts.resyncs === resyncsBefore;
    if (!discarded && !this.#held.has(item.frame.seq)) this.#held.set(item.frame.seq, item.offset);
    return this.#assemble(released);
  }

  /** Releases what has waited the window's maxWaitMs by `now`. */
  poll(now: number): StreamStep {
    const deadline = this.#window.deadline();
    if (deadline === undefined || deadline > now) return { released: [], clips: [] };
    return this.#assemble(this.#window.poll(now));
  }

  #assemble(released: TrackedFrame[]): StreamStep {
    const clips: Clip[] = [];
    for (const item of released) {
      this.#floor = undefined;
      this.#held.delete(item.frame.seq);
      const seq = item.frame.seq;
      // A camera that restarted (the window resynced) begins a new stream: assembly starts afresh.
      const restarted = this.#previous !== undefined && seq <= this.#previous.frame.seq;
      if (restarted) {
        this.#assembler.reset();
        this.#needed = [];
      }
      const fresh = this.#previous === undefined || restarted;
      this.#previous = item;
      const before = { ...this.#assembler.counts };
      clips.push(...this.#assembler.push(item.frame));
      const after = this.#assembler.counts;
      let start = this.#resumeSeq ?? seq;
      if (fresh || after.brokenByGap > before.brokenByGap || after.formatChanges > before.formatChanges) start = seq;
      this.#needed.push({ seq, offset: item.offset });
      if (after.clips + after.tooManyMissing > before.clips + before.tooManyMissing) start = seq + this.#assembler.stride - this.#assembler.length + 1;
      this.#resumeSeq = start;
      this.#needed = this.#needed.filter((entry) => entry.seq >= start);
    }
    return { released, clips };
  }
}
