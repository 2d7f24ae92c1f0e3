/**
 * Production shifts, in UTC: each starts on a whole hour and runs until the next one starts, the
 * last one past midnight into the next day. A shift belongs to the production day it starts on:
 * with the default A 06–14, B 14–22, C 22–06, 03:00 on the 2nd is shift C of the 1st.
 */
export interface ShiftDefinition {
  name: string;
  /** UTC hour the shift starts, 0..23. */
  startHour: number;
}

export const DEFAULT_SHIFTS: readonly ShiftDefinition[] = [
  { name: 'A', startHour: 6 },
  { name: 'B', startHour: 14 },
  { name: 'C', startHour: 22 },
];

/** One occurrence of a shift. */
export interface ShiftSlot {
  shift: string;
  /** The production day (UTC date the shift starts on), YYYY-MM-DD. */
  day: string;
  startMs: number;
  endMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Refuses a shift table that does not cover the day in ascending, distinct whole hours. */
export function checkShifts(shifts: readonly ShiftDefinition[]): void {
  if (shifts.length === 0) throw new RangeError('shifts: at least one shift is needed');
  shifts.forEach((s, i) => {
    if (!Number.isInteger(s.startHour) || s.startHour < 0 || s.startHour > 23) throw new RangeError(`shifts[${i}].startHour must be an integer hour 0..23, got ${s.startHour}`);
    if (i > 0 && s.startHour <= shifts[i - 1].startHour) throw new RangeError(`shifts[${i}].startHour (${s.startHour}) must be after shifts[${i - 1}].startHour (${shifts[i - 1].startHour})`);
    if (s.name.length === 0) throw new RangeError(`shifts[${i}].name must not be empty`);
  });
}

/** The shift occurrence that `tsMs` (ms since epoch) falls in. */
export function shiftOf(tsMs: number, shifts: readonly ShiftDefinition[] = DEFAULT_SHIFTS): ShiftSlot {
  if (!Number.isFinite(tsMs)) throw new RangeError(`shiftOf: tsMs must be a finite number of ms, got ${tsMs}`);
  checkShifts(shifts);
  const midnight = Math.floor(tsMs / DAY_MS) * DAY_MS;
  const hour = Math.floor((tsMs - midnight) / HOUR_MS);
  let index = shifts.length - 1;
  while (index >= 0 && shifts[index].startHour > hour) index--;
  // Before the day's first shift: still the previous day's last shift.
  const day = index < 0 ? midnight - DAY_MS : midnight;
  const current = index < 0 ? shifts.length - 1 : index;
  const startMs = day + shifts[current].startHour * HOUR_MS;
  const next = shifts[current + 1];
  const endMs = next === undefined ? day + DAY_MS + shifts[0].startHour * HOUR_MS : day + next.startHour * HOUR_MS;
  return { shift: shifts[current].name, day: new Date(day).toISOString().slice(0, 10), startMs, endMs };
}
