import { Frame, PixelFormat } from '@vigil/contracts';

/**
 * Cuts one camera's in-order frames (from its ReorderWindow) into clips of `length` frames, a new
 * clip every `stride` frames (stride < length: overlapping clips; = length: back to back).
 *
 * A gap (a seq the window gave up on) breaks the clip by default (`maxMissing` 0): the model looks
 * at motion, and a missing frame filled with its neighbour reads as the part stalling for a frame,
 * which is exactly what a `slip` defect looks like. Assembly starts afresh after the gap. Lines with
 * a lossy transport can allow up to `maxMissing` missing frames per clip instead: each is filled
 * with the frame before it (its ts interpolated) and listed in the clip's `missing`, so a verdict
 * can be weighed by it; a gap longer than `maxMissing` still breaks the clip.
 *
 * A change of size or pixel format (camera reconfigured) also starts afresh: a clip is one tensor.
 */
export interface ClipOptions {
  /** Frames per clip. */
  length: number;
  /** Frames between the starts of consecutive clips, 1..length. */
  stride: number;
  /** Missing frames a clip may contain, filled with their predecessor. Default 0: a gap breaks the clip. */
  maxMissing?: number;
}

export interface Clip {
  cameraId: string;
  lineId: string;
  seqStart: number;
  seqEnd: number;
  /** Capture times (µs since epoch) of the first and last slot. */
  tsStart: number;
  tsEnd: number;
  width: number;
  height: number;
  pixelFormat: PixelFormat;
  /** `length` frames in seq order; a missing seq repeats the frame before it (the same object). */
  frames: Frame[];
  /** The seqs that were missing and filled, increasing. */
  missing: number[];
}

export interface ClipCounts {
  clips: number;
  /** Times a gap longer than `maxMissing` made assembly start afresh. */
  brokenByGap: number;
  /** Clips not emitted because small gaps added up to more than `maxMissing` missing frames. */
  tooManyMissing: number;
  /** Restarts because the frame size or pixel format changed. */
  formatChanges: number;
}

interface Slot {
  seq: number;
  ts: number;
  frame: Frame;
  missing: boolean;
}

export class ClipAssembler {
  readonly length: number;
  readonly stride: number;
  readonly maxMissing: number;
  #slots: Slot[] = [];
  /** Slots to append before the next clip is due. */
  #untilNext: number;
  readonly #counts: ClipCounts = { clips: 0, brokenByGap: 0, tooManyMissing: 0, formatChanges: 0 };

  constructor(options: ClipOptions) {
    this.length = integerIn('length', options.length, 1, Number.MAX_SAFE_INTEGER);
    this.stride = integerIn('stride', options.stride, 1, this.length);
    this.maxMissing = integerIn('maxMissing', options.maxMissing ?? 0, 0, this.length - 1);
    this.#untilNext = this.length;
  }

  get counts(): Readonly<ClipCounts> {
    return this.#counts;
  }

  /** Takes the next frame (seq above the previous one); returns the clip it completes, if any. */
  push(frame: Frame): Clip[] {
    const last = this.#slots[this.#slots.length - 1];
    if (last !== undefined && frame.seq <= last.seq) throw new RangeError(`push: frame.seq ${frame.seq} is not above the previous ${last.seq}; frames must come from a ReorderWindow`);
    if (last !== undefined && (frame.width !== last.frame.width || frame.height !== last.frame.height || frame.pixelFormat !== last.frame.pixelFormat)) {
      this.#counts.formatChanges++;
      this.reset();
    } else if (last !== undefined && frame.seq - last.seq - 1 > this.maxMissing) {
      this.#counts.brokenByGap++;
      this.reset();
    } else if (last !== undefined) {
      for (let seq = last.seq + 1; seq < frame.seq; seq++) {
        const ts = Math.round(last.ts + ((frame.ts - last.ts) * (seq - last.seq)) / (frame.seq - last.seq));
        this.#append({ seq, ts, frame: last.frame, missing: true });
      }
    }
    this.#append({ seq: frame.seq, ts: frame.ts, frame, missing: false });
    if (this.#untilNext > 0 || this.#slots.length < this.length) return [];
    this.#untilNext = this.stride;
    const missing = this.#slots.filter((slot) => slot.missing).map((slot) => slot.seq);
    if (missing.length > this.maxMissing) {
      this.#counts.tooManyMissing++;
      return [];
    }
    this.#counts.clips++;
    const first = this.#slots[0];
    return [
      {
        cameraId: frame.cameraId,
        lineId: frame.lineId,
        seqStart: first.seq,
        seqEnd: frame.seq,
        tsStart: first.ts,
        tsEnd: frame.ts,
        width: frame.width,
        height: frame.height,
        pixelFormat: frame.pixelFormat,
        frames: this.#slots.map((slot) => slot.frame),
        missing,
      },
    ];
  }

  /** Drops the frames collected so far (the next clip starts from the next frame). */
  reset(): void {
    this.#slots = [];
    this.#untilNext = this.length;
  }

  /** Due clips wait for a real frame: a clip never ends on a filled slot. */
  #append(slot: Slot): void {
    this.#slots.push(slot);
    if (this.#slots.length > this.length) this.#slots.shift();
    this.#untilNext--;
  }
}

function integerIn(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${option}: expected an integer from ${min} to ${max}, got ${value}`);
  return value;
}
