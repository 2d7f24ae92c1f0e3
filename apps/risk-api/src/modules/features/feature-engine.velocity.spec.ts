import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR, MINUTE, SECOND } from './windows/durations';

// Velocity: counts and sums (major units) per key over sliding windows; the current transaction is
// included, and an event exactly one window before it is not.
const stories: FeatureStories<'velocity'> = {
  orig_count_1m: {
    story: 'A-1 paid at 11:59:00 (exactly 1 min before: out), 11:59:01 and 11:59:59; A-2 is another key; 2 + this one = 3',
    history: [tx({ ts: T0 - MINUTE }), tx({ ts: T0 - 59 * SECOND }), tx({ ts: T0 - SECOND }), tx({ ts: T0 - 10 * SECOND, from: 'A-2' })],
    current: tx({ ts: T0 }),
    expected: 3,
  },
  orig_count_1h: {
    story: 'A-1 paid 2 h and exactly 1 h before (out), 59 min and 1 ms before (in); money A-1 received does not count; 2 + 1 = 3',
    history: [
      tx({ ts: T0 - 2 * HOUR }),
      tx({ ts: T0 - HOUR }),
      tx({ ts: T0 - 59 * MINUTE }),
      tx({ ts: T0 - 5 * MINUTE, from: 'X-1', to: 'A-1' }),
      tx({ ts: T0 - 1 }),
    ],
    current: tx({ ts: T0 }),
    expected: 3,
  },
  orig_count_24h: {
    story: 'A-1 paid 25 h and exactly 24 h before (out), 23 h and 1 h before (in); 2 + 1 = 3',
    history: [tx({ ts: T0 - 25 * HOUR }), tx({ ts: T0 - DAY }), tx({ ts: T0 - 23 * HOUR }), tx({ ts: T0 - HOUR })],
    current: tx({ ts: T0 }),
    expected: 3,
  },
  orig_count_7d: {
    story: 'A-1 paid exactly 7 d before (out), 6 d and 1 d before (in); 2 + 1 = 3',
    history: [tx({ ts: T0 - 7 * DAY }), tx({ ts: T0 - 6 * DAY }), tx({ ts: T0 - DAY })],
    current: tx({ ts: T0 }),
    expected: 3,
  },
  orig_count_30d: {
    story: 'A-1 paid exactly 30 d before (out), 29 d, 10 d and 1 d before (in); 3 + 1 = 4',
    history: [tx({ ts: T0 - 30 * DAY }), tx({ ts: T0 - 29 * DAY }), tx({ ts: T0 - 10 * DAY }), tx({ ts: T0 - DAY })],
    current: tx({ ts: T0 }),
    expected: 4,
  },
  orig_sum_1m: {
    story: 'A-1 paid 100.00 61 s before (out) and 20.50 30 s before; now 5.25: 20.50 + 5.25 = 25.75',
    history: [tx({ ts: T0 - 61 * SECOND, amount: 100 }), tx({ ts: T0 - 30 * SECOND, amount: 20.5 })],
    current: tx({ ts: T0, amount: 5.25 }),
    expected: 25.75,
  },
  orig_sum_1h: {
    story: 'A-1 paid 1 000.00 exactly 1 h before (out) and 250.10 30 min before, received 999.00 (not outgoing); now 49.90: 300.00',
    history: [tx({ ts: T0 - HOUR, amount: 1000 }), tx({ ts: T0 - 30 * MINUTE, amount: 250.1 }), tx({ ts: T0 - 10 * MINUTE, from: 'X-1', to: 'A-1', amount: 999 })],
    current: tx({ ts: T0, amount: 49.9 }),
    expected: 300,
  },
  orig_sum_24h: {
    story: 'A-1 paid 5 000.00 exactly 24 h before (out), 1 200.00 and 300.33 since; now 0.67: 1 501.00',
    history: [tx({ ts: T0 - DAY, amount: 5000 }), tx({ ts: T0 - 12 * HOUR, amount: 1200 }), tx({ ts: T0 - HOUR, amount: 300.33 })],
    current: tx({ ts: T0, amount: 0.67 }),
    expected: 1501,
  },
  orig_sum_7d: {
    story: 'A-1 paid 100.00 8 d before (out), 2 000.00 and 3 000.00 within the week; now 500.00: 5 500.00',
    history: [tx({ ts: T0 - 8 * DAY, amount: 100 }), tx({ ts: T0 - 6 * DAY, amount: 2000 }), tx({ ts: T0 - 3 * DAY, amount: 3000 })],
    current: tx({ ts: T0, amount: 500 }),
    expected: 5500,
  },
  orig_sum_30d: {
    story: 'A-1 paid 7 000.00 exactly 30 d before (out), 10 000.00 and 2 500.00 since; now 1 000.00: 13 500.00',
    history: [tx({ ts: T0 - 30 * DAY, amount: 7000 }), tx({ ts: T0 - 20 * DAY, amount: 10_000 }), tx({ ts: T0 - 5 * DAY, amount: 2500 })],
    current: tx({ ts: T0, amount: 1000 }),
    expected: 13_500,
  },
  bene_count_1h: {
    story: 'B-1 received 90 min (out), 30 min and 5 min before, and paid C-1 itself (not incoming); 2 + this one = 3',
    history: [
      tx({ ts: T0 - 90 * MINUTE, from: 'A-1' }),
      tx({ ts: T0 - 30 * MINUTE, from: 'A-2' }),
      tx({ ts: T0 - 5 * MINUTE, from: 'A-3' }),
      tx({ ts: T0 - MINUTE, from: 'B-1', to: 'C-1' }),
    ],
    current: tx({ ts: T0, from: 'A-4' }),
    expected: 3,
  },
  bene_count_24h: {
    story: 'B-1 received exactly 24 h before (out) and 10 h before; B-2 received 1 h before (another key); 1 + 1 = 2',
    history: [tx({ ts: T0 - DAY, from: 'A-1' }), tx({ ts: T0 - 10 * HOUR, from: 'A-2' }), tx({ ts: T0 - HOUR, from: 'A-3', to: 'B-2' })],
    current: tx({ ts: T0, from: 'A-4' }),
    expected: 2,
  },
  bene_count_7d: {
    story: 'B-1 received 8 d (out), 6 d, 2 d and 1 h before; 3 + 1 = 4',
    history: [tx({ ts: T0 - 8 * DAY, from: 'A-1' }), tx({ ts: T0 - 6 * DAY, from: 'A-2' }), tx({ ts: T0 - 2 * DAY, from: 'A-3' }), tx({ ts: T0 - HOUR, from: 'A-2' })],
    current: tx({ ts: T0, from: 'A-5' }),
    expected: 4,
  },
  bene_sum_1h: {
    story: 'B-1 received 600.00 61 min before (out) and 400.00 59 min before; now 100.00: 500.00',
    history: [tx({ ts: T0 - 61 * MINUTE, from: 'A-3', amount: 600 }), tx({ ts: T0 - 59 * MINUTE, from: 'A-2', amount: 400 })],
    current: tx({ ts: T0, from: 'A-1', amount: 100 }),
    expected: 500,
  },
  bene_sum_24h: {
    story: 'B-1 received 2 000.00 25 h before (out) and 1 000.00 23 h before; now 250.00: 1 250.00',
    history: [tx({ ts: T0 - 25 * HOUR, from: 'A-2', amount: 2000 }), tx({ ts: T0 - 23 * HOUR, from: 'A-3', amount: 1000 })],
    current: tx({ ts: T0, from: 'A-1', amount: 250 }),
    expected: 1250,
  },
  bene_sum_7d: {
    story: 'B-1 received 1 500.00 exactly 7 d before (out) and 3 000.00 1 ms later (in); now 500.00: 3 500.00',
    history: [tx({ ts: T0 - 7 * DAY, from: 'A-2', amount: 1500 }), tx({ ts: T0 - 7 * DAY + 1, from: 'A-3', amount: 3000 })],
    current: tx({ ts: T0, from: 'A-1', amount: 500 }),
    expected: 3500,
  },
  device_count_1m: {
    story: 'D-1 was used by A-1 and A-2 within the minute, D-2 by A-1 (another device); now A-3 on D-1: 2 + 1 = 3',
    history: [
      tx({ ts: T0 - 50 * SECOND, from: 'A-1', device: 'D-1' }),
      tx({ ts: T0 - 20 * SECOND, from: 'A-2', device: 'D-1' }),
      tx({ ts: T0 - 10 * SECOND, from: 'A-1', device: 'D-2' }),
    ],
    current: tx({ ts: T0, from: 'A-3', device: 'D-1' }),
    expected: 3,
  },
  device_count_1h: {
    story: 'D-1 was used 61 min (out), 59 min and 1 min before; 2 + 1 = 3',
    history: [tx({ ts: T0 - 61 * MINUTE, device: 'D-1' }), tx({ ts: T0 - 59 * MINUTE, device: 'D-1' }), tx({ ts: T0 - MINUTE, device: 'D-1' })],
    current: tx({ ts: T0, device: 'D-1' }),
    expected: 3,
  },
  device_count_24h: {
    story: 'D-1 was used exactly 24 h (out), 20 h and 2 h before; a payment without a device does not count; 2 + 1 = 3',
    history: [tx({ ts: T0 - DAY, device: 'D-1' }), tx({ ts: T0 - 20 * HOUR, device: 'D-1' }), tx({ ts: T0 - 2 * HOUR, device: 'D-1' }), tx({ ts: T0 - HOUR })],
    current: tx({ ts: T0, device: 'D-1' }),
    expected: 3,
  },
  device_sum_1h: {
    story: 'D-1 paid 50.01 and 49.99 within the hour; now 100.00: 200.00',
    history: [tx({ ts: T0 - 20 * MINUTE, device: 'D-1', amount: 50.01 }), tx({ ts: T0 - 10 * MINUTE, from: 'A-2', device: 'D-1', amount: 49.99 })],
    current: tx({ ts: T0, device: 'D-1', amount: 100 }),
    expected: 200,
  },
  device_sum_24h: {
    story: 'D-1 paid 1 000.00 25 h before (out) and 300.00 3 h before; now 200.00: 500.00',
    history: [tx({ ts: T0 - 25 * HOUR, device: 'D-1', amount: 1000 }), tx({ ts: T0 - 3 * HOUR, device: 'D-1', amount: 300 })],
    current: tx({ ts: T0, device: 'D-1', amount: 200 }),
    expected: 500,
  },
  ip_count_1m: {
    story: '198.51.100.7 was used from D-1 and D-2 within the minute, another IP from D-1; now from D-3: 2 + 1 = 3',
    history: [
      tx({ ts: T0 - 30 * SECOND, device: 'D-1', ip: '198.51.100.7' }),
      tx({ ts: T0 - 15 * SECOND, from: 'A-2', device: 'D-2', ip: '198.51.100.7' }),
      tx({ ts: T0 - 5 * SECOND, device: 'D-1', ip: '198.51.100.8' }),
    ],
    current: tx({ ts: T0, from: 'A-3', device: 'D-3', ip: '198.51.100.7' }),
    expected: 3,
  },
  ip_count_1h: {
    story: '198.51.100.7 was used 61 min (out) and 30 min before; 1 + 1 = 2',
    history: [tx({ ts: T0 - 61 * MINUTE, ip: '198.51.100.7' }), tx({ ts: T0 - 30 * MINUTE, ip: '198.51.100.7' })],
    current: tx({ ts: T0, ip: '198.51.100.7' }),
    expected: 2,
  },
  ip_count_24h: {
    story: '198.51.100.7 was used 23 h, 12 h and 1 h before; 3 + 1 = 4',
    history: [tx({ ts: T0 - 23 * HOUR, ip: '198.51.100.7' }), tx({ ts: T0 - 12 * HOUR, ip: '198.51.100.7' }), tx({ ts: T0 - HOUR, ip: '198.51.100.7' })],
    current: tx({ ts: T0, ip: '198.51.100.7' }),
    expected: 4,
  },
  ip_sum_24h: {
    story: '198.51.100.7 paid 300.00 exactly 24 h before (out) and 700.00 20 h before; now 50.00: 750.00',
    history: [tx({ ts: T0 - DAY, ip: '198.51.100.7', amount: 300 }), tx({ ts: T0 - 20 * HOUR, ip: '198.51.100.7', amount: 700 })],
    current: tx({ ts: T0, ip: '198.51.100.7', amount: 50 }),
    expected: 750,
  },
  pair_count_24h: {
    story: 'A-1 paid B-1 25 h (out) and 2 h before, B-2 1 h before; B-1 paid A-1 back (the reverse pair); 1 + 1 = 2',
    history: [
      tx({ ts: T0 - 25 * HOUR }),
      tx({ ts: T0 - 2 * HOUR }),
      tx({ ts: T0 - HOUR, to: 'B-2' }),
      tx({ ts: T0 - 30 * MINUTE, from: 'B-1', to: 'A-1' }),
    ],
    current: tx({ ts: T0 }),
    expected: 2,
  },
  pair_count_7d: {
    story: 'A-1 paid B-1 exactly 7 d (out), 5 d and 1 d before; A-2 paid B-1 too (another pair); 2 + 1 = 3',
    history: [tx({ ts: T0 - 7 * DAY }), tx({ ts: T0 - 5 * DAY }), tx({ ts: T0 - DAY }), tx({ ts: T0 - HOUR, from: 'A-2' })],
    current: tx({ ts: T0 }),
    expected: 3,
  },
  pair_count_30d: {
    story: 'A-1 paid B-1 31 d (out), 29 d and 15 d before; 2 + 1 = 3',
    history: [tx({ ts: T0 - 31 * DAY }), tx({ ts: T0 - 29 * DAY }), tx({ ts: T0 - 15 * DAY })],
    current: tx({ ts: T0 }),
    expected: 3,
  },
  pair_sum_24h: {
    story: 'A-1 paid B-1 100.00 and 250.00, B-2 999.00 (another pair); now 50.00 to B-1: 400.00',
    history: [tx({ ts: T0 - 3 * HOUR, amount: 100 }), tx({ ts: T0 - 2 * HOUR, amount: 250 }), tx({ ts: T0 - HOUR, to: 'B-2', amount: 999 })],
    current: tx({ ts: T0, amount: 50 }),
    expected: 400,
  },
  pair_sum_30d: {
    story: 'A-1 paid B-1 5 000.00 exactly 30 d before (out) and 1 000.00 10 d before; now 1 000.00: 2 000.00',
    history: [tx({ ts: T0 - 30 * DAY, amount: 5000 }), tx({ ts: T0 - 10 * DAY, amount: 1000 })],
    current: tx({ ts: T0, amount: 1000 }),
    expected: 2000,
  },
};

describe(FeatureEngine.name, () => {
  describe('velocity', () => {
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
});
