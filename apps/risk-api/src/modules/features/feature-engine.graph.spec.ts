import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR, MINUTE } from './windows/durations';

// Fund-flow graph around the transfer originator → beneficiary.
const stories: FeatureStories<'graph'> = {
  orig_fan_out_24h: {
    story: 'A-1 paid B-3 exactly 24 h before (out), then B-1, B-2 and B-1 again; now B-4: {B-1, B-2, B-4} = 3',
    history: [tx({ ts: T0 - DAY, to: 'B-3' }), tx({ ts: T0 - 5 * HOUR, to: 'B-1' }), tx({ ts: T0 - 3 * HOUR, to: 'B-2' }), tx({ ts: T0 - HOUR, to: 'B-1' })],
    current: tx({ ts: T0, to: 'B-4' }),
    expected: 3,
  },
  orig_fan_out_7d: {
    story: 'A-1 paid B-1 8 d before (out), B-2 and B-3 within the week; now B-2 again: {B-2, B-3} = 2',
    history: [tx({ ts: T0 - 8 * DAY, to: 'B-1' }), tx({ ts: T0 - 6 * DAY, to: 'B-2' }), tx({ ts: T0 - 2 * DAY, to: 'B-3' })],
    current: tx({ ts: T0, to: 'B-2' }),
    expected: 2,
  },
  bene_fan_in_24h: {
    story: 'B-1 received from A-3 25 h before (out), then A-1, A-2 and A-1 again; now from A-4: {A-1, A-2, A-4} = 3',
    history: [
      tx({ ts: T0 - 25 * HOUR, from: 'A-3' }),
      tx({ ts: T0 - 2 * HOUR, from: 'A-1' }),
      tx({ ts: T0 - HOUR, from: 'A-2' }),
      tx({ ts: T0 - 30 * MINUTE, from: 'A-1' }),
    ],
    current: tx({ ts: T0, from: 'A-4' }),
    expected: 3,
  },
  bene_fan_in_7d: {
    story: 'B-1 received from A-3 exactly 7 d before (out), from A-1 and A-2 since; now from A-1 again: {A-1, A-2} = 2',
    history: [tx({ ts: T0 - 7 * DAY, from: 'A-3' }), tx({ ts: T0 - 6 * DAY, from: 'A-1' }), tx({ ts: T0 - 3 * DAY, from: 'A-2' })],
    current: tx({ ts: T0, from: 'A-1' }),
    expected: 2,
  },
  orig_fan_in_24h: {
    story: 'A-1 received from X-1, X-2 and X-1 again, and paid B-1 (outgoing, no sender); {X-1, X-2} = 2',
    history: [
      tx({ ts: T0 - 3 * HOUR, from: 'X-1', to: 'A-1' }),
      tx({ ts: T0 - 2 * HOUR, from: 'X-2', to: 'A-1' }),
      tx({ ts: T0 - HOUR, from: 'X-1', to: 'A-1' }),
      tx({ ts: T0 - 30 * MINUTE, to: 'B-1' }),
    ],
    current: tx({ ts: T0, to: 'B-1' }),
    expected: 2,
  },
  orig_fan_in_7d: {
    story: 'A-1 received from X-1 8 d before (out), from X-2 and X-3 within the week: 2',
    history: [tx({ ts: T0 - 8 * DAY, from: 'X-1', to: 'A-1' }), tx({ ts: T0 - 6 * DAY, from: 'X-2', to: 'A-1' }), tx({ ts: T0 - DAY, from: 'X-3', to: 'A-1' })],
    current: tx({ ts: T0, to: 'B-1' }),
    expected: 2,
  },
  orig_pass_through_24h: {
    story: 'mule A-1 received 400.00 25 h before (out), 1 000.00 and 500.00 since, forwarded 600.00; now 600.00 more: 1 200 / 1 500 = 0.8',
    history: [
      tx({ ts: T0 - 25 * HOUR, from: 'X-3', to: 'A-1', amount: 400 }),
      tx({ ts: T0 - 3 * HOUR, from: 'X-1', to: 'A-1', amount: 1000 }),
      tx({ ts: T0 - 2 * HOUR, from: 'X-2', to: 'A-1', amount: 500 }),
      tx({ ts: T0 - HOUR, to: 'C-1', amount: 600 }),
    ],
    current: tx({ ts: T0, to: 'C-2', amount: 600 }),
    expected: 0.8,
  },
  orig_secs_since_last_in: {
    story: 'A-1 received 2 h and 45 min before, paid B-1 10 min before; 45 min = 2 700 s',
    history: [tx({ ts: T0 - 2 * HOUR, from: 'X-1', to: 'A-1' }), tx({ ts: T0 - 45 * MINUTE, from: 'X-2', to: 'A-1' }), tx({ ts: T0 - 10 * MINUTE, to: 'B-1' })],
    current: tx({ ts: T0, to: 'B-1' }),
    expected: 2700,
  },
  orig_fast_forward_1h: {
    story: 'A-1 received 5 000.00 2 h before and 4 000.00 30 min before; forwarding now is within the hour: 1',
    history: [tx({ ts: T0 - 2 * HOUR, from: 'X-1', to: 'A-1', amount: 5000 }), tx({ ts: T0 - 30 * MINUTE, from: 'X-2', to: 'A-1', amount: 4000 })],
    current: tx({ ts: T0, to: 'B-1', amount: 8500 }),
    expected: 1,
  },
  pair_closes_cycle_7d: {
    story: 'A paid B 3 d before, B paid C 2 d before; C → A closes A → B → C → A: 1',
    history: [tx({ ts: T0 - 3 * DAY, from: 'A', to: 'B' }), tx({ ts: T0 - 2 * DAY, from: 'B', to: 'C' })],
    current: tx({ ts: T0, from: 'C', to: 'A' }),
    expected: 1,
  },
  pair_cycle_length_7d: {
    story: 'A → B (3 d), B → C (2 d), C → D (1 d); B → D 4 d before cannot carry A\'s money (it precedes A → B); D → A closes a 4-cycle: 4',
    history: [
      tx({ ts: T0 - 4 * DAY, from: 'B', to: 'D' }),
      tx({ ts: T0 - 3 * DAY, from: 'A', to: 'B' }),
      tx({ ts: T0 - 2 * DAY, from: 'B', to: 'C' }),
      tx({ ts: T0 - DAY, from: 'C', to: 'D' }),
    ],
    current: tx({ ts: T0, from: 'D', to: 'A' }),
    expected: 4,
  },
};

describe(FeatureEngine.name, () => {
  describe('fund-flow graph', () => {
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

  it.each([
    { story: 'B paid A back: a 2-cycle', history: [tx({ ts: T0 - DAY, from: 'B', to: 'A' })], expected: 2 },
    { story: 'B → X → A: a 3-cycle', history: [tx({ ts: T0 - 2 * DAY, from: 'B', to: 'X' }), tx({ ts: T0 - DAY, from: 'X', to: 'A' })], expected: 3 },
    { story: 'B → X → A with decreasing times: none', history: [tx({ ts: T0 - DAY, from: 'B', to: 'X' }), tx({ ts: T0 - 2 * DAY, from: 'X', to: 'A' })], expected: 0 },
    { story: 'B → X exactly 7 d before: outside the window', history: [tx({ ts: T0 - 7 * DAY, from: 'B', to: 'X' }), tx({ ts: T0 - DAY, from: 'X', to: 'A' })], expected: 0 },
    { story: 'B → W → X → Y → A: a 5-cycle', history: ['B>W', 'W>X', 'X>Y', 'Y>A'].map((edge, i) => tx({ ts: T0 - (4 - i) * HOUR, from: edge[0], to: edge[2] })), expected: 5 },
    { story: 'a 9-cycle is longer than searched', history: ['B>R', 'R>S', 'S>U', 'U>V', 'V>W', 'W>X', 'X>Y', 'Y>A'].map((edge, i) => tx({ ts: T0 - (8 - i) * HOUR, from: edge[0], to: edge[2] })), expected: 0 },
  ])('finds the shortest cycle A → B closes: $story', ({ history, expected }) => {
    const sut = new FeatureEngine();
    history.forEach((event) => sut.process(event));

    const features = sut.process(tx({ ts: T0, from: 'A', to: 'B' }));

    expect(features.pair_cycle_length_7d).toBe(expected);
    expect(features.pair_closes_cycle_7d).toBe(expected > 0 ? 1 : 0);
  });

  it('defines pass-through as 0 and time since received as the 7 d cap when nothing came in', () => {
    const sut = new FeatureEngine();
    sut.process(tx({ ts: T0 - 8 * DAY, from: 'X-1', to: 'A-1' }));

    const features = sut.process(tx({ ts: T0, from: 'A-1' }));

    expect(features).toMatchObject({ orig_pass_through_24h: 0, orig_secs_since_last_in: 7 * 86_400, orig_fast_forward_1h: 0 });
  });
});
