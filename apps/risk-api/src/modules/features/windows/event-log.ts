import { lowerBound, upperBound } from './sorted';

/**
 * Per-event marks (bit flags): what the transaction alone says about it, never what the engine's
 * state says, so a log rebuilt from the same events holds the same marks whatever the order.
 */
export const EventMark = {
  None: 0,
  /** amount < the tiny-amount limit (card testing) */
  Tiny: 1,
  /** amount just below the reporting threshold (structuring) */
  JustBelow: 2,
  /** names a merchant (`merchant` field): card payments and merchant-collected debits */
  Merchant: 4,
  /** a DEBIT: collected by the beneficiary under the payer's mandate */
  Debit: 8,
  /** an account-to-account TRANSFER (no merchant) */
  Transfer: 16,
  /** CASH_IN at an ATM or branch between two accounts: the originator is the cash account */
  CashIn: 32,
  /** CASH_OUT at an ATM or branch between two accounts: the beneficiary is the cash account */
  CashOut: 64,
} as const;
/** One mark; a log counts the marks it is created with. */
export type CountedMark = Exclude<(typeof EventMark)[keyof typeof EventMark], 0>;

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
 * prefix sums (integer minor units, and one count per counted mark) instead of per-window running
 * sums, because a running sum only answers for the newest window while a late event asks about an
 * older one.
 */
export class EventLog {
  readonly ts: number[] = [];
  readonly amount: number[] = [];
  /** The counterparty of each event (beneficiary, sender or originator, depending on the log). */
  readonly other: string[] = [];
  /** Each event's EventMark bits. */
  readonly marks: number[] = [];
  /** The timestamp of each event's predecessor in this key's whole history (survives pruning). */
  private readonly previous: number[] = [];
  // Exclusive prefix sums: cumX[i] = X summed over indices [0, i). Rebased on compaction, so they only
  // span the retained history and stay exact integers while one key's retained money is below
  // 2^53 minor units (90 trillion in major units).
  private readonly cumAmount: number[] = [];
  private totalAmount = 0;
  /** Per counted mark (same order as `counted`): its prefix counts and its total. */
  private readonly cumMarked: number[][];
  private readonly totalMarked: number[];
  /** Indices below head are pruned and wait for compaction. */
  private head = 0;
  private readonly views: SlidingView<WindowState>[] = [];
  /** The latest event time ever inserted (kept when that event is pruned). */
  maxTs = NO_EVENT;

  /** `counted`: the marks countMarked answers for (each costs a prefix column). */
  constructor(private readonly counted: readonly CountedMark[] = []) {
    this.cumMarked = counted.map(() => []);
    this.totalMarked = counted.map(() => 0);
  }

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

  /** Events marked `mark` with lower < ts <= t; `mark` must be one the log counts. */
  countMarked(mark: CountedMark, lower: number, t: number): number {
    const k = this.counted.indexOf(mark);
    if (k < 0) throw new RangeError(`this log does not count mark ${mark}`);
    if (lower >= t) return 0;
    const cum = this.cumMarked[k];
    const total = this.totalMarked[k];
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
    const before = at > this.head ? this.ts[at - 1] : at < n ? this.previous[at] : beforeAll;
    const predecessor = before <= ts ? before : NO_EVENT;
    if (at === n) {
      this.ts.push(ts);
      this.amount.push(amount);
      this.other.push(other);
      this.marks.push(marks);
      this.previous.push(predecessor);
      this.cumAmount.push(this.totalAmount);
      for (let k = 0; k < this.counted.length; k++) this.cumMarked[k].push(this.totalMarked[k]);
    } else {
      // A late event: shift the tail (late events land near the end, so the tail is short).
      this.ts.splice(at, 0, ts);
      this.amount.splice(at, 0, amount);
      this.other.splice(at, 0, other);
      this.marks.splice(at, 0, marks);
      this.previous.splice(at, 0, predecessor);
      this.previous[at + 1] = ts;
      this.cumAmount.splice(at, 0, this.cumAmount[at]);
      for (let i = at + 1; i <= n; i++) this.cumAmount[i] += amount;
      for (let k = 0; k < this.counted.length; k++) {
        const cum = this.cumMarked[k];
        cum.splice(at, 0, cum[at]);
        if (marks & this.counted[k]) for (let i = at + 1; i <= n; i++) cum[i]++;
      }
    }
    this.totalAmount += amount;
    for (let k = 0; k < this.counted.length; k++) if (marks & this.counted[k]) this.totalMarked[k]++;
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
    this.totalAmount -= rebase(this.cumAmount, this.totalAmount, k);
    for (let m = 0; m < this.counted.length; m++) this.totalMarked[m] -= rebase(this.cumMarked[m], this.totalMarked[m], k);
    for (const column of [this.ts, this.amount, this.marks, this.previous]) column.splice(0, k);
    this.other.splice(0, k);
    this.head = 0;
  }
}

/** Drops a prefix column's first k entries and subtracts their base from the rest; returns the base. */
function rebase(cum: number[], total: number, k: number): number {
  const base = k < cum.length ? cum[k] : total;
  cum.splice(0, k);
  for (let i = 0; i < cum.length; i++) cum[i] -= base;
  return base;
}

/**
 * An aggregate (a distinct set, an amount profile) over a sliding window of one log, maintained
 * incrementally for the usual in-order query and rebuilt from the log's slice for a late one.
 * Both paths are exact and give the same answer, so when a view advances does not matter.
 *
 * With a `lag`, the window ends that long before the transaction, (lower, t − lag]: history old
 * enough that a burst happening now cannot vouch for itself (the learned roles).
 */
export class SlidingView<S extends WindowState> {
  /** The state covers exactly the log's events with lower < ts <= upper (upper is +∞ without lag). */
  private lower: number;
  private upper: number;
  private readonly state: S;

  constructor(
    private readonly log: EventLog,
    private readonly create: () => S,
    private readonly lag = 0,
  ) {
    this.state = create();
    // Attached to a log that already holds events, the empty state covers only what comes after them.
    this.lower = log.maxTs;
    this.upper = lag === 0 ? Infinity : log.maxTs;
    log.attach(this);
  }

  /** Called by the log for each inserted event. */
  admit(index: number): void {
    const ts = this.log.ts[index];
    if (ts > this.lower && ts <= this.upper) this.state.add(this.log, index);
  }

  advanceTo(lower: number): void {
    if (lower <= this.lower) return;
    const to = this.log.indexAfter(Math.min(lower, this.upper));
    for (let i = this.log.indexAfter(this.lower); i < to; i++) this.state.remove(this.log, i);
    this.lower = lower;
    if (this.upper < lower) this.upper = lower;
  }

  /** The aggregate over the events with lower < ts <= t − lag. Read it before the log changes again. */
  query(lower: number, t: number): S {
    const upper = t - this.lag;
    const inOrder = this.lag === 0 ? t >= this.log.maxTs : upper >= this.upper;
    if (inOrder && lower >= this.lower) {
      this.advanceTo(lower);
      if (upper > this.upper) {
        const to = this.log.indexAfter(upper);
        for (let i = this.log.indexAfter(this.upper); i < to; i++) this.state.add(this.log, i);
        this.upper = upper;
      }
      return this.state;
    }
    const slice = this.create();
    const to = this.log.indexAfter(upper);
    for (let i = this.log.indexAfter(lower); i < to; i++) slice.add(this.log, i);
    return slice;
  }
}
