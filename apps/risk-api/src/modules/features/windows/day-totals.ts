import { DAY, utcDay } from './durations';

/** Events and money (minor units) of one UTC day. */
interface Totals {
  count: number;
  sum: number;
}

/**
 * Count and sum per whole UTC day for one key (a merchant category): peer statistics over "the N
 * whole days before this transaction's day" for a key far too busy to keep every event of. Those
 * days end before the transaction, so it never sees a later event; a day counts only while it starts
 * after the retention floor, the same rule pruning follows, so pruning never changes an answer.
 */
export class DayTotals {
  private readonly days = new Map<number, Totals>();

  get size(): number {
    return this.days.size;
  }

  add(ts: number, amount: number): void {
    const day = utcDay(ts);
    const totals = this.days.get(day);
    if (totals === undefined) this.days.set(day, { count: 1, sum: amount });
    else {
      totals.count++;
      totals.sum += amount;
    }
  }

  /** Events and their sum over the `days` whole days before t's day, those starting after `floor`. */
  query(t: number, days: number, floor: number): Totals {
    const today = utcDay(t);
    const result = { count: 0, sum: 0 };
    for (let day = Math.max(today - days, utcDay(floor) + 1); day < today; day++) {
      const totals = this.days.get(day);
      if (totals === undefined) continue;
      result.count += totals.count;
      result.sum += totals.sum;
    }
    return result;
  }

  /** Drops the days starting at or before `floor`; false once nothing is left. */
  prune(floor: number): boolean {
    for (const day of this.days.keys()) if (day * DAY <= floor) this.days.delete(day);
    return this.days.size > 0;
  }
}
