import { Transaction } from '@vigil/contracts';

import { FeatureEngine } from '../../features/feature-engine';
import { FeatureVector } from '../../features/feature-names';
import { T0, tx, TxSketch } from '../../features/testing/transaction-builder';
import { DAY, HOUR, MINUTE, SECOND } from '../../features/windows/durations';
import { evaluateRuleSet, RuleSetResult } from '../evaluate-rule-set';
import { ruleValues } from '../transaction-values';
import { DEFAULT_COMPILED, hitIds, outcomeOf } from './scenario.fixture';

const card = { type: 'PAYMENT', channel: 'POS', mcc: '5411' } as const;

/**
 * The engine fed a story, then the default rule set on its last transaction: what the service
 * would decide, from the features it would compute.
 */
function decide(story: readonly TxSketch[]): { features: FeatureVector; result: RuleSetResult } {
  const engine = new FeatureEngine();
  const transactions: Transaction[] = story.map(tx);
  transactions.slice(0, -1).forEach((event) => engine.process(event));
  const last = transactions[transactions.length - 1];
  const features = engine.process(last);
  return { features, result: evaluateRuleSet(DEFAULT_COMPILED, ruleValues(last, features)) };
}

/** `perDay` sketches a day for the `days` days before T0, spread over 10 hours ending 26 h before T0's time of day. */
function daily(days: number, perDay: number, sketch: (day: number, k: number) => Omit<TxSketch, 'ts'>): TxSketch[] {
  const sketches: TxSketch[] = [];
  for (let day = days; day >= 1; day--) {
    for (let k = 0; k < perDay; k++) sketches.push({ ts: T0 - day * DAY - 12 * HOUR + Math.floor((k * 10 * HOUR) / perDay), ...sketch(day, k) });
  }
  return sketches;
}

/** A person's ordinary month: a card payment every other day, small amounts. */
const ordinaryLife = (account: string): TxSketch[] =>
  Array.from({ length: 15 }, (_, k) => ({ ts: T0 - (30 - 2 * k) * DAY, from: account, to: `SHOP-${k % 4}`, amount: 20 + k, ...card }));

// Merchants, billers, payroll and cash accounts pay or are paid by hundreds by nature: the rules
// judge them by their role and their own baseline, so they do not fire; a mule collecting from new
// payers still does.
describe(evaluateRuleSet.name, () => {
  describe('structural hubs', () => {
    it('a merchant paid by 300 people a day is a merchant, not a fan-in, even on a day four times busier', () => {
      // Act
      const { features, result } = decide([
        ...daily(10, 300, (day, k) => ({ from: `C-${day}-${k}`, to: 'SUPERMARKET', amount: 35, ...card })),
        ...Array.from({ length: 1200 }, (_, k) => ({ ts: T0 - 20 * HOUR + k * 60 * SECOND, from: `C-0-${k}`, to: 'SUPERMARKET', amount: 35, ...card })),
        { ts: T0, from: 'C-new', to: 'SUPERMARKET', amount: 35, ...card },
      ]);

      // Assert
      expect(features.bene_fan_in_24h).toBe(1201);
      expect(features.bene_fan_in_ratio_24h).toBeGreaterThan(3);
      expect(features).toMatchObject({ bene_hub_35d: 1 });
      expect(features.bene_merchant_score_30d).toBeGreaterThan(0.99);
      expect(result.hits).toEqual([]);
    });

    it('a merchant is a merchant from its first day: five card payments make the role', () => {
      // Act
      const { features, result } = decide(Array.from({ length: 300 }, (_, k) => ({ ts: T0 - 5 * HOUR + k * MINUTE, from: `C-${k}`, to: 'NEW-SHOP', amount: 12, ...card })));

      // Assert
      expect(features.bene_fan_in_ratio_24h).toBe(300);
      expect(features).toMatchObject({ bene_hub_35d: 1 });
      expect(result.hits).toEqual([]);
    });

    it('a biller collecting 200 direct debits on the 1st, 20 on other days, is a biller, not a fan-in', () => {
      // Act
      const { features, result } = decide([
        ...daily(29, 20, (day, k) => ({ from: `C-${day}-${k}`, to: 'UTILITY', amount: 60 + (k % 7), type: 'DEBIT', channel: 'API' })),
        ...Array.from({ length: 200 }, (_, k) => ({ ts: T0 - 6 * HOUR + k * 30 * SECOND, from: `C-0-${k}`, to: 'UTILITY', amount: 60, type: 'DEBIT', channel: 'API' }) as const),
        { ts: T0, from: 'C-last', to: 'UTILITY', amount: 61, type: 'DEBIT', channel: 'API' },
      ]);

      // Assert
      expect(features.bene_fan_in_ratio_24h).toBeGreaterThan(9);
      expect(features.bene_biller_score_30d).toBeGreaterThan(0.99);
      expect(features).toMatchObject({ bene_hub_35d: 1 });
      expect(result.hits).toEqual([]);
    });

    it('a payroll run to 40 staff, funded minutes before, is no fan-out, structuring or pass-through', () => {
      // Prepare: the employer paid the same staff a month before; its account is topped up before each run.
      const run = (at: number): TxSketch[] => [
        { ts: at - 10 * MINUTE, from: 'OWNER', to: 'EMPLOYER', amount: 150_000 },
        ...Array.from({ length: 40 }, (_, k) => ({ ts: at + k * MINUTE, from: 'EMPLOYER', to: `STAFF-${k}`, amount: 2_900 + 25 * k, channel: 'API' }) as const),
      ];

      // Act
      const { features, result } = decide([...run(T0 - 30 * DAY - 39 * MINUTE), ...run(T0 - 39 * MINUTE)]);

      // Assert: the 40th salary of the run.
      expect(features.orig_fan_out_24h).toBe(40);
      expect(features.orig_fan_out_ratio_24h).toBeGreaterThan(3);
      expect(features.orig_pass_through_24h).toBeGreaterThan(0.8);
      expect(features.orig_payroll_score_35d).toBeCloseTo(0.8, 10);
      expect(features).toMatchObject({ orig_hub_35d: 1, orig_fast_forward_1h: 1 });
      expect(result.hits).toEqual([]);
    });

    it('an ATM cash account with three times its usual withdrawals is a cash account, and so is the branch till paying deposits', () => {
      // Act
      const withdrawal = decide([
        ...daily(20, 30, (day, k) => ({ from: `C-${day}-${k}`, to: 'ATM-1', amount: 100, type: 'CASH_OUT', channel: 'ATM' })),
        ...Array.from({ length: 100 }, (_, k) => ({ ts: T0 - 10 * HOUR + k * 5 * MINUTE, from: `C-0-${k}`, to: 'ATM-1', amount: 200, type: 'CASH_OUT', channel: 'ATM' }) as const),
        { ts: T0, from: 'C-last', to: 'ATM-1', amount: 500, type: 'CASH_OUT', channel: 'ATM' },
      ]);
      const deposit = decide([
        ...daily(20, 10, (day, k) => ({ from: `C-${day}-${k}`, to: 'TILL', amount: 300, type: 'CASH_OUT', channel: 'BRANCH' })),
        ...daily(20, 10, (day, k) => ({ from: 'TILL', to: `D-${day}-${k}`, amount: 280, type: 'CASH_IN', channel: 'BRANCH' })),
        { ts: T0 - 10 * MINUTE, from: 'C-x', to: 'TILL', amount: 3_000, type: 'CASH_OUT', channel: 'BRANCH' },
        { ts: T0, from: 'TILL', to: 'D-new', amount: 2_900, type: 'CASH_IN', channel: 'BRANCH' },
      ]);

      // Assert
      expect(withdrawal.features.bene_fan_in_ratio_24h).toBeGreaterThan(3);
      expect(withdrawal.features).toMatchObject({ bene_hub_35d: 1 });
      expect(withdrawal.result.hits).toEqual([]);
      expect(deposit.features.orig_cash_score_30d).toBeGreaterThan(0.9);
      expect(deposit.features).toMatchObject({ orig_hub_35d: 1, orig_fast_forward_1h: 1, orig_new_beneficiary: 1 });
      expect(deposit.result.hits).toEqual([]);
    });

    it('a new mule account receiving from 12 new payers in three hours is a fan-in', () => {
      // Prepare: 12 people who shop a little each pay the mule 2 000.
      const payers = Array.from({ length: 12 }, (_, k) => `P-${k}`);

      // Act
      const { features, result } = decide([
        ...payers.flatMap(ordinaryLife),
        ...payers.map((payer, k) => ({ ts: T0 - 3 * HOUR + k * 15 * MINUTE, from: payer, to: 'MULE', amount: 2_000 + 10 * k })),
      ]);

      // Assert
      expect(features).toMatchObject({ bene_fan_in_24h: 12, bene_fan_in_ratio_24h: 12, bene_hub_35d: 0, bene_new_account: 0 });
      // (ATO-02, the payer's amount far above its own history, is one weak signal of another typology.)
      expect(hitIds(result)).toEqual(['FI-01', 'FI-03', 'ATO-02']);
      expect(outcomeOf(result, 'fan_in')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
      expect(result.decision).toBe('REVIEW');
    });
  });
});
