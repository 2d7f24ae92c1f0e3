import { computeFeatures } from './compute-features';
import { FeatureEngine } from './feature-engine';
import { FEATURE_NAMES, FeatureVector } from './feature-names';
import { syntheticHistory } from './testing/synthetic-history';
import { T0 } from './testing/transaction-builder';
import { HOUR } from './windows/durations';

// A few thousand transactions over 45 days (so pruning happens) with every planted typology and
// 5 % late arrivals; the batch (training) path must equal the streaming (serving) path exactly.
const history = syntheticHistory({ seed: 2026, transactions: 4000, accounts: 250, start: T0, days: 45, lateShare: 0.05, maxLatenessMs: 12 * HOUR, patterns: 20 });

/** Bit-for-bit equality (Object.is per feature), reported on the first vector that differs. */
function expectIdentical(actual: readonly FeatureVector[], expected: readonly FeatureVector[]): void {
  expect(actual).toHaveLength(expected.length);
  const differs = actual.findIndex((vector, i) => FEATURE_NAMES.some((name) => !Object.is(vector[name], expected[i][name])));
  if (differs >= 0) expect({ index: differs, ...actual[differs] }).toEqual({ index: differs, ...expected[differs] });
}

describe(computeFeatures.name, () => {
  let batch: FeatureVector[];

  beforeAll(() => {
    batch = computeFeatures(history);
  });

  it('equals one engine fed the same transactions one by one', () => {
    // Prepare
    const engine = new FeatureEngine();

    // Act
    const streamed = history.map((tx) => engine.process(tx));

    // Assert
    expectIdentical(streamed, batch);
  });

  it.each([
    { label: 'nothing', share: 0 },
    { label: 'a quarter', share: 0.25 },
    { label: 'half', share: 0.5 },
    { label: '90 %', share: 0.9 },
    { label: 'all but one', share: (history.length - 1) / history.length },
  ])('equals an engine rebuilt from $label of the stored history, then streamed', ({ share }) => {
    // Prepare: a restart — a fresh engine observes the stored history up to the split, then goes on.
    const split = Math.round(history.length * share);
    const rebuilt = new FeatureEngine();
    history.slice(0, split).forEach((tx) => rebuilt.observe(tx));

    // Act
    const resumed = history.slice(split).map((tx) => rebuilt.process(tx));

    // Assert
    expectIdentical(resumed, batch.slice(split));
  });

  it('passes its configuration to the engine', () => {
    const configured = computeFeatures(history.slice(0, 50), { highRiskCountries: [] });

    expect(configured.every((features) => features.tx_high_risk_country === 0)).toBe(true);
  });

  it('sees the planted typologies', () => {
    const any = (predicate: (features: FeatureVector) => boolean): boolean => batch.some(predicate);

    expect(any((f) => f.orig_fan_out_24h >= 15)).toBe(true); // fan-out
    expect(any((f) => f.bene_fan_in_24h >= 15)).toBe(true); // fan-in
    expect([2, 3, 4].map((length) => any((f) => f.pair_cycle_length_7d === length))).toEqual([true, true, true]); // cycles
    expect(any((f) => f.orig_just_below_count_7d >= 8)).toBe(true); // structuring
    expect(any((f) => f.orig_fast_forward_1h === 1 && f.orig_pass_through_24h >= 0.9)).toBe(true); // mule
    expect(any((f) => f.device_tiny_count_1m >= 15 && f.device_distinct_orig_24h >= 10)).toBe(true); // card testing
  });
});
