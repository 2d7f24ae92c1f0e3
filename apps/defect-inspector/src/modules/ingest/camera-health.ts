import { QuantileSketch } from './quantile-sketch';
import { ReorderCounts } from './reorder-window';

/**
 * Per-camera health for the operators' dashboard and /metrics: live fps, what the transport lost
 * or mangled (gaps, duplicates, late frames, from the camera's ReorderWindow), what the platform
 * refused or shed, capture-to-ingest latency p50/p99, and the alignment stage's confidence.
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
  received: number;
  /** Messages refused by the contract (sent to the DLQ). */
  rejected: number;
  /** Accepted frames the platform discarded (load shed, clip broken). */
  dropped: number;
  gaps: number;
  duplicates: number;
  late: number;
  resyncs: number;
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
  #received = 0;
  #rejected = 0;
  #dropped = 0;
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
    this.#received++;
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

  frameRejected(): void {
    this.#rejected++;
  }

  framesDropped(count = 1): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`framesDropped: count must be an integer >= 0, got ${count}`);
    this.#dropped += count;
  }

  setAlignmentConfidence(value: number): void {
    if (!(value >= 0 && value <= 1)) throw new RangeError(`setAlignmentConfidence: value must be in [0, 1], got ${value}`);
    this.#alignmentConfidence = value;
  }

  snapshot(now: number, reorder: Readonly<ReorderCounts>): CameraHealthSnapshot {
    this.#rotate(now);
    const latency = new QuantileSketch();
    latency.merge(this.#previousLatency);
    latency.merge(this.#latency);
    return {
      cameraId: this.cameraId,
      fps: this.#fps(now),
      received: this.#received,
      rejected: this.#rejected,
      dropped: this.#dropped,
      gaps: reorder.gaps,
      duplicates: reorder.duplicates,
      late: reorder.late,
      resyncs: reorder.resyncs,
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
