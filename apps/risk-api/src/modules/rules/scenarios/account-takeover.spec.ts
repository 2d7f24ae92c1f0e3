import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

// A fraudster logs in from a new phone and sends 8 000 to an account the bank has never seen; the
// customer's usual transfers are a few hundred.
describe(evaluateRuleSet.name, () => {
  describe('account takeover: new device, new beneficiary, unusual amount', () => {
    const transfer = { amountMinor: 800_000, type: 'TRANSFER', channel: 'MOBILE', merchant: undefined };

    it('blocks the transfer', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, bene_new_account: 1, orig_amount_zscore_30d: 5.2, orig_amount_ratio_max_30d: 6 }, transfer);

      // Assert
      expect(hitIds(result)).toEqual(['ATO-01', 'ATO-02', 'ATO-03']);
      expect(outcomeOf(result, 'account_takeover')).toMatchObject({ score: 0.7, outcome: 'BLOCK' });
      expect(result.decision).toBe('BLOCK');
      expect(result.hits[2].explanation.text).toBe(
        "orig_new_device = 1 (== 1); bene_new_account = 1 (== 1); tx.channel = 'MOBILE' (in ['ONLINE', 'MOBILE', 'API']); orig_known_days_35d = 35 (>= 7)",
      );
    });

    it('does not hold "never seen" against an account the platform has known for days only: on its first days every device and payee is new', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, bene_new_account: 1, orig_amount_zscore_30d: 5.2, orig_amount_ratio_max_30d: 6, orig_known_days_35d: 3 }, transfer);


      // Assert
      expect(hitIds(result)).toEqual([]);
      expect(result.decision).toBe('ALLOW');
    });

    it('reviews, even on the platform\'s first days, a new device transferring to a never-seen account far beyond anything the account has paid', () => {
      // Act: known for 3 days, 4 card payments of about 40, now 8 000 from a new phone.
      const result = runScenario(
        { orig_new_device: 1, orig_new_beneficiary: 1, bene_new_account: 1, orig_amount_zscore_30d: 180, orig_amount_ratio_max_30d: 90, orig_count_30d: 5, orig_known_days_35d: 3 },
        transfer,
      );

      // Assert
      expect(hitIds(result)).toEqual(['ATO-04']);
      expect(outcomeOf(result, 'account_takeover')).toMatchObject({ score: 0.5, outcome: 'REVIEW' });
    });

    it('reviews a new device paying a new, known account far more than usual', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, orig_amount_zscore_30d: 5.2, orig_amount_ratio_max_30d: 6 }, transfer);

      // Assert
      expect(hitIds(result)).toEqual(['ATO-01', 'ATO-02']);
      expect(outcomeOf(result, 'account_takeover')).toMatchObject({ score: 0.5, outcome: 'REVIEW' });
    });

    it('lets a new phone paying a friend a usual amount through: one weak signal', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, orig_amount_zscore_30d: 2.5, orig_amount_ratio_max_30d: 0.8 }, transfer);

      // Assert
      expect(hitIds(result)).toEqual(['ATO-01']);
      expect(result.decision).toBe('ALLOW');
    });

    it('does not count a first online purchase at a new shop from a new phone as a takeover', () => {
      // Act
      const result = runScenario({ orig_new_device: 1, orig_new_beneficiary: 1, orig_amount_zscore_30d: 4, orig_amount_ratio_max_30d: 1.5 }, { channel: 'ONLINE' });

      // Assert
      expect(hitIds(result)).toEqual(['ATO-02']);
      expect(result.decision).toBe('ALLOW');
    });
  });
});
