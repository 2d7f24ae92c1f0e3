/**
 * Streaming quantiles with a relative-error guarantee (the DDSketch idea): values fall into
 * logarithmic buckets of ratio γ = (1 + α) / (1 − α), so any quantile comes back within a factor
 * (1 ± α) of a true sample value, in fixed memory (one count per bucket between `min` and `max`),
 * O(1) per value. Values below `min` count in one bucket reported as `min`, above `max` as `max`.
 */
export interface QuantileSketchOptions {
  /** Relative accuracy α, in (0, 0.5). Default 0.01. */
  relativeAccuracy?: number;
  /** Smallest value told apart. Default 0.001. */
  min?: number;
  /** Largest value told apart. Default 1e7. */
  max?: number;
}

export class QuantileSketch {
  readonly #logGamma: number;
  readonly #gamma: number;
  readonly #offset: number;
  readonly #min: number;
  readonly #max: number;
  readonly #counts: Float64Array;
  #count = 0;

  constructor(options: QuantileSketchOptions = {}) {
    const alpha = options.relativeAccuracy ?? 0.01;
    if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`relativeAccuracy: expected a number in (0, 0.5), got ${alpha}`);
    this.#min = options.min ?? 0.001;
    this.#max = options.max ?? 1e7;
    if (!(this.#min > 0 && this.#max > this.#min && Number.isFinite(this.#max))) throw new RangeError(`min/max: expected 0 < min < max, got ${this.#min} and ${this.#max}`);
    this.#gamma = (1 + alpha) / (1 - alpha);
    this.#logGamma = Math.log(this.#gamma);
    this.#offset = Math.ceil(Math.log(this.#min) / this.#logGamma);
    this.#counts = new Float64Array(Math.ceil(Math.log(this.#max) / this.#logGamma) - this.#offset + 1);
  }

  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    if (Number.isNaN(value)) throw new RangeError('add: value is NaN');
    const clamped = Math.min(this.#max, Math.max(this.#min, value));
    this.#counts[Math.ceil(Math.log(clamped) / this.#logGamma) - this.#offset]++;
    this.#count++;
  }

  /** Adds every value of another sketch with the same options. */
  merge(other: QuantileSketch): void {
    if (other.#counts.length !== this.#counts.length || other.#gamma !== this.#gamma) throw new RangeError('merge: other sketch has different options');
    for (let i = 0; i < this.#counts.length; i++) this.#counts[i] += other.#counts[i];
    this.#count += other.#count;
  }

  /** The q-quantile (0..1) of what was added; undefined when empty. */
  quantile(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
    if (this.#count === 0) return undefined;
    const rank = q * (this.#count - 1);
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i];
      if (seen > rank) {
        // The bucket (γ^(k−1), γ^k] is answered by the point with equal relative error to both ends.
        const value = (2 * Math.pow(this.#gamma, i + this.#offset)) / (this.#gamma + 1);
        return Math.min(this.#max, Math.max(this.#min, value));
      }
    }
    return this.#max;
  }

  clear(): void {
    this.#counts.fill(0);
    this.#count = 0;
  }
}
