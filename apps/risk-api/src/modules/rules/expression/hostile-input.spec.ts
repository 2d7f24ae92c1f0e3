import { compile, tryCompile } from './compile';
import { ExpressionErrorCode } from './expression.exception';
import { EXPRESSION_LIMITS } from './limits';
import { ExpressionSchema, ExpressionValues } from './value-types';
import { errorOf } from './testing/error-of';

const schema: ExpressionSchema = { n: 'number', b: 'boolean', s: 'string' };

describe(compile.name, () => {
  describe('size limits', () => {
    it('refuses a megabyte of source before reading it', () => {
      // Prepare
      const source = 'n + '.repeat(262_144) + '1';
      const started = process.hrtime.bigint();

      // Act
      const error = errorOf(() => compile(source, schema));

      // Assert
      expect(error.code).toBe(ExpressionErrorCode.SourceTooLong);
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(100);
    });

    it('accepts exactly the maximum length', () => {
      // Prepare
      const source = 'n > 1'.padEnd(EXPRESSION_LIMITS.maxSourceLength, ' ');

      // Act
      const result = tryCompile(source, schema);

      // Assert
      expect(result.ok).toBe(true);
    });

    it('compiles and evaluates the longest operator chain that fits, without deep recursion trouble', () => {
      // Prepare: 999 additions, a left-nested tree 999 levels deep.
      const source = Array.from({ length: 1_000 }, () => '1').join('+');

      // Act
      const result = compile(source, schema).evaluate({});

      // Assert
      expect(source.length).toBeLessThanOrEqual(EXPRESSION_LIMITS.maxSourceLength);
      expect(result).toBe(1_000);
    });

    it.each([
      ['parentheses', (depth: number) => `${'('.repeat(depth)}n${')'.repeat(depth)} > 1`],
      ['unary minus', (depth: number) => `${'-'.repeat(depth)}n > 1`],
      ['not', (depth: number) => `${'not '.repeat(depth)}b`],
      ['calls', (depth: number) => `${'abs('.repeat(depth)}n${')'.repeat(depth)} > 1`],
    ])('accepts %s nested to the limit and refuses one more', (_label, nest) => {
      // Act
      const atLimit = tryCompile(nest(EXPRESSION_LIMITS.maxNestingDepth), schema);
      const beyond = errorOf(() => compile(nest(EXPRESSION_LIMITS.maxNestingDepth + 1), schema));

      // Assert
      expect(atLimit.ok).toBe(true);
      expect(beyond.code).toBe(ExpressionErrorCode.NestingTooDeep);
    });

    it('refuses 999 nested parentheses with an error, not a stack overflow', () => {
      // Act
      const error = errorOf(() => compile(`${'('.repeat(999)}${')'.repeat(999)}`, schema));

      // Assert
      expect(error.code).toBe(ExpressionErrorCode.NestingTooDeep);
      expect(error.position.column).toBe(EXPRESSION_LIMITS.maxNestingDepth + 1);
    });

    it('caps list and argument-list lengths', () => {
      // Prepare
      const list = (count: number) => `n in [${Array.from({ length: count }, (_, i) => i).join(',')}]`;
      const call = (count: number) => `max(${Array.from({ length: count }, () => '1').join(',')}) > 0`;

      // Act
      const longestList = compile(list(EXPRESSION_LIMITS.maxListLength), schema).evaluate({ n: 255 });
      const listError = errorOf(() => compile(list(EXPRESSION_LIMITS.maxListLength + 1), schema));
      const callError = errorOf(() => compile(call(EXPRESSION_LIMITS.maxListLength + 1), schema));

      // Assert
      expect(longestList).toBe(true);
      expect(listError.code).toBe(ExpressionErrorCode.ListTooLong);
      expect(callError.code).toBe(ExpressionErrorCode.ListTooLong);
    });
  });

  describe('odd characters', () => {
    it.each([
      ['zero-width space', 'n > 1\u200b', 5, 1],
      ['no-break space', 'n >\u00a01', 3, 1],
      ['line separator', 'n > 1\u2028', 5, 1],
      ['Cyrillic look-alike', 'n > 1 or \u0431 > 1', 9, 1],
      ['look-alike after a dot', 'tx.\u0430mount > 1', 3, 1],
      ['look-alike inside a name', 'orig_\u0441ount > 1', 5, 1],
      ['full-width digit', 'n > \uff11', 4, 1],
      ['right-to-left override', '\u202en > 1', 0, 1],
      ['emoji (two code units)', 'n > 1 \u{1f600}', 6, 2],
      ['lone surrogate', 'n > \ud800', 4, 1],
      ['NUL', 'n >\u0000 1', 3, 1],
      ['backtick', 'n > `1`', 4, 1],
      ['dollar', '$n > 1', 0, 1],
    ])('refuses a %s where it stands', (_label, source, offset, length) => {
      // Act
      const error = errorOf(() => compile(source, schema));

      // Assert
      expect(error.code).toBe(ExpressionErrorCode.UnexpectedCharacter);
      expect(error.position).toMatchObject({ offset, length });
      expect(error.message).toMatch(/U\+[0-9A-F]{4}/);
    });

    it('keeps any Unicode inside string literals as data', () => {
      // Prepare
      const sut = compile("s == '\u{1f600}\u202e\u0000 \\u00e9' or s in ['\ud800']", schema);

      // Act
      const results = [sut.evaluate({ s: '\u{1f600}\u202e\u0000 é' }), sut.evaluate({ s: '\ud800' }), sut.evaluate({ s: 'x' })];

      // Assert
      expect(results).toEqual([true, true, false]);
    });
  });

  describe('prototype names', () => {
    it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'])(
      "treats '%s' as unknown when the schema does not declare it",
      (name) => {
        // Act
        const error = errorOf(() => compile(`${name} == 1`, schema));

        // Assert
        expect(error.code).toBe(ExpressionErrorCode.UnknownIdentifier);
      },
    );

    it.each(['constructor', 'toString', 'eval', 'Function', 'require', '__proto__'])("refuses a call of '%s'", (name) => {
      // Act
      const error = errorOf(() => compile(`${name}('x') == 1`, schema));

      // Assert
      expect(error.code).toBe(ExpressionErrorCode.UnknownFunction);
    });

    it("reads a declared '__proto__' from the values' own property only", () => {
      // Prepare: JSON.parse and fromEntries make own properties named __proto__, as a REST body would.
      const protoSchema = Object.fromEntries([
        ['__proto__', 'number'],
        ['constructor', 'number'],
      ]) as ExpressionSchema;
      const sut = compile('__proto__ + constructor', protoSchema);
      const own = JSON.parse('{"__proto__": 5, "constructor": 2}') as ExpressionValues;

      // Act
      const result = sut.evaluate(own);
      const missing = errorOf(() => sut.evaluate({}));

      // Assert
      expect(result).toBe(7);
      expect(missing.code).toBe(ExpressionErrorCode.MissingValue);
      expect(missing.message).toContain('__proto__');
    });

    it('does not pick up a polluted Object.prototype', () => {
      // Prepare
      const sut = compile('n > 1', schema);
      const proto = Object.prototype as Record<string, unknown>;
      proto.n = 100;

      try {
        // Act
        const error = errorOf(() => sut.evaluate({}));

        // Assert
        expect(error.code).toBe(ExpressionErrorCode.MissingValue);
      } finally {
        delete proto.n;
      }
    });
  });
});
