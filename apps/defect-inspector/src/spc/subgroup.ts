/**
 * How a p-chart groups a line's inspections into subgroups:
 * - `15m`, `1h`, `8h`, ...: fixed UTC time buckets of that many minutes or hours, a divisor of a day,
 *   aligned to midnight (so `1h` starts on the hour); each bucket's size is what it inspected;
 * - `shift`: one subgroup per shift occurrence (see shifts.ts);
 * - `parts:500`: consecutive runs of that many inspections in capture order; the last run may be shorter.
 */
export type SubgroupSpec = { kind: 'time'; ms: number } | { kind: 'shift' } | { kind: 'parts'; size: number };

export const SUBGROUP_PATTERN = /^(?:(\d{1,4})([mh])|shift|parts:(\d{1,7}))$/;
export const MAX_PARTS_PER_SUBGROUP = 1_000_000;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

export function parseSubgroup(spec: string): SubgroupSpec {
  const match = SUBGROUP_PATTERN.exec(spec);
  if (match === null) throw new RangeError(`subgroup must be a duration like 15m or 1h, 'shift', or 'parts:<N>', got '${spec}'`);
  if (spec === 'shift') return { kind: 'shift' };
  if (match[3] !== undefined) {
    const size = Number(match[3]);
    if (size < 1 || size > MAX_PARTS_PER_SUBGROUP) throw new RangeError(`subgroup parts:<N> needs N from 1 to ${MAX_PARTS_PER_SUBGROUP}, got ${size}`);
    return { kind: 'parts', size };
  }
  const minutes = Number(match[1]) * (match[2] === 'h' ? 60 : 1);
  if (minutes < 1 || minutes > DAY_MINUTES || DAY_MINUTES % minutes !== 0) {
    throw new RangeError(`subgroup duration must divide a day (e.g. 5m, 15m, 1h, 8h, 24h), got '${spec}'`);
  }
  return { kind: 'time', ms: minutes * MINUTE_MS };
}
