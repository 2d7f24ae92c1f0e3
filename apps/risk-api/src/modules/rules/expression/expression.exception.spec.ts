import { compile } from './compile';
import { describeExpressionErrorCode, ExpressionError, ExpressionErrorCode, formatExpressionError } from './expression.exception';
import { SourcePosition } from './source-position';
import { ExpressionSchema, ExpressionValues } from './value-types';
import { errorOf } from './testing/error-of';

const schema: ExpressionSchema = { 'tx.amount': 'number', 'tx.currency': 'string', n1: 'number', orig_count_1h: 'number' };

interface Case {
  code: ExpressionErrorCode;
  source: string;
  position: SourcePosition;
  resultType?: 'boolean';
  values?: ExpressionValues;
}

const CASES: Case[] = [
  { code: ExpressionErrorCode.SourceTooLong, source: 'n1'.padEnd(2_001, ' '), position: { offset: 2_000, line: 1, column: 2_001, length: 1 } },
  { code: ExpressionErrorCode.UnexpectedCharacter, source: 'n1 = 1', position: { offset: 3, line: 1, column: 4, length: 1 } },
  { code: ExpressionErrorCode.UnterminatedString, source: "tx.currency == 'EUR", position: { offset: 15, line: 1, column: 16, length: 4 } },
  { code: ExpressionErrorCode.InvalidEscape, source: "tx.currency == 'E\\UR'", position: { offset: 17, line: 1, column: 18, length: 2 } },
  { code: ExpressionErrorCode.InvalidNumber, source: 'n1 > 12abc', position: { offset: 5, line: 1, column: 6, length: 5 } },
  { code: ExpressionErrorCode.UnexpectedToken, source: 'n1 > > 2', position: { offset: 5, line: 1, column: 6, length: 1 } },
  { code: ExpressionErrorCode.UnexpectedEnd, source: 'n1 >', position: { offset: 4, line: 1, column: 5, length: 0 } },
  { code: ExpressionErrorCode.NestingTooDeep, source: `${'('.repeat(33)}n1${')'.repeat(33)} > 1`, position: { offset: 32, line: 1, column: 33, length: 1 } },
  { code: ExpressionErrorCode.ListTooLong, source: `n1 in [${'1,'.repeat(256)}1]`, position: { offset: 519, line: 1, column: 520, length: 1 } },
  { code: ExpressionErrorCode.ChainedComparison, source: '1 < n1 < 3', position: { offset: 7, line: 1, column: 8, length: 1 } },
  { code: ExpressionErrorCode.UnknownIdentifier, source: 'tx.amount > tx.amoutn', position: { offset: 12, line: 1, column: 13, length: 9 } },
  { code: ExpressionErrorCode.UnknownFunction, source: 'n1 >\n  abss(n1)', position: { offset: 7, line: 2, column: 3, length: 4 } },
  { code: ExpressionErrorCode.WrongArgumentCount, source: 'abs(1, 2) > 0', position: { offset: 0, line: 1, column: 1, length: 9 } },
  { code: ExpressionErrorCode.TypeMismatch, source: 'tx.currency > 3', position: { offset: 0, line: 1, column: 1, length: 11 } },
  { code: ExpressionErrorCode.WrongResultType, source: 'n1 + 1', resultType: 'boolean', position: { offset: 0, line: 1, column: 1, length: 6 } },
  { code: ExpressionErrorCode.MissingValue, source: 'n1 > 1 or orig_count_1h > 2', values: { n1: 0 }, position: { offset: 10, line: 1, column: 11, length: 13 } },
  { code: ExpressionErrorCode.InvalidValue, source: '1 < n1', values: { n1: '5' }, position: { offset: 4, line: 1, column: 5, length: 2 } },
];

describe(ExpressionError.name, () => {
  it('has a case below for every code', () => {
    // Assert
    expect(new Set(CASES.map((c) => c.code))).toEqual(new Set(Object.values(ExpressionErrorCode)));
  });

  it.each(CASES.map((c) => [c.code, c]))('%s is raised at its position', (_code, c) => {
    // Act
    const error = errorOf(() => {
      const expression = compile(c.source, schema, c.resultType ? { resultType: c.resultType } : {});
      expression.evaluate(c.values ?? {});
    });

    // Assert
    expect(error.code).toBe(c.code);
    expect(error.position).toEqual(c.position);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('describes every code in its own words', () => {
    // Act
    const texts = Object.values(ExpressionErrorCode).map(describeExpressionErrorCode);

    // Assert
    texts.forEach((text) => expect(text).toMatch(/^[A-Z][a-z ]/));
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('carries the "did you mean" suggestion in the message and as a field', () => {
    // Act
    const error = errorOf(() => compile('tx.amount > tx.amoutn', schema));

    // Assert
    expect(error.suggestion).toBe('tx.amount');
    expect(error.toString()).toBe("UNKNOWN_IDENTIFIER at 1:13: unknown identifier 'tx.amoutn'; did you mean 'tx.amount'?");
  });

  it('formats the source line with a caret under the span', () => {
    // Prepare
    const source = 'n1 > 1 and\n  tx.currency > 3';
    const error = errorOf(() => compile(source, schema));

    // Act
    const text = formatExpressionError(source, error);

    // Assert
    expect(text).toBe("TYPE_MISMATCH at 2:3: '>' needs a number, not a string\n  tx.currency > 3\n  ^^^^^^^^^^^");
  });
});
