import { checkShifts, DEFAULT_SHIFTS, ShiftDefinition, shiftOf } from './shifts';

/** Inspections of one line within one whole UTC hour (shifts start on whole hours, so hours fold into shifts). */
export interface HourlyCount {
  line: string;
  /** Start of the hour, ms since epoch (a multiple of 3 600 000). */
  hourMs: number;
  inspected: number;
  defective: number;
}

export interface YieldFigures {
  inspected: number;
  defective: number;
  /** Good parts / inspected: (inspected − defective) / inspected; null with nothing inspected. */
  yield: number | null;
}

export interface ShiftYield extends YieldFigures {
  shift: string;
  day: string;
  start: string;
  end: string;
}

export interface LineYield extends YieldFigures {
  line: string;
  /** The line's shifts that inspected anything, oldest first. */
  shifts: ShiftYield[];
}

const HOUR_MS = 3_600_000;

function figures(inspected: number, defective: number): YieldFigures {
  return { inspected, defective, yield: inspected === 0 ? null : (inspected - defective) / inspected };
}

/** First-pass yield per line (lines by name) and per shift occurrence within each line. */
export function yieldByLineAndShift(hours: readonly HourlyCount[], shifts: readonly ShiftDefinition[] = DEFAULT_SHIFTS): LineYield[] {
  checkShifts(shifts);
  const lines = new Map<string, Map<number, { slot: ReturnType<typeof shiftOf>; inspected: number; defective: number }>>();
  hours.forEach((h, i) => {
    if (h.hourMs % HOUR_MS !== 0) throw new RangeError(`hours[${i}].hourMs must start a whole UTC hour, got ${h.hourMs}`);
    if (!Number.isSafeInteger(h.inspected) || h.inspected < 0) throw new RangeError(`hours[${i}].inspected must be an integer >= 0, got ${h.inspected}`);
    if (!Number.isSafeInteger(h.defective) || h.defective < 0 || h.defective > h.inspected) throw new RangeError(`hours[${i}].defective must be an integer from 0 to inspected, got ${h.defective}`);
    const slot = shiftOf(h.hourMs, shifts);
    const byShift = lines.get(h.line) ?? new Map();
    lines.set(h.line, byShift);
    const sum = byShift.get(slot.startMs) ?? { slot, inspected: 0, defective: 0 };
    sum.inspected += h.inspected;
    sum.defective += h.defective;
    byShift.set(slot.startMs, sum);
  });
  return [...lines.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([line, byShift]) => {
      const slots = [...byShift.values()].filter((s) => s.inspected > 0).sort((a, b) => a.slot.startMs - b.slot.startMs);
      const inspected = slots.reduce((sum, s) => sum + s.inspected, 0);
      const defective = slots.reduce((sum, s) => sum + s.defective, 0);
      return {
        line,
        ...figures(inspected, defective),
        shifts: slots.map((s) => ({
          shift: s.slot.shift,
          day: s.slot.day,
          start: new Date(s.slot.startMs).toISOString(),
          end: new Date(s.slot.endMs).toISOString(),
          ...figures(s.inspected, s.defective),
        })),
      };
    });
}
