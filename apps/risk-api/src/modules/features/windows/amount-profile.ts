import { utcHour } from './durations';
import { EventLog, WindowState } from './event-log';
import { lowerBound, upperBound } from './sorted';

/**
 * An account's amounts and hours over a window: count, integer sum, exact sum of squares (BigInt:
 * squares of minor units outgrow Number's exact range), the amounts sorted for max and percentile,
 * and a UTC-hour histogram. Everything is integer, so the incremental and the rebuilt profile are
 * identical and the floats appear only in the final feature values.
 */
export class AmountProfile implements WindowState {
  private readonly sorted: number[] = [];
  private sumMinor = 0;
  private sumSquares = 0n;
  private readonly hours = new Int32Array(24);

  get count(): number {
    return this.sorted.length;
  }

  get sum(): number {
    return this.sumMinor;
  }

  get max(): number {
    return this.sorted.length === 0 ? 0 : this.sorted[this.sorted.length - 1];
  }

  /** Events in this UTC hour. */
  inHour(hour: number): number {
    return this.hours[hour];
  }

  /** Amounts strictly below and equal to `amount`. */
  rank(amount: number): { below: number; equal: number } {
    const below = lowerBound(this.sorted, amount, 0, this.sorted.length);
    return { below, equal: upperBound(this.sorted, amount, below, this.sorted.length) - below };
  }

  /**
   * (amount - mean) / population std, as (n·amount − Σx) / √(n·Σx² − (Σx)²): the numerator and the
   * radicand are exact integers, so only the last division and root round. 0 when fewer than two
   * amounts or when they are all equal.
   */
  zScore(amount: number): number {
    const n = BigInt(this.sorted.length);
    if (n < 2n) return 0;
    const sum = BigInt(this.sumMinor);
    const radicand = n * this.sumSquares - sum * sum;
    if (radicand === 0n) return 0;
    return Number(n * BigInt(amount) - sum) / Math.sqrt(Number(radicand));
  }

  add(log: EventLog, index: number): void {
    const amount = log.amount[index];
    this.sorted.splice(upperBound(this.sorted, amount, 0, this.sorted.length), 0, amount);
    this.sumMinor += amount;
    this.sumSquares += BigInt(amount) * BigInt(amount);
    this.hours[utcHour(log.ts[index])]++;
  }

  remove(log: EventLog, index: number): void {
    const amount = log.amount[index];
    this.sorted.splice(lowerBound(this.sorted, amount, 0, this.sorted.length), 1);
    this.sumMinor -= amount;
    this.sumSquares -= BigInt(amount) * BigInt(amount);
    this.hours[utcHour(log.ts[index])]--;
  }
}
