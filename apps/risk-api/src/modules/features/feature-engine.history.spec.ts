import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR } from './windows/durations';

// How long the platform has known each party: what novelty and baselines can mean for it.
const stories: FeatureStories<'history'> = {
  orig_known_days_35d: {
    story: 'A-1 was first seen as a beneficiary 12.5 days ago and paid once since: known 12.5 days',
    history: [tx({ ts: T0 - 12.5 * DAY, from: 'A-9', to: 'A-1' }), tx({ ts: T0 - HOUR, from: 'A-1', to: 'B-1' })],
    current: tx({ ts: T0, from: 'A-1', to: 'B-2' }),
    expected: 12.5,
  },
  bene_known_days_35d: {
    story: 'B-1 was paid 90 days ago and again last week: known longer than the 35-day cap',
    history: [tx({ ts: T0 - 90 * DAY, from: 'A-2', to: 'B-1' }), tx({ ts: T0 - 7 * DAY, from: 'A-3', to: 'B-1' })],
    current: tx({ ts: T0, from: 'A-1', to: 'B-1' }),
    expected: 35,
  },
};

describe(FeatureEngine.name, () => {
  describe('history', () => {
    it.each(storyCases(stories))('$name: $story', ({ name, history, current, expected, config }) => {
      // Prepare
      const sut = new FeatureEngine(config);
      history.forEach((event) => sut.process(event));

      // Act
      const features = sut.process(current);

      // Assert
      expect(features[name]).toBeCloseTo(expected, 10);
    });

    it('knows neither party of a first transaction, and starts counting from it', () => {
      const sut = new FeatureEngine();

      const first = sut.process(tx({ ts: T0, from: 'A-1', to: 'B-1' }));
      const later = sut.process(tx({ ts: T0 + 3 * DAY, from: 'B-1', to: 'A-1' }));

      expect([first.orig_known_days_35d, first.bene_known_days_35d]).toEqual([0, 0]);
      expect([later.orig_known_days_35d, later.bene_known_days_35d]).toEqual([3, 3]);
    });

    it('forgets an account after the novelty memory, as "new account" does', () => {
      const sut = new FeatureEngine();
      sut.process(tx({ ts: T0, from: 'A-1', to: 'B-1' }));

      const returning = sut.process(tx({ ts: T0 + 181 * DAY, from: 'A-1', to: 'B-2' }));

      expect([returning.orig_new_account, returning.orig_known_days_35d]).toEqual([1, 0]);
    });
  });
});
