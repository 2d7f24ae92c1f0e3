import { pChart, PChartPoint, Subgroup } from './p-chart';
import { Side, WesternElectricRule } from './western-electric';

/**
 * How a live line is judged, subgroup by subgroup, as its time buckets close. Each closed subgroup
 * is judged once, on the p-chart of the subgroups of the `window` buckets that end with it (buckets
 * without inspections have no point): the alarms the Western Electric rules raise *at that
 * subgroup* are its alarms. So an alarm says what the chart showed when the subgroup closed, and
 * later subgroups (which move p̄) never take it back or add one in hindsight.
 */
export interface RollingChartOptions {
  /** The subgroup length (a time bucket aligned to the epoch), ms. */
  bucketMs: number;
  /** Buckets a judged subgroup's chart spans, its own included. */
  window: number;
  /** Fewest subgroups with inspections a chart needs to judge: p̄ from fewer is too unsettled. */
  minPoints: number;
}

export interface RaisedAlarm {
  rule: WesternElectricRule;
  side: Side;
  description: string;
  /** The judged subgroup (the point that completed the pattern) with its p, σ, limits and z. */
  point: PChartPoint;
  /** p̄ of the chart it was judged on, and that chart's first subgroup start (ISO-8601). */
  centre: number;
  chartStart: string;
  /** Starts (ISO-8601) of the chart's subgroups that meet the rule's condition, ascending. */
  points: string[];
}

/**
 * The alarms raised by each subgroup that starts in [judgeFromMs, judgeToMs). `subgroups` are the
 * line's non-empty buckets in ascending start order, reaching back `window − 1` buckets before
 * `judgeFromMs` so the first judged subgroup sees its whole chart.
 */
export function judgeSubgroups(subgroups: readonly Subgroup[], judgeFromMs: number, judgeToMs: number, options: RollingChartOptions): RaisedAlarm[] {
  checkRollingChart(options);
  const starts = subgroups.map((s, i) => {
    const startMs = Date.parse(s.start);
    if (i > 0 && !(startMs > Date.parse(subgroups[i - 1].start))) throw new RangeError(`subgroups[${i}].start (${s.start}) must be after subgroups[${i - 1}].start`);
    return startMs;
  });
  const raised: RaisedAlarm[] = [];
  let first = 0;
  starts.forEach((startMs, k) => {
    if (startMs < judgeFromMs || startMs >= judgeToMs) return;
    while (starts[first] <= startMs - options.window * options.bucketMs) first++;
    if (k + 1 - first < options.minPoints) return;
    const chart = pChart(subgroups.slice(first, k + 1));
    const at = chart.points.length - 1;
    for (const alarm of chart.alarms) {
      if (alarm.at !== at) continue;
      raised.push({
        rule: alarm.rule,
        side: alarm.side,
        description: alarm.description,
        point: chart.points[at],
        centre: chart.centre ?? 0,
        chartStart: chart.points[0].start,
        points: alarm.points.map((index) => chart.points[index].start),
      });
    }
  });
  return raised;
}

export function checkRollingChart(options: RollingChartOptions): void {
  if (!(Number.isSafeInteger(options.bucketMs) && options.bucketMs > 0)) throw new RangeError(`bucketMs: expected a whole number of ms > 0, got ${options.bucketMs}`);
  if (!(Number.isSafeInteger(options.window) && options.window >= 1)) throw new RangeError(`window: expected an integer >= 1, got ${options.window}`);
  if (!(Number.isSafeInteger(options.minPoints) && options.minPoints >= 1 && options.minPoints <= options.window)) {
    throw new RangeError(`minPoints: expected an integer from 1 to window (${options.window}), got ${options.minPoints}`);
  }
}
