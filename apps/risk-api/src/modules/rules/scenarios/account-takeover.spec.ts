import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

// A fraudster logs in from a new phone and sends 8 000 to a beneficiary the customer never paid;
// the customer's usual transfers are a few hundred.
describe(evaluateRuleSet.name, () => {
  describe('account takeover: new device, new beneficiary, unusual amount', () => {
    const transfer = { amountMinor: 800_000, type: 'TRANSFER', channel: 'MOBILE', merchant: undefined };

    it('blocks the transfer', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, orig_amount_zscore_30d: 5.2 }, transfer);

      // Assert
      expect(hitIds(result)).toEqual(['ATO-01', 'ATO-02', 'ATO-03']);
      expect(outcomeOf(result, 'account_takeover')).toMatchObject({ score: 1, outcome: 'BLOCK' });
      expect(result.decision).toBe('BLOCK');
      expect(result.hits[2].explanation.text).toBe("orig_new_device = 1 (== 1); orig_amount_zscore_30d = 5.2 (> 3); tx.channel = 'MOBILE' (in ['ONLINE', 'MOBILE', 'API'])");
    });

    it('only reviews a new device paying a new beneficiary a usual amount', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, orig_amount_zscore_30d: 2.5 }, transfer);

      // Assert
      expect(outcomeOf(result, 'account_takeover')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
      expect(result.decision).toBe('REVIEW');
    });
  });
});
