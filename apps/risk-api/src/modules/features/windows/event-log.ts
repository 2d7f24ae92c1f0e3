import { lowerBound, upperBound } from './sorted';

/** Per-event marks (bit flags) the logs keep running counts of. */
export const EventMark = {
  None: 0,
  /** amount < the tiny-amount limit (card testing) */
  Tiny: 1,
  /** amount just below the reporting threshold (structuring) */
  JustBelow: 2,
} as const;
export type CountedMark = typeof EventMark.Tiny | typeof EventMark.JustBelow;

/** A timestamp that no event has: "no such event". */
export const NO_EVENT = -Infinity;

/** An aggregate a SlidingView keeps up to date as events enter and leave it. */
export interface WindowState {
  add(log: EventLog, index: number): void;
  remove(log: EventLog, index: number): void;
}

/**
 * The events of one key (an account's outgoing or incoming transfers, a device, an IP), sorted by
 * event time and, for equal times, by processing order. Late events are inserted in place, so a query
 * "as of t" sees exactly the events with ts <= t whatever order they arrived in.
 *
 * Counts and sums over any (lower, t] range cost two binary searches: the log keeps exclusive
 * prefix sums (integer minor units) instead of per-window running sums, because a running sum only
 * answers for the newest window while a late event asks about an older one.
 */
export class EventLog {
  readonly ts: number[] = [];
  readonly amount: number[] = [];
  /** The counterparty of each event (beneficiary, sender or originator, depending on the log). */
  readonly other: string[] = [];
  /** The timestamp of each event's predecessor in this key's whole history (survives pruning). */
  private readonly previous: number[] = [];
  // Exclusive prefix sums: cumX[i] = X summed over indices [0, i). Rebased on compaction, so they only
  // span the retained history and stay exact integers while one key's retained money is below
  // 2^53 minor units (90 trillion in major units).
  private readonly cumAmount: number[] = [];
  private readonly cumTiny: number[] = [];
  private readonly cumJustBelow: number[] = [];
  private totalAmount = 0;
  private totalTiny = 0;
  private totalJustBelow = 0;
  /** Indices below head are pruned and wait for compaction. */
  private head = 0;
  private readonly views: SlidingView<WindowState>[] = [];
  /** The latest event time ever inserted (kept when that event is pruned). */
  maxTs = NO_EVENT;

  /** Events physically retained. */
  get size(): number {
    return this.ts.length - this.head;
  }

  attach(view: SlidingView<WindowState>): void {
    this.views.push(view);
  }

  /** The index of the first retained event with ts > x. */
  indexAfter(x: number): number {
    return upperBound(this.ts, x, this.head, this.ts.length);
  }

  /** The index of the first retained event with ts >= x. */
  indexFrom(x: number): number {
    return lowerBound(this.ts, x, this.head, this.ts.length);
  }

  /** Events with lower < ts <= t. */
  count(lower: number, t: number): number {
    return lower >= t ? 0 : this.indexAfter(t) - this.indexAfter(lower);
  }

  /** Sum of amounts (minor units) of the events with lower < ts <= t. */
  sum(lower: number, t: number): number {
    return lower >= t ? 0 : this.prefix(this.cumAmount, this.totalAmount, this.indexAfter(t)) - this.prefix(this.cumAmount, this.totalAmount, this.indexAfter(lower));
  }

  /** Events marked `mark` with lower < ts <= t. */
  countMarked(mark: CountedMark, lower: number, t: number): number {
    if (lower >= t) return 0;
    const tiny = mark === EventMark.Tiny;
    const cum = tiny ? this.cumTiny : this.cumJustBelow;
    const total = tiny ? this.totalTiny : this.totalJustBelow;
    return this.prefix(cum, total, this.indexAfter(t)) - this.prefix(cum, total, this.indexAfter(lower));
  }

  /** The latest retained event time with lower < ts <= t, or NO_EVENT. */
  latest(lower: number, t: number): number {
    const i = this.indexAfter(t);
    return i > this.head && this.ts[i - 1] > lower ? this.ts[i - 1] : NO_EVENT;
  }

  /**
   * The time of the latest event with ts <= t in this key's history, including events already
   * pruned (each event remembers its predecessor); `beforeAll` answers when nothing is retained.
   */
  previousTs(t: number, beforeAll: number): number {
    const i = this.indexAfter(t);
    if (i > this.head) return this.ts[i - 1];
    const before = i < this.ts.length ? this.previous[i] : beforeAll;
    return before <= t ? before : NO_EVENT;
  }

  /**
   * Inserts an event after those with the same or an earlier time. `beforeAll` is the key's latest
   * event time known from elsewhere, used as the predecessor when the log holds nothing earlier.
   */
  insert(ts: number, amount: number, other: string, marks: number, beforeAll: number): void {
    const n = this.ts.length;
    const at = this.indexAfter(ts);
    const tiny = marks & EventMark.Tiny ? 1 : 0;
    const justBelow = marks & EventMark.JustBelow ? 1 : 0;
    const before = at > this.head ? this.ts[at - 1] : at < n ? this.previous[at] : beforeAll;
    const predecessor = before <= ts ? before : NO_EVENT;
    if (at === n) {
      this.ts.push(ts);
      this.amount.push(amount);
      this.other.push(other);
      this.previous.push(predecessor);
      this.cumAmount.push(this.totalAmount);
      this.cumTiny.push(this.totalTiny);
      this.cumJustBelow.push(this.totalJustBelow);
    } else {
      // A late event: shift the tail (late events land near the end, so the tail is short).
      this.ts.splice(at, 0, ts);
      this.amount.splice(at, 0, amount);
      this.other.splice(at, 0, other);
      this.previous.splice(at, 0, predecessor);
      this.previous[at + 1] = ts;
      this.cumAmount.splice(at, 0, this.cumAmount[at]);
      this.cumTiny.splice(at, 0, this.cumTiny[at]);
      this.cumJustBelow.splice(at, 0, this.cumJustBelow[at]);
      for (let i = at + 1; i <= n; i++) {
        this.cumAmount[i] += amount;
        this.cumTiny[i] += tiny;
        this.cumJustBelow[i] += justBelow;
      }
    }
    this.totalAmount += amount;
    this.totalTiny += tiny;
    this.totalJustBelow += justBelow;
    if (ts > this.maxTs) this.maxTs = ts;
    for (const view of this.views) view.admit(at);
  }

  /** Drops the events with ts <= floor (after the views have let them go). */
  prune(floor: number): void {
    if (this.head >= this.ts.length || this.ts[this.head] > floor) return;
    for (const view of this.views) view.advanceTo(floor);
    this.head = this.indexAfter(floor);
    if (this.head === this.ts.length || (this.head >= 32 && this.head * 2 >= this.ts.length)) this.compact();
  }

  private prefix(cum: readonly number[], total: number, index: number): number {
    return index < cum.length ? cum[index] : total;
  }

  private compact(): void {
    const k = this.head;
    const baseAmount = this.prefix(this.cumAmount, this.totalAmount, k);
    const baseTiny = this.prefix(this.cumTiny, this.totalTiny, k);
    const baseJustBelow = this.prefix(this.cumJustBelow, this.totalJustBelow, k);
    for (const column of [this.ts, this.amount, this.previous, this.cumAmount, this.cumTiny, this.cumJustBelow]) column.splice(0, k);
    this.other.splice(0, k);
    for (let i = 0; i < this.cumAmount.length; i++) {
      this.cumAmount[i] -= baseAmount;
      this.cumTiny[i] -= baseTiny;
      this.cumJustBelow[i] -= baseJustBelow;
    }
    this.totalAmount -= baseAmount;
    this.totalTiny -= baseTiny;
    this.totalJustBelow -= baseJustBelow;
    this.head = 0;
  }
}

/**
 * An aggregate (a distinct set, an amount profile) over a sliding window of one log, maintained
 * incrementally for the usual in-order query and rebuilt from the log's slice for a late one.
 * Both paths are exact and give the same answer, so when a view advances does not matter.
 */
export class SlidingView<S extends WindowState> {
  /** The state covers exactly the log's events with ts > lower. */
  private lower: number;
  private readonly state: S;

  constructor(
    private readonly log: EventLog,
    private readonly create: () => S,
  ) {
    this.state = create();
    // Attached to a log that already holds events, the empty state covers only what comes after them.
    this.lower = log.maxTs;
    log.attach(this);
  }

  /** Called by the log for each inserted event. */
  admit(index: number): void {
    if (this.log.ts[index] > this.lower) this.state.add(this.log, index);
  }

  advanceTo(lower: number): void {
    if (lower <= this.lower) return;
    const to = this.log.indexAfter(lower);
    for (let i = this.log.indexAfter(this.lower); i < to; i++) this.state.remove(this.log, i);
    this.lower = lower;
  }

  /** The aggregate over the events with lower < ts <= t. Read it before the log changes again. */
  query(lower: number, t: number): S {
    if (t >= this.log.maxTs && lower >= this.lower) {
      this.advanceTo(lower);
      return this.state;
    }
    const slice = this.create();
    const to = this.log.indexAfter(t);
    for (let i = this.log.indexAfter(lower); i < to; i++) slice.add(this.log, i);
    return slice;
  }
}
