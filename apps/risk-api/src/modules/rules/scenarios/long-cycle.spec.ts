import { FeatureConfig } from '../../features/feature-config';
import { FeatureEngine } from '../../features/feature-engine';
import { T0, tx } from '../../features/testing/transaction-builder';
import { HOUR } from '../../features/windows/durations';
import { evaluateRuleSet } from '../evaluate-rule-set';
import { ruleValues } from '../transaction-values';
import { DEFAULT_COMPILED, hitIds, outcomeOf } from './scenario.fixture';

/**
 * Money leaves A and comes back to it through `hands` other accounts within the week, one hop every
 * 30 h (each hand keeps a fee, and none forwards within 24 h of being paid, so no mule rule joins in).
 * The features and rule result of the transfer that closes the cycle, computed by the engine.
 */
function ring(hands: number, closing: { toCountry?: string } = {}, config: Partial<FeatureConfig> = {}) {
  const accounts = ['A', ...Array.from({ length: hands }, (_, i) => `H-${i + 1}`)];
  const transfers = accounts.map((from, i) =>
    tx({ ts: T0 - (accounts.length - 1 - i) * 30 * HOUR, from, to: accounts[(i + 1) % accounts.length], amount: 5000 - i * 50, ...(i === hands ? closing : {}) }),
  );
  const engine = new FeatureEngine(config);
  transfers.slice(0, -1).forEach((transfer) => engine.process(transfer));
  const last = transfers[transfers.length - 1];
  const features = engine.process(last);
  return { features, result: evaluateRuleSet(DEFAULT_COMPILED, ruleValues(last, features)) };
}

// AMLSim's cycle typology with more hands than the short-cycle rule covers.
describe(evaluateRuleSet.name, () => {
  describe('long cycles: funds come back to their origin through several accounts', () => {
    it('finds the 5-hop cycle A → H-1 → H-2 → H-3 → H-4 → A and lets it through on CY-02 alone: one weak signal', () => {
      // Act
      const { features, result } = ring(4);

      // Assert
      expect(features).toMatchObject({ pair_closes_cycle_7d: 1, pair_cycle_length_7d: 5 });
      expect(hitIds(result)).toEqual(['CY-02']);
      expect(outcomeOf(result, 'cycle')).toMatchObject({ score: 0.3, outcome: 'ALLOW' });
      expect(result.hits[0].explanation.text).toContain('pair_cycle_length_7d = 5 (> 4)');
    });

    it('reviews a 6-hop cycle closed across a border: CY-02 and CY-03', () => {
      // Act
      const { features, result } = ring(5, { toCountry: 'CY' });

      // Assert
      expect(features).toMatchObject({ pair_closes_cycle_7d: 1, pair_cycle_length_7d: 6 });
      expect(hitIds(result)).toEqual(['CY-02', 'CY-03']);
      expect(outcomeOf(result, 'cycle')).toMatchObject({ score: 0.6, outcome: 'REVIEW' });
      expect(result.decision).toBe('REVIEW');
    });

    it('stays within the search budget: the 6-hop cycle takes 5 edges to find, and goes unseen with 4', () => {
      // Act: the path back has 5 transfers, one edge each, whichever end the search walks from.
      const enough = ring(5, {}, { cycleSearchBudget: 5 });
      const short = ring(5, {}, { cycleSearchBudget: 4 });

      // Assert
      expect(enough.features.pair_cycle_length_7d).toBe(6);
      expect(short.features).toMatchObject({ pair_closes_cycle_7d: 0, pair_cycle_length_7d: 0 });
      expect(hitIds(short.result)).not.toContain('CY-02');
    });
  });
});
