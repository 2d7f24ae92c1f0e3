import { Subgroup } from './p-chart';
import { judgeSubgroups, RollingChartOptions } from './rolling-chart';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-11-22T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
/** Hourly subgroups of 100 parts from T0, `defects[h]` defective in hour h; null: an hour without inspections. */
const hours = (defects: (number | null)[]): Subgroup[] =>
  defects.flatMap((defective, h) => (defective === null ? [] : [{ start: iso(T0 + h * HOUR_MS), end: iso(T0 + (h + 1) * HOUR_MS), inspected: 100, defective }]));
const OPTIONS: RollingChartOptions = { bucketMs: HOUR_MS, window: 24, minPoints: 8 };
const summary = (subgroups: Subgroup[], options = OPTIONS, fromMs = T0, toMs = T0 + 1000 * HOUR_MS) =>
  judgeSubgroups(subgroups, fromMs, toMs, options).map((a) => [a.rule, a.side, (Date.parse(a.point.start) - T0) / HOUR_MS]);

describe(judgeSubgroups.name, () => {
  it('judges each hour on the chart as it stood when the hour closed, never in hindsight', () => {
    // Nine hours at 4 %, then 20 %. The p-chart of all ten puts hours 0..8 below p̄ = 0.056 (rule 4 at
    // hours 7 and 8), but when those hours closed p̄ was 0.04 and every point sat on it: no alarm.
    const subgroups = hours([4, 4, 4, 4, 4, 4, 4, 4, 4, 20]);

    const raised = judgeSubgroups(subgroups, T0, T0 + 10 * HOUR_MS, OPTIONS);

    expect(raised).toHaveLength(1);
    // Hour 9's chart: p̄ = 56 / 1000; σ = √(0.056 · 0.944 / 100) = 0.0229922; z = (0.2 − 0.056) / σ = 6.2630.
    expect(raised[0]).toMatchObject({ rule: 1, side: 'above', centre: 0.056, chartStart: iso(T0), points: [iso(T0 + 9 * HOUR_MS)] });
    expect(raised[0].point).toMatchObject({ start: iso(T0 + 9 * HOUR_MS), end: iso(T0 + 10 * HOUR_MS), inspected: 100, defective: 20, p: 0.2 });
    expect(raised[0].point.ucl).toBeCloseTo(0.1249766, 6);
    expect(raised[0].point.z).toBeCloseTo(6.263, 3);
  });

  it('raises rule 4 at the eighth hour of a shift upwards, and again at each further hour of the run', () => {
    // Eight hours at 4 %, then 6 %: at hour 15, p̄ = 0.05 and hours 8..15 are all above it; at hour 14
    // only seven were (p̄ = 74 / 1500).
    const raised = judgeSubgroups(hours([4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6, 6]), T0, T0 + 17 * HOUR_MS, OPTIONS);

    expect(raised.map((a) => [a.rule, a.side, a.point.start])).toEqual([
      [4, 'above', iso(T0 + 15 * HOUR_MS)],
      [4, 'above', iso(T0 + 16 * HOUR_MS)],
    ]);
    expect(raised[0].points).toEqual([8, 9, 10, 11, 12, 13, 14, 15].map((h) => iso(T0 + h * HOUR_MS)));
    expect(raised[0].centre).toBeCloseTo(0.05, 12);
  });

  it('does not judge before the chart has minPoints subgroups', () => {
    // A bad second hour: p̄ from two points is no baseline.
    expect(summary(hours([1, 30]))).toEqual([]);
    // p̄ = 0.155, σ = 0.0362: 30 % is 4σ above.
    expect(summary(hours([1, 30]), { ...OPTIONS, minPoints: 2 })).toEqual([[1, 'above', 1]]);
  });

  it('charts only the window’s buckets: an hour is judged against the day before it, not older history', () => {
    // 40 hours at 1 %, then 25 at 10 %. Hour 64's 24-hour chart holds only 10 % hours (p̄ = 0.1, z = 0);
    // a 100-hour chart still holds the 1 % hours: p̄ = 290 / 6500, σ = 0.0206, so 10 % is 2.7σ above.
    const subgroups = hours([...Array<number>(40).fill(1), ...Array<number>(25).fill(10)]);

    expect(summary(subgroups, OPTIONS, T0 + 64 * HOUR_MS, T0 + 65 * HOUR_MS)).toEqual([]);
    expect(summary(subgroups, { ...OPTIONS, window: 100 }, T0 + 64 * HOUR_MS, T0 + 65 * HOUR_MS)).toEqual([
      [2, 'above', 64],
      [3, 'above', 64],
      [4, 'above', 64],
    ]);
  });

  it('charts the window’s buckets that have inspections: a stopped line’s hours have no point', () => {
    // 20 hours at 1 %, a 10-hour stop, then 5 %: hour 30's chart is hours 7..19 and 30 (14 points).
    const subgroups = hours([...Array<number>(20).fill(1), ...Array<null>(10).fill(null), 5]);

    const [alarm, ...others] = judgeSubgroups(subgroups, T0 + 30 * HOUR_MS, T0 + 31 * HOUR_MS, OPTIONS);

    expect(others).toEqual([]);
    expect(alarm).toMatchObject({ rule: 1, side: 'above', chartStart: iso(T0 + 7 * HOUR_MS) });
    expect(alarm.centre).toBeCloseTo(18 / 1400, 12);
  });

  it('judges only the subgroups that start in [from, to), whatever else it is given', () => {
    const subgroups = hours([4, 4, 4, 4, 4, 4, 4, 4, 4, 20, 20]);

    expect(summary(subgroups, OPTIONS, T0 + 10 * HOUR_MS, T0 + 11 * HOUR_MS)).toEqual([
      [1, 'above', 10],
      [2, 'above', 10],
    ]);
    expect(summary(subgroups, OPTIONS, T0, T0 + 9 * HOUR_MS)).toEqual([]);
  });

  it('refuses subgroups out of order and options it cannot chart, naming them', () => {
    const [a, b] = hours([1, 1]);
    expect(() => judgeSubgroups([b, a], T0, T0 + HOUR_MS, OPTIONS)).toThrow('subgroups[1].start (2026-11-22T00:00:00.000Z) must be after subgroups[0].start');
    expect(() => judgeSubgroups([], 0, 1, { ...OPTIONS, minPoints: 25 })).toThrow('minPoints: expected an integer from 1 to window (24), got 25');
    expect(() => judgeSubgroups([], 0, 1, { ...OPTIONS, bucketMs: 0 })).toThrow('bucketMs');
  });
});
