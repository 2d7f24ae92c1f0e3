import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

// A stolen card is tried with a burst of 1.00 online payments before it is used for real.
describe(evaluateRuleSet.name, () => {
  describe('card testing: a burst of tiny payments', () => {
    const tiny = { amountMinor: 100, channel: 'ONLINE' };

    it.each([
      [2, 1, [], 'ALLOW'],
      [4, 4, ['CT-01'], 'ALLOW'],
      [7, 7, ['CT-01'], 'REVIEW'],
      [12, 12, ['CT-01', 'CT-02'], 'BLOCK'],
    ])('%d tiny payments in the hour (%d in all) → %j, %s', (tinyCount, count, hits, decision) => {
      // Act
      const result = runScenario({ orig_tiny_count_1h: tinyCount, orig_count_1h: count }, tiny);

      // Assert
      expect(hitIds(result)).toEqual(hits);
      expect(outcomeOf(result, 'card_testing')?.outcome).toBe(decision);
      expect(result.decision).toBe(decision);
    });
  });
});
