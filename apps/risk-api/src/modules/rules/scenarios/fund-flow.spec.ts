import { evaluateRuleSet } from '../evaluate-rule-set';
import { hitIds, outcomeOf, runScenario } from './scenario.fixture';

// AMLSim fund-flow shapes: one account scattering money, one collecting it, money going round.
describe(evaluateRuleSet.name, () => {
  describe('fund-flow typologies', () => {
    it('reviews a fan-out to 8 beneficiaries, the last one new', () => {
      // Act
      const result = runScenario({ orig_fan_out_24h: 8, orig_new_beneficiary: 1 }, { type: 'TRANSFER', channel: 'ONLINE' });

      // Assert
      expect(hitIds(result)).toEqual(['FO-01', 'FO-02']);
      expect(outcomeOf(result, 'fan_out')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
      expect(result.decision).toBe('REVIEW');
    });

    it('blocks a cross-border fan-in from 20 senders', () => {
      // Act
      const result = runScenario({ bene_fan_in_24h: 20, tx_cross_border: 1 }, { beneficiary: { country: 'CY', bank: 'BCYPCY2N' } });

      // Assert
      expect(hitIds(result)).toEqual(['FI-01', 'FI-02']);
      expect(outcomeOf(result, 'fan_in')).toMatchObject({ score: 0.9, outcome: 'BLOCK' });
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
  });
});
