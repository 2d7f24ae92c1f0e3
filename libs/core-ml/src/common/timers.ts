/**
 * The clock and timers behind the session cache's idle TTL and the batcher's max wait (STYLE R2:
 * the clock is a port). Tests pass nothing and use jest's fake timers, which replace the globals
 * this default looks up on every call (not once at import), `performance.now` included.
 */

export type TimerHandle = ReturnType<typeof setTimeout>;

export interface Timers {
  /** Milliseconds on a monotonic clock; only differences are meaningful. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * `performance.now()` rather than `Date.now()`: a wall-clock step (NTP, a VM resume) must neither
 * flush every waiting batch at once nor keep one waiting for an hour.
 */
export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};
