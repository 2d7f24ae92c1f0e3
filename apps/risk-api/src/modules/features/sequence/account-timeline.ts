import { Transaction } from '@vigil/contracts';

/** One transaction as a step of its accounts' timelines; shared by the originator's and the beneficiary's. */
export interface TimelineEvent {
  readonly ts: number;
  readonly tx: Transaction;
  /** The step's channels that do not depend on whose timeline or which window it is in, computed once. */
  readonly row: Float32Array;
}

/**
 * An account's recent transactions (sent or received) in event-time order, ties in processing order.
 * It holds what a window of `keep` steps before any still-on-time transaction can need: every event
 * newer than the lateness bound, plus `keep` before it; older ones go as new events arrive.
 */
export class AccountTimeline {
  private readonly events: TimelineEvent[] = [];

  constructor(private readonly keep: number) {}

  get size(): number {
    return this.events.length;
  }

  /** The latest event time held (−∞ when empty). */
  get latest(): number {
    return this.events.length > 0 ? this.events[this.events.length - 1].ts : -Infinity;
  }

  /**
   * Up to `count` events with floor < ts <= t, oldest first: the most recent ones as of t. Events
   * processed later with an earlier timestamp are included (they happened before t), later ones never.
   */
  before(t: number, floor: number, count: number): TimelineEvent[] {
    let end = this.upperBound(t);
    const selected: TimelineEvent[] = [];
    while (end > 0 && selected.length < count && this.events[end - 1].ts > floor) selected.push(this.events[--end]);
    return selected.reverse();
  }

  /**
   * Inserts after every event with ts <= event.ts, then lets go of what no on-time transaction
   * (ts > onTimeFrom) can reach: the oldest events while `keep` newer ones are all at or before
   * onTimeFrom, and anything at or before `floor`.
   */
  insert(event: TimelineEvent, onTimeFrom: number, floor: number): void {
    this.events.splice(this.upperBound(event.ts), 0, event);
    this.trim(onTimeFrom, floor);
  }

  /** Drops events at or before `floor`; false once nothing is left. */
  prune(floor: number): boolean {
    let drop = 0;
    while (drop < this.events.length && this.events[drop].ts <= floor) drop++;
    if (drop > 0) this.events.splice(0, drop);
    return this.events.length > 0;
  }

  private trim(onTimeFrom: number, floor: number): void {
    let drop = 0;
    while (this.events.length - drop > this.keep && this.events[drop + this.keep].ts <= onTimeFrom) drop++;
    if (drop > 0) this.events.splice(0, drop);
    this.prune(floor);
  }

  /** The index of the first event with ts > t. */
  private upperBound(t: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].ts <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
