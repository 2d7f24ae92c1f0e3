import { DRIFT_EPSILON, klDivergence, populationStabilityIndex, smooth, smoothedShares } from './divergence';
import { DriftMonitor } from './drift-monitor';
import { binOf, buildDriftReference, DRIFT_REFERENCE_FORMAT, type DriftReference, parseDriftReference } from './drift-reference';

// One feature, edges [1, 2]: bins x<1, 1≤x<2, x≥2, NaN with training shares ¼, ½, ¼, 0.
const reference: DriftReference = {
  format: DRIFT_REFERENCE_FORMAT,
  count: 4,
  features: [{ name: 'amount', edges: [1, 2], proportions: [0.25, 0.5, 0.25, 0] }],
  score: { edges: [0.5], proportions: [0.5, 0.5, 0] },
};
const MATCHING = [0.5, 1.5, 1.5, 3];

// Every live value in bin 1: live shares 0, 1, 0, 0. With ε = 1e-4 over 4 bins both sides are
// (p + 1e-4) / 1.0004; the norm cancels inside the logarithms.
const N = 1.0004;
const SHIFTED_KL = 2 * (1e-4 / N) * Math.log(1e-4 / 0.2501) + (1.0001 / N) * Math.log(1.0001 / 0.5001);
const SHIFTED_PSI = 2 * ((1e-4 - 0.2501) / N) * Math.log(1e-4 / 0.2501) + ((1.0001 - 0.5001) / N) * Math.log(1.0001 / 0.5001);

describe('divergences', () => {
  it('smooths with ε and renormalises, so an empty bin on both sides contributes nothing', () => {
    expect(DRIFT_EPSILON).toBe(1e-4);
    expect(smooth([0.5, 0.5, 0])).toEqual([0.5001 / 1.0003, 0.5001 / 1.0003, 1e-4 / 1.0003]);
    expect(smoothedShares([2, 2, 0])).toEqual(smooth([0.5, 0.5, 0]));
    expect(smoothedShares([0, 0])).toEqual([0.5, 0.5]);
    expect(klDivergence(smooth([0.5, 0.5, 0]), smooth([0.5, 0.5, 0]))).toBe(0);
  });

  it('computes KL(live ‖ reference) and PSI by hand', () => {
    const live = smooth([0, 1, 0, 0]);
    const ref = smooth([0.25, 0.5, 0.25, 0]);

    expect(klDivergence(live, ref)).toBeCloseTo(SHIFTED_KL, 12);
    expect(populationStabilityIndex(live, ref)).toBeCloseTo(SHIFTED_PSI, 12);
    // Unsmoothed, KL would be ln(1 / 0.5) and PSI infinite.
    expect(SHIFTED_KL).toBeCloseTo(Math.LN2, 2);
    expect(SHIFTED_KL).toBeCloseTo(0.691275, 5);
    expect(SHIFTED_PSI).toBeCloseTo(4.2570, 3);
    expect(() => klDivergence([1], [0.5, 0.5])).toThrow('live has 1 bins, reference 2');
  });
});

describe('buildDriftReference', () => {
  it('cuts edges at training quantiles, merges ties, and gives NaN its own bin', () => {
    const flag = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const amount = [1, 2, 3, 4, Number.NaN, 1, 2, 3, 4, 5];

    const built = buildDriftReference([flag, amount], ['flag', 'amount'], { bins: 2, scores: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] });

    expect(built.count).toBe(10);
    // flag: sorted values at 5/10 → 0: edges [0]; bins <0, ≥0, NaN.
    expect(built.features[0]).toEqual({ name: 'flag', edges: [0], proportions: [0, 1, 0] });
    // amount: 9 finite values, sorted[floor(9/2)] = 3; bins <3 (four), ≥3 (five), NaN (one).
    expect(built.features[1]).toEqual({ name: 'amount', edges: [3], proportions: [0.4, 0.5, 0.1] });
    expect(built.score).toEqual({ edges: [0.6], proportions: [0.5, 0.5, 0] });
  });

  it('takes rows as well as columns', () => {
    const columns = buildDriftReference([[0, 1, 2, 3], [5, 5, 6, 6]], ['a', 'b'], { bins: 4 });
    const rows = buildDriftReference([[0, 5], [1, 5], [2, 6], [3, 6]], ['a', 'b'], { bins: 4, rows: true });

    expect(rows).toEqual(columns);
    expect(columns.features[0]).toEqual({ name: 'a', edges: [1, 2, 3], proportions: [0.25, 0.25, 0.25, 0.25, 0] });
  });

  it('refuses inconsistent input, naming the argument', () => {
    expect(() => buildDriftReference([[1, 2]], ['a', 'b'])).toThrow('data: 1 columns for 2 names');
    expect(() => buildDriftReference([[1, 2], [1]], ['a', 'b'])).toThrow("column 'b' has 1 values, expected 2");
    expect(() => buildDriftReference([[1, 2]], ['a'], { bins: 1 })).toThrow('bins: expected an integer in [2, 1000], got 1');
    expect(() => buildDriftReference([[1, 2]], ['a'], { scores: [1] })).toThrow('scores: 1 values for 2 rows');
  });

  it('survives JSON, and parsing names what is wrong', () => {
    const built = buildDriftReference([[1, 2, 3, 4]], ['a'], { bins: 2, scores: [0, 0, 1, 1] });

    expect(parseDriftReference(JSON.parse(JSON.stringify(built)))).toEqual(built);
    expect(() => parseDriftReference({ ...built, format: 'other' }, 'risk/3/reference.json')).toThrow(`risk/3/reference.json: format: expected '${DRIFT_REFERENCE_FORMAT}'`);
    expect(() => parseDriftReference({ ...built, features: [{ name: 'a', edges: [2, 1], proportions: [1, 0, 0] }] })).toThrow('features[0].edges');
    expect(() => parseDriftReference({ ...built, score: { edges: [1], proportions: [0.5, 0.2, 0] } })).toThrow('score.proportions: sum to 0.7');
  });

  it('bins by the stated convention', () => {
    expect([0.99, 1, 1.99, 2, 100, Number.NaN].map((x) => binOf([1, 2], x))).toEqual([0, 1, 1, 2, 2, 3]);
  });
});

describe(DriftMonitor.name, () => {
  it('reports no drift for a window distributed like training', () => {
    const sut = new DriftMonitor(reference, { window: { kind: 'count', size: 4 }, minObservations: 1 });

    MATCHING.forEach((x, i) => sut.observe([x], i % 2 === 0 ? 0.2 : 0.8));
    const report = sut.report();

    expect(report.observations).toBe(4);
    expect(report.features).toEqual([{ name: 'amount', psi: 0, kl: 0, alert: false }]);
    expect(report.score).toEqual({ name: 'score', psi: 0, kl: 0, alert: false });
    expect(report.alerts).toEqual([]);
  });

  it('slides a count window: only the last `size` observations count, and a shift alerts', () => {
    const sut = new DriftMonitor(reference, { window: { kind: 'count', size: 4 }, minObservations: 4 });
    MATCHING.forEach((x) => sut.observe([x], 0.2));

    for (let i = 0; i < 4; i++) sut.observe([1.5], i % 2 === 0 ? 0.2 : 0.8);
    const report = sut.report();

    expect(report.observations).toBe(4);
    expect(report.features[0].kl).toBeCloseTo(SHIFTED_KL, 12);
    expect(report.features[0].psi).toBeCloseTo(SHIFTED_PSI, 12);
    expect(report.score).toMatchObject({ kl: 0, alert: false });
    expect(report.alerts).toEqual(['amount']);
  });

  it('holds alerts back until the window has minObservations, and uses the configured threshold', () => {
    const early = new DriftMonitor(reference, { window: { kind: 'count', size: 100 } });
    const lenient = new DriftMonitor(reference, { window: { kind: 'count', size: 4 }, minObservations: 1, klThreshold: 0.7 });
    const strict = new DriftMonitor(reference, { window: { kind: 'count', size: 4 }, minObservations: 1, klThreshold: 0.5 });

    for (let i = 0; i < 4; i++) {
      for (const monitor of [early, lenient, strict]) monitor.observe([1.5], 0.2);
    }

    expect(early.report()).toMatchObject({ observations: 4, minObservations: 100, klThreshold: 0.15, alerts: [] });
    expect(early.report().features[0].kl).toBeCloseTo(SHIFTED_KL, 12);
    // The score: every live value below 0.5 against a ½/½ reference, KL ≈ ln 2 as well.
    const scoreKl = (1.0001 / 1.0003) * Math.log(1.0001 / 0.5001) + (1e-4 / 1.0003) * Math.log(1e-4 / 0.5001);
    expect(strict.report().score?.kl).toBeCloseTo(scoreKl, 12);
    expect(lenient.report().alerts).toEqual([]);
    expect(strict.report().alerts).toEqual(['amount', 'score']);
  });

  it('slides a time window slice by slice', () => {
    let now = 0;
    const sut = new DriftMonitor(reference, { window: { kind: 'time', ms: 1_000, buckets: 10 }, minObservations: 1, clock: () => now });
    now = 50;
    sut.observe([0.5], 0.2);
    now = 950;
    sut.observe([1.5], 0.2);

    const before = sut.observations;
    now = 1_000; // the slice [0, 100) has left the window
    const after = sut.report();

    expect(before).toBe(2);
    expect(after.observations).toBe(1);
    expect(after.features[0].kl).toBeCloseTo(SHIFTED_KL, 12);
    now = 2_000;
    expect(sut.report().observations).toBe(0);
  });

  it('refuses bad options and rows of the wrong width, naming them', () => {
    const count = { window: { kind: 'count', size: 4 } } as const;

    expect(() => new DriftMonitor(reference, { window: { kind: 'count', size: 0 } })).toThrow('window.size: expected an integer >= 1, got 0');
    expect(() => new DriftMonitor(reference, { window: { kind: 'time', ms: 5, buckets: 10 } })).toThrow('window.ms');
    expect(() => new DriftMonitor(reference, { ...count, klThreshold: 0 })).toThrow('klThreshold');
    expect(() => new DriftMonitor(reference, { ...count, epsilon: 0 })).toThrow('epsilon');
    expect(() => new DriftMonitor(reference, count).observe([1, 2], 0.5)).toThrow('features: 2 values, the reference has 1 features');
  });
});
