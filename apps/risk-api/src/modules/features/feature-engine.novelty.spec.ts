import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR } from './windows/durations';

// Novelty: 1 when nothing earlier (ts <= t, within the 180 d memory) matches.
const stories: FeatureStories<'novelty'> = {
  orig_new_beneficiary: {
    story: 'A-1 paid B-1 before; B-2 is known, but only from A-9; A-1 → B-2 is a new beneficiary for A-1: 1',
    history: [tx({ ts: T0 - 10 * DAY, to: 'B-1' }), tx({ ts: T0 - DAY, from: 'A-9', to: 'B-2' })],
    current: tx({ ts: T0, to: 'B-2' }),
    expected: 1,
  },
  orig_new_country_pair: {
    story: 'A-1 paid DE → NL and DE → FR; A-2 paid DE → IR; A-1\'s first DE → IR: 1',
    history: [
      tx({ ts: T0 - 3 * DAY, toCountry: 'NL' }),
      tx({ ts: T0 - 2 * DAY, toCountry: 'FR' }),
      tx({ ts: T0 - DAY, from: 'A-2', toCountry: 'IR' }),
    ],
    current: tx({ ts: T0, to: 'B-9', toCountry: 'IR' }),
    expected: 1,
  },
  orig_new_device: {
    story: 'A-1 used D-1, A-2 used D-2; A-1 on D-2 is a device new to A-1: 1',
    history: [tx({ ts: T0 - 2 * DAY, device: 'D-1' }), tx({ ts: T0 - DAY, from: 'A-2', device: 'D-2' })],
    current: tx({ ts: T0, device: 'D-2' }),
    expected: 1,
  },
  orig_new_ip: {
    story: 'A-1 used 198.51.100.7 from D-1; now a new device D-2 behind the same IP: not a new IP for A-1: 0',
    history: [tx({ ts: T0 - 2 * DAY, device: 'D-1', ip: '198.51.100.7' })],
    current: tx({ ts: T0, device: 'D-2', ip: '198.51.100.7' }),
    expected: 0,
  },
  ip_new: {
    story: 'only 198.51.100.7 was ever seen (from A-2); A-1 from 198.51.100.8, an IP nobody used: 1',
    history: [tx({ ts: T0 - 3 * DAY, from: 'A-2', device: 'D-2', ip: '198.51.100.7' })],
    current: tx({ ts: T0, device: 'D-1', ip: '198.51.100.8' }),
    expected: 1,
  },
  orig_new_account: {
    story: 'A-1 never paid, but received from X-1 two days ago: the account is known in any role: 0',
    history: [tx({ ts: T0 - 2 * DAY, from: 'X-1', to: 'A-1' })],
    current: tx({ ts: T0, from: 'A-1' }),
    expected: 0,
  },
  bene_new_account: {
    story: 'A-1 and B-1 are known; B-7 never appeared in any role: 1',
    history: [tx({ ts: T0 - DAY, to: 'B-1' }), tx({ ts: T0 - 2 * HOUR, from: 'B-1', to: 'C-1' })],
    current: tx({ ts: T0, to: 'B-7' }),
    expected: 1,
  },
};

describe(FeatureEngine.name, () => {
  describe('novelty', () => {
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

  it('reports no device novelty for a transaction without a device', () => {
    const sut = new FeatureEngine();

    const features = sut.process(tx({ ts: T0 }));

    expect(features).toMatchObject({ orig_new_device: 0, orig_new_ip: 0, ip_new: 0, orig_new_beneficiary: 1, orig_new_account: 1 });
  });
});
