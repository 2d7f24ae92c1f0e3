import { COUNT_BUCKET_MS } from '../ingest/camera-health';

/** A span of time in ms since epoch, end excluded. */
export interface Span {
  fromMs: number;
  toMs: number;
}

/**
 * The whole count buckets inside [fromMs, toMs): what a window's camera counts cover exactly (a
 * bucket cut by an end of the window is left out, its counts cannot be split). Undefined when no
 * whole bucket fits.
 */
export function countedSpan(fromMs: number, toMs: number, bucketMs = COUNT_BUCKET_MS): Span | undefined {
  const span = { fromMs: Math.ceil(fromMs / bucketMs) * bucketMs, toMs: Math.floor(toMs / bucketMs) * bucketMs };
  return span.toMs > span.fromMs ? span : undefined;
}

/** Frames per second over a span. */
export function meanFps(frames: number, span: Span): number {
  return (frames * 1000) / (span.toMs - span.fromMs);
}
