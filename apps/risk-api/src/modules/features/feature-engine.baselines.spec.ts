import { Transaction } from '@vigil/contracts';

import { FeatureEngine } from './feature-engine';
import { FeatureVector } from './feature-names';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx, TxSketch } from './testing/transaction-builder';
import { DAY, HOUR, MINUTE } from './windows/durations';

const each = (count: number, sketch: (k: number) => TxSketch): Transaction[] => Array.from({ length: count }, (_, k) => tx(sketch(k)));
const card = { type: 'PAYMENT', channel: 'POS', mcc: '5411' } as const;
const run = (history: readonly Transaction[], current: Transaction): FeatureVector => {
  const sut = new FeatureEngine();
  history.forEach((event) => sut.process(event));
  return sut.process(current);
};

// An account against its own baseline, and a merchant payment against its category's.
const stories: FeatureStories<'baselines'> = {
  bene_fan_in_ratio_24h: {
    story: 'B-1, known for 40 d, received 58 transfers between 30 d and 24 h before (2 a day over 29 d); today from 5 payers; now A-9: 6 / (1 + 58 / 29)',
    history: [
      tx({ ts: T0 - 40 * DAY, from: 'B-1', to: 'X-1' }),
      ...each(58, (k) => ({ ts: T0 - 30 * DAY + HOUR + k * 12 * HOUR, from: `P-${k % 3}`, to: 'B-1' })),
      ...each(5, (k) => ({ ts: T0 - (k + 1) * HOUR, from: `A-${k}`, to: 'B-1' })),
    ],
    current: tx({ ts: T0, from: 'A-9', to: 'B-1' }),
    expected: 2,
  },
  orig_fan_out_ratio_24h: {
    story: 'A-1, first seen 10 d before, made 9 transfers between 10 d and 24 h before (1 a day over 9 d) and card payments; today transfers to B-1, B-2, B-2 and a card payment; now B-3: 3 / (1 + 9 / 9)',
    history: [
      ...each(9, (k) => ({ ts: T0 - 10 * DAY + k * DAY, from: 'A-1', to: `F-${k}` })),
      tx({ ts: T0 - 5 * DAY, from: 'A-1', to: 'SHOP', ...card }),
      tx({ ts: T0 - 3 * HOUR, to: 'B-1' }),
      tx({ ts: T0 - 2 * HOUR, to: 'B-2' }),
      tx({ ts: T0 - HOUR, to: 'B-2' }),
      tx({ ts: T0 - 30 * MINUTE, to: 'SHOP', ...card }),
    ],
    current: tx({ ts: T0, to: 'B-3' }),
    expected: 1.5,
  },
  bene_amount_ratio_30d: {
    story: 'B-1 received 10 000.00 31 d before (out), then 100.00, 200.00 and 300.00; now 600.00: 600 / 200',
    history: [
      tx({ ts: T0 - 31 * DAY, from: 'X-1', amount: 10_000 }),
      tx({ ts: T0 - 3 * DAY, from: 'X-1', amount: 100 }),
      tx({ ts: T0 - 2 * DAY, from: 'X-2', amount: 200 }),
      tx({ ts: T0 - DAY, from: 'X-3', amount: 300 }),
    ],
    current: tx({ ts: T0, amount: 600 }),
    expected: 3,
  },
  tx_amount_vs_mcc_30d: {
    story: 'grocery (5411) payments: 1 000.00 31 whole days before (out), 30.00 20 d before, 20.00 and 40.00 yesterday, 100.00 earlier today (not a whole day before); a restaurant 500.00; now 90.00 at another grocer: 90 / 30',
    history: [
      tx({ ts: T0 - 31 * DAY, from: 'A-1', to: 'SHOP-1', amount: 1_000, ...card }),
      tx({ ts: T0 - 20 * DAY, from: 'A-2', to: 'SHOP-1', amount: 30, ...card }),
      tx({ ts: T0 - DAY, from: 'A-3', to: 'SHOP-2', amount: 20, ...card }),
      tx({ ts: T0 - DAY + HOUR, from: 'A-4', to: 'SHOP-2', amount: 40, ...card }),
      tx({ ts: T0 - HOUR, from: 'A-5', to: 'SHOP-1', amount: 100, ...card }),
      tx({ ts: T0 - 2 * DAY, from: 'A-6', to: 'DINER', amount: 500, ...card, mcc: '5812' }),
    ],
    current: tx({ ts: T0, from: 'A-7', to: 'SHOP-3', amount: 90, ...card }),
    expected: 3,
  },
};

describe(FeatureEngine.name, () => {
  describe('baselines', () => {
    it.each(storyCases(stories))('$name: $story', ({ name, history, current, expected }) => {
      // Act
      const features = run(history, current);

      // Assert
      expect(features[name]).toBeCloseTo(expected, 10);
    });
  });

  it('measures a new account against no baseline, not a tiny one', () => {
    // B-1 is first seen 12 h before: nothing older than 24 h, so its baseline is 0 payers a day.
    const history = each(4, (k) => ({ ts: T0 - 12 * HOUR + k * HOUR, from: `A-${k}`, to: 'B-1' }));

    const features = run(history, tx({ ts: T0, from: 'A-9', to: 'B-1' }));

    expect(features.bene_fan_in_ratio_24h).toBe(5);
  });

  it('spreads the baseline over the days an account has been known, at least one', () => {
    // B-1 was first paid 36 h before, 30 times in its first 12 h: 30 events over 0.5 d → 1 d.
    const history = each(30, (k) => ({ ts: T0 - 36 * HOUR + k * 20 * MINUTE, from: `P-${k}`, to: 'B-1' }));

    const features = run(history, tx({ ts: T0, from: 'A-9', to: 'B-1' }));

    expect(features.bene_fan_in_ratio_24h).toBeCloseTo(1 / 31, 10);
  });

  it('counts a card payment neither as fan-out nor in its baseline', () => {
    const features = run([tx({ ts: T0 - HOUR, to: 'SHOP', ...card })], tx({ ts: T0, to: 'SHOP-2', ...card }));

    expect(features.orig_fan_out_ratio_24h).toBe(0);
  });

  it('has no amount baselines without history or without a merchant', () => {
    const features = run([], tx({ ts: T0, amount: 500 }));

    expect([features.bene_amount_ratio_30d, features.tx_amount_vs_mcc_30d]).toEqual([0, 0]);
  });
});
