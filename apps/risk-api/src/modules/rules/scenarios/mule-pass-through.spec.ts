import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

const forward = { amountMinor: 485_000, type: 'TRANSFER', channel: 'ONLINE', merchant: undefined };

// A recruited mule receives 5 000 and forwards 4 850 twenty minutes later to a new beneficiary.
describe(evaluateRuleSet.name, () => {
  describe('mule pass-through', () => {
    it('blocks the forwarding transfer', () => {
      // Act
      const result = runScenario(
        { orig_pass_through_24h: 0.97, orig_sum_24h: 4_850, orig_fast_forward_1h: 1, orig_secs_since_last_in: 1_200, orig_new_beneficiary: 1, orig_amount_pct_30d: 1 },
        forward,
      );

      // Assert
      expect(hitIds(result)).toEqual(['MU-01', 'MU-02', 'MU-03']);
      expect(outcomeOf(result, 'mule_pass_through')).toMatchObject({ score: 0.9, outcome: 'BLOCK' });
      expect(result.decision).toBe('BLOCK');
      expect(result.hits[1].explanation.text).toBe("orig_pass_through_24h = 0.97 (>= 0.7); orig_fast_forward_1h = 1 (== 1); orig_hub_35d = 0 (== 0); tx.merchant.mcc = '' (== '')");
    });

    it('reviews it from a new account that never sent before, a day after the money came in', () => {
      // Act
      const result = runScenario({ orig_pass_through_24h: 0.95, orig_sum_24h: 4_850, orig_new_beneficiary: 1, orig_count_30d: 1 }, forward);

      // Assert
      expect(hitIds(result)).toEqual(['MU-01', 'MU-03']);
      expect(outcomeOf(result, 'mule_pass_through')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
    });

    it('lets a salary spent on the day through: a payment to a known beneficiary of a usual amount', () => {
      // Act
      const result = runScenario({ orig_pass_through_24h: 0.9, orig_sum_24h: 2_000, orig_fast_forward_1h: 0 }, { ...forward, amountMinor: 80_000 });

      // Assert
      expect(hitIds(result)).toEqual(['MU-01']);
      expect(result.decision).toBe('ALLOW');
    });

    it('does not count purchases as forwarding', () => {
      // Act
      const result = runScenario({ orig_pass_through_24h: 0.98, orig_sum_24h: 1_500, orig_fast_forward_1h: 1, orig_new_beneficiary: 1, orig_amount_pct_30d: 1 });

      // Assert
      expect(result.hits).toEqual([]);
    });
  });
});
