import { EventLog, WindowState } from './event-log';

/** One counterparty's events in a window. */
interface Totals {
  count: number;
  /** minor units */
  sum: number;
}

/**
 * Per counterparty, how many events and how much money a log's window holds: distinct counts
 * (fan-out, fan-in, accounts per device) and pair velocity (originator → beneficiary) in one map.
 * With `marks`, only the events carrying one of those EventMark bits count (transfers only, say).
 */
export class CounterpartyTotals implements WindowState {
  private readonly byCounterparty = new Map<string, Totals>();

  constructor(private readonly marks = 0) {}

  /** Distinct counterparties. */
  get size(): number {
    return this.byCounterparty.size;
  }

  /** Distinct counterparties once `id` (the current transaction's) is included. */
  sizeWith(id: string): number {
    return this.byCounterparty.size + (this.byCounterparty.has(id) ? 0 : 1);
  }

  has(id: string): boolean {
    return this.byCounterparty.has(id);
  }

  count(id: string): number {
    return this.byCounterparty.get(id)?.count ?? 0;
  }

  sum(id: string): number {
    return this.byCounterparty.get(id)?.sum ?? 0;
  }

  add(log: EventLog, index: number): void {
    if (this.marks !== 0 && (log.marks[index] & this.marks) === 0) return;
    const id = log.other[index];
    const totals = this.byCounterparty.get(id);
    if (totals === undefined) this.byCounterparty.set(id, { count: 1, sum: log.amount[index] });
    else {
      totals.count++;
      totals.sum += log.amount[index];
    }
  }

  remove(log: EventLog, index: number): void {
    if (this.marks !== 0 && (log.marks[index] & this.marks) === 0) return;
    const id = log.other[index];
    const totals = this.byCounterparty.get(id);
    if (totals === undefined) return;
    if (--totals.count === 0) this.byCounterparty.delete(id);
    else totals.sum -= log.amount[index];
  }
}
