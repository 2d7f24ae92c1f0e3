/**
 * Bounds on what an expression may be, so hostile or careless input cannot exhaust the stack or the
 * heap of the decision path. Rules are written by people; none comes near these.
 */
export const EXPRESSION_LIMITS = {
  /** Characters (UTF-16 code units) in one expression. */
  maxSourceLength: 2_000,
  /** Nested parentheses, unary operators, calls and lists, counted together. */
  maxNestingDepth: 32,
  /** Elements of an `in [...]` list, and arguments of one call. */
  maxListLength: 256,
} as const;
