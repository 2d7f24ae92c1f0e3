/** Durations in event-time milliseconds. */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * The sliding windows the features use; the longest decides how much history the logs keep. 35 d is
 * the learned roles' window: a monthly run (payroll, debits) falls in it again a month later.
 */
export const WINDOWS = { '1m': MINUTE, '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '35d': 35 * DAY } as const;
export const LONGEST_WINDOW = WINDOWS['35d'];

/** UTC day number of an epoch-ms timestamp (day 0 starts 1970-01-01), also before 1970. */
export function utcDay(ts: number): number {
  return Math.floor(ts / DAY);
}

/** The UTC hour (0..23) of an epoch-ms timestamp, also for timestamps before 1970. */
export function utcHour(ts: number): number {
  const hour = Math.floor(ts / HOUR) % 24;
  return hour < 0 ? hour + 24 : hour;
}
