/**
 * V8's old-generation headroom for the inspector's processes (setHeapGrowingPercent). Frames are
 * Kafka buffers held until their clip is scored: without it V8 ran a full GC 2–3 times a second for
 * them (bench:inspector, 4 cameras × 100 fps); with it, one every few seconds. bench:inspector gives
 * its own frame producer and verdict listener the same.
 */
export const INSPECTOR_HEAP_GROWING_PERCENT = 300;
