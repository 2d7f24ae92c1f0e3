import { fromMicros, toMicros } from '../score';
import { WeightedScoreCombiner } from './weighted-score-combiner';

describe(WeightedScoreCombiner.name, () => {
  it.each([
    [0.5, 0.2, 0.8, 0.5],
    [0.25, 0.4, 0.8, 0.5],
    [0, 0.3, 0.9, 0.3],
    [1, 0.3, 0.9, 0.9],
    [0.3, 0.1, 0.2, 0.13],
    [0.333333, 1, 0, 0.666667],
  ])('weighs the model %d: rules %d, model %d → %d', (weight, rules, model, expected) => {
    // Prepare
    const sut = new WeightedScoreCombiner(toMicros(weight));

    // Act
    const score = sut.combine(toMicros(rules), toMicros(model));

    // Assert
    expect(fromMicros(score)).toBe(expected);
    expect(sut.method).toBe('weighted');
  });

  it('stays an integer count of micro-units', () => {
    // Prepare
    const sut = new WeightedScoreCombiner(toMicros(0.123457));

    // Act
    const score = sut.combine(toMicros(0.987654), toMicros(0.000001));

    // Assert
    expect(Number.isInteger(score)).toBe(true);
  });
});
