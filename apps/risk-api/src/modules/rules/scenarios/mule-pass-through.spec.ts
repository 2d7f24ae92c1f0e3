import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

// A recruited mule receives 5 000 and forwards 4 850 twenty minutes later to a new beneficiary.
describe(evaluateRuleSet.name, () => {
  describe('mule pass-through', () => {
    it('blocks the forwarding transfer', () => {
      // Act
      const result = runScenario(
        { orig_pass_through_24h: 0.97, orig_sum_24h: 4_850, orig_fast_forward_1h: 1, orig_secs_since_last_in: 1_200, orig_new_beneficiary: 1 },
        { amountMinor: 485_000, type: 'TRANSFER', channel: 'ONLINE', merchant: undefined },
      );

      // Assert
      expect(hitIds(result)).toEqual(['MU-01', 'MU-02', 'MU-03']);
      expect(outcomeOf(result, 'mule_pass_through')).toMatchObject({ score: 0.9, outcome: 'BLOCK' });
      expect(result.decision).toBe('BLOCK');
      expect(result.hits[1].explanation.text).toBe('orig_pass_through_24h = 0.97 (>= 0.8); orig_fast_forward_1h = 1 (== 1)');
    });

    it('ignores the time rule when nothing came in (-1)', () => {
      // Act
      const result = runScenario({ orig_pass_through_24h: 0.9, orig_sum_24h: 2_000, orig_fast_forward_1h: 0 });

      // Assert
      expect(hitIds(result)).toEqual(['MU-01']);
      expect(result.decision).toBe('ALLOW');
    });
  });
});
