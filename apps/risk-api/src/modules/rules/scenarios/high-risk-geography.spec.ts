import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, runScenario } from './scenario.fixture';

// Payments to a country on the high-risk list: noted, reviewed when large, blocked when large and new.
describe(evaluateRuleSet.name, () => {
  describe('high-risk geography', () => {
    const abroad = { type: 'TRANSFER', channel: 'ONLINE', beneficiary: { country: 'IR', bank: 'BKMTIRTH' }, merchant: undefined };

    it('notes a small transfer without reviewing it: the country alone is one weak signal', () => {
      // Act
      const result = runScenario({ tx_high_risk_country: 1, tx_cross_border: 1 }, { ...abroad, amountMinor: 50_000 });

      // Assert
      expect(hitIds(result)).toEqual(['GEO-01']);
      expect(result.decision).toBe('ALLOW');
    });

    it('reviews 12 000 to a known beneficiary there', () => {
      // Act
      const result = runScenario({ tx_high_risk_country: 1, tx_cross_border: 1 }, { ...abroad, amountMinor: 1_200_000 });

      // Assert
      expect(hitIds(result)).toEqual(['GEO-01', 'GEO-02']);
      expect(result.decision).toBe('REVIEW');
    });

    it('blocks 12 000 to a new beneficiary there', () => {
      // Act
      const result = runScenario({ tx_high_risk_country: 1, tx_cross_border: 1, orig_new_beneficiary: 1 }, { ...abroad, amountMinor: 1_200_000 });

      // Assert
      expect(hitIds(result)).toEqual(['GEO-01', 'GEO-02', 'GEO-03']);
      expect(result.decision).toBe('BLOCK');
      expect(result.hits[1].explanation.text).toBe('tx_high_risk_country = 1 (== 1); tx.amount = 12000 (>= 10000)');
    });
  });
});
