import { QuantileSketch } from './quantile-sketch';
import { ReorderCounts } from './reorder-window';

/**
 * Per-camera live health for the operators' dashboard and /metrics: fps, capture-to-ingest latency
 * p50/p99 and the alignment stage's confidence. What the transport lost or mangled and what the
 * platform refused or shed are counted per window by CameraCountTally instead, exactly.
 *
 * fps counts arrivals in 100 ms buckets over a sliding `fpsWindowMs`, so it falls to 0 when a camera
 * stops, in fixed memory whatever the rate. Latency quantiles cover the last one to two
 * `latencyWindowMs` (two sketches, rotated), so an old spike ages out. Time is passed in (ms on a
 * monotonic clock); latency is measured by the caller (wall clock now − the frame's ts).
 */
export interface CameraHealthOptions {
  /** Default 5000. */
  fpsWindowMs?: number;
  /** Default 60000. */
  latencyWindowMs?: number;
}

export interface CameraHealthSnapshot {
  cameraId: string;
  fps: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** 0..1 from the alignment stage; null until it reports. */
  alignmentConfidence: number | null;
}

const BUCKET_MS = 100;

export class CameraHealth {
  readonly #fpsWindowMs: number;
  readonly #latencyWindowMs: number;
  readonly #bucketCounts: Uint32Array;
  readonly #bucketIds: Float64Array;
  #firstAt: number | undefined;
  #latency = new QuantileSketch();
  #previousLatency = new QuantileSketch();
  #rotatedAt = 0;
  #alignmentConfidence: number | null = null;

  constructor(
    readonly cameraId: string,
    options: CameraHealthOptions = {},
  ) {
    this.#fpsWindowMs = options.fpsWindowMs ?? 5000;
    this.#latencyWindowMs = options.latencyWindowMs ?? 60_000;
    if (!(Number.isFinite(this.#fpsWindowMs) && this.#fpsWindowMs >= BUCKET_MS)) throw new RangeError(`fpsWindowMs: expected at least ${BUCKET_MS} ms, got ${this.#fpsWindowMs}`);
    if (!(Number.isFinite(this.#latencyWindowMs) && this.#latencyWindowMs > 0)) throw new RangeError(`latencyWindowMs: expected a number of ms > 0, got ${this.#latencyWindowMs}`);
    const buckets = Math.ceil(this.#fpsWindowMs / BUCKET_MS);
    this.#bucketCounts = new Uint32Array(buckets);
    this.#bucketIds = new Float64Array(buckets).fill(-1);
  }

  /** An accepted frame arrived at `now`, `latencyMs` after its capture. */
  frameReceived(now: number, latencyMs: number): void {
    this.#firstAt ??= now;
    const id = Math.floor(now / BUCKET_MS);
    const slot = id % this.#bucketCounts.length;
    if (this.#bucketIds[slot] !== id) {
      this.#bucketIds[slot] = id;
      this.#bucketCounts[slot] = 0;
    }
    this.#bucketCounts[slot]++;
    this.#rotate(now);
    // A camera clock ahead of ours gives a negative latency: it counts as the smallest.
    this.#latency.add(Math.max(0, latencyMs));
  }

  setAlignmentConfidence(value: number): void {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`setAlignmentConfidence: value must be in [0, 1], got ${value}`);
    this.#alignmentConfidence = value;
  }

  snapshot(now: number): CameraHealthSnapshot {
    this.#rotate(now);
    const latency = new QuantileSketch();
    latency.merge(this.#previousLatency);
    latency.merge(this.#latency);
    return {
      cameraId: this.cameraId,
      fps: this.#fps(now),
      latencyP50Ms: latency.quantile(0.5) ?? null,
      latencyP99Ms: latency.quantile(0.99) ?? null,
      alignmentConfidence: this.#alignmentConfidence,
    };
  }

  #fps(now: number): number {
    if (this.#firstAt === undefined) return 0;
    const id = Math.floor(now / BUCKET_MS);
    let frames = 0;
    for (let i = 0; i < this.#bucketCounts.length; i++) {
      if (this.#bucketIds[i] > id - this.#bucketCounts.length && this.#bucketIds[i] <= id) frames += this.#bucketCounts[i];
    }
    // The buckets span the window, or what has passed of it since the first frame (the current bucket included).
    const spanMs = Math.min(this.#bucketCounts.length, id - Math.floor(this.#firstAt / BUCKET_MS) + 1) * BUCKET_MS;
    return (frames * 1000) / spanMs;
  }

  #rotate(now: number): void {
    if (now - this.#rotatedAt < this.#latencyWindowMs) return;
    if (now - this.#rotatedAt >= 2 * this.#latencyWindowMs) this.#latency.clear();
    [this.#previousLatency, this.#latency] = [this.#latency, this.#previousLatency];
    this.#latency.clear();
    this.#rotatedAt = now;
  }
}

/** What GET /cameras/health sums per camera and window. */
export const CAMERA_COUNTERS = ['received', 'rejected', 'dropped', 'gaps', 'duplicates', 'late', 'resyncs'] as const;
export type CameraCounters = Record<(typeof CAMERA_COUNTERS)[number], number>;

/** The span of Kafka time each stored count row covers (defect.camera_count checks its starts). */
export const COUNT_BUCKET_MS = 10_000;

/** One camera's count increments in one bucket. */
export interface CountBucket extends CameraCounters {
  cameraId: string;
  /** The camera's line as last seen; null for a camera known only from refused messages. */
  lineId: string | null;
  /** ms since epoch, a multiple of COUNT_BUCKET_MS. */
  bucketStart: number;
}

const REORDER_COUNTERS = ['gaps', 'duplicates', 'late', 'resyncs'] as const;

/**
 * One partition's count increments (frames received, refused by the contract, dropped, and the
 * reorder windows' gaps, duplicates, late frames and resyncs) per camera and COUNT_BUCKET_MS bucket
 * of the Kafka timestamp of the message that caused them, until a batch takes them into its
 * transaction. Kafka time, not the clock at processing, so a partition replayed after a failure puts
 * every count in the bucket it would have been in had nothing failed.
 *
 * Reorder counts are cumulative per window: only their growth since the last look is added. A look
 * without a time (a frame replayed whose counts are already stored) moves the baseline only.
 */
export class CameraCountTally {
  readonly #buckets = new Map<string, CountBucket>();
  readonly #seen = new Map<string, Pick<ReorderCounts, (typeof REORDER_COUNTERS)[number]>>();

  add(cameraId: string, lineId: string | null, atMs: number, counts: Partial<CameraCounters>): void {
    const bucket = this.#bucket(cameraId, lineId, atMs);
    for (const name of CAMERA_COUNTERS) {
      const count = counts[name] ?? 0;
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`${name}: expected an integer >= 0, got ${count}`);
      bucket[name] += count;
    }
  }

  /** Adds the growth of a camera's reorder counts since the last look, at `atMs`; undefined only looks. */
  reorder(cameraId: string, lineId: string | null, counts: Readonly<ReorderCounts>, atMs: number | undefined): void {
    let seen = this.#seen.get(cameraId);
    if (seen === undefined) {
      seen = { gaps: 0, duplicates: 0, late: 0, resyncs: 0 };
      this.#seen.set(cameraId, seen);
    }
    // Called for every camera of the partition on every frame: nothing is allocated when nothing grew.
    if (atMs !== undefined && REORDER_COUNTERS.some((name) => counts[name] !== seen[name])) {
      this.add(cameraId, lineId, atMs, { gaps: counts.gaps - seen.gaps, duplicates: counts.duplicates - seen.duplicates, late: counts.late - seen.late, resyncs: counts.resyncs - seen.resyncs });
    }
    for (const name of REORDER_COUNTERS) seen[name] = counts[name];
  }

  /** The increments so far, one row per camera and bucket; the tally starts empty again (its baselines stay). */
  take(): CountBucket[] {
    const rows = [...this.#buckets.values()];
    this.#buckets.clear();
    return rows;
  }

  #bucket(cameraId: string, lineId: string | null, atMs: number): CountBucket {
    if (!Number.isFinite(atMs)) throw new RangeError(`atMs: expected ms since epoch, got ${atMs}`);
    const bucketStart = Math.floor(atMs / COUNT_BUCKET_MS) * COUNT_BUCKET_MS;
    const key = `${cameraId}\n${bucketStart}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { cameraId, lineId, bucketStart, received: 0, rejected: 0, dropped: 0, gaps: 0, duplicates: 0, late: 0, resyncs: 0 };
      this.#buckets.set(key, bucket);
    }
    bucket.lineId = lineId ?? bucket.lineId;
    return bucket;
  }
}
