import { compile, tryCompile } from './compile';
import { ExpressionError, ExpressionErrorCode } from './expression.exception';
import { ExpressionSchema, ExpressionValues } from './value-types';

const schema: ExpressionSchema = {
  a: 'number',
  b: 'number',
  c: 'number',
  flag: 'boolean',
  other: 'boolean',
  'tx.currency': 'string',
  'tx.channel': 'string',
};
const values: ExpressionValues = { a: 10, b: 0, c: -2.5, flag: true, other: false, 'tx.currency': 'EUR', 'tx.channel': 'ONLINE' };

const run = (source: string, overrides: ExpressionValues = {}) => compile(source, schema).evaluate({ ...values, ...overrides });

describe(compile.name, () => {
  describe('arithmetic and comparisons', () => {
    it.each([
      ['a + c * 2', 5],
      ['(a + c) * 2', 15],
      ['a - 3 - 2', 5],
      ['a / 4 / 5', 0.5],
      ['a % 4', 2],
      ['-a % 4', -2],
      ['- -a', 10],
      ['1_000.5 + 0.5', 1001],
      ['abs(c) + min(a, c, 3) + max(1, 2)', 2],
      ['round(2.5) + round(-2.5) + round(1.4)', 1],
      ['floor(c) + ceil(c)', -5],
    ])('%s = %d', (source, expected) => {
      // Act
      const result = run(source);

      // Assert
      expect(result).toBe(expected);
    });

    it.each([
      ['a > 9 and a >= 10 and a < 11 and a <= 10 and a == 10 and a != 11', true],
      ["tx.currency == 'EUR' and tx.currency != 'USD'", true],
      ['flag == true and other != true', true],
      ['between(a, 10, 10) and not between(a, 11, 12)', true],
      ["lower(tx.currency) == 'eur' and upper('x') == 'X' and starts_with(tx.channel, 'ON')", true],
      ['a > 100', false],
    ])('%s is %s', (source, expected) => {
      // Act
      const result = run(source);

      // Assert
      expect(result).toBe(expected);
    });
  });

  describe('in and not in', () => {
    it.each([
      ["tx.currency in ['EUR', 'USD']", true],
      ["tx.currency in ['GBP']", false],
      ["tx.currency not in ['GBP', 'CHF']", true],
      ["tx.currency not in ['EUR']", false],
      ['a in [1, 10, -3]', true],
      ['c in [-2.5]', true],
      ['a in []', false],
      ['a not in []', true],
      ['flag in [true]', true],
    ])('%s is %s', (source, expected) => {
      // Act
      const result = run(source);

      // Assert
      expect(result).toBe(expected);
    });
  });

  describe('short-circuit', () => {
    function countingValues(): { values: ExpressionValues; reads: () => number } {
      let reads = 0;
      const counted: Record<string, unknown> = { ...values };
      Object.defineProperty(counted, 'c', {
        enumerable: true,
        get: () => {
          reads++;
          return 1;
        },
      });
      return { values: counted as ExpressionValues, reads: () => reads };
    }

    it.each([
      ['other and c > 0', false],
      ['flag or c > 0', true],
    ])('%s does not read the right side', (source, expected) => {
      // Prepare
      const { values: counted, reads } = countingValues();
      const sut = compile(source, schema);

      // Act
      const result = sut.evaluate(counted);

      // Assert
      expect(result).toBe(expected);
      expect(reads()).toBe(0);
    });

    it('does not need a value the evaluation never reaches', () => {
      // Prepare
      const sut = compile('flag or a > 1', schema);

      // Act
      const result = sut.evaluate({ flag: true });

      // Assert
      expect(result).toBe(true);
    });

    it('reads the right side when the left side does not decide', () => {
      // Prepare
      const { values: counted, reads } = countingValues();

      // Act
      const result = compile('flag and c > 0', schema).evaluate(counted);

      // Assert
      expect(result).toBe(true);
      expect(reads()).toBe(1);
    });
  });

  describe('division by zero', () => {
    it.each([
      ['a / b', Number.NaN],
      ['a % b', Number.NaN],
      ['0 / b', Number.NaN],
      ['a / b + 1', Number.NaN],
      ['abs(a / b)', Number.NaN],
      ['max(a / b, 1)', Number.NaN],
    ])('%s is NaN ("no value")', (source, expected) => {
      // Act
      const result = run(source);

      // Assert
      expect(result).toBe(expected);
    });

    it.each(['a / b > 1', 'a / b < 1', 'a / b >= 0', 'a / b <= 0', 'a / b == a / b', 'a / b != 1', 'a / b in [1]', 'a / b not in [1]', 'between(a / b, 0, 1)'])(
      '%s is false: every comparison with no value is',
      (source) => {
        // Act
        const result = run(source);

        // Assert
        expect(result).toBe(false);
      },
    );

    it('lets not negate such a comparison, as plain boolean negation', () => {
      // Act
      const result = run('not (a / b > 1)');

      // Assert
      expect(result).toBe(true);
    });

    it('treats a NaN value the caller passes the same way, without throwing', () => {
      // Act
      const result = run('a > 1 or a <= 1 or a != 0', { a: Number.NaN });

      // Assert
      expect(result).toBe(false);
    });
  });

  it('lists the identifiers it reads, each once, in order of appearance', () => {
    // Act
    const sut = compile("b > a and tx.currency == 'EUR' or a < c and abs(b) > 0", schema);

    // Assert
    expect(sut.identifiers).toEqual(['b', 'a', 'tx.currency', 'c']);
    expect(sut.type).toBe('boolean');
    expect(sut.source).toBe("b > a and tx.currency == 'EUR' or a < c and abs(b) > 0");
  });

  it('requires the result type asked for', () => {
    // Act
    const asBoolean = tryCompile('a + 1', schema, { resultType: 'boolean' });
    const asNumber = tryCompile('a + 1', schema, { resultType: 'number' });

    // Assert
    expect(asBoolean.ok).toBe(false);
    expect(!asBoolean.ok && asBoolean.errors[0].code).toBe(ExpressionErrorCode.WrongResultType);
    expect(asNumber.ok && asNumber.expression.evaluate(values)).toBe(11);
  });

  it('returns every type error from tryCompile and throws the first from compile', () => {
    // Act
    const result = tryCompile("zz > 1 or tx.currency > 'a'", schema);

    // Assert
    expect(!result.ok && result.errors.map((error) => error.code)).toEqual([
      ExpressionErrorCode.UnknownIdentifier,
      ExpressionErrorCode.TypeMismatch,
      ExpressionErrorCode.TypeMismatch,
    ]);
    expect(() => compile("zz > 1 or tx.currency > 'a'", schema)).toThrow(ExpressionError);
  });

  it('accepts a Map as the schema', () => {
    // Act
    const sut = compile('x * 2', new Map([['x', 'number']]));

    // Assert
    expect(sut.evaluate({ x: 4 })).toBe(8);
  });

  it('refuses a value of the wrong runtime type instead of coercing it', () => {
    // Prepare
    const sut = compile('a > 1', schema);

    // Act
    const act = () => sut.evaluate({ a: '5' as unknown as number });

    // Assert
    expect(act).toThrow(expect.objectContaining({ code: ExpressionErrorCode.InvalidValue }));
  });

  it('evaluates the same compiled expression many times with different values', () => {
    // Prepare
    const sut = compile('a * 2 > b', schema);

    // Act
    const results = [0, 1, 2, 3].map((b) => sut.evaluate({ a: 1, b }));

    // Assert
    expect(results).toEqual([true, true, false, false]);
  });
});
