import { cappedSum, decisionFor, fromMicros, hasScorePrecision, mostSevere, ScoreMicros, toMicros } from './score';

const micros = (...scores: number[]) => scores.map(toMicros);

describe(cappedSum.name, () => {
  it('adds exactly where floats would not: 0.1 + 0.2 reaches 0.3', () => {
    // Prepare
    const [a, b] = micros(0.1, 0.2);

    // Act
    const sum = cappedSum([a, b]);

    // Assert
    expect(0.1 + 0.2 >= 0.3 && 0.1 + 0.2 === 0.3).toBe(false);
    expect(sum).toBe(toMicros(0.3));
    expect(fromMicros(sum)).toBe(0.3);
  });

  it('caps at 1', () => {
    // Act
    const sum = cappedSum(micros(0.7, 0.6, 0.2));

    // Assert
    expect(fromMicros(sum)).toBe(1);
  });

  it('is 0 for no hits', () => {
    // Act
    const sum = cappedSum([]);

    // Assert
    expect(sum).toBe(0);
  });
});

describe(decisionFor.name, () => {
  const [review, block] = micros(0.5, 0.9);

  it.each([
    [0, 'ALLOW'],
    [0.499999, 'ALLOW'],
    [0.5, 'REVIEW'],
    [0.899999, 'REVIEW'],
    [0.9, 'BLOCK'],
    [1, 'BLOCK'],
  ])('decides %d as %s (bounds inclusive)', (score, expected) => {
    // Act
    const decision = decisionFor(toMicros(score), review, block);

    // Assert
    expect(decision).toBe(expected);
  });

  it('blocks straight away when review equals block', () => {
    // Act
    const decision = decisionFor(toMicros(0.6), toMicros(0.6), toMicros(0.6));

    // Assert
    expect(decision).toBe('BLOCK');
  });
});

describe(mostSevere.name, () => {
  it.each([
    [[], 'ALLOW'],
    [['ALLOW', 'REVIEW', 'ALLOW'], 'REVIEW'],
    [['REVIEW', 'BLOCK', 'ALLOW'], 'BLOCK'],
  ] as const)('picks the most severe of %j', (decisions, expected) => {
    // Act
    const decision = mostSevere(...decisions);

    // Assert
    expect(decision).toBe(expected);
  });
});

describe(hasScorePrecision.name, () => {
  it.each([
    [0.3, true],
    [0.123456, true],
    [1, true],
    [0.1234567, false],
    [1 / 3, false],
  ])('%d has at most 6 decimals: %s', (value, expected) => {
    // Act
    const result = hasScorePrecision(value);

    // Assert
    expect(result).toBe(expected);
  });

  it('round-trips every 6-decimal value exactly', () => {
    // Prepare
    const values = Array.from({ length: 1_001 }, (_, i) => i / 1_000);

    // Act
    const roundTripped = values.map((value) => fromMicros(toMicros(value) as ScoreMicros));

    // Assert
    expect(roundTripped).toEqual(values);
  });
});
