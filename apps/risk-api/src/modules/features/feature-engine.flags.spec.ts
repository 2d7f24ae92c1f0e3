import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR } from './windows/durations';

// Flags under the default configuration: FATF-style list, threshold 10 000.00, 10 % margin
// ([9 000.00, 10 000.00) is just below), round unit 100.00.
const stories: FeatureStories<'flags'> = {
  tx_cross_border: {
    story: 'DE → NL: 1',
    history: [],
    current: tx({ ts: T0, fromCountry: 'DE', toCountry: 'NL' }),
    expected: 1,
  },
  tx_high_risk_country: {
    story: 'DE → IR, and IR is on the FATF call-for-action list: 1',
    history: [],
    current: tx({ ts: T0, fromCountry: 'DE', toCountry: 'IR' }),
    expected: 1,
  },
  tx_round_amount: {
    story: '2 300.00 is a multiple of 100.00: 1',
    history: [],
    current: tx({ ts: T0, amount: 2300 }),
    expected: 1,
  },
  tx_round_amount_x10: {
    story: '3 000.00 is a multiple of 1 000.00: 1',
    history: [],
    current: tx({ ts: T0, amount: 3000 }),
    expected: 1,
  },
  tx_just_below_threshold: {
    story: '9 500.00 lies in [9 000.00, 10 000.00): 1',
    history: [],
    current: tx({ ts: T0, amount: 9500 }),
    expected: 1,
  },
  orig_just_below_count_24h: {
    story: 'A-1 paid 9 900.00 25 h before (out), 9 000.00 (the margin\'s edge: in), 8 999.99 and 10 000.00 (no); now 9 800.00: 1 + 1 = 2',
    history: [
      tx({ ts: T0 - 25 * HOUR, amount: 9900 }),
      tx({ ts: T0 - 5 * HOUR, amount: 9000 }),
      tx({ ts: T0 - 4 * HOUR, amount: 8999.99 }),
      tx({ ts: T0 - 3 * HOUR, amount: 10_000 }),
    ],
    current: tx({ ts: T0, amount: 9800 }),
    expected: 2,
  },
  orig_just_below_count_7d: {
    story: 'A-1 paid 9 500.00 exactly 7 d before (out), 9 100.00 and 9 200.00 since; now 500.00 (not just below): 2',
    history: [tx({ ts: T0 - 7 * DAY, amount: 9500 }), tx({ ts: T0 - 6 * DAY, amount: 9100 }), tx({ ts: T0 - DAY, amount: 9200 })],
    current: tx({ ts: T0, amount: 500 }),
    expected: 2,
  },
};

describe(FeatureEngine.name, () => {
  describe('flags', () => {
    it.each(storyCases(stories))('$name: $story', ({ name, history, current, expected, config }) => {
      // Prepare
      const sut = new FeatureEngine(config);
      history.forEach((event) => sut.process(event));

      // Act
      const features = sut.process(current);

      // Assert
      expect(features[name]).toBe(expected);
    });
  });

  it('leaves a domestic, low-risk, odd amount unflagged', () => {
    const sut = new FeatureEngine();

    const features = sut.process(tx({ ts: T0, fromCountry: 'DE', toCountry: 'DE', amount: 2350 }));

    expect(features).toMatchObject({ tx_cross_border: 0, tx_high_risk_country: 0, tx_round_amount: 0, tx_round_amount_x10: 0, tx_just_below_threshold: 0 });
  });
});
