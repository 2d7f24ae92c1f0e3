import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

const transfer = { type: 'TRANSFER', channel: 'ONLINE', merchant: undefined };

// AMLSim fund-flow shapes: one account scattering money, one collecting it, money going round;
// each judged against the account's own baseline.
describe(evaluateRuleSet.name, () => {
  describe('fund-flow typologies', () => {
    it('reviews a fan-out to 8 beneficiaries from an account that pays one a day, the last one new and unusually large', () => {
      // Act
      const result = runScenario(
        { orig_fan_out_24h: 8, orig_fan_out_ratio_24h: 4, orig_new_beneficiary: 1, orig_amount_pct_30d: 0.97, orig_amount_zscore_30d: 2.4 },
        { ...transfer, amountMinor: 300_000 },
      );

      // Assert
      expect(hitIds(result)).toEqual(['FO-01', 'FO-02']);
      expect(outcomeOf(result, 'fan_out')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
      expect(result.decision).toBe('REVIEW');
    });

    it('blocks it when the new beneficiary is an account abroad the bank has never seen', () => {
      // Act
      const result = runScenario(
        { orig_fan_out_ratio_24h: 4, orig_new_beneficiary: 1, bene_new_account: 1, tx_cross_border: 1, orig_amount_pct_30d: 0.97, orig_amount_zscore_30d: 2.4 },
        { ...transfer, amountMinor: 300_000 },
      );

      // Assert
      expect(hitIds(result)).toEqual(['FO-01', 'FO-02', 'FO-03']);
      expect(outcomeOf(result, 'fan_out')).toMatchObject({ score: 0.8, outcome: 'BLOCK' });
    });

    it('holds no fan-out baseline against an account the platform has watched for days only', () => {
      // Act: the same burst on the platform's third day, when every account's baseline is empty.
      const result = runScenario(
        { orig_fan_out_24h: 8, orig_fan_out_ratio_24h: 8, orig_new_beneficiary: 1, orig_amount_pct_30d: 0.97, orig_amount_zscore_30d: 2.4, orig_known_days_35d: 3 },
        { ...transfer, amountMinor: 300_000 },
      );

      // Assert: the model judges it; the rules have no usual to compare with yet.
      expect(result.hits.filter((hit) => hit.typologyId === 'fan_out')).toEqual([]);
    });

    it('lets an account that always pays many pay many: the ratio to its own baseline stays low', () => {
      // Act: 20 beneficiaries today, 18 a day usually.
      const result = runScenario({ orig_fan_out_24h: 20, orig_fan_out_ratio_24h: 20 / 19, orig_new_beneficiary: 1 }, transfer);

      // Assert
      expect(result.hits).toEqual([]);
    });

    it('reviews a fan-in from 12 payers to an account that receives one payment a week, each large for its payer', () => {
      // Act
      const result = runScenario(
        { bene_fan_in_24h: 12, bene_fan_in_ratio_24h: 12 / (1 + 1 / 7), orig_amount_pct_30d: 1, orig_amount_zscore_30d: 6 },
        { ...transfer, amountMinor: 250_000 },
      );

      // Assert
      expect(hitIds(result)).toEqual(['FI-01', 'FI-03']);
      expect(outcomeOf(result, 'fan_in')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
    });

    it('blocks it when the amounts are also far above what the beneficiary usually receives', () => {
      // Act
      const result = runScenario(
        { bene_fan_in_ratio_24h: 10.5, bene_amount_ratio_30d: 8, orig_amount_pct_30d: 1, orig_amount_zscore_30d: 6 },
        { ...transfer, amountMinor: 250_000 },
      );

      // Assert
      expect(hitIds(result)).toEqual(['FI-01', 'FI-02', 'FI-03']);
      expect(outcomeOf(result, 'fan_in')).toMatchObject({ score: 0.9, outcome: 'BLOCK' });
      expect(result.hits[0].explanation.text).toBe("bene_fan_in_ratio_24h = 10.5 (>= 3); bene_hub_35d = 0 (== 0); tx.merchant.mcc = '' (== '')");
    });

    it('blocks a transfer closing a 3-hop cross-border cycle', () => {
      // Act
      const result = runScenario({ pair_closes_cycle_7d: 1, pair_cycle_length_7d: 3, tx_cross_border: 1 });

      // Assert
      expect(hitIds(result)).toEqual(['CY-01', 'CY-03']);
      expect(outcomeOf(result, 'cycle')).toMatchObject({ score: 0.9, outcome: 'BLOCK' });
    });

    it('allows a long domestic cycle alone: one weak signal', () => {
      // Act
      const result = runScenario({ pair_closes_cycle_7d: 1, pair_cycle_length_7d: 6 });

      // Assert
      expect(hitIds(result)).toEqual(['CY-02']);
      expect(result.decision).toBe('ALLOW');
    });

    it('does not call a friend paying back (two accounts, there and back) a cycle', () => {
      // Act
      const result = runScenario({ pair_closes_cycle_7d: 1, pair_cycle_length_7d: 2 }, transfer);

      // Assert
      expect(result.hits.filter((hit) => hit.typologyId === 'cycle')).toEqual([]);
    });

    it('does not call a merchant\'s refund to its customer a cycle', () => {
      // Act: A paid SHOP by card, SHOP refunds A.
      const result = runScenario({ pair_closes_cycle_7d: 1, pair_cycle_length_7d: 2, orig_merchant_score_30d: 0.97, orig_hub_35d: 1 }, transfer);

      // Assert
      expect(result.hits).toEqual([]);
    });
  });
});
