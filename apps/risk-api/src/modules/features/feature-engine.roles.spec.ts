import { Transaction } from '@vigil/contracts';

import { FeatureEngine } from './feature-engine';
import { FeatureStories, storyCases } from './testing/feature-story';
import { T0, tx, TxSketch } from './testing/transaction-builder';
import { DAY, HOUR, MINUTE } from './windows/durations';

/** `count` sketches, one every `step` from `first`, from (or to) a numbered account each. */
const each = (count: number, sketch: (k: number) => TxSketch): Transaction[] => Array.from({ length: count }, (_, k) => tx(sketch(k)));
const card = { type: 'PAYMENT', channel: 'POS', mcc: '5411' } as const;

// Roles learned from the stream, for the beneficiary (bene_*) and the originator (orig_*).
const stories: FeatureStories<'roles'> = {
  bene_merchant_score_30d: {
    story: 'SHOP was paid by card 31 d before (out), by card 15 times and once by transfer since; now a card payment: 15 / (16 + 5)',
    history: [
      tx({ ts: T0 - 31 * DAY, from: 'A-0', to: 'SHOP', ...card }),
      ...each(15, (k) => ({ ts: T0 - (k + 1) * DAY, from: `A-${k}`, to: 'SHOP', ...card })),
      tx({ ts: T0 - HOUR, from: 'A-90', to: 'SHOP' }),
    ],
    current: tx({ ts: T0, from: 'A-99', to: 'SHOP', ...card }),
    expected: 15 / 21,
  },
  bene_biller_score_30d: {
    story: 'UTIL collected 8 direct debits and received 2 transfers in 30 d: 8 / (10 + 5)',
    history: [
      ...each(8, (k) => ({ ts: T0 - (k + 1) * 3 * DAY, from: `A-${k}`, to: 'UTIL', type: 'DEBIT', channel: 'API' })),
      ...each(2, (k) => ({ ts: T0 - (k + 1) * HOUR, from: `A-${k}`, to: 'UTIL' })),
    ],
    current: tx({ ts: T0, from: 'A-9', to: 'UTIL', type: 'DEBIT', channel: 'API' }),
    expected: 8 / 15,
  },
  bene_cash_score_30d: {
    story: 'ATM-1 received 6 ATM withdrawals and a transfer, and paid one branch deposit: (6 + 1) / (7 + 1 + 5)',
    history: [
      ...each(6, (k) => ({ ts: T0 - (k + 1) * DAY, from: `A-${k}`, to: 'ATM-1', type: 'CASH_OUT', channel: 'ATM' })),
      tx({ ts: T0 - 2 * HOUR, from: 'A-7', to: 'ATM-1' }),
      tx({ ts: T0 - HOUR, from: 'ATM-1', to: 'A-8', type: 'CASH_IN', channel: 'BRANCH' }),
    ],
    current: tx({ ts: T0, from: 'A-9', to: 'ATM-1', type: 'CASH_OUT', channel: 'ATM' }),
    expected: 7 / 13,
  },
  bene_payroll_score_35d: {
    story: 'EMP paid 10 staff 30 d before and 5 new ones 3 d before (within the last week, not yet evidence); now it is funded: 10 / (10 + 10)',
    history: [
      ...each(10, (k) => ({ ts: T0 - 30 * DAY + k * MINUTE, from: 'EMP', to: `S-${k}`, channel: 'API' })),
      ...each(5, (k) => ({ ts: T0 - 3 * DAY + k * MINUTE, from: 'EMP', to: `S-${10 + k}`, channel: 'API' })),
    ],
    current: tx({ ts: T0, from: 'OWNER', to: 'EMP', amount: 50_000 }),
    expected: 0.5,
  },
  bene_collector_score_35d: {
    story: 'LANDLORD was paid by transfer by 6 tenants 20..30 d before, by debit by 1 more, by card by 1 (not counted), and by 3 tenants 2 d before (too recent): 7 / (7 + 10)',
    history: [
      ...each(6, (k) => ({ ts: T0 - (20 + k) * DAY, from: `T-${k}`, to: 'LANDLORD' })),
      tx({ ts: T0 - 10 * DAY, from: 'T-6', to: 'LANDLORD', type: 'DEBIT', channel: 'API' }),
      tx({ ts: T0 - 9 * DAY, from: 'T-7', to: 'LANDLORD', ...card }),
      ...each(3, (k) => ({ ts: T0 - 2 * DAY, from: `T-${8 + k}`, to: 'LANDLORD' })),
    ],
    current: tx({ ts: T0, from: 'T-0', to: 'LANDLORD' }),
    expected: 7 / 17,
  },
  bene_hub_35d: {
    story: 'SHOP was paid by card 5 times: its merchant score 5 / (5 + 5) = 0.5 makes it a structural hub',
    history: each(5, (k) => ({ ts: T0 - (k + 1) * HOUR, from: `A-${k}`, to: 'SHOP', ...card })),
    current: tx({ ts: T0, from: 'A-9', to: 'SHOP', ...card }),
    expected: 1,
  },
  orig_merchant_score_30d: {
    story: 'SHOP, paid by card 10 times, refunds A-1: 10 / (10 + 5)',
    history: each(10, (k) => ({ ts: T0 - (k + 1) * DAY, from: `A-${k}`, to: 'SHOP', ...card })),
    current: tx({ ts: T0, from: 'SHOP', to: 'A-1' }),
    expected: 10 / 15,
  },
  orig_biller_score_30d: {
    story: 'UTIL collected 3 direct debits and refunds one: 3 / (3 + 5)',
    history: each(3, (k) => ({ ts: T0 - (k + 1) * DAY, from: `A-${k}`, to: 'UTIL', type: 'DEBIT', channel: 'API' })),
    current: tx({ ts: T0, from: 'UTIL', to: 'A-1', amount: 20 }),
    expected: 3 / 8,
  },
  orig_cash_score_30d: {
    story: 'CASH-1 paid 4 branch deposits and received 2 ATM withdrawals; its own CASH_IN to itself names no cash account but counts as an event in and out: (4 + 2) / (3 + 5 + 5)',
    history: [
      ...each(4, (k) => ({ ts: T0 - (k + 1) * DAY, from: 'CASH-1', to: `A-${k}`, type: 'CASH_IN', channel: 'BRANCH' })),
      ...each(2, (k) => ({ ts: T0 - (k + 1) * HOUR, from: `A-${k}`, to: 'CASH-1', type: 'CASH_OUT', channel: 'ATM' })),
      tx({ ts: T0 - 30 * MINUTE, from: 'CASH-1', to: 'CASH-1', type: 'CASH_IN', channel: 'BRANCH' }),
    ],
    current: tx({ ts: T0, from: 'CASH-1', to: 'A-9', type: 'CASH_IN', channel: 'BRANCH' }),
    expected: 6 / 13,
  },
  orig_payroll_score_35d: {
    story: 'EMP paid the same 12 staff 30 d before (one twice) and a card payment; now the next run: 12 / (12 + 10)',
    history: [
      ...each(12, (k) => ({ ts: T0 - 30 * DAY + k * MINUTE, from: 'EMP', to: `S-${k}`, amount: 2_500 + k, channel: 'API' })),
      tx({ ts: T0 - 29 * DAY, from: 'EMP', to: 'S-0', channel: 'API' }),
      tx({ ts: T0 - 20 * DAY, from: 'EMP', to: 'SHOP', ...card }),
    ],
    current: tx({ ts: T0, from: 'EMP', to: 'S-0', amount: 2_500, channel: 'API' }),
    expected: 12 / 22,
  },
  orig_collector_score_35d: {
    story: 'CHARITY was paid by 20 donors by transfer 10..20 d before; now it pays out: 20 / (20 + 10)',
    history: each(20, (k) => ({ ts: T0 - (10 + (k % 10)) * DAY, from: `D-${k}`, to: 'CHARITY', amount: 25 })),
    current: tx({ ts: T0, from: 'CHARITY', to: 'SCHOOL', amount: 400 }),
    expected: 2 / 3,
  },
  orig_hub_35d: {
    story: 'CASH-1 paid 5 branch deposits: its cash score 5 / (5 + 5) = 0.5 makes it a structural hub',
    history: each(5, (k) => ({ ts: T0 - (k + 1) * HOUR, from: 'CASH-1', to: `A-${k}`, type: 'CASH_IN', channel: 'BRANCH' })),
    current: tx({ ts: T0, from: 'CASH-1', to: 'A-9', type: 'CASH_IN', channel: 'BRANCH' }),
    expected: 1,
  },
};

describe(FeatureEngine.name, () => {
  describe('roles', () => {
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

  it('gives a brand-new account no role until there is evidence', () => {
    const sut = new FeatureEngine();

    const first = sut.process(tx({ ts: T0, from: 'A-1', to: 'NEW', ...card }));
    const second = sut.process(tx({ ts: T0 + MINUTE, from: 'A-2', to: 'NEW', ...card }));

    expect([first.bene_merchant_score_30d, first.bene_hub_35d]).toEqual([0, 0]);
    expect([second.bene_merchant_score_30d, second.bene_hub_35d]).toEqual([1 / 6, 0]);
  });

  it('does not let a burst vouch for itself: one-to-many counts only from a week back', () => {
    // Prepare: A-1 pays 12 new accounts within the hour (a fan-out), then again 8 days later.
    const sut = new FeatureEngine();
    each(12, (k) => ({ ts: T0 + k * MINUTE, from: 'A-1', to: `X-${k}` })).forEach((event) => sut.process(event));

    // Act
    const sameDay = sut.process(tx({ ts: T0 + HOUR, from: 'A-1', to: 'X-12' }));
    const weekLater = sut.process(tx({ ts: T0 + 8 * DAY, from: 'A-1', to: 'X-13' }));

    // Assert
    expect([sameDay.orig_payroll_score_35d, sameDay.orig_hub_35d]).toEqual([0, 0]);
    expect([weekLater.orig_payroll_score_35d, weekLater.orig_hub_35d]).toEqual([13 / 23, 1]);
  });

  it('counts a deposit to one\'s own account as no cash account', () => {
    const sut = new FeatureEngine();
    each(6, (k) => ({ ts: T0 + k * HOUR, from: 'A-1', to: 'A-1', type: 'CASH_IN', channel: 'BRANCH' })).forEach((event) => sut.process(event));

    const features = sut.process(tx({ ts: T0 + DAY, from: 'A-1', to: 'A-1', type: 'CASH_IN', channel: 'BRANCH' }));

    expect([features.orig_cash_score_30d, features.bene_cash_score_30d, features.orig_hub_35d]).toEqual([0, 0, 0]);
  });
});
