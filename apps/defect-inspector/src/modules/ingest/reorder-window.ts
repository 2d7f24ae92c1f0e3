/**
 * Puts one camera's frames back in `seq` order. Frames may arrive late, duplicated or out of order
 * and some never arrive; the window holds a frame that is ahead of a missing seq until the missing
 * one comes, at most `size` frames and at most `maxWaitMs` each, then gives up on what is missing
 * (a gap) and releases what it holds, in order.
 *
 * Every frame pushed ends up in exactly one bucket: released (once, in increasing seq), duplicate
 * (its seq is held or was released), or late (its seq was already given up on, or is older than the
 * window remembers). Memory is bounded: at most `size` frames held and a fixed ring of recent seqs.
 *
 * The stream's start is unknown (a consumer can join mid-stream, the first frames can arrive out of
 * order), so nothing is released until the window first fills or its oldest frame has waited
 * `maxWaitMs`; from then on an in-order frame is released the moment it arrives.
 *
 * A camera that restarts begins again at a low seq, which would look late for ever: after `size`
 * frames in a row that are older than the window remembers (not stragglers a little behind), the
 * window starts over (counted in `resyncs`); those frames are lost as late. A consumer replaying old
 * offsets looks the same and is released again: downstream stays idempotent on (camera, seq).
 *
 * Time is passed in (ms on a monotonic clock), so the window is pure and tests need no timers.
 */
export interface ReorderWindowOptions {
  /** Frames held while waiting for a missing seq; one more and the window gives up on it. */
  size: number;
  /** How long a held frame waits for the seqs before it, in ms. */
  maxWaitMs: number;
}

export interface ReorderCounts {
  released: number;
  duplicates: number;
  late: number;
  /** Missing seqs given up on. */
  gaps: number;
  /** Times the stream started over after a run of late frames (a camera restart). */
  resyncs: number;
}

interface Held<T> {
  item: T;
  arrivedAt: number;
}

const RELEASED = 1;
const GIVEN_UP = 2;

export class ReorderWindow<T extends { seq: number }> {
  readonly size: number;
  readonly maxWaitMs: number;
  /** Held frames, increasing seq, all above `next`. */
  #held: Held<T>[] = [];
  /** The seq released next; undefined until the first release. */
  #next: number | undefined;
  /** What became of recent seqs below `next` (index seq % length): released or given up. */
  readonly #history: Uint8Array;
  #historyFrom = 0;
  #ancientInARow = 0;
  /** Where a window rebuilt from a cursor resumes; recalled into the history at its first release. */
  #resumed: { seq: number; givenUp: readonly number[] } | undefined;
  readonly #counts: ReorderCounts = { released: 0, duplicates: 0, late: 0, gaps: 0, resyncs: 0 };

  constructor(options: ReorderWindowOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size: expected an integer >= 1, got ${options.size}`);
    if (!(Number.isFinite(options.maxWaitMs) && options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs: expected a number of ms >= 0, got ${options.maxWaitMs}`);
    this.size = options.size;
    this.maxWaitMs = options.maxWaitMs;
    this.#history = new Uint8Array(Math.max(64, 4 * options.size));
  }

  get counts(): Readonly<ReorderCounts> {
    return this.#counts;
  }

  /** Frames waiting for a missing seq (or for the start, before the first release). */
  get held(): number {
    return this.#held.length;
  }

  /** The seq expected next; undefined before the first release. */
  get next(): number | undefined {
    return this.#next;
  }

  /**
   * The seqs below `below` that it gave up on and still remembers, ascending; before its first
   * release, those it was resumed with.
   */
  givenUp(below: number): number[] {
    if (this.#next === undefined) return this.#resumed?.givenUp.filter((s) => s < below) ?? [];
    const seqs: number[] = [];
    const end = Math.min(below, this.#next);
    for (let s = Math.max(this.#historyFrom, this.#next - this.#history.length); s < end; s++) if (this.#history[s % this.#history.length] === GIVEN_UP) seqs.push(s);
    return seqs;
  }

  /**
   * A window rebuilt from a cursor: the seqs below `seq` that it remembers were released, but for
   * `givenUp`. Recalled at its first release, so a frame below it that comes again is told a
   * duplicate or late as the window it replaces would have told it.
   */
  resume(seq: number, givenUp: readonly number[]): void {
    this.#resumed = { seq, givenUp };
  }

  /**
   * Counts a frame below the resume seq that its stream keeps out before the first release (it is
   * inside stored clips): late if its seq was given up or is older than the window remembers, else
   * a duplicate, as the window it replaces counted it.
   */
  countBelowResume(seq: number): void {
    const resumed = this.#resumed;
    const late = resumed === undefined || resumed.givenUp.includes(seq) || seq < resumed.seq - this.#history.length;
    this.#counts[late ? 'late' : 'duplicates']++;
  }

  /** Takes one frame; returns the frames it releases, in seq order. */
  push(item: T, now: number): T[] {
    const { seq } = item;
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`push: item.seq must be an unsigned integer, got ${seq}`);
    if (this.#next !== undefined && seq < this.#next) {
      if (!this.#classifyOld(seq)) {
        this.#ancientInARow = 0;
        return [];
      }
      if (++this.#ancientInARow < this.size) return [];
      this.#counts.late--; // this one starts the new stream instead
      const released = this.#resync();
      return [...released, ...this.push(item, now)];
    }
    this.#ancientInARow = 0;
    const at = this.#indexOf(seq);
    if (at < this.#held.length && this.#held[at].item.seq === seq) {
      this.#counts.duplicates++;
      return [];
    }
    this.#held.splice(at, 0, { item, arrivedAt: now });
    const released = this.#releaseRun();
    if (this.#held.length > this.size) released.push(...this.#giveUpTo(this.#held[0].item.seq));
    return released.concat(this.poll(now));
  }

  /** Releases what has waited `maxWaitMs`, giving up on the seqs it waited for. */
  poll(now: number): T[] {
    const released: T[] = [];
    while (this.#held.length > 0 && this.#oldestArrival() + this.maxWaitMs <= now) released.push(...this.#giveUpTo(this.#held[0].item.seq));
    return released;
  }

  /** When `poll` next has something to release (for a timer); undefined while nothing is held. */
  deadline(): number | undefined {
    return this.#held.length === 0 ? undefined : this.#oldestArrival() + this.maxWaitMs;
  }

  /** Releases everything held, giving up on every missing seq (shutdown, partition revoked). */
  flush(): T[] {
    const released: T[] = [];
    while (this.#held.length > 0) released.push(...this.#giveUpTo(this.#held[0].item.seq));
    return released;
  }

  /**
   * A seq below `next`: a duplicate if it was released, late if it was given up on or is too old to
   * tell. True when it is older than the history (a restart candidate).
   */
  #classifyOld(seq: number): boolean {
    const ancient = seq < (this.#next as number) - this.#history.length;
    if (!ancient && seq >= this.#historyFrom && this.#history[seq % this.#history.length] === RELEASED) this.#counts.duplicates++;
    else this.#counts.late++;
    return ancient;
  }

  #resync(): T[] {
    const released = this.flush();
    this.#next = undefined;
    this.#history.fill(0);
    this.#resumed = undefined;
    this.#ancientInARow = 0;
    this.#counts.resyncs++;
    return released;
  }

  /** Gives up on every missing seq below `seq` (a held one), then releases the run from there. */
  #giveUpTo(seq: number): T[] {
    if (this.#next === undefined) {
      this.#next = seq;
      this.#historyFrom = seq;
      if (this.#resumed !== undefined) this.#recall(this.#resumed);
    } else if (seq > this.#next) {
      this.#counts.gaps += seq - this.#next;
      // Only the last history.length seqs can ever be looked up again.
      for (let s = Math.max(this.#next, seq - this.#history.length); s < seq; s++) this.#history[s % this.#history.length] = GIVEN_UP;
      this.#next = seq;
    }
    return this.#releaseRun();
  }

  #recall({ seq, givenUp }: { seq: number; givenUp: readonly number[] }): void {
    const length = this.#history.length;
    const from = Math.max(0, seq - length, (this.#next as number) - length);
    const to = Math.min(seq, this.#next as number);
    for (let s = from; s < to; s++) this.#history[s % length] = RELEASED;
    for (const s of givenUp) if (s >= from && s < to) this.#history[s % length] = GIVEN_UP;
    this.#historyFrom = Math.min(from, this.#historyFrom);
    this.#resumed = undefined;
  }

  /** Releases held frames while the first one is the seq expected next. */
  #releaseRun(): T[] {
    const released: T[] = [];
    if (this.#next === undefined) return released;
    let count = 0;
    while (count < this.#held.length && this.#held[count].item.seq === this.#next) {
      released.push(this.#held[count].item);
      this.#history[this.#next % this.#history.length] = RELEASED;
      this.#next++;
      count++;
    }
    this.#held.splice(0, count);
    this.#counts.released += count;
    return released;
  }

  #indexOf(seq: number): number {
    let lo = 0;
    let hi = this.#held.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#held[mid].item.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #oldestArrival(): number {
    let oldest = Infinity;
    for (const held of this.#held) oldest = Math.min(oldest, held.arrivedAt);
    return oldest;
  }
}
