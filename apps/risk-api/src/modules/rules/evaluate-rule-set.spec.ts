import { bandIndex, evaluateRuleSet } from './evaluate-rule-set';
import { ExpressionError, ExpressionErrorCode, ExpressionSchema } from './expression';
import { Rule, RuleSet } from './rule-set';
import { toMicros } from './score';
import { compileRuleSet } from './validate-rule-set';

const schema: ExpressionSchema = { orig_count_1h: 'number', orig_sum_24h: 'number', tx_high_risk_country: 'number', 'tx.channel': 'string' };
const quiet = { orig_count_1h: 1, orig_sum_24h: 100, tx_high_risk_country: 0, 'tx.channel': 'ONLINE' };

const COUNT_BANDS: Rule = {
  id: 'VEL-1',
  name: 'Transactions in the last hour',
  expression: 'orig_count_1h',
  bands: [{ upTo: 3, score: 0 }, { upTo: 10, score: 0.4 }, { score: 0.9 }],
};

function compileWith(rules: Rule[], thresholds = { reviewThreshold: 0.5, blockThreshold: 0.9 }) {
  const ruleSet: RuleSet = { version: 7, status: 'active', typologies: [{ id: 'velocity', name: 'Velocity', ...thresholds, rules }] };
  return compileRuleSet(ruleSet, schema);
}

describe(evaluateRuleSet.name, () => {
  describe('banded rules', () => {
    it.each([
      [0, undefined],
      [3, undefined],
      [3.5, 0.4],
      [10, 0.4],
      [11, 0.9],
      [1e9, 0.9],
    ])('places %d into the band scoring %s (upTo is inclusive)', (count, expected) => {
      // Prepare
      const sut = compileWith([COUNT_BANDS]);

      // Act
      const result = evaluateRuleSet(sut, { ...quiet, orig_count_1h: count });

      // Assert
      expect(result.hits[0]?.score).toBe(expected);
    });

    it('explains the value and the band it fell into', () => {
      // Prepare
      const sut = compileWith([COUNT_BANDS]);

      // Act
      const [hit] = evaluateRuleSet(sut, { ...quiet, orig_count_1h: 12 }).hits;

      // Assert
      expect(hit).toEqual({
        ruleId: 'VEL-1',
        name: 'Transactions in the last hour',
        typologyId: 'velocity',
        score: 0.9,
        explanation: {
          text: 'orig_count_1h = 12 → band 3 (> 10): 0.9',
          inputs: [{ name: 'orig_count_1h', value: 12, matched: [] }],
          band: { value: 12, index: 2, range: '> 10' },
        },
      });
    });

    it('shows a computed expression with its value', () => {
      // Prepare
      const bands = [{ upTo: 500, score: 0 }, { upTo: 1_000, score: 0.3 }, { score: 0.6 }];
      const sut = compileWith([{ id: 'AVG', name: 'Average amount', expression: 'orig_sum_24h / orig_count_1h', bands }]);

      // Act
      const [hit] = evaluateRuleSet(sut, { ...quiet, orig_sum_24h: 2_400, orig_count_1h: 3 }).hits;

      // Assert
      expect(hit.explanation.text).toBe('orig_sum_24h / orig_count_1h = 800; orig_sum_24h = 2400; orig_count_1h = 3 → band 2 (> 500 and ≤ 1000): 0.3');
    });

    it('does not hit when the value is NaN (a division by zero)', () => {
      // Prepare
      const sut = compileWith([{ id: 'AVG', name: 'Average amount', expression: 'orig_sum_24h / orig_count_1h', bands: [{ upTo: 1, score: 0.5 }, { score: 0.6 }] }]);

      // Act
      const result = evaluateRuleSet(sut, { ...quiet, orig_count_1h: 0 });

      // Assert
      expect(result.hits).toEqual([]);
      expect(result.decision).toBe('ALLOW');
    });
  });

  describe('condition rules and typology scores', () => {
    const rules: Rule[] = [
      { id: 'A', name: 'Busy', expression: 'orig_count_1h > 5', score: 0.1 },
      { id: 'B', name: 'Big', expression: 'orig_sum_24h >= 10_000', score: 0.2 },
      { id: 'C', name: 'Geo', expression: 'tx_high_risk_country == 1', score: 0.3 },
      { id: 'D', name: 'Tag', expression: "tx.channel == 'API'", score: 0 },
    ];

    it.each([
      [{}, [], 0, 'ALLOW'],
      [{ orig_count_1h: 6 }, ['A'], 0.1, 'ALLOW'],
      [{ orig_count_1h: 6, orig_sum_24h: 10_000 }, ['A', 'B'], 0.3, 'ALLOW'],
      [{ orig_count_1h: 6, orig_sum_24h: 10_000, tx_high_risk_country: 1 }, ['A', 'B', 'C'], 0.6, 'REVIEW'],
    ])('scores %j as the sum of its hits', (overrides, hitIds, score, decision) => {
      // Prepare
      const sut = compileWith(rules, { reviewThreshold: 0.6, blockThreshold: 0.9 });

      // Act
      const result = evaluateRuleSet(sut, { ...quiet, ...overrides });

      // Assert
      expect(result.hits.map((hit) => hit.ruleId)).toEqual(hitIds);
      expect(result.typologies).toEqual([{ id: 'velocity', name: 'Velocity', score, outcome: decision }]);
      expect(result.score).toBe(score);
      expect(result.decision).toBe(decision);
    });

    it('reaches a 0.3 review threshold with 0.1 + 0.2 (exact sums)', () => {
      // Prepare
      const sut = compileWith(rules, { reviewThreshold: 0.3, blockThreshold: 0.9 });

      // Act
      const result = evaluateRuleSet(sut, { ...quiet, orig_count_1h: 6, orig_sum_24h: 10_000 });

      // Assert
      expect(result.decision).toBe('REVIEW');
    });

    it('reports a zero-weight rule as an informational hit that adds nothing', () => {
      // Prepare
      const sut = compileWith(rules);

      // Act
      const result = evaluateRuleSet(sut, { ...quiet, 'tx.channel': 'API' });

      // Assert
      expect(result.hits.map((hit) => [hit.ruleId, hit.score, hit.explanation.text])).toEqual([['D', 0, "tx.channel = 'API' (== 'API')"]]);
      expect(result.score).toBe(0);
    });

    it('caps a typology at 1', () => {
      // Prepare
      const sut = compileWith([
        { id: 'X', name: 'x', expression: 'orig_count_1h > 0', score: 0.8 },
        { id: 'Y', name: 'y', expression: 'orig_count_1h > 0', score: 0.7 },
      ]);

      // Act
      const result = evaluateRuleSet(sut, quiet);

      // Assert
      expect(result.typologies[0]).toMatchObject({ score: 1, outcome: 'BLOCK' });
    });
  });

  it('takes the highest typology score and the most severe outcome across typologies', () => {
    // Prepare
    const sut = compileRuleSet(
      {
        version: 3,
        status: 'active',
        typologies: [
          { id: 'strict', name: 'Strict', reviewThreshold: 0.1, blockThreshold: 0.2, rules: [{ id: 'S', name: 's', expression: 'orig_count_1h > 0', score: 0.3 }] },
          { id: 'lax', name: 'Lax', reviewThreshold: 0.9, blockThreshold: 1, rules: [{ id: 'L', name: 'l', expression: 'orig_count_1h > 0', score: 0.8 }] },
        ],
      },
      schema,
    );

    // Act
    const result = evaluateRuleSet(sut, quiet);

    // Assert
    expect(result.typologies.map((t) => [t.id, t.score, t.outcome])).toEqual([
      ['strict', 0.3, 'BLOCK'],
      ['lax', 0.8, 'ALLOW'],
    ]);
    expect(result.score).toBe(0.8);
    expect(result.decision).toBe('BLOCK');
    expect(result.version).toBe(3);
  });

  it('throws MISSING_VALUE naming the feature when a value is absent', () => {
    // Prepare
    const sut = compileWith([COUNT_BANDS]);

    // Act
    const act = () => evaluateRuleSet(sut, { 'tx.channel': 'ONLINE' });

    // Assert
    expect(act).toThrow(ExpressionError);
    expect(act).toThrow(expect.objectContaining({ code: ExpressionErrorCode.MissingValue, message: "no value was given for 'orig_count_1h'" }));
  });
});

describe(bandIndex.name, () => {
  const bands = [
    { upTo: 0, score: toMicros(0) },
    { upTo: 5, score: toMicros(0.5) },
    { upTo: Number.POSITIVE_INFINITY, score: toMicros(1) },
  ];

  it.each([
    [-1, 0],
    [0, 0],
    [0.0001, 1],
    [5, 1],
    [Number.POSITIVE_INFINITY, 2],
    [Number.NaN, -1],
  ])('puts %d into band %d', (value, expected) => {
    // Act
    const index = bandIndex(bands, value);

    // Assert
    expect(index).toBe(expected);
  });
});
