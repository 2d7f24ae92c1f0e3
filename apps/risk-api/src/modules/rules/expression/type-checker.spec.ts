import { ExpressionErrorCode } from './expression.exception';
import { Parser } from './parser';
import { TypeChecker } from './type-checker';
import { schemaToMap, ValueType } from './value-types';

const schema = schemaToMap({
  orig_count_1h: 'number',
  orig_sum_24h: 'number',
  'tx.amount': 'number',
  'tx.currency': 'string',
  'tx.has_device': 'boolean',
});

function check(source: string) {
  return TypeChecker.check(Parser.parse(source), schema);
}

describe(TypeChecker.name, () => {
  it.each<[string, ValueType]>([
    ['tx.amount * 2 - orig_sum_24h / 3 % 2', 'number'],
    ['-orig_count_1h', 'number'],
    ["tx.currency == 'EUR'", 'boolean'],
    ['tx.has_device != true', 'boolean'],
    ["not tx.has_device or tx.currency in ['EUR', 'USD']", 'boolean'],
    ['orig_count_1h in []', 'boolean'],
    ['max(orig_count_1h, 1, 2) + abs(-1) + round(1.5) + floor(1) + ceil(1)', 'number'],
    ["upper(lower(tx.currency))", 'string'],
    ["starts_with(tx.currency, 'E') and between(tx.amount, 1, 2)", 'boolean'],
  ])('types %s as %s', (source, type) => {
    // Act
    const result = check(source);

    // Assert
    expect(result.errors).toEqual([]);
    expect(result.type).toBe(type);
  });

  it.each([
    ['tx.currency > 3', 0, 11, "'>' needs a number, not a string"],
    ["'a' and true", 0, 3, "'and' needs a boolean, not a string"],
    ['tx.amount or true', 0, 9, "'or' needs a boolean, not a number"],
    ['not tx.amount', 4, 9, "'not' needs a boolean, not a number"],
    ["-'x'", 1, 3, "unary '-' needs a number, not a string"],
    ["tx.amount + 'x'", 12, 3, "'+' needs a number, not a string"],
    ['tx.currency == 3', 0, 16, "'==' compares a string with a number"],
    ['tx.has_device != 1', 0, 18, "'!=' compares a boolean with a number"],
    ["tx.amount in [1, 'a']", 17, 3, 'the list holds a string but the value tested is a number'],
    ["tx.amount in ['a']", 14, 3, 'the list holds a string but the value tested is a number'],
    ["abs('x') > 1", 4, 3, 'argument 1 of abs(x) needs a number, not a string'],
    ["lower(tx.amount) == 'x'", 6, 9, 'argument 1 of lower(s) needs a string, not a number'],
  ])('reports %s at offset %d length %d: %s', (source, offset, length, message) => {
    // Act
    const { errors } = check(source);

    // Assert
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe(ExpressionErrorCode.TypeMismatch);
    expect(errors[0].message).toBe(message);
    expect(errors[0].position).toMatchObject({ offset, length });
  });

  it('reports an unknown identifier with its position and a close suggestion', () => {
    // Act
    const { errors } = check('tx.amount > orig_cuont_1h');

    // Assert
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: ExpressionErrorCode.UnknownIdentifier,
      suggestion: 'orig_count_1h',
      position: { offset: 12, line: 1, column: 13, length: 13 },
    });
    expect(errors[0].message).toBe("unknown identifier 'orig_cuont_1h'; did you mean 'orig_count_1h'?");
  });

  it('offers no suggestion when nothing is close', () => {
    // Act
    const { errors } = check('velocity > 1');

    // Assert
    expect(errors[0].suggestion).toBeUndefined();
    expect(errors[0].message).toBe("unknown identifier 'velocity'");
  });

  it('reports every independent error but not the ones an unknown name would cascade into', () => {
    // Act
    const { errors } = check("nope > 1 and tx.currency > 2 and nope2 + 'x' == 1");

    // Assert
    expect(errors.map((error) => [error.code, error.position.offset])).toEqual([
      [ExpressionErrorCode.UnknownIdentifier, 0],
      [ExpressionErrorCode.TypeMismatch, 13],
      [ExpressionErrorCode.UnknownIdentifier, 33],
      [ExpressionErrorCode.TypeMismatch, 41],
    ]);
  });

  it('reports an unknown function at its name, suggesting a known one', () => {
    // Act
    const { errors } = check('abss(tx.amount) > 1');

    // Assert
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: ExpressionErrorCode.UnknownFunction, suggestion: 'abs', position: { offset: 0, length: 4 } });
  });

  it.each([
    ['abs() > 1', 'abs(x) takes 1 argument, not 0'],
    ['abs(1, 2) > 1', 'abs(x) takes 1 argument, not 2'],
    ['min(1) > 1', 'min(a, b, …) takes 2 to 16 arguments, not 1'],
    ['between(1, 2) or true', 'between(x, lo, hi) takes 3 arguments, not 2'],
  ])('reports a wrong argument count in %s', (source, message) => {
    // Act
    const { errors } = check(source);

    // Assert
    expect(errors[0]).toMatchObject({ code: ExpressionErrorCode.WrongArgumentCount, message, position: { offset: 0 } });
  });

  it('does not read schema entries through the prototype', () => {
    // Act
    const { errors } = check('constructor > 1 or toString or __proto__ or hasOwnProperty');

    // Assert
    expect(errors.map((error) => error.code)).toEqual([
      ExpressionErrorCode.UnknownIdentifier,
      ExpressionErrorCode.UnknownIdentifier,
      ExpressionErrorCode.UnknownIdentifier,
      ExpressionErrorCode.UnknownIdentifier,
    ]);
  });
});
