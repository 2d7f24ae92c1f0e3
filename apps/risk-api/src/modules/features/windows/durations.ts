/** Durations in event-time milliseconds. */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The sliding windows the features use; the longest decides how much history the logs keep. */
export const WINDOWS = { '1m': MINUTE, '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY } as const;
export const LONGEST_WINDOW = WINDOWS['30d'];

/** The UTC hour (0..23) of an epoch-ms timestamp, also for timestamps before 1970. */
export function utcHour(ts: number): number {
  const hour = Math.floor(ts / HOUR) % 24;
  return hour < 0 ? hour + 24 : hour;
}
