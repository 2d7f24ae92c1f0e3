import { combineScores, createScoreCombination } from './combine-scores';
import { CombineConfig } from './score-combiner';

const max: CombineConfig = { method: 'max', reviewThreshold: 0.5, blockThreshold: 0.8 };
const weighted: CombineConfig = { method: 'weighted', reviewThreshold: 0.5, blockThreshold: 0.8, modelWeight: 0.7 };

describe(combineScores.name, () => {
  it('uses the rules alone when no model is registered, and says so', () => {
    // Act
    const result = combineScores(0.6, undefined, weighted);

    // Assert
    expect(result).toEqual({ method: null, score: 0.6, decision: 'REVIEW', rules: { score: 0.6 }, model: null });
  });

  it.each([
    [max, 0.2, 0.85, 0.85, 'BLOCK'],
    [max, 0.55, 0.1, 0.55, 'REVIEW'],
    [max, 0.1, 0.2, 0.2, 'ALLOW'],
    [weighted, 0.2, 0.85, 0.655, 'REVIEW'],
    [weighted, 1, 0.7, 0.79, 'REVIEW'],
    [weighted, 1, 0.715, 0.8005, 'BLOCK'],
  ])('%j: rules %d, model %d → %d, %s', (config, rules, model, score, decision) => {
    // Act
    const result = combineScores(rules, model, config);

    // Assert
    expect(result).toEqual({ method: config.method, score, decision, rules: { score: rules }, model: { score: model } });
  });

  it('rounds a raw model output to millionths', () => {
    // Act
    const result = combineScores(0, 0.49999951, max);

    // Assert
    expect(result.model).toEqual({ score: 0.5 });
    expect(result.decision).toBe('REVIEW');
  });

  it.each([
    [Number.NaN, 0.5],
    [1.01, 0.5],
    [0.5, -0.1],
    [0.5, Number.NaN],
  ])('refuses rule score %d or model score %d outside [0, 1]', (rules, model) => {
    // Act
    const act = () => combineScores(rules, model, max);

    // Assert
    expect(act).toThrow(RangeError);
  });
});

describe(createScoreCombination.name, () => {
  it('validates once and combines many times', () => {
    // Prepare
    const sut = createScoreCombination(max);

    // Act
    const decisions = [0, 0.5, 0.8].map((model) => sut(0.1, model).decision);

    // Assert
    expect(decisions).toEqual(['ALLOW', 'REVIEW', 'BLOCK']);
  });
});
