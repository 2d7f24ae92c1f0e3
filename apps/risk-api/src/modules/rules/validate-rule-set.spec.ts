import { ExpressionErrorCode, ExpressionSchema } from './expression';
import { Band, Rule, RuleSet, Typology } from './rule-set';
import { RuleSetProblemCode, RulesConfigError } from './rules.exception';
import { compileRuleSet, validateRuleSet } from './validate-rule-set';

const schema: ExpressionSchema = { orig_count_1h: 'number', orig_sum_24h: 'number', 'tx.currency': 'string' };

function typology(overrides: Partial<Typology> = {}): Typology {
  return {
    id: 'velocity',
    name: 'Velocity',
    reviewThreshold: 0.5,
    blockThreshold: 0.9,
    rules: [
      { id: 'V-1', name: 'Busy hour', expression: 'orig_count_1h > 10', score: 0.4 },
      { id: 'V-2', name: 'Count bands', expression: 'orig_count_1h', bands: [{ upTo: 3, score: 0 }, { upTo: 10, score: 0.4 }, { score: 0.9 }] },
    ],
    ...overrides,
  };
}

function banded(bands: Band[]): Rule {
  return { id: 'X', name: 'x', expression: 'orig_count_1h', bands };
}

function ruleSet(typologies: Typology[] = [typology()], overrides: Partial<RuleSet> = {}): RuleSet {
  return { version: 1, status: 'draft', typologies, ...overrides };
}

describe(validateRuleSet.name, () => {
  it('finds nothing wrong with a valid rule set', () => {
    // Act
    const problems = validateRuleSet(ruleSet(), schema);

    // Assert
    expect(problems).toEqual([]);
  });

  it('reports an expression error at the rule path with its position and suggestion', () => {
    // Prepare
    const sut = ruleSet([
      typology(),
      typology({
        id: 'other',
        rules: [
          { id: 'O-1', name: 'a', expression: 'orig_sum_24h > 1', score: 0.1 },
          { id: 'O-2', name: 'b', expression: 'orig_sum_24h > 1', score: 0.1 },
          { id: 'O-3', name: 'c', expression: 'tx.amount > orig_cuont_1h', score: 0.2 },
        ],
      }),
    ]);

    // Act
    const problems = validateRuleSet(sut, schema);

    // Assert
    expect(problems).toEqual([
      {
        code: RuleSetProblemCode.InvalidExpression,
        path: 'typologies[1].rules[2].expression',
        message: "unknown identifier 'tx.amount'",
        expressionCode: ExpressionErrorCode.UnknownIdentifier,
        position: { offset: 0, line: 1, column: 1, length: 9 },
      },
      {
        code: RuleSetProblemCode.InvalidExpression,
        path: 'typologies[1].rules[2].expression',
        message: "unknown identifier 'orig_cuont_1h'; did you mean 'orig_count_1h'?",
        expressionCode: ExpressionErrorCode.UnknownIdentifier,
        position: { offset: 12, line: 1, column: 13, length: 13 },
        suggestion: 'orig_count_1h',
      },
    ]);
  });

  it('requires conditions to be boolean and banded expressions to be numbers', () => {
    // Prepare
    const sut = ruleSet([
      typology({
        rules: [
          { id: 'C', name: 'c', expression: 'orig_count_1h + 1', score: 0.1 },
          { id: 'B', name: 'b', expression: 'orig_count_1h > 1', bands: [{ score: 0.1 }] },
        ],
      }),
    ]);

    // Act
    const problems = validateRuleSet(sut, schema);

    // Assert
    expect(problems.map((p) => [p.path, p.expressionCode])).toEqual([
      ['typologies[0].rules[0].expression', ExpressionErrorCode.WrongResultType],
      ['typologies[0].rules[1].expression', ExpressionErrorCode.WrongResultType],
    ]);
  });

  it('reports duplicate typology and rule ids, pointing at the first use', () => {
    // Prepare
    const sut = ruleSet([typology(), typology({ name: 'again' })]);

    // Act
    const problems = validateRuleSet(sut, schema);

    // Assert
    expect(problems.map((p) => [p.code, p.path, p.message])).toEqual([
      [RuleSetProblemCode.DuplicateId, 'typologies[1].id', "typology id 'velocity' is already used at typologies[0].id"],
      [RuleSetProblemCode.DuplicateId, 'typologies[1].rules[0].id', "rule id 'V-1' is already used at typologies[0].rules[0].id"],
      [RuleSetProblemCode.DuplicateId, 'typologies[1].rules[1].id', "rule id 'V-2' is already used at typologies[0].rules[1].id"],
    ]);
  });

  it.each([
    [{ reviewThreshold: -0.1 }, RuleSetProblemCode.ThresholdOutOfRange, 'typologies[0].reviewThreshold'],
    [{ blockThreshold: 1.5 }, RuleSetProblemCode.ThresholdOutOfRange, 'typologies[0].blockThreshold'],
    [{ blockThreshold: Number.NaN }, RuleSetProblemCode.ThresholdOutOfRange, 'typologies[0].blockThreshold'],
    [{ reviewThreshold: 0.95 }, RuleSetProblemCode.ThresholdsOutOfOrder, 'typologies[0].reviewThreshold'],
    [{ reviewThreshold: 0.1234567 }, RuleSetProblemCode.TooPrecise, 'typologies[0].reviewThreshold'],
    [{ id: '' }, RuleSetProblemCode.InvalidId, 'typologies[0].id'],
    [{ id: 'has space' }, RuleSetProblemCode.InvalidId, 'typologies[0].id'],
    [{ name: '  ' }, RuleSetProblemCode.MissingName, 'typologies[0].name'],
    [{ rules: 'none' as unknown as Typology['rules'] }, RuleSetProblemCode.InvalidShape, 'typologies[0].rules'],
  ])('reports typology %j as %s at %s', (overrides, code, path) => {
    // Act
    const problems = validateRuleSet(ruleSet([typology(overrides)]), schema);

    // Assert
    expect(problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
  });

  it('accepts review equal to block, and the bounds 0 and 1', () => {
    // Act
    const sut = ruleSet([typology({ reviewThreshold: 0, blockThreshold: 0 }), typology({ id: 't2', reviewThreshold: 1, blockThreshold: 1, rules: [] })]);

    // Act
    const problems = validateRuleSet(sut, schema);

    // Assert
    expect(problems).toEqual([]);
  });

  it.each([
    [{ id: 'X', name: 'x', expression: 'orig_count_1h > 1', score: 1.01 }, RuleSetProblemCode.ScoreOutOfRange, 'typologies[0].rules[0].score'],
    [{ id: 'X', name: 'x', expression: 'orig_count_1h > 1', score: -0.01 }, RuleSetProblemCode.ScoreOutOfRange, 'typologies[0].rules[0].score'],
    [{ id: 'X', name: 'x', expression: 'orig_count_1h > 1', score: 0.1234567 }, RuleSetProblemCode.TooPrecise, 'typologies[0].rules[0].score'],
    [{ id: 'X', name: 'x', expression: 'orig_count_1h', bands: [] }, RuleSetProblemCode.BandsEmpty, 'typologies[0].rules[0].bands'],
    [banded([{ upTo: 5, score: 0.1 }, { upTo: 5, score: 0.2 }, { score: 0.3 }]), RuleSetProblemCode.BandsOutOfOrder, 'typologies[0].rules[0].bands[1].upTo'],
    [banded([{ upTo: 5, score: 0.1 }, { upTo: 3, score: 0.2 }, { score: 0.3 }]), RuleSetProblemCode.BandsOutOfOrder, 'typologies[0].rules[0].bands[1].upTo'],
    [banded([{ upTo: Number.POSITIVE_INFINITY, score: 0.1 }, { score: 0.3 }]), RuleSetProblemCode.BandsOutOfOrder, 'typologies[0].rules[0].bands[0].upTo'],
    [banded([{ score: 0.1 }, { score: 0.3 }]), RuleSetProblemCode.BandsOpenEnd, 'typologies[0].rules[0].bands[0].upTo'],
    [banded([{ upTo: 1, score: 0.1 }, { upTo: 2, score: 0.3 }]), RuleSetProblemCode.BandsOpenEnd, 'typologies[0].rules[0].bands[1].upTo'],
    [banded([{ upTo: 1, score: 2 }, { score: 0.3 }]), RuleSetProblemCode.ScoreOutOfRange, 'typologies[0].rules[0].bands[0].score'],
    [{ id: 'X', name: 'x', expression: 'orig_count_1h > 1', score: 0.1, bands: [{ score: 0.1 }] }, RuleSetProblemCode.InvalidShape, 'typologies[0].rules[0]'],
    [{ id: 'X', name: 'x', expression: 'orig_count_1h > 1' }, RuleSetProblemCode.InvalidShape, 'typologies[0].rules[0]'],
    [{ id: 'X', name: 'x', expression: 42, score: 0.1 }, RuleSetProblemCode.InvalidExpression, 'typologies[0].rules[0].expression'],
  ])('reports rule %j as %s at %s', (rule, code, path) => {
    // Prepare
    const sut = ruleSet([typology({ rules: [rule as unknown as Typology['rules'][number]] })]);

    // Act
    const problems = validateRuleSet(sut, schema);

    // Assert
    expect(problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
  });

  it.each([
    [{ version: 0 }, RuleSetProblemCode.InvalidVersion, 'version'],
    [{ version: 1.5 }, RuleSetProblemCode.InvalidVersion, 'version'],
    [{ status: 'live' as RuleSet['status'] }, RuleSetProblemCode.InvalidStatus, 'status'],
    [{ typologies: undefined as unknown as RuleSet['typologies'] }, RuleSetProblemCode.InvalidShape, 'typologies'],
  ])('reports rule set %j as %s at %s', (overrides, code, path) => {
    // Act
    const problems = validateRuleSet(ruleSet(undefined, overrides), schema);

    // Assert
    expect(problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
  });

  it('reports every problem of a rule set at once', () => {
    // Prepare
    const sut = ruleSet([typology({ reviewThreshold: 2, rules: [{ id: 'V-1', name: '', expression: 'nope', score: 3 }] })], { version: -1 });

    // Act
    const problems = validateRuleSet(sut, schema);

    // Assert
    expect(problems.map((p) => p.code)).toEqual([
      RuleSetProblemCode.InvalidVersion,
      RuleSetProblemCode.ThresholdOutOfRange,
      RuleSetProblemCode.MissingName,
      RuleSetProblemCode.ScoreOutOfRange,
      RuleSetProblemCode.InvalidExpression,
    ]);
  });
});

describe(compileRuleSet.name, () => {
  it('compiles scores to micro-units and lists every identifier the rules read', () => {
    // Act
    const compiled = compileRuleSet(
      ruleSet([
        typology({ rules: [{ id: 'A', name: 'a', expression: "orig_sum_24h > 1 and tx.currency == 'EUR'", score: 0.25 }] }),
        typology({ id: 't2', rules: [{ id: 'B', name: 'b', expression: 'orig_count_1h', bands: [{ upTo: 1, score: 0 }, { score: 0.5 }] }] }),
      ]),
      schema,
    );

    // Assert
    expect(compiled.identifiers).toEqual(['orig_sum_24h', 'tx.currency', 'orig_count_1h']);
    expect(compiled.typologies[0]).toMatchObject({
      id: 'velocity',
      review: 500_000,
      block: 900_000,
      rules: [{ kind: 'condition', id: 'A', typologyId: 'velocity', score: 250_000 }],
    });
    expect(compiled.typologies[1].rules[0]).toMatchObject({ kind: 'banded', bands: [{ upTo: 1, score: 0 }, { upTo: Number.POSITIVE_INFINITY, score: 500_000 }] });
  });

  it('throws RulesConfigError carrying every problem', () => {
    // Prepare
    const sut = ruleSet([typology({ blockThreshold: 0.1 })], { status: 'x' as RuleSet['status'] });

    // Act
    const act = () => compileRuleSet(sut, schema);

    // Assert
    expect(act).toThrow(RulesConfigError);
    expect(act).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ path: 'status' }), expect.objectContaining({ path: 'typologies[0].reviewThreshold' })] }),
    );
  });
});
