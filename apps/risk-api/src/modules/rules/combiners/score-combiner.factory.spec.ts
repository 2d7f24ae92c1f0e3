import { RuleSetProblemCode, RulesConfigError } from '../rules.exception';
import { MaxScoreCombiner } from './max-score-combiner';
import { CombineConfig } from './score-combiner';
import { createScoreCombiner, validateCombineConfig } from './score-combiner.factory';
import { WeightedScoreCombiner } from './weighted-score-combiner';

const base: CombineConfig = { method: 'max', reviewThreshold: 0.5, blockThreshold: 0.9 };

describe(createScoreCombiner.name, () => {
  it.each([
    ['max', MaxScoreCombiner],
    ['weighted', WeightedScoreCombiner],
  ] as const)('picks the %s strategy', (method, type) => {
    // Act
    const combiner = createScoreCombiner({ ...base, method });

    // Assert
    expect(combiner).toBeInstanceOf(type);
  });

  it('throws RulesConfigError with every problem', () => {
    // Act
    const act = () => createScoreCombiner({ method: 'avg' as CombineConfig['method'], reviewThreshold: 1.2, blockThreshold: 0.9, modelWeight: -1 });

    // Assert
    expect(act).toThrow(RulesConfigError);
    expect(act).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({ code: RuleSetProblemCode.ThresholdOutOfRange, path: 'reviewThreshold' }),
          expect.objectContaining({ code: RuleSetProblemCode.ScoreOutOfRange, path: 'modelWeight' }),
          expect.objectContaining({ code: RuleSetProblemCode.UnknownCombineMethod, path: 'method' }),
        ],
      }),
    );
  });
});

describe(validateCombineConfig.name, () => {
  it.each([
    [{ reviewThreshold: 0.95 }, RuleSetProblemCode.ThresholdsOutOfOrder, 'reviewThreshold'],
    [{ blockThreshold: Number.NaN }, RuleSetProblemCode.ThresholdOutOfRange, 'blockThreshold'],
    [{ modelWeight: 0.1234567 }, RuleSetProblemCode.TooPrecise, 'modelWeight'],
  ])('reports %j as %s', (overrides, code, path) => {
    // Act
    const problems = validateCombineConfig({ ...base, ...overrides });

    // Assert
    expect(problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
  });

  it('accepts a valid configuration', () => {
    // Act
    const problems = validateCombineConfig({ method: 'weighted', reviewThreshold: 0.6, blockThreshold: 0.6, modelWeight: 1 });

    // Assert
    expect(problems).toEqual([]);
  });
});
