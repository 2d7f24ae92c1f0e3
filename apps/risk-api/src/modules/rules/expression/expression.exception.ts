import { assertUnreachable } from '@vigil/platform';
import { SourcePosition } from './source-position';

/** Everything that can be wrong with an expression, from its characters to the values it is given. */
export enum ExpressionErrorCode {
  SourceTooLong = 'SOURCE_TOO_LONG',
  UnexpectedCharacter = 'UNEXPECTED_CHARACTER',
  UnterminatedString = 'UNTERMINATED_STRING',
  InvalidEscape = 'INVALID_ESCAPE',
  InvalidNumber = 'INVALID_NUMBER',
  UnexpectedToken = 'UNEXPECTED_TOKEN',
  UnexpectedEnd = 'UNEXPECTED_END',
  NestingTooDeep = 'NESTING_TOO_DEEP',
  ListTooLong = 'LIST_TOO_LONG',
  ChainedComparison = 'CHAINED_COMPARISON',
  UnknownIdentifier = 'UNKNOWN_IDENTIFIER',
  UnknownFunction = 'UNKNOWN_FUNCTION',
  WrongArgumentCount = 'WRONG_ARGUMENT_COUNT',
  TypeMismatch = 'TYPE_MISMATCH',
  WrongResultType = 'WRONG_RESULT_TYPE',
  /** Evaluation only: the caller's values lack a name the expression reads. */
  MissingValue = 'MISSING_VALUE',
  /** Evaluation only: a value's runtime type differs from the schema. */
  InvalidValue = 'INVALID_VALUE',
}

/** The one place codes become words (STYLE R9); the REST layer shows this above the detailed message. */
export function describeExpressionErrorCode(code: ExpressionErrorCode): string {
  switch (code) {
    case ExpressionErrorCode.SourceTooLong:
      return 'The expression is too long';
    case ExpressionErrorCode.UnexpectedCharacter:
      return 'The expression contains a character the language does not use';
    case ExpressionErrorCode.UnterminatedString:
      return 'A text literal is not closed';
    case ExpressionErrorCode.InvalidEscape:
      return 'A text literal contains an unknown escape';
    case ExpressionErrorCode.InvalidNumber:
      return 'A number is malformed';
    case ExpressionErrorCode.UnexpectedToken:
      return 'The expression is malformed';
    case ExpressionErrorCode.UnexpectedEnd:
      return 'The expression ends too early';
    case ExpressionErrorCode.NestingTooDeep:
      return 'The expression is nested too deeply';
    case ExpressionErrorCode.ListTooLong:
      return 'A list or an argument list is too long';
    case ExpressionErrorCode.ChainedComparison:
      return 'Comparisons cannot be chained';
    case ExpressionErrorCode.UnknownIdentifier:
      return 'The expression uses an unknown feature or field';
    case ExpressionErrorCode.UnknownFunction:
      return 'The expression calls an unknown function';
    case ExpressionErrorCode.WrongArgumentCount:
      return 'A function is called with the wrong number of arguments';
    case ExpressionErrorCode.TypeMismatch:
      return 'An operator or function is applied to values of the wrong type';
    case ExpressionErrorCode.WrongResultType:
      return 'The expression does not produce the kind of value required here';
    case ExpressionErrorCode.MissingValue:
      return 'A value the expression reads was not provided';
    case ExpressionErrorCode.InvalidValue:
      return 'A value provided to the expression has the wrong type';
    default:
      return assertUnreachable(code);
  }
}

/** A problem located in an expression's source; `suggestion` carries a "did you mean" name when one is close. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';

  constructor(
    readonly code: ExpressionErrorCode,
    message: string,
    readonly position: SourcePosition,
    readonly suggestion?: string,
  ) {
    super(message);
  }

  /** "UNKNOWN_IDENTIFIER at 1:13: unknown identifier 'orig_cnt1'; did you mean 'orig_count_1h'?" */
  override toString(): string {
    return `${this.code} at ${this.position.line}:${this.position.column}: ${this.message}`;
  }
}

/**
 * The source line of an error with a caret under the span, for logs and API responses:
 *   tx.amount > orig_cnt1
 *               ^^^^^^^^^
 */
export function formatExpressionError(source: string, error: ExpressionError): string {
  const { offset, column, length } = error.position;
  const start = offset - (column - 1);
  const rest = source.slice(start);
  const end = rest.search(/\r\n|\r|\n/);
  const line = end === -1 ? rest : rest.slice(0, end);
  const width = Math.max(1, Math.min(length, line.length - (column - 1)));
  return `${error.toString()}\n${line}\n${' '.repeat(column - 1)}${'^'.repeat(width)}`;
}
