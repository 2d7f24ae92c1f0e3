import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR, MINUTE, SECOND } from './windows/durations';

// 09:30 UTC on the story day, for the hour-of-day story.
const NINE_THIRTY = T0 - 2 * HOUR - 30 * MINUTE;

const stories: FeatureStories<'time'> = {
  tx_hour_utc: {
    story: '03:59:59.999 UTC is hour 3',
    history: [],
    current: tx({ ts: Date.UTC(2026, 10, 22, 3, 59, 59, 999) }),
    expected: 3,
  },
  orig_secs_since_last: {
    story: 'A-1 paid 2 h and 90 s before, and received 10 s before (not a payment of A-1): 90 s',
    history: [tx({ ts: T0 - 2 * HOUR }), tx({ ts: T0 - 90 * SECOND }), tx({ ts: T0 - 10 * SECOND, from: 'X-1', to: 'A-1' })],
    current: tx({ ts: T0 }),
    expected: 90,
  },
  orig_dormancy_days: {
    story: 'A-1 last paid 100 d before (long out of every window) and only received since: 100 days idle',
    history: [tx({ ts: T0 - 100 * DAY }), tx({ ts: T0 - DAY, from: 'X-1', to: 'A-1' })],
    current: tx({ ts: T0 }),
    expected: 100,
  },
  orig_dormant_90d: {
    story: 'A-1 last paid 91 d before: dormant (> 90 d): 1',
    history: [tx({ ts: T0 - 91 * DAY })],
    current: tx({ ts: T0 }),
    expected: 1,
  },
  orig_hour_unusualness_30d: {
    story: 'in 30 d A-1 paid 6 times at 09:xx and twice at 14:xx (a 09:xx payment 31 d ago is out); at 09:30: 1 − (6 + 1) / (8 + 24) = 0.78125',
    history: [
      tx({ ts: NINE_THIRTY - 31 * DAY }),
      tx({ ts: NINE_THIRTY - 6 * DAY }),
      tx({ ts: NINE_THIRTY - 5 * DAY }),
      tx({ ts: NINE_THIRTY - 4 * DAY }),
      tx({ ts: NINE_THIRTY - 3 * DAY }),
      tx({ ts: NINE_THIRTY - 3 * DAY + 5 * HOUR }),
      tx({ ts: NINE_THIRTY - 2 * DAY }),
      tx({ ts: NINE_THIRTY - 2 * DAY + 5 * HOUR }),
      tx({ ts: NINE_THIRTY - DAY }),
    ],
    current: tx({ ts: NINE_THIRTY }),
    expected: 0.78125,
  },
};

describe(FeatureEngine.name, () => {
  describe('time', () => {
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

  it('reports a first payment as not dormant, with time since last at the 180 d memory cap', () => {
    const sut = new FeatureEngine();

    const features = sut.process(tx({ ts: T0 }));

    expect(features).toMatchObject({ orig_secs_since_last: 180 * 86_400, orig_dormancy_days: 0, orig_dormant_90d: 0 });
  });

  it('is not dormant at exactly 90 d idle', () => {
    const sut = new FeatureEngine();
    sut.process(tx({ ts: T0 - 90 * DAY }));

    const features = sut.process(tx({ ts: T0 }));

    expect(features).toMatchObject({ orig_dormancy_days: 90, orig_dormant_90d: 0 });
  });

  it('rates an hour without history as 1 − 1/24', () => {
    const sut = new FeatureEngine();

    const features = sut.process(tx({ ts: T0 }));

    expect(features.orig_hour_unusualness_30d).toBeCloseTo(23 / 24, 12);
  });
});
