import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

// A customer deposits 9 800 in cash, just below the 10 000 reporting threshold, again and again.
describe(evaluateRuleSet.name, () => {
  describe('structuring: repeated cash deposits just below the reporting threshold', () => {
    const deposit = { amountMinor: 980_000, type: 'CASH_IN', channel: 'BRANCH', merchant: undefined };

    it('lets a single just-below deposit through: one weak signal', () => {
      // Act
      const result = runScenario({ tx_just_below_threshold: 1, orig_just_below_count_7d: 1 }, deposit);

      // Assert
      expect(hitIds(result)).toEqual(['STR-01']);
      expect(result.decision).toBe('ALLOW');
    });

    it('does not hold the week\'s deposits against an ordinary payment after them', () => {
      // Act
      const result = runScenario({ tx_just_below_threshold: 0, orig_just_below_count_7d: 6 });

      // Assert
      expect(result.hits).toEqual([]);
    });

    it('sends the second one this week to review', () => {
      // Act
      const result = runScenario({ tx_just_below_threshold: 1, orig_just_below_count_7d: 2 }, deposit);

      // Assert
      expect(hitIds(result)).toEqual(['STR-01', 'STR-02']);
      expect(outcomeOf(result, 'structuring')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
      expect(result.decision).toBe('REVIEW');
    });

    it('does not count a payroll account\'s salaries today as adding up past the threshold', () => {
      // Act: the 4th salary of 9 500 from an account that pays its staff every month.
      const result = runScenario(
        { tx_just_below_threshold: 1, orig_just_below_count_7d: 1, orig_count_24h: 4, orig_sum_24h: 38_000, orig_payroll_score_35d: 0.8, orig_hub_35d: 1 },
        { amountMinor: 950_000, type: 'TRANSFER', channel: 'API', merchant: undefined },
      );

      // Assert
      expect(hitIds(result)).toEqual(['STR-01']);
      expect(result.decision).toBe('ALLOW');
    });

    it('blocks the fourth, after 38 000 in a day, and explains why', () => {
      // Act
      const result = runScenario({ tx_just_below_threshold: 1, orig_just_below_count_7d: 4, orig_count_24h: 4, orig_sum_24h: 38_000 }, deposit);

      // Assert
      expect(hitIds(result)).toEqual(['STR-01', 'STR-02', 'STR-03']);
      expect(outcomeOf(result, 'structuring')).toMatchObject({ score: 1, outcome: 'BLOCK' });
      expect(result.decision).toBe('BLOCK');
      expect(result.hits.map((hit) => hit.explanation.text)).toEqual([
        'tx_just_below_threshold = 1 (== 1)',
        'tx_just_below_threshold * orig_just_below_count_7d = 4; tx_just_below_threshold = 1; orig_just_below_count_7d = 4 → band 3 (> 3): 0.6',
        'orig_count_24h = 4 (>= 3); orig_sum_24h = 38000 (>= 10000); tx.amount = 9800 (< 10000); orig_hub_35d = 0 (== 0)',
      ]);
    });
  });
});
