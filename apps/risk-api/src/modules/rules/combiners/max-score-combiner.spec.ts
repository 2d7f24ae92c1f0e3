import { fromMicros, toMicros } from '../score';
import { MaxScoreCombiner } from './max-score-combiner';

describe(MaxScoreCombiner.name, () => {
  it.each([
    [0.2, 0.7, 0.7],
    [0.9, 0.1, 0.9],
    [0, 0, 0],
  ])('combines rules %d and model %d into %d', (rules, model, expected) => {
    // Prepare
    const sut = new MaxScoreCombiner();

    // Act
    const score = sut.combine(toMicros(rules), toMicros(model));

    // Assert
    expect(fromMicros(score)).toBe(expected);
    expect(sut.method).toBe('max');
  });
});
