import { pChart, Subgroup } from './p-chart';

const groups = (sizes: number[], defects: number[]): Subgroup[] =>
  sizes.map((inspected, i) => ({ start: `2026-11-22T0${i}:00:00.000Z`, end: `2026-11-22T0${i + 1}:00:00.000Z`, inspected, defective: defects[i] }));

describe(pChart.name, () => {
  it('computes p̄ pooled over subgroups and limits per subgroup size (hand-computed)', () => {
    // p̄ = 20 / 500 = 0.04; σ(100) = √(0.04·0.96/100) = 0.0195959; σ(200) = √(0.04·0.96/200) = 0.0138564.
    const chart = pChart(groups([100, 100, 200, 100], [2, 5, 4, 9]));

    expect(chart.centre).toBeCloseTo(0.04, 12);
    expect([chart.inspected, chart.defective]).toEqual([500, 20]);
    expect(chart.points.map((p) => p.p)).toEqual([0.02, 0.05, 0.02, 0.09]);
    expect(chart.points.map((p) => p.sigma)).toEqual([0.0195959, 0.0195959, 0.0138564, 0.0195959].map((v) => expect.closeTo(v, 6)));
    expect(chart.points.map((p) => p.ucl)).toEqual([0.0987877, 0.0987877, 0.0815692, 0.0987877].map((v) => expect.closeTo(v, 6)));
    // p̄ − 3σ is negative for every subgroup: clipped at 0.
    expect(chart.points.map((p) => p.lcl)).toEqual([0, 0, 0, 0]);
    expect(chart.points.map((p) => p.z)).toEqual([-1.0206207, 0.5103104, -1.4433757, 2.5515518].map((v) => expect.closeTo(v, 6)));
    expect(chart.alarms).toEqual([]);
  });

  it('gives a positive LCL when p̄ − 3σ is above 0', () => {
    // p̄ = 0.2, σ(400) = √(0.2·0.8/400) = 0.02: limits 0.14 .. 0.26.
    const chart = pChart(groups([400, 400], [80, 80]));

    expect(chart.points[0].lcl).toBeCloseTo(0.14, 12);
    expect(chart.points[0].ucl).toBeCloseTo(0.26, 12);
  });

  it('raises rule 1 on a subgroup above its UCL, and rule 3 on four below 1σ', () => {
    // p̄ = 0.04, σ = 0.0195959: p = 0.12 is 4.08σ above; p = 0.02 is 1.02σ below, four times.
    const chart = pChart(groups([100, 100, 100, 100, 100], [2, 2, 2, 2, 12]));

    expect(chart.points[4].p).toBeGreaterThan(chart.points[4].ucl);
    expect(chart.alarms.map(({ rule, side, at, points }) => ({ rule, side, at, points }))).toEqual([
      { rule: 3, side: 'below', at: 3, points: [0, 1, 2, 3] },
      { rule: 1, side: 'above', at: 4, points: [4] },
    ]);
  });

  it('judges the same fraction defective by each subgroup’s own limits', () => {
    // p̄ = 0.05; p = 0.1 is 2.29σ above in a subgroup of 100 but 3.24σ above in one of 200.
    const chart = pChart(groups([100, 200, 700], [10, 20, 20]));

    expect(chart.points.map((p) => p.p)).toEqual([0.1, 0.1, 20 / 700]);
    expect(chart.alarms.filter((a) => a.rule === 1).map((a) => a.at)).toEqual([1]);
  });

  it('draws a flat chart without alarms when nothing was defective', () => {
    const chart = pChart(groups([50, 80], [0, 0]));

    expect(chart.centre).toBe(0);
    expect(chart.points.map((p) => [p.sigma, p.ucl, p.lcl, p.z])).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(chart.alarms).toEqual([]);
  });

  it('answers an empty chart for no subgroups', () => {
    expect(pChart([])).toEqual({ centre: null, inspected: 0, defective: 0, points: [], alarms: [] });
  });

  it('refuses an empty subgroup or more defective than inspected, naming the subgroup', () => {
    expect(() => pChart(groups([10, 0], [1, 0]))).toThrow('subgroups[1].inspected must be an integer >= 1, got 0');
    expect(() => pChart(groups([10], [11]))).toThrow('subgroups[0].defective must be an integer from 0 to inspected (10), got 11');
  });
});
