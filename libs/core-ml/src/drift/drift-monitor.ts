/**
 * Live drift of a model's inputs and score against its training reference, over a sliding window.
 * Values are binned as they arrive (the reference's edges), so a window costs bin counts, never
 * the values themselves, and a report is O(features × bins) whatever the traffic.
 */
import { systemTimers } from '../common/timers';
import { DRIFT_EPSILON, klDivergence, populationStabilityIndex, smooth, smoothedShares } from './divergence';
import { binOf, type DriftReference, type Histogram } from './drift-reference';

/**
 * `count`: the last `size` observations. `time`: those of the last `ms` milliseconds, kept in
 * `buckets` slices (default 60) that expire whole, so the window spans between ms·(buckets−1)/buckets
 * and ms.
 */
export type DriftWindow = { kind: 'count'; size: number } | { kind: 'time'; ms: number; buckets?: number };

export interface DriftMonitorOptions {
  window: DriftWindow;
  /** An input (or the score) alerts when its KL(live ‖ reference) exceeds this. Default 0.15. */
  klThreshold?: number;
  /** No alert before the window holds this many observations (few values make KL noisy). Default 100. */
  minObservations?: number;
  /** Smoothing added to every bin's share (see divergence.ts). Default DRIFT_EPSILON = 1e-4. */
  epsilon?: number;
  /** Milliseconds on a monotonic clock, for time windows. Default `performance.now`. */
  clock?: () => number;
}

export interface HistogramDrift {
  /** The feature's name, or `score`. */
  name: string;
  psi: number;
  kl: number;
  alert: boolean;
}

export interface DriftReport {
  observations: number;
  klThreshold: number;
  minObservations: number;
  epsilon: number;
  features: HistogramDrift[];
  score?: HistogramDrift;
  /** Names of what alerts (features, then `score`). */
  alerts: string[];
}

export const DEFAULT_KL_THRESHOLD = 0.15;

interface Bucket {
  id: number;
  observations: number;
  counts: Uint32Array;
}

export class DriftMonitor {
  readonly #histograms: readonly Histogram[];
  readonly #names: readonly string[];
  /** Where each histogram's bins start in the flat count arrays. */
  readonly #offsets: readonly number[];
  readonly #counts: Float64Array;
  readonly #window: DriftWindow;
  readonly #klThreshold: number;
  readonly #minObservations: number;
  readonly #epsilon: number;
  readonly #clock: () => number;
  readonly #smoothedReference: readonly number[][];
  #observations = 0;
  // count window: the bin of every histogram for each of the last `size` observations.
  #ring?: Uint16Array;
  #ringNext = 0;
  // time window: per-slice counts, oldest first.
  #buckets: Bucket[] = [];

  constructor(
    readonly reference: DriftReference,
    options: DriftMonitorOptions,
  ) {
    this.#histograms = [...reference.features, ...(reference.score ? [reference.score] : [])];
    this.#names = [...reference.features.map((f) => f.name), ...(reference.score ? ['score'] : [])];
    let total = 0;
    this.#offsets = this.#histograms.map((h) => {
      const offset = total;
      total += h.proportions.length;
      return offset;
    });
    if (this.#histograms.some((h) => h.proportions.length > 0xffff)) throw new RangeError('reference: at most 65535 bins per histogram');
    this.#counts = new Float64Array(total);
    this.#window = checkWindow(options.window);
    this.#klThreshold = options.klThreshold ?? DEFAULT_KL_THRESHOLD;
    if (!(this.#klThreshold > 0)) throw new RangeError(`klThreshold: expected a number > 0, got ${options.klThreshold}`);
    this.#minObservations = options.minObservations ?? 100;
    if (!(Number.isInteger(this.#minObservations) && this.#minObservations >= 1)) throw new RangeError(`minObservations: expected an integer >= 1, got ${options.minObservations}`);
    this.#epsilon = options.epsilon ?? DRIFT_EPSILON;
    if (!(this.#epsilon > 0 && this.#epsilon < 0.01)) throw new RangeError(`epsilon: expected a number in (0, 0.01), got ${options.epsilon}`);
    this.#clock = options.clock ?? systemTimers.now;
    this.#smoothedReference = this.#histograms.map((h) => smooth(h.proportions, this.#epsilon));
    if (this.#window.kind === 'count') this.#ring = new Uint16Array(this.#window.size * this.#histograms.length);
  }

  /** Observations in the window now. */
  get observations(): number {
    if (this.#window.kind === 'time') this.#expire(this.#clock());
    return this.#observations;
  }

  /**
   * One scored row: its features in the reference's order, and the model's score (ignored when the
   * reference has no score histogram). NaN counts as missing.
   */
  observe(features: ArrayLike<number>, score: number): void {
    const featureCount = this.reference.features.length;
    if (features.length !== featureCount) throw new RangeError(`features: ${features.length} values, the reference has ${featureCount} features`);
    const bins = this.#histograms.map((h, i) => binOf(h.edges, i < featureCount ? features[i] : score));
    if (this.#window.kind === 'count') this.#observeCounted(bins, this.#window.size);
    else this.#observeTimed(bins, this.#clock());
  }

  report(): DriftReport {
    const observations = this.observations;
    const drift = this.#histograms.map((h, i): HistogramDrift => {
      const live = smoothedShares(this.#counts.subarray(this.#offsets[i], this.#offsets[i] + h.proportions.length), this.#epsilon);
      const kl = klDivergence(live, this.#smoothedReference[i]);
      return {
        name: this.#names[i],
        psi: populationStabilityIndex(live, this.#smoothedReference[i]),
        kl,
        alert: observations >= this.#minObservations && kl > this.#klThreshold,
      };
    });
    const features = drift.slice(0, this.reference.features.length);
    const score = this.reference.score ? drift[drift.length - 1] : undefined;
    return {
      observations,
      klThreshold: this.#klThreshold,
      minObservations: this.#minObservations,
      epsilon: this.#epsilon,
      features,
      ...(score ? { score } : {}),
      alerts: drift.filter((d) => d.alert).map((d) => d.name),
    };
  }

  #add(bins: readonly number[] | Uint16Array, sign: 1 | -1, counts: Float64Array | Uint32Array = this.#counts): void {
    for (let i = 0; i < bins.length; i++) counts[this.#offsets[i] + bins[i]] += sign;
  }

  #observeCounted(bins: number[], size: number): void {
    const ring = this.#ring as Uint16Array;
    const width = bins.length;
    const slot = ring.subarray(this.#ringNext * width, (this.#ringNext + 1) * width);
    if (this.#observations === size) this.#add(slot, -1);
    else this.#observations++;
    slot.set(bins);
    this.#add(bins, 1);
    this.#ringNext = (this.#ringNext + 1) % size;
  }

  #observeTimed(bins: number[], now: number): void {
    this.#expire(now);
    const id = Math.floor(now / this.#sliceMs());
    let bucket = this.#buckets[this.#buckets.length - 1];
    if (bucket === undefined || bucket.id !== id) {
      bucket = { id, observations: 0, counts: new Uint32Array(this.#counts.length) };
      this.#buckets.push(bucket);
    }
    bucket.observations++;
    for (let i = 0; i < bins.length; i++) bucket.counts[this.#offsets[i] + bins[i]]++;
    this.#add(bins, 1);
    this.#observations++;
  }

  /** Drops the slices that have left the window. */
  #expire(now: number): void {
    const oldestKept = Math.floor(now / this.#sliceMs()) - this.#sliceCount() + 1;
    while (this.#buckets.length > 0 && this.#buckets[0].id < oldestKept) {
      const bucket = this.#buckets.shift() as Bucket;
      for (let i = 0; i < bucket.counts.length; i++) this.#counts[i] -= bucket.counts[i];
      this.#observations -= bucket.observations;
    }
  }

  #sliceCount(): number {
    return this.#window.kind === 'time' ? (this.#window.buckets ?? 60) : 1;
  }

  #sliceMs(): number {
    return this.#window.kind === 'time' ? this.#window.ms / this.#sliceCount() : 1;
  }
}

function checkWindow(window: DriftWindow): DriftWindow {
  if (window.kind === 'count') {
    if (!(Number.isInteger(window.size) && window.size >= 1)) throw new RangeError(`window.size: expected an integer >= 1, got ${window.size}`);
    return { ...window };
  }
  if (window.kind === 'time') {
    const buckets = window.buckets ?? 60;
    if (!(Number.isInteger(buckets) && buckets >= 1)) throw new RangeError(`window.buckets: expected an integer >= 1, got ${window.buckets}`);
    if (!(Number.isFinite(window.ms) && window.ms >= buckets)) throw new RangeError(`window.ms: expected a number of ms >= window.buckets, got ${window.ms}`);
    return { ...window, buckets };
  }
  throw new RangeError(`window.kind: expected 'count' or 'time', got ${JSON.stringify((window as { kind: unknown }).kind)}`);
}
