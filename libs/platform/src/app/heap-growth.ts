import { setFlagsFromString } from 'node:v8';

/**
 * Sets how far V8 lets the old generation grow past what the last full GC kept: the next limit is
 * (1 + percent / 100) × the live size.
 *
 * Why a stream consumer wants more than V8 picks on its own: V8 counts the ArrayBuffers allocated
 * since the last full GC (Kafka fetch responses, the frame views into them, images) against that
 * limit. A service that holds each buffer for a moment, long enough to outlive a scavenge, used up
 * V8's own headroom (about 1.6 × a 40 MB live heap) every few hundred ms: defect-inspector ran a
 * full GC two to three times a second at 4 cameras × 100 fps, most of them for buffers already dead.
 * V8 reads this setting at each full GC, so setting it at start-up applies from the first one.
 */
export function setHeapGrowingPercent(percent: number): void {
  if (!Number.isInteger(percent) || percent < 1 || percent > 1000) throw new RangeError(`heapGrowingPercent: expected an integer in [1, 1000], got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
