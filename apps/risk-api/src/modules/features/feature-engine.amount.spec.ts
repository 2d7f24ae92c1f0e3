import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY } from './windows/durations';

// Amount vs the originator's own 30 d history before this transaction (the current one excluded).
const stories: FeatureStories<'amount'> = {
  tx_amount: {
    story: '1 234.56 in major units, from 123 456 minor units',
    history: [],
    current: tx({ ts: T0, amount: 1234.56 }),
    expected: 1234.56,
  },
  orig_amount_avg_30d: {
    story: 'A-1 paid 100.00 31 d before (out), 100.00 and 300.00 within 30 d; the mean before this 1 000.00 is 200.00',
    history: [tx({ ts: T0 - 31 * DAY, amount: 100 }), tx({ ts: T0 - 20 * DAY, amount: 100 }), tx({ ts: T0 - DAY, amount: 300 })],
    current: tx({ ts: T0, amount: 1000 }),
    expected: 200,
  },
  orig_amount_zscore_30d: {
    story: 'A-1 paid 10 000.00 31 d before (out), then 100.00 and 300.00: mean 200, population std 100; (500 − 200) / 100 = 3',
    history: [tx({ ts: T0 - 31 * DAY, amount: 10_000 }), tx({ ts: T0 - 10 * DAY, amount: 100 }), tx({ ts: T0 - 5 * DAY, amount: 300 })],
    current: tx({ ts: T0, amount: 500 }),
    expected: 3,
  },
  orig_amount_ratio_max_30d: {
    story: 'A-1 paid 5 000.00 exactly 30 d before (out), then 40.00 and 250.00; 1 000.00 / 250.00 = 4',
    history: [tx({ ts: T0 - 30 * DAY, amount: 5000 }), tx({ ts: T0 - 10 * DAY, amount: 40 }), tx({ ts: T0 - 2 * DAY, amount: 250 })],
    current: tx({ ts: T0, amount: 1000 }),
    expected: 4,
  },
  orig_amount_pct_30d: {
    story: 'A-1 paid 10, 20, 30 and 40; 30.00 has 2 below and 1 equal: (2 + 1/2) / 4 = 0.625',
    history: [tx({ ts: T0 - 4 * DAY, amount: 10 }), tx({ ts: T0 - 3 * DAY, amount: 40 }), tx({ ts: T0 - 2 * DAY, amount: 30 }), tx({ ts: T0 - DAY, amount: 20 })],
    current: tx({ ts: T0, amount: 30 }),
    expected: 0.625,
  },
};

describe(FeatureEngine.name, () => {
  describe('amount vs own history', () => {
    it.each(storyCases(stories))('$name: $story', ({ name, history, current, expected, config }) => {
      // Prepare
      const sut = new FeatureEngine(config);
      history.forEach((event) => sut.process(event));

      // Act
      const features = sut.process(current);

      // Assert
      expect(features[name]).toBeCloseTo(expected, 10);
    });
  });

  it('gives neutral values to an originator without history', () => {
    const sut = new FeatureEngine();

    const features = sut.process(tx({ ts: T0, amount: 500 }));

    expect(features).toMatchObject({ orig_amount_avg_30d: 0, orig_amount_zscore_30d: 0, orig_amount_ratio_max_30d: 0, orig_amount_pct_30d: 0.5 });
  });

  it('gives a z-score of 0 when every earlier amount is the same', () => {
    const sut = new FeatureEngine();
    sut.process(tx({ ts: T0 - 2 * DAY, amount: 50 }));
    sut.process(tx({ ts: T0 - DAY, amount: 50 }));

    const features = sut.process(tx({ ts: T0, amount: 5000 }));

    expect(features.orig_amount_zscore_30d).toBe(0);
    expect(features.orig_amount_ratio_max_30d).toBe(100);
  });

  it('keeps the z-score exact for amounts whose squares outgrow exact doubles', () => {
    // 900 000 000.01 and 900 000 000.03 (minor units ~9e10, squares ~8e21): mean .02, std .01.
    const sut = new FeatureEngine();
    sut.process(tx({ ts: T0 - 2 * DAY, amount: 900_000_000.01 }));
    sut.process(tx({ ts: T0 - DAY, amount: 900_000_000.03 }));

    const features = sut.process(tx({ ts: T0, amount: 900_000_000.05 }));

    expect(features.orig_amount_zscore_30d).toBe(3);
  });
});
