import { ExpressionError } from '../expression.exception';

/** The ExpressionError `act` throws (specs only); any other outcome fails the spec. */
export function errorOf(act: () => unknown): ExpressionError {
  try {
    act();
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error('expected an ExpressionError');
}
