import { combineScores } from '../combiners/combine-scores';
import { evaluateRuleSet } from '../evaluate-rule-set';
import { mostSevere } from '../score';
import { runScenario } from './scenario.fixture';

// A regular customer pays 42.50 for groceries at a shop they use every week.
describe(evaluateRuleSet.name, () => {
  describe('a normal card payment', () => {
    it('hits no rule and is allowed', () => {
      // Act
      const result = runScenario({});

      // Assert
      expect(result.hits).toEqual([]);
      expect(result.score).toBe(0);
      expect(result.decision).toBe('ALLOW');
      expect(result.typologies.every((typology) => typology.outcome === 'ALLOW')).toBe(true);
    });

    it('stays allowed with a calm model, and is escalated, not cleared, by an alarmed one', () => {
      // Prepare
      const rules = runScenario({});
      const config = { method: 'max', reviewThreshold: 0.5, blockThreshold: 0.9 } as const;

      // Act
      const calm = combineScores(rules.score, 0.04, config);
      const alarmed = combineScores(rules.score, 0.93, config);

      // Assert
      expect(mostSevere(rules.decision, calm.decision)).toBe('ALLOW');
      expect(mostSevere(rules.decision, alarmed.decision)).toBe('BLOCK');
      expect(alarmed.model).toEqual({ score: 0.93 });
    });
  });
});
