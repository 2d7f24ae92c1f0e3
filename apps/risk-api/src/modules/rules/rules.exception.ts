import { assertUnreachable } from '@vigil/platform';
import { ExpressionError, ExpressionErrorCode, SourcePosition } from './expression';

/** What can be wrong with a rule set or with the score-combining configuration. */
export enum RuleSetProblemCode {
  InvalidVersion = 'INVALID_VERSION',
  InvalidStatus = 'INVALID_STATUS',
  InvalidId = 'INVALID_ID',
  DuplicateId = 'DUPLICATE_ID',
  MissingName = 'MISSING_NAME',
  ThresholdOutOfRange = 'THRESHOLD_OUT_OF_RANGE',
  ThresholdsOutOfOrder = 'THRESHOLDS_OUT_OF_ORDER',
  ScoreOutOfRange = 'SCORE_OUT_OF_RANGE',
  TooPrecise = 'TOO_PRECISE',
  InvalidShape = 'INVALID_SHAPE',
  BandsEmpty = 'BANDS_EMPTY',
  BandsOutOfOrder = 'BANDS_OUT_OF_ORDER',
  BandsOpenEnd = 'BANDS_OPEN_END',
  InvalidExpression = 'INVALID_EXPRESSION',
  UnknownCombineMethod = 'UNKNOWN_COMBINE_METHOD',
}

export function describeRuleSetProblemCode(code: RuleSetProblemCode): string {
  switch (code) {
    case RuleSetProblemCode.InvalidVersion:
      return 'The version must be a positive integer';
    case RuleSetProblemCode.InvalidStatus:
      return 'The status must be draft, active or retired';
    case RuleSetProblemCode.InvalidId:
      return 'An id must be 1 to 64 letters, digits, or . _ : -';
    case RuleSetProblemCode.DuplicateId:
      return 'An id is used twice';
    case RuleSetProblemCode.MissingName:
      return 'A name is missing';
    case RuleSetProblemCode.ThresholdOutOfRange:
      return 'A threshold must be between 0 and 1';
    case RuleSetProblemCode.ThresholdsOutOfOrder:
      return 'The review threshold must not exceed the block threshold';
    case RuleSetProblemCode.ScoreOutOfRange:
      return 'A score or weight must be between 0 and 1';
    case RuleSetProblemCode.TooPrecise:
      return 'A score, weight or threshold has more than 6 decimals';
    case RuleSetProblemCode.InvalidShape:
      return 'A field is missing or holds the wrong kind of value (a rule has either a score or bands)';
    case RuleSetProblemCode.BandsEmpty:
      return 'A banded rule needs at least one band';
    case RuleSetProblemCode.BandsOutOfOrder:
      return "Band limits ('upTo') must be finite and strictly increasing";
    case RuleSetProblemCode.BandsOpenEnd:
      return "Only the last band, and always the last band, has no 'upTo'";
    case RuleSetProblemCode.InvalidExpression:
      return 'A rule expression is invalid';
    case RuleSetProblemCode.UnknownCombineMethod:
      return 'The score-combining method is unknown';
    default:
      return assertUnreachable(code);
  }
}

/** One problem, at a path like `typologies[0].rules[2].expression`; expression problems carry the inner error. */
export interface RuleSetProblem {
  readonly code: RuleSetProblemCode;
  readonly path: string;
  readonly message: string;
  readonly expressionCode?: ExpressionErrorCode;
  readonly position?: SourcePosition;
  readonly suggestion?: string;
}

export function expressionProblem(path: string, error: ExpressionError): RuleSetProblem {
  return {
    code: RuleSetProblemCode.InvalidExpression,
    path,
    message: error.message,
    expressionCode: error.code,
    position: error.position,
    ...(error.suggestion !== undefined ? { suggestion: error.suggestion } : {}),
  };
}

/** Thrown where an invalid rule set or combine configuration would otherwise be used; carries every problem. */
export class RulesConfigError extends Error {
  override readonly name = 'RulesConfigError';

  constructor(readonly problems: readonly RuleSetProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
}
