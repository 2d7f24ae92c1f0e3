import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { HOUR, MINUTE, SECOND } from './windows/durations';

// Shared devices/IPs and card testing (tiny = below 5.00 by default).
const sharing: FeatureStories<'sharing'> = {
  tx_has_device: {
    story: 'a mobile payment from D-1: 1',
    history: [],
    current: tx({ ts: T0, device: 'D-1' }),
    expected: 1,
  },
  device_distinct_orig_24h: {
    story: 'D-1 was used by A-3 exactly 24 h before (out), then A-1, A-2 and A-1 again; now A-4: {A-1, A-2, A-4} = 3',
    history: [
      tx({ ts: T0 - 24 * HOUR, from: 'A-3', device: 'D-1' }),
      tx({ ts: T0 - 2 * HOUR, from: 'A-1', device: 'D-1' }),
      tx({ ts: T0 - HOUR, from: 'A-2', device: 'D-1' }),
      tx({ ts: T0 - 30 * MINUTE, from: 'A-1', device: 'D-1' }),
    ],
    current: tx({ ts: T0, from: 'A-4', device: 'D-1' }),
    expected: 3,
  },
  ip_distinct_orig_24h: {
    story: '198.51.100.7 served A-1 (D-1) and A-2 (D-2); now A-1 again from D-3: {A-1, A-2} = 2',
    history: [
      tx({ ts: T0 - 3 * HOUR, from: 'A-1', device: 'D-1', ip: '198.51.100.7' }),
      tx({ ts: T0 - 2 * HOUR, from: 'A-2', device: 'D-2', ip: '198.51.100.7' }),
    ],
    current: tx({ ts: T0, from: 'A-1', device: 'D-3', ip: '198.51.100.7' }),
    expected: 2,
  },
};

const cardTesting: FeatureStories<'cardTesting'> = {
  orig_tiny_count_1m: {
    story: 'A-1 paid 1.00 61 s before (out), 0.50 and 4.99 (tiny), 5.00 (not tiny); now 1.00: 2 + 1 = 3',
    history: [
      tx({ ts: T0 - 61 * SECOND, amount: 1 }),
      tx({ ts: T0 - 40 * SECOND, amount: 0.5 }),
      tx({ ts: T0 - 20 * SECOND, amount: 4.99 }),
      tx({ ts: T0 - 10 * SECOND, amount: 5 }),
    ],
    current: tx({ ts: T0, amount: 1 }),
    expected: 3,
  },
  orig_tiny_count_1h: {
    story: 'A-1 paid 0.99 exactly 1 h before (out), 2.00, 3.00 and 150.00 since; now 0.01: 2 + 1 = 3',
    history: [
      tx({ ts: T0 - HOUR, amount: 0.99 }),
      tx({ ts: T0 - 40 * MINUTE, amount: 2 }),
      tx({ ts: T0 - 20 * MINUTE, amount: 3 }),
      tx({ ts: T0 - 10 * MINUTE, amount: 150 }),
    ],
    current: tx({ ts: T0, amount: 0.01 }),
    expected: 3,
  },
  device_tiny_count_1m: {
    story: 'D-1 paid 0.10 (A-1), 0.20 and 20.00 (A-2) within the minute; now 0.30 by A-3: 2 + 1 = 3',
    history: [
      tx({ ts: T0 - 30 * SECOND, from: 'A-1', device: 'D-1', amount: 0.1 }),
      tx({ ts: T0 - 20 * SECOND, from: 'A-2', device: 'D-1', amount: 0.2 }),
      tx({ ts: T0 - 10 * SECOND, from: 'A-2', device: 'D-1', amount: 20 }),
    ],
    current: tx({ ts: T0, from: 'A-3', device: 'D-1', amount: 0.3 }),
    expected: 3,
  },
  device_tiny_count_1h: {
    story: 'D-1 paid 1.00 2 h before (out), 1.00 and 2.00 within the hour; now 4.99: 2 + 1 = 3',
    history: [tx({ ts: T0 - 2 * HOUR, device: 'D-1', amount: 1 }), tx({ ts: T0 - 50 * MINUTE, device: 'D-1', amount: 1 }), tx({ ts: T0 - 10 * MINUTE, device: 'D-1', amount: 2 })],
    current: tx({ ts: T0, device: 'D-1', amount: 4.99 }),
    expected: 3,
  },
  orig_burst_ratio_1h_24h: {
    story: 'A-1 paid 20 h and 10 h before, then 30 and 10 min before; with this one 3 in 1 h of 5 in 24 h: 3 · 24 / 5 = 14.4',
    history: [tx({ ts: T0 - 20 * HOUR }), tx({ ts: T0 - 10 * HOUR }), tx({ ts: T0 - 30 * MINUTE }), tx({ ts: T0 - 10 * MINUTE })],
    current: tx({ ts: T0 }),
    expected: 14.4,
  },
  device_burst_ratio_1m_1h: {
    story: 'D-1 was used 50 min, 30 min and 40 s before; with this one 2 in 1 min of 4 in 1 h: 2 · 60 / 4 = 30',
    history: [tx({ ts: T0 - 50 * MINUTE, device: 'D-1' }), tx({ ts: T0 - 30 * MINUTE, device: 'D-1' }), tx({ ts: T0 - 40 * SECOND, device: 'D-1' })],
    current: tx({ ts: T0, device: 'D-1' }),
    expected: 30,
  },
};

describe(FeatureEngine.name, () => {
  describe.each([
    { group: 'shared devices and IPs', stories: sharing },
    { group: 'card testing', stories: cardTesting },
  ])('$group', ({ stories }) => {
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

  it('reports every device and IP feature as 0 for a transaction without a device', () => {
    const sut = new FeatureEngine();
    sut.process(tx({ ts: T0 - 30 * SECOND, device: 'D-1', amount: 1 }));

    const features = sut.process(tx({ ts: T0, amount: 1 }));

    expect(features).toMatchObject({
      tx_has_device: 0,
      device_count_1m: 0,
      device_count_1h: 0,
      device_count_24h: 0,
      device_sum_1h: 0,
      device_sum_24h: 0,
      ip_count_1m: 0,
      ip_count_1h: 0,
      ip_count_24h: 0,
      ip_sum_24h: 0,
      device_distinct_orig_24h: 0,
      ip_distinct_orig_24h: 0,
      device_tiny_count_1m: 0,
      device_tiny_count_1h: 0,
      device_burst_ratio_1m_1h: 0,
      orig_tiny_count_1m: 2,
    });
  });
});
