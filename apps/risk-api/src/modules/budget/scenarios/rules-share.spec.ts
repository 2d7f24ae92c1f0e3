import { Rng } from '@vigil/platform';

import { AlertBudget } from '../alert-budget';
import { replayAlertBudget } from '../replay-alert-budget';
import { FOREIGN, SETTINGS, SHIPPED, shareOf, stream } from './budget.fixture';

// Rules decide as they always do, and what they flag counts against the same 1 %: the model gets
// the rest, placed among the transactions the rules let through, and never less than half the budget.
describe(AlertBudget.name, () => {
  const LAST = 40_000;
  const rulesShare = (decisions: { rulesDecision: string }[]) => decisions.slice(-LAST).filter((tx) => tx.rulesDecision !== 'ALLOW').length / LAST;

  describe('rules that flag 0.4 % of the traffic at random', () => {
    const rng = new Rng(7);
    const transactions = [...stream(rng, FOREIGN, 100_000, () => (rng.chance(0.004) ? { rulesDecision: 'REVIEW', rules: ['STR-01'] } : {}))];
    const { decisions, budget } = replayAlertBudget(SETTINGS, SHIPPED, transactions, { batchSize: 100 });

    it('leaves the model 0.6 %, so together they flag 1 %', () => {
      // Assert
      expect(rulesShare(transactions)).toBeGreaterThan(0.003);
      expect(rulesShare(transactions)).toBeLessThan(0.005);
      expect(shareOf(decisions, -LAST)).toBeGreaterThan(0.0085);
      expect(shareOf(decisions, -LAST)).toBeLessThan(0.0115);
      expect(budget.report().rulesFlaggedShare).toBeGreaterThan(0.003);
      expect(budget.report().rulesFlaggedShare).toBeLessThan(0.005);
    });
  });

  describe('rules that flag exactly the highest-scoring 0.5 %', () => {
    const scored = [...stream(new Rng(8), FOREIGN, 100_000)];
    const top = scored.map((tx) => tx.score).sort((a, b) => a - b)[Math.floor(0.995 * scored.length)];
    const transactions = scored.map((tx) => (tx.score > top ? { ...tx, rulesDecision: 'BLOCK' as const, rules: ['ATO-01'] } : tx));
    const { decisions } = replayAlertBudget(SETTINGS, SHIPPED, transactions, { batchSize: 100 });

    it('does not count an alert twice: the model adds the next 0.5 %', () => {
      // Assert
      expect(rulesShare(transactions)).toBeGreaterThan(0.004);
      expect(rulesShare(transactions)).toBeLessThan(0.006);
      expect(shareOf(decisions, -LAST)).toBeGreaterThan(0.0085);
      expect(shareOf(decisions, -LAST)).toBeLessThan(0.0115);
    });
  });

  describe('a noisy rule that flags 5 % (fan-in on every merchant)', () => {
    const rng = new Rng(9);
    const transactions = [
      ...stream(rng, FOREIGN, 100_000, () => (rng.chance(0.05) ? { rulesDecision: 'REVIEW', rules: ['FI-01'] } : rng.chance(0.002) ? { rulesDecision: 'REVIEW', rules: ['STR-01'] } : {})),
    ];
    const { decisions, budget } = replayAlertBudget(SETTINGS, SHIPPED, transactions, { batchSize: 100 });

    it('still leaves the model half the budget, and reports the rule as noisy', () => {
      // Act
      const report = budget.report();

      // Assert
      expect(shareOf(decisions, -LAST) - rulesShare(transactions)).toBeGreaterThan(0.004);
      expect(shareOf(decisions, -LAST) - rulesShare(transactions)).toBeLessThan(0.006);
      expect(report.rules.map(({ rule, noisy }) => [rule, noisy])).toEqual([
        ['FI-01', true],
        ['STR-01', false],
      ]);
      expect(report.rules[0].hitRate).toBeCloseTo(0.05, 2);
      expect(report.rules[0].alertRate).toBe(report.rules[0].hitRate);
    });
  });
});
