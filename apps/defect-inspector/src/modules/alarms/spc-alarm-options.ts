import { parseSubgroup, RollingChartOptions } from '../../spc';

/** Which chart the evaluator judges each line on, and how often it looks. */
export interface SpcAlarmOptions {
  /** The chart's subgroup: a UTC time bucket, as GET /spc/p-chart takes it. */
  subgroup: string;
  /** Buckets each judged subgroup's chart spans, its own included; also how far back a stopped evaluator catches up. */
  window: number;
  /** Fewest subgroups with inspections a chart needs before it raises anything. */
  minPoints: number;
  /** How long after a subgroup ends it is judged, so verdicts still in the pipeline are counted in it. */
  graceMs: number;
  /** How often the evaluator looks for closed subgroups; 0: never on its own (only when called). */
  intervalMs: number;
}

export const SPC_ALARM_OPTIONS = Symbol('SPC_ALARM_OPTIONS');

/** Hourly subgroups, each judged on the chart of the day up to it, two minutes after the hour. */
export const DEFAULT_SPC_ALARM_OPTIONS: Readonly<SpcAlarmOptions> = {
  subgroup: '1h',
  window: 24,
  minPoints: 8,
  graceMs: 120_000,
  intervalMs: 30_000,
};

/** The rolling chart the options describe; refuses a subgroup that is not a time bucket, and bad numbers, naming them. */
export function spcAlarmChart(options: SpcAlarmOptions): RollingChartOptions {
  const spec = parseSubgroup(options.subgroup);
  if (spec.kind !== 'time') throw new RangeError(`subgroup: SPC alarms need a time bucket (e.g. 1h), got '${options.subgroup}'`);
  for (const name of ['graceMs', 'intervalMs'] as const) {
    if (!(Number.isFinite(options[name]) && options[name] >= 0)) throw new RangeError(`${name}: expected a number of ms >= 0, got ${options[name]}`);
  }
  return { bucketMs: spec.ms, window: options.window, minPoints: options.minPoints };
}
